/**
 * tainted-pointer fix: a NULL check before a pointer the device supplied is dereferenced, or a
 * bounds check of a device-supplied offset into an array of known size; failing the way the
 * function fails. Offsets into buffers of unknown size are left alone (no bound to check against).
 */
import { stripParens } from '../analysis/paths.js';
import { operand, unfixed, type Fixer } from '../fix/source.js';
import { guardBefore } from './tainted-index.fix.js';
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
      return guardBefore(
        f,
        src,
        use,
        `${operand(o, off.offset)} >= ${operand(bound)}`,
        'invalid offset from the device',
        count ? `${o} against the allocated count ${count}` : `${o} against the buffer's size ${bound}`,
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
