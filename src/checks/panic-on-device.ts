/**
 * panic-on-device — the kernel is brought down because of a value the device returned.
 *
 * `BUG_ON(cond)` with `cond` depending on device data, or `panic()`/`BUG()` under a condition on
 * device data. A device fault should fail the driver, not the machine: `WARN_ON` and an error
 * return let the system and the driver recover.
 */
import { guardsOf } from '../analysis/control.js';
import { stripParens } from '../analysis/paths.js';
import { cannotHold } from '../analysis/ranges.js';
import { CHECK_RANGE, callArgs, callName } from '../analysis/taint.js';
import type { Node } from '../c/parser.js';
import { sourceText, type Check, type CheckContext } from './check.js';

const squash = (n: Node) => stripParens(n).text.replace(/\s+/g, '');

/**
 * `BUG_ON(!x)` or `BUG_ON(x == 0)` on a parameter `x` that every caller in the module passes only
 * under a test that it is non-zero (`if (st & MASK) handle(host, st & MASK);`): Carburizer's
 * not-NULL check between the read and the use, made in the caller. The assertion cannot fire.
 */
function callersTestedNonZero(cond: Node, ctx: CheckContext): boolean {
  const s = stripParens(cond);
  let v: Node | null | undefined;
  if (s.type === 'unary_expression' && s.child(0)?.type === '!') v = s.childForFieldName('argument');
  else if (
    s.type === 'binary_expression' &&
    s.child(1)?.type === '==' &&
    s.childForFieldName('right')?.text === '0'
  )
    v = s.childForFieldName('left');
  if (!v || stripParens(v).type !== 'identifier') return false;
  const i = ctx.fn.fn.params.findIndex((p) => p.name === stripParens(v).text);
  const cs = ctx.module.callSites;
  const sites = cs?.sites.get(ctx.fn.fn.name);
  if (i < 0 || !cs?.directOnly.has(ctx.fn.fn.name) || !sites?.length) return false;
  return sites.every(({ call, caller }) => {
    const arg = callArgs(call)[i];
    if (!arg) return false;
    const a = squash(arg);
    return guardsOf(call, caller.body).some((g) => {
      const c = stripParens(g.cond);
      if (g.polarity && squash(c) === a) return true;
      // `if (x != 0)`
      return (
        g.polarity &&
        c.type === 'binary_expression' &&
        c.child(1)?.type === '!=' &&
        c.childForFieldName('right')?.text === '0' &&
        squash(c.childForFieldName('left')!) === a
      );
    });
  });
}

export const panicOnDevice: Check = {
  meta: {
    id: 'panic-on-device',
    title: 'Kernel panic on a value read from the device',
    description:
      'BUG_ON, BUG or panic is reached because of data read from the device. A transient hardware fault then crashes the whole system instead of failing one operation.',
    severity: 'error',
    category: 'system panic',
  },
  detect(ctx) {
    if (!ctx.fn.touchesDevice) return;
    const body = ctx.fn.fn.body;
    for (const call of ctx.fn.fn.index.of('call_expression')) {
      const name = callName(call);
      if (name === 'BUG_ON') {
        const cond = callArgs(call)[0];
        const t = cond ? ctx.taintOf(cond) : undefined;
        // An assertion after a range check of the same value cannot be reached by device data.
        if (!t || t.checks & CHECK_RANGE) continue;
        // An assertion the data's range makes false (`page >= 256` of a byte read) cannot fire.
        if (cannotHold(cond, ctx)) continue;
        // Every caller passes the value only when it is non-zero.
        if (t.viaArgument && callersTestedNonZero(cond, ctx)) continue;
        ctx.report({
          node: call,
          message: `BUG_ON() on device data from ${sourceText(t)}: a device fault crashes the kernel`,
          taint: t,
          use: 'BUG_ON() condition depends on the device',
        });
      } else if (name === 'panic' || name === 'BUG') {
        for (const g of guardsOf(call, body)) {
          const t = ctx.taintOf(g.cond);
          if (!t) continue;
          // Under a test the data's range makes false: never reached.
          if (g.polarity && cannotHold(g.cond, ctx)) break;
          ctx.report({
            node: call,
            message: `${name}() under a condition on device data from ${sourceText(t)}: a device fault crashes the kernel`,
            taint: t,
            use: `${name}() reached when the device returns this value`,
          });
          break;
        }
      }
    }
  },
};
