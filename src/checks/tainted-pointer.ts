/**
 * tainted-pointer — a value read from the device is used as a pointer or a pointer offset.
 *
 * Dereferencing an address the device supplied (`*p`, `p->f` with `p` from the device), or an
 * offset the device supplied (`*(buf + off)`, `memcpy(dst, buf + off, n)`), lets a faulty device
 * point the driver anywhere. Not reported after a not-NULL or range check of the value between the
 * read and the use, or when the offset was masked or clamped.
 */
import { checkedInExpression } from '../analysis/control.js';
import { accessPath, rootOf, stripParens } from '../analysis/paths.js';
import { CHECK_NULL, CHECK_RANGE, callArgs, callName } from '../analysis/taint.js';
import { fieldOf, operatorFieldOf, type Node } from '../c/parser.js';
import { driverOwned, sourceText } from './check.js';
import type { Check } from './check.js';

const MEMORY_APIS =
  /^(memcpy|memmove|memset|memcmp|memcpy_toio|memcpy_fromio|memset_io|copy_to_user|copy_from_user|strcpy|strncpy|strscpy|skb_put_data|skb_copy_to_linear_data|skb_copy_from_linear_data)$/;

/** `base + off`, `base - off`, `&base[off]`: a pointer the offset moves. */
export function isOffsetExpr(n: Node): { base: Node; offset: Node } | undefined {
  const s = stripParens(n);
  if (s.type === 'binary_expression' && (s.child(1)?.type === '+' || s.child(1)?.type === '-')) {
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    if (l && r) return { base: l, offset: r };
  }
  if (s.type === 'pointer_expression' && s.child(0)?.type === '&') {
    const a = s.childForFieldName('argument');
    const inner = a ? stripParens(a) : undefined;
    if (inner?.type === 'subscript_expression') {
      const base = inner.childForFieldName('argument');
      const offset = inner.childForFieldName('index');
      if (base && offset) return { base, offset };
    }
  }
  return undefined;
}

export const taintedPointer: Check = {
  meta: {
    id: 'tainted-pointer',
    title: 'Device data used as a pointer or pointer offset without a check',
    description:
      'An address or offset read from the device is dereferenced with no check. A faulty device can make the driver read or write arbitrary kernel memory.',
    severity: 'error',
    category: 'unsafe pointer',
  },
  detect(ctx) {
    if (!ctx.fn.touchesDevice) return;
    const seen = new Set<number>();
    // `*p` and `p->f` dereference `p` (`&x` and `s.f` do not).
    for (const [d, deref] of [
      ...ctx.fn.fn.index.of('pointer_expression').map((d) => [d, '*'] as const),
      ...ctx.fn.fn.index.of('field_expression').map((d) => [d, '->'] as const),
    ]) {
      const ptr = fieldOf(d, 'argument');
      if (!ptr) continue;
      // Fast path: a plain path whose root never holds device data cannot be tainted.
      const path = accessPath(ptr);
      if (path && !ctx.fn.taintedRoots.has(rootOf(path))) continue;
      if (operatorFieldOf(d) !== deref) continue;
      // For `*(base + off)` judge the offset (a mask on it bounds the access), else the pointer.
      const off = isOffsetExpr(ptr);
      // (Device-filled contents of an array are not its address: judge only the offset there.)
      const t = off ? ctx.taintOf(off.offset) : ctx.taintOf(ptr);
      if (
        !t ||
        t.checks & (CHECK_NULL | CHECK_RANGE) ||
        t.maxValue !== undefined ||
        t.masked ||
        driverOwned(t, ctx)
      )
        continue;
      // Device memory holds bus addresses, not kernel pointers; and a pointer computed earlier from
      // an offset is judged where the offset is added (below), not at every later use.
      // Device memory and device-filled buffers hold bus addresses and data, not kernel pointers:
      // a pointer "from" them is an address inside them. A pointer computed earlier from an offset
      // is judged where the offset is added.
      if (!off && (t.source.kind !== 'return' || t.derived)) continue;
      const pp = accessPath(off ? off.offset : ptr);
      if (pp && checkedInExpression(d, pp, CHECK_NULL | CHECK_RANGE)) continue;
      if (seen.has(ptr.id)) continue;
      seen.add(ptr.id);
      ctx.report({
        node: d,
        message: off
          ? `device data from ${sourceText(t)} offsets a pointer that is dereferenced with no check`
          : `device data from ${sourceText(t)} is dereferenced as a pointer with no check`,
        taint: t,
        use: off
          ? `pointer ${off.base.text} offset by device data and dereferenced`
          : `dereferenced as a pointer`,
      });
    }
    for (const call of ctx.fn.fn.index.of('call_expression')) {
      const name = callName(call);
      if (!MEMORY_APIS.test(name)) continue;
      for (const a of callArgs(call).slice(0, 2)) {
        const off = isOffsetExpr(a);
        if (!off) continue;
        const t = ctx.taintOf(off.offset);
        // A u8/u16 offset reaches at most 255/65535 bytes: config-space-sized maps are safe.
        const ov = stripParens(off.offset);
        const decl = ov.type === 'identifier' ? ctx.fn.fn.locals.get(ov.text) : undefined;
        if (
          decl &&
          decl.pointerDepth === 0 &&
          /\b(u8|__u8|uint8_t|u_int8_t|u_char|uchar|unsigned char)\b/.test(decl.type)
        )
          continue;
        if (!t || t.checks & CHECK_RANGE || t.maxValue !== undefined || t.masked || driverOwned(t, ctx))
          continue;
        ctx.report({
          node: a,
          message: `device data from ${sourceText(t)} offsets the ${name}() buffer ${off.base.text} with no bounds check`,
          taint: t,
          use: `offset into ${off.base.text} passed to ${name}()`,
        });
      }
    }
  },
};
