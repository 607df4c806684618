/**
 * silent-failure — the driver sees the device fail and returns an error without saying so.
 *
 * A branch on device data that returns (or jumps out with) an error code, with no log message on
 * the way — neither in the branch, nor in a function it calls, nor at the `goto` label it jumps to.
 * Operators then see an I/O error with no trace of which device misbehaved. Codes that mean
 * "retry" or "not supported" (-EAGAIN, -EBUSY, -EOPNOTSUPP, ...) are normal control flow and not
 * reported; nor is passing on a bus helper's own error (`if (ret < 0) return ret;`).
 */
import { failureIn, labelTail, logs } from '../analysis/control.js';
import { stripParens } from '../analysis/paths.js';
import type { Node } from '../c/parser.js';
import type { Check } from './check.js';

/** `x < 0` style tests of a value that is also an errno: error propagation, not device data. */
function isErrnoTest(cond: Node): boolean {
  const s = stripParens(cond);
  return (
    s.type === 'binary_expression' && s.child(1)?.type === '<' && s.childForFieldName('right')?.text === '0'
  );
}

export const silentFailure: Check = {
  meta: {
    id: 'silent-failure',
    title: 'Device failure detected but not logged',
    description:
      'The driver tests a value read from the device and fails with an error code without logging anything, so the failure reaches the user with no trace of the device that caused it.',
    severity: 'warning',
    category: 'missing error reporting',
  },
  detect(ctx) {
    if (!ctx.fn.touchesDevice) return;
    const summaries = ctx.module.summaries;
    for (const ifs of ctx.fn.fn.index.of('if_statement')) {
      const raw = ifs.childForFieldName('condition');
      const cond = raw ? stripParens(raw) : undefined;
      const then = ifs.childForFieldName('consequence');
      if (!cond || !then) continue;
      const t = ctx.taintOf(cond);
      if (!t) continue;
      if (t.source.errorCodes && (isErrnoTest(cond) || cond.type === 'identifier')) continue;
      // A parameter check on a value a caller passed in is argument validation, not a device fault.
      if (t.viaArgument) continue;
      // Inside a polling loop the failure is the loop's business (silent-timeout covers it).
      const failure = failureIn(then);
      if (!failure) continue;
      if (logs(then, ctx.fn.fn.index, summaries)) continue;
      if (failure.exit.type === 'goto_statement') {
        const label = failure.exit.childForFieldName('label')?.text ?? '';
        if (labelTail(ctx.fn.fn.index, label).some((s) => logs(s, ctx.fn.fn.index, summaries))) continue;
      }
      ctx.report({
        node: ifs.child(0)!,
        message: `failure on device data from ${t.source.api}() returns -${failure.errorCode} without logging`,
        taint: t,
        use: `fails with -${failure.errorCode} here and nothing is logged`,
        extraSteps: [],
      });
    }
  },
};
