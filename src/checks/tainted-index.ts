/**
 * tainted-index — a value read from the device indexes an array with no bounds check.
 *
 * A device that returns a bad value (a flipped bit, all ones) makes the driver read or write out of
 * bounds. Not reported when a check of the index lies between the read and the use (`if (i >= N)`,
 * a `switch`, `WARN_ON(i >= N)`), when the value was masked, reduced or clamped below the array's
 * size (`i & 0xf`, `i % N`, `min(i, N - 1)`), or when the index's type cannot exceed the array
 * (a `u8` into 256 entries). Arrays of unknown size (pointers, `[]`) count as safe once masked.
 */
import { checkedInExpression } from '../analysis/control.js';
import { accessPath, stripParens } from '../analysis/paths.js';
import { arrayDeclOf, upperBound } from '../analysis/ranges.js';
import { CHECK_RANGE, unsignedMax } from '../analysis/taint.js';
import { parentOf, type Node } from '../c/parser.js';
import { driverOwned, sourceText } from './check.js';
import type { Check } from './check.js';

/**
 * `&tbl[i] == p`: the element's address is computed and compared, nothing is read or written
 * through it (an address handed on or dereferenced later is still a use).
 */
function addressOnlyCompared(sub: Node): boolean {
  let n = sub;
  while (parentOf(n)?.type === 'parenthesized_expression') n = parentOf(n)!;
  const addr = parentOf(n);
  if (addr?.type !== 'pointer_expression' || addr.child(0)?.type !== '&') return false;
  let a: Node = addr;
  while (parentOf(a)?.type === 'parenthesized_expression') a = parentOf(a)!;
  const cmp = parentOf(a);
  return cmp?.type === 'binary_expression' && /^(==|!=)$/.test(cmp.child(1)?.type ?? '');
}

export const taintedIndex: Check = {
  meta: {
    id: 'tainted-index',
    title: 'Device data used as an array index without a bounds check',
    description:
      'A value read from the device selects an array element with no check between the read and the use. A faulty device can return any value and make the driver read or corrupt memory out of bounds.',
    severity: 'error',
    category: 'unsafe array reference',
  },
  detect(ctx) {
    if (!ctx.fn.touchesDevice) return;
    for (const sub of ctx.fn.fn.index.of('subscript_expression')) {
      const index = sub.childForFieldName('index');
      const base = sub.childForFieldName('argument');
      if (!index || !base) continue;
      if (parentOf(sub)?.type === 'sizeof_expression' || addressOnlyCompared(sub)) continue;
      const t = ctx.taintOf(index);
      if (!t || t.checks & CHECK_RANGE || driverOwned(t, ctx)) continue;
      const ip = accessPath(index);
      if (ip && checkedInExpression(sub, ip, CHECK_RANGE)) continue;
      const decl = arrayDeclOf(base, ctx);
      const size = decl?.arrayDims[0];
      const isArray = (decl?.arrayDims.length ?? 0) > 0;
      let max = t.maxValue;
      const idx = stripParens(index);
      if (idx.type === 'identifier') {
        const v = ctx.fn.fn.locals.get(idx.text);
        const tm = v && v.pointerDepth === 0 ? unsignedMax(v.type) : undefined;
        if (tm !== undefined && (max === undefined || tm < max)) max = tm;
      }
      if (t.masked && (max === undefined || size === undefined)) continue;
      if (size !== undefined) {
        // Against a known size the data's width counts too: a byte read kept in an `int` or passed
        // as an `unsigned int` still indexes 256 entries safely.
        const width = upperBound(t);
        if ((max !== undefined && max < size) || (width !== undefined && width < size)) continue;
      } else if (max !== undefined) continue;
      const what = isArray && size !== undefined ? `${base.text}[${size}]` : `${base.text} (size unknown)`;
      ctx.report({
        node: sub,
        message: `device data from ${sourceText(t)} indexes ${what} with no bounds check`,
        taint: t,
        use: `used as an index into ${what}${max !== undefined ? ` (value can reach ${max})` : ''}`,
      });
    }
  },
};
