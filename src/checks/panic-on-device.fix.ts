/**
 * panic-on-device fix: warn and fail the operation instead of crashing the machine.
 * `BUG_ON(c);` → `if (WARN_ON(c)) return -EIO;` (or the function's goto-cleanup path);
 * `BUG();` / `panic(fmt, ...);` under a device condition → `WARN(1, ...)` and the same exit.
 */
import { callArgs, callName } from '../analysis/taint.js';
import { unfixed, type Fixer } from '../fix/source.js';

export const panicOnDeviceFix: Fixer = {
  checkId: 'panic-on-device',
  fix(f, src) {
    const fn = src.functionOf(f);
    if (!fn) return unfixed('function not found in the parsed file');
    const call = src.nodeAt(fn, ['call_expression'], f);
    const stmt = call?.parent;
    if (!call || stmt?.type !== 'expression_statement')
      return unfixed('the panic is not a statement of its own');
    const exit = src.failureExit(fn, stmt, '-EIO');
    if (typeof exit === 'string') return unfixed(exit);
    const name = callName(call);
    const args = callArgs(call).map((a) => src.text(a));
    let lines: string[];
    if (name === 'BUG_ON') {
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
    const how =
      exit.kind === 'goto'
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
