/**
 * panic-on-device fix: warn and fail the operation instead of crashing the machine.
 * `BUG_ON(c);` → `if (WARN_ON(c)) return -EIO;` (or the function's goto-cleanup path);
 * `BUG();` / `panic(fmt, ...);` under a device condition → `WARN(1, ...)` and the same exit.
 */
import { callArgs, callName } from '../analysis/taint.js';
import { unfixed, type FailureExit, type Fixer } from '../fix/source.js';

export const panicOnDeviceFix: Fixer = {
  checkId: 'panic-on-device',
  fix(f, src) {
    const fn = src.functionOf(f);
    if (!fn) return unfixed('function not found in the parsed file');
    const call = src.nodeAt(fn, ['call_expression'], f);
    const stmt = call?.parent;
    if (!call || stmt?.type !== 'expression_statement')
      return unfixed('the panic is not a statement of its own');
    const found = src.failureExit(fn, stmt, '-EIO');
    const name = callName(call);
    const args = callArgs(call).map((a) => src.text(a));
    // With no way to fail (a lock held with no cleanup path, a return value that cannot carry an
    // error) the function warns and goes on: checkpatch's "WARN_ON_ONCE() plus recovery code (if
    // feasible) instead of BUG()", where no recovery is feasible here.
    const exit: FailureExit =
      typeof found === 'string'
        ? { lines: [], kind: 'continue-after-log', explain: `it cannot fail here: ${found}` }
        : found;
    let lines: string[];
    if (name === 'BUG_ON' && !exit.lines.length) {
      lines = [`WARN_ON(${args[0]});`];
    } else if (name === 'BUG_ON') {
      const head = `if (WARN_ON(${args[0]}))`;
      lines =
        exit.lines.length === 1
          ? [head, `\t${exit.lines[0]}`]
          : [`${head} {`, ...exit.lines.map((l) => `\t${l}`), '}'];
    } else {
      const warn = name === 'panic' && args.length ? `WARN(1, ${args.join(', ')});` : 'WARN_ON(1);';
      lines = [warn, ...exit.lines];
    }
    const edits = src.replaceStatement(stmt, lines);
    if (typeof edits === 'string') return unfixed(edits);
    const how = !exit.lines.length
      ? 'goes on'
      : exit.kind === 'goto'
        ? `fails through the function's error path (${exit.lines.join(' ')})`
        : exit.lines.join(' ').replace(/;$/, '');
    return {
      plan: {
        edits,
        summary: `warns and ${how.replace(/^return/, 'returns')} instead of crashing the kernel${exit.explain ? ` (${exit.explain})` : ''}`,
      },
    };
  },
};
