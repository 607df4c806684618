import { describe, expect, it } from 'vitest';
import { errorExtent, parseC } from '../../src/c/parser.js';
import { iteratorCalls, OffsetMap, prepareKernelC } from '../../src/c/preprocess.js';
import { getParser } from '../../src/c/parser.js';

describe('kernel-aware preparation', () => {
  it('blanks annotations without moving any byte', () => {
    const src = 'static int __init foo_init(void __iomem *p, char __user *u) { return 0; }';
    const out = prepareKernelC(src);
    expect(out.text.length).toBe(src.length);
    expect(out.text).not.toMatch(/__init|__iomem|__user/);
    expect(out.map.isIdentity).toBe(true);
  });

  it('blanks annotations with arguments', () => {
    const src = 'static void f(void) __acquires(&lock) __releases(x);\nstruct s { int a; } __aligned(8);';
    const out = prepareKernelC(src).text;
    expect(out).not.toMatch(/__acquires|__releases|__aligned/);
    expect(out.length).toBe(src.length);
  });

  it('keeps the first branch of #if groups and the #else of #if 0', () => {
    const src = [
      '#ifdef CONFIG_PM',
      'int a;',
      '#else',
      'int b;',
      '#endif',
      '#if 0',
      'int c;',
      '#else',
      'int d;',
      '#endif',
    ].join('\n');
    const out = prepareKernelC(src).text;
    expect(out).toContain('int a;');
    expect(out).not.toContain('int b;');
    expect(out).not.toContain('int c;');
    expect(out).toContain('int d;');
    expect(out.split('\n').length).toBe(src.split('\n').length);
  });

  it('turns a type argument into one identifier', () => {
    const out = prepareKernelC('p = container_of(x, struct foo_priv, member);').text;
    expect(out).toContain('struct_foo_priv,');
  });

  it('turns GNU case ranges into an expression', () => {
    const out = prepareKernelC('switch (x) { case 1 ... 5: break; }').text;
    expect(out).not.toContain('...');
  });

  it('wraps iterator macros as while loops and maps offsets back', () => {
    const src = 'void f(void) {\n\tlist_for_each_entry(pos, head, list) {\n\t\tpos->x++;\n\t}\n}\n';
    const { text, map } = prepareKernelC(src);
    expect(text).toContain('while (list_for_each_entry(pos, head, list)) {');
    const inT = text.indexOf('pos->x');
    expect(map.toOriginal(inT)).toBe(src.indexOf('pos->x'));
  });

  it('does not wrap an iterator-like call used as an expression statement', () => {
    const src = 'void f(void) { for_each_thing(a, b); }';
    expect(prepareKernelC(src).text).toBe(src);
  });

  it('OffsetMap maps positions after several insertions', () => {
    const m = new OffsetMap([
      { origAt: 5, len: 3 },
      { origAt: 10, len: 2 },
    ]);
    expect(m.toOriginal(4)).toBe(4);
    expect(m.toOriginal(6)).toBe(5); // inside the first insertion
    expect(m.toOriginal(8)).toBe(5);
    expect(m.toOriginal(12)).toBe(9);
    expect(m.toOriginal(15)).toBe(10); // inside the second insertion
    expect(m.toOriginal(16)).toBe(11);
  });
});

describe('parsing kernel idioms', () => {
  const KERNEL_C = `#include <linux/module.h>
static int __init drv_init(void)
{
	struct item *it;
	void __iomem *base = priv->base;
	struct drv_priv *p = container_of(work, struct drv_priv, work);
	list_for_each_entry(it, &p->items, node) {
		it->count++;
	}
	for_each_set_bit(bit, &mask, 32) {
		clear_bit(bit, &mask);
	}
	switch (readl(base)) {
	case 0x10 ... 0x1f:
		break;
	}
#ifdef CONFIG_PM
	if (p->pm) {
#else
	if (0) {
#endif
		p->x = 1;
	}
	return 0;
}
static void __exit drv_exit(void) { }
`;

  it('parses a kernel-style function with no ERROR node after preparation', async () => {
    const f = await parseC('k.c', KERNEL_C);
    expect(errorExtent(f.tree.rootNode).errorBytes).toBe(0);
    const names = f.tree.rootNode.namedChildren.filter((n) => n?.type === 'function_definition').length;
    expect(names).toBe(2);
    f.dispose();
  });

  it('has fewer error bytes than the raw text gives tree-sitter', async () => {
    const parser = await getParser();
    const raw = parser.parse(KERNEL_C)!;
    expect(errorExtent(raw.rootNode).errorBytes).toBeGreaterThan(0);
    raw.delete();
  });

  it('reports positions in the original text', async () => {
    const f = await parseC('k.c', KERNEL_C);
    const body = f.tree.rootNode.descendantsOfType('update_expression')[0]!;
    const p = f.pos(body);
    expect(KERNEL_C.split('\n')[p.line - 1]!.slice(p.column - 1)).toMatch(/^it->count\+\+/);
    f.dispose();
  });
});

describe('iterator macro calls', () => {
  it('finds what the word regex finds, from the for_each literal', () => {
    const text = [
      'list_for_each_entry(pos, &head, node) {',
      'for_each_set_bit (bit, &mask, 32)',
      'hlist_for_each_entry_safe\t(p, n, h, node)',
      'x = for_each_count;', // no call
      'scoped_guard(spinlock, &lock) {',
      'myscoped_guard(spinlock, &lock)', // not the guard
      'scoped_guard_x(a)', // not the guard
      'scoped_cond_guard(mutex, return -EINTR, &m) {',
      'do_for_each_thing(a)(b)',
      'for_each(x)',
    ].join('\n');
    const re = /\b(\w*for_each\w*|scoped_guard|scoped_cond_guard)[ \t]*\(/g;
    const expected = [...text.matchAll(re)].map((m) => ({
      index: m.index,
      name: m[1],
      end: m.index + m[0].length,
    }));
    expect([...iteratorCalls(text)]).toEqual(expected);
    expect(expected.map((m) => m.name)).toEqual([
      'list_for_each_entry',
      'for_each_set_bit',
      'hlist_for_each_entry_safe',
      'scoped_guard',
      'scoped_cond_guard',
      'do_for_each_thing',
      'for_each',
    ]);
  });
});
