/**
 * panic-on-device — the kernel is brought down because of a value the device returned.
 *
 * `BUG_ON(cond)` with `cond` depending on device data, or `panic()`/`BUG()` under a condition on
 * device data. A device fault should fail the driver, not the machine: `WARN_ON` and an error
 * return let the system and the driver recover.
 */
import { guardsOf } from '../analysis/control.js';
import { CHECK_RANGE, callArgs, callName } from '../analysis/taint.js';
import type { Check } from './check.js';

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
        ctx.report({
          node: call,
          message: `BUG_ON() on device data from ${t.source.api}(): a device fault crashes the kernel`,
          taint: t,
          use: 'BUG_ON() condition depends on the device',
        });
      } else if (name === 'panic' || name === 'BUG') {
        for (const g of guardsOf(call, body)) {
          const t = ctx.taintOf(g.cond);
          if (!t) continue;
          ctx.report({
            node: call,
            message: `${name}() under a condition on device data from ${t.source.api}(): a device fault crashes the kernel`,
            taint: t,
            use: `${name}() reached when the device returns this value`,
          });
          break;
        }
      }
    }
  },
};
