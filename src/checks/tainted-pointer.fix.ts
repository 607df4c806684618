/**
 * tainted-pointer fix: a NULL check before a pointer the device supplied is dereferenced, or a
 * bounds check of a device-supplied offset into an array of known size; failing the way the
 * function fails. Offsets into buffers of unknown size are left alone (no bound to check against).
 */
import { stripParens } from '../analysis/paths.js';
import type { Node } from '../c/parser.js';
import { unfixed, type Fixer } from '../fix/source.js';
import { arraySizeKnown, guardBefore } from './tainted-index.fix.js';

function offsetParts(n: Node): { base: Node; offset: Node } | undefined {
  const s = stripParens(n);
  if (s.type === 'binary_expression' && (s.child(1)?.type === '+' || s.child(1)?.type === '-')) {
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    if (l && r) return { base: l, offset: r };
  }
  if (s.type === 'pointer_expression' && s.child(0)?.type === '&') {
    const inner = s.childForFieldName('argument');
    const i = inner ? stripParens(inner) : undefined;
    if (i?.type === 'subscript_expression') {
      const base = i.childForFieldName('argument');
      const offset = i.childForFieldName('index');
      if (base && offset) return { base, offset };
    }
  }
  return undefined;
}

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
    const ptr =
      use.type === 'pointer_expression' || use.type === 'field_expression'
        ? use.childForFieldName('argument')!
        : use;
    const off = offsetParts(ptr);
    if (off) {
      const base = stripParens(off.base);
      if (!src.pure(off.offset) || !src.pure(base) || !arraySizeKnown(src, base))
        return unfixed('the buffer the offset points into has no size the code can check against');
      const o = src.text(off.offset);
      const b = src.text(base);
      return guardBefore(
        f,
        src,
        use,
        `${o} >= ARRAY_SIZE(${b})`,
        'invalid offset from the device',
        `${o} against ARRAY_SIZE(${b})`,
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
