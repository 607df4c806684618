/**
 * tainted-index fix: check the index against the array's size before the statement that uses it,
 * and fail the way the function fails (`if (i >= ARRAY_SIZE(tbl)) { dev_err(...); return -EIO; }`).
 * Left alone: indexes with side effects or calls (they would be evaluated twice), arrays whose
 * size the declaration does not give, and uses in a loop's header.
 */
import { descendants } from '../c/model.js';
import type { Node } from '../c/parser.js';
import { unfixed, type FixOutcome, type FixSource } from '../fix/source.js';
import type { Fixer } from '../fix/source.js';
import type { Finding } from '../types.js';

/** Is a variable the index reads assigned inside `stmt` before `use` (then a check before `stmt` sees another value)? */
export function assignedBefore(stmt: Node, use: Node, expr: Node): boolean {
  const names = new Set(descendants(expr, new Set(['identifier'])).map((i) => i.text));
  for (const a of descendants(
    stmt,
    new Set(['assignment_expression', 'init_declarator', 'update_expression']),
  )) {
    if (a.startIndex >= use.startIndex) continue;
    const target =
      a.type === 'update_expression'
        ? a.childForFieldName('argument')
        : a.type === 'init_declarator'
          ? a.childForFieldName('declarator')
          : a.childForFieldName('left');
    const ids = target ? descendants(target, new Set(['identifier'])) : [];
    if (target?.type === 'identifier') ids.push(target);
    if (ids.some((i) => names.has(i.text))) return true;
  }
  return false;
}

/**
 * The innermost loop around `stmt` that a `break` there would leave (none when a `switch` is in
 * between): where the function cannot fail, the fix stops processing the device's data instead.
 */
function enclosingLoop(stmt: Node, body: Node): Node | undefined {
  for (let p = stmt.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'switch_statement') return undefined;
    if (/^(while|for|do)_statement$/.test(p.type)) return p;
  }
  return undefined;
}

/** `if (<test>) { <log>; <exit> }` before the statement holding `use`: the shared shape of both data checks. */
export function guardBefore(
  f: Finding,
  src: FixSource,
  use: Node,
  test: string,
  message: string,
  what: string,
  checked: Node,
): FixOutcome {
  const fn = src.functionOf(f)!;
  const stmt = src.statementOf(use, fn);
  if (!stmt) return unfixed('used in a loop header: a check before the loop would not cover each use');
  if (assignedBefore(stmt, use, checked))
    return unfixed('the value is computed in the same statement that uses it');
  const exit = src.failureExit(fn, stmt, '-EIO', enclosingLoop(stmt, fn.body));
  if (typeof exit === 'string') return unfixed(exit);
  const lines = [
    `if (${test}) {`,
    `\t${src.logLine(fn, stmt, message)}`,
    ...exit.lines.map((l) => `\t${l}`),
    '}',
  ];
  const edits = src.insertBefore(stmt, lines);
  if (typeof edits === 'string') return unfixed(edits);
  const how =
    exit.kind === 'goto'
      ? `fails through the function's error path`
      : exit.kind === 'break'
        ? 'stops processing (break)'
        : exit.lines
            .join(' ')
            .replace(/^return/, 'returns')
            .replace(/;$/, '');
  return {
    plan: {
      edits,
      summary: `checks ${what} before the use, logs and ${how}${exit.explain ? ` (it cannot return: ${exit.explain})` : ''}`,
    },
  };
}

export const taintedIndexFix: Fixer = {
  checkId: 'tainted-index',
  fix(f, src) {
    const fn = src.functionOf(f);
    if (!fn) return unfixed('function not found in the parsed file');
    const sub = src.nodeAt(fn, ['subscript_expression'], f, true);
    const index = sub?.childForFieldName('index');
    const base = sub?.childForFieldName('argument');
    if (!sub || !index || !base) return unfixed('array use not found');
    if (!src.pure(index))
      return unfixed('the index has side effects or reads the device itself (needs a temporary)');
    const idx = src.text(index);
    const arr = src.text(base);
    if (src.pure(base) && !src.isSizedArray(fn, base)) {
      // A pointer to an array the driver allocated: its allocated count is the bound.
      const count = src.allocatedCount(base);
      if (!count) return unfixed('the array size is not known from its declaration or its allocation');
      return guardBefore(
        f,
        src,
        sub,
        `${idx} >= ${count}`,
        'invalid index from the device',
        `${idx} against the allocated count ${count}`,
        index,
      );
    }
    if (!src.pure(base)) return unfixed('the array expression has side effects');
    return guardBefore(
      f,
      src,
      sub,
      `${idx} >= ARRAY_SIZE(${arr})`,
      'invalid index from the device',
      `${idx} against ARRAY_SIZE(${arr})`,
      index,
    );
  },
};
