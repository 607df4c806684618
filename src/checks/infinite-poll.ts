/**
 * infinite-poll — a loop that waits for the device with no way out if the device never answers.
 *
 * Carburizer: a loop is reported when every exit depends on device data and it has no bound. An
 * exit is the loop condition or a break/return/goto inside it; the device can avoid an exit when it
 * can hold the exit's condition at the value that keeps looping (a stuck bit, a removed device
 * reading all ones). A bound is any exit the device cannot hold off — a counter compared with a
 * limit, `jiffies`/`time_after`/a compared clock reading — or a timed primitive in the loop (`*_timeout`,
 * wait_event, a called module function with a timeout of its own). `udelay`, `msleep` and `cpu_relax` are not
 * bounds. Also reported: the `*_poll_timeout*()` helpers called with `timeout_us == 0`, which
 * iopoll.h defines as "never time out".
 */
import {
  changedInLoop,
  comparesMovingValue,
  deviceCanHold,
  hasTimeBound,
  loopExits,
  mentions,
  progressPaths,
  ringWalkEnds,
} from '../analysis/control.js';
import { integerType, upperBound } from '../analysis/ranges.js';
import { callArgs, callName } from '../analysis/taint.js';
import type { Taint } from '../analysis/taint.js';
import { evalConstant } from '../c/model.js';
import { POLL_HELPER } from '../analysis/kernel-apis.js';
import type { Node } from '../c/parser.js';
import { stripParens } from '../analysis/paths.js';
import { sourceText, type Check } from './check.js';

/** Position of `timeout_us` in the iopoll family; the rest take it last. */
const TIMEOUT_ARG: Record<string, number> = {
  read_poll_timeout: 4,
  read_poll_timeout_atomic: 4,
  readx_poll_timeout: 5,
  readx_poll_timeout_atomic: 5,
  phy_read_poll_timeout: 5,
  phy_read_mmd_poll_timeout: 6,
  regmap_read_poll_timeout: 5,
  regmap_read_poll_timeout_atomic: 5,
  regmap_field_read_poll_timeout: 4,
};

/**
 * The position of a poll helper call's `timeout_us` when it is 0 — iopoll.h's "no timeout" — or
 * undefined (another timeout, or not a poll helper).
 */
export function zeroTimeoutArg(call: Node): number | undefined {
  const name = callName(call);
  if (!POLL_HELPER.test(name)) return undefined;
  const args = callArgs(call);
  const idx = TIMEOUT_ARG[name] ?? args.length - 1;
  const arg = args[idx];
  return arg && evalConstant(arg.text) === 0 ? idx : undefined;
}

export const infinitePoll: Check = {
  meta: {
    id: 'infinite-poll',
    title: 'Polling loop with no timeout waits on the device',
    description:
      'A loop whose every exit depends on a value read from the device, with no counter or time limit. A device that is stuck, removed or returns all ones keeps the loop spinning and hangs the CPU or the task.',
    severity: 'error',
    category: 'infinite polling',
  },
  detect(ctx) {
    const { fn } = ctx;
    for (const loop of fn.touchesDevice ? fn.cfg.loops : []) {
      const exits = loopExits(loop, fn.fn.index);
      let deviceExit: { node: typeof loop.node; taint: Taint } | undefined;
      const taintOf = (n: typeof loop.node) => {
        const t = ctx.taintOf(n);
        if (t && !deviceExit) deviceExit = { node: n, taint: t };
        return t;
      };
      const progress = progressPaths(loop.node, fn.fn.index);
      const moving = changedInLoop(loop.node, fn.fn.index);
      const plainTaint = (n: typeof loop.node) => ctx.taintOf(n);
      const bounded = (c: typeof loop.node) => {
        // `while (i++, (m - start) < count)`: only the last operand is tested; a counter stepped
        // beside the test and never compared is no bound.
        const tested = lastOperand(c);
        return mentions(tested, progress) || comparesMovingValue(tested, moving, progress, plainTaint);
      };
      // A walk round a ring toward an index read once ends within one turn.
      const ringEnds = (c: typeof loop.node) =>
        ringWalkEnds(
          loop,
          c,
          fn.fn.index,
          (n) => {
            const t = plainTaint(n);
            return t ? upperBound(t) : undefined;
          },
          ctx.module.constants,
          (path) => {
            const v = fn.fn.locals.get(path);
            return v && v.pointerDepth === 0 && v.arrayDims.length === 0
              ? integerType(v.type)?.bits
              : undefined;
          },
        );
      const avoidable = exits.map((e) =>
        e.kind === 'condition'
          ? deviceCanHold(e.node, true, taintOf) && !bounded(e.node) && !ringEnds(e.node)
          : // Carburizer's counter rule: an exit behind a test of a counter the loop moves is a bound.
            e.guards.length > 0 &&
            !e.guards.some((g) => bounded(g.cond)) &&
            e.guards.some((g) => deviceCanHold(g.cond, !g.polarity, taintOf)),
      );
      if (!loop.cond && exits.length === 0) continue; // for (;;) with no exit: not a poll
      if (!avoidable.every(Boolean) || !deviceExit) continue;
      if (hasTimeBound(loop.node, fn, ctx.module.summaries)) continue;
      const t = deviceExit.taint;
      // A loop over DMA descriptors that advances through the ring consumes what the device
      // completed; it is not a wait for the device.
      if (t.source.category === 'dma' && (progress.size > 0 || moving.paths.size > 0)) continue;
      ctx.report({
        node: loop.node.type === 'do_statement' ? loop.node : loop.node.child(0)!,
        message: `loop waits on device data from ${sourceText(t)} with no timeout: a stuck or removed device hangs here`,
        taint: t,
        use: `every exit of this ${loop.kind} loop depends on the device; none is bounded`,
      });
    }
    // (The model's calls are named already: only poll helpers are looked at closer.)
    for (const { node: call, name, direct } of fn.fn.calls) {
      if (!direct || !POLL_HELPER.test(name)) continue;
      const idx = zeroTimeoutArg(call);
      if (idx === undefined) continue;
      ctx.report({
        node: call,
        message: `${name}() with timeout_us = 0 never times out: a stuck device hangs here`,
        use: `timeout_us is 0 (argument ${idx + 1}), which iopoll.h defines as no timeout`,
      });
    }
  },
};

/** The operand of a condition that is tested: the last of a comma expression, else the condition. */
function lastOperand(cond: Node): Node {
  let n = stripParens(cond);
  while (n.type === 'comma_expression') {
    const r = n.childForFieldName('right');
    if (!r) break;
    n = stripParens(r);
  }
  return n;
}
