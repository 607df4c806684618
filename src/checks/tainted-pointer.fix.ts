/**
 * tainted-pointer fix: a NULL check before a pointer the device supplied is dereferenced, or a
 * bounds check of a device-supplied offset into an array of known size; failing the way the
 * function fails. Offsets into buffers of unknown size are left alone (no bound to check against).
 */
import { stripParens } from '../analysis/paths.js';
import type { Node } from '../c/parser.js';
import { operand, unfixed, unparen, type FixSource, type Fixer } from '../fix/source.js';
import { guardBefore, signedVariable } from './tainted-index.fix.js';
import { isOffsetExpr } from './tainted-pointer.js';

export const taintedPointerFix: Fixer = {
  checkId: 'tainted-pointer',
  fix(f, src) {
    const fn = src.functionOf(f);
    if (!fn) return unfixed('function not found in the parsed file');
    const use = src.nodeAt(
      fn,
      [
        'pointer_expression',
        'field_expression',
        'binary_expression',
        'cast_expression',
        'parenthesized_expression',
        'identifier',
      ],
      f,
      true,
    );
    if (!use) return unfixed('pointer use not found');
    // A dereference (`*p`, `p->f`) is judged by its pointer; `&buf[off]` and `buf + off` are the
    // offset expression themselves.
    const deref =
      (use.type === 'pointer_expression' && use.child(0)?.type === '*') || use.type === 'field_expression';
    const ptr = deref ? use.childForFieldName('argument')! : use;
    const off = isOffsetExpr(ptr);
    if (off) {
      const base = stripParens(off.base);
      if (!src.pure(off.offset, true) || !src.pure(base))
        return unfixed('the buffer the offset points into has no size the code can check against');
      const o = src.text(off.offset);
      const b = src.text(base);
      if (src.isSizedArray(fn, base))
        return guardBefore(
          f,
          src,
          use,
          `${operand(o, off.offset)} >= ARRAY_SIZE(${b})`,
          'invalid offset from the device',
          `${o} against ARRAY_SIZE(${b})`,
          off.offset,
        );
      // A buffer the driver allocated: its allocated count is the bound; else the size the
      // buffer's struct states beside it (`buf->va` with `buf->size`).
      const count = src.allocatedCount(base) ?? src.elementCount(fn, base, use);
      const stated = count ? undefined : src.statedSize(fn, base);
      const bound = count ?? stated;
      if (!bound) return unfixed('the buffer the offset points into has no size the code can check against');
      // `i * SZ` into a region of `SZ * N`: check the slot, `i >= N` (the same check as the
      // index's into the region's companion arrays, so one check covers them all).
      const slot = slotOf(src, off.offset, bound);
      const [checkedText, limit] = slot ? [src.text(slot.index), slot.count] : [o, bound];
      const neg = slot && signedVariable(fn, slot.index) ? `${checkedText} < 0 || ` : '';
      return guardBefore(
        f,
        src,
        use,
        `${neg}${operand(checkedText, slot?.index ?? off.offset)} >= ${operand(limit)}`,
        'invalid offset from the device',
        count
          ? `${checkedText} against the ${slot ? 'slot count' : 'allocated count'} ${limit}`
          : `${o} against the buffer's size ${bound}`,
        off.offset,
      );
    }
    if (!src.pure(ptr)) return unfixed('the pointer expression has side effects (needs a temporary)');
    const p = src.text(ptr);
    return guardBefore(
      f,
      src,
      use,
      `!${/^[\w>.-]+$/.test(p) ? p : `(${p})`}`,
      'invalid pointer from the device',
      `${p} for NULL`,
      ptr,
    );
  },
};

/** One factor of a product's text (`SZ` or `N` of `SZ * N`, `(SZ) * N`), spaces and outer parentheses dropped. */
const factors = (text: string): [string, string] | undefined => {
  const m = /^\(?\s*([\w>.-]+|\([^()]*\))\s*\*\s*([\w>.-]+|\([^()]*\))\s*\)?$/.exec(text.trim());
  return m ? [m[1]!.replace(/\s+/g, ''), m[2]!.replace(/\s+/g, '')] : undefined;
};

/**
 * An offset `i * SZ` (or `SZ * i`) into a region of `SZ * N` bytes (or `N * SZ`): slot `i` of `N`
 * slots of `SZ` bytes. The check `i >= N` says the same without the multiplication (which can wrap).
 */
function slotOf(src: FixSource, offset: Node, bound: string): { index: Node; count: string } | undefined {
  const o = unparen(offset);
  if (o.type !== 'binary_expression' || o.child(1)?.type !== '*') return undefined;
  const size = factors(bound);
  if (!size) return undefined;
  const l = o.childForFieldName('left')!;
  const r = o.childForFieldName('right')!;
  for (const [index, factor] of [
    [l, r],
    [r, l],
  ] as const) {
    const k = src.text(factor).replace(/\s+/g, '');
    if (size[0] === k && size[1] !== k) return { index, count: size[1] };
    if (size[1] === k && size[0] !== k) return { index, count: size[0] };
  }
  return undefined;
}
