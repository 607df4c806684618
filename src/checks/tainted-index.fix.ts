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

/** Is `base` (an identifier or a member) declared as an array with a size in this file or its headers? */
export function arraySizeKnown(src: FixSource, base: Node): boolean {
  const name =
    base.type === 'identifier'
      ? base.text
      : base.type === 'field_expression'
        ? base.childForFieldName('field')?.text
        : undefined;
  if (!name) return false;
  const fn = src.model.functions.find(
    (f) => f.node.startIndex <= base.startIndex && base.endIndex <= f.node.endIndex,
  );
  if (base.type === 'identifier') {
    const v = fn?.locals.get(name) ?? src.model.globals.get(name);
    return !!v && v.pointerDepth === 0 && v.arrayDims.length > 0 && v.arrayDims[0] !== undefined;
  }
  // A member: every declaration of that member name in the file's structs must be a sized array.
  const decls = [...src.model.structs.values()].map((m) => m.get(name)).filter((v) => !!v);
  if (decls.length)
    return decls.every(
      (v) => v!.pointerDepth === 0 && v!.arrayDims.length > 0 && v!.arrayDims[0] !== undefined,
    );
  return src.headerMemberIsArray(name);
}

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
  const exit = src.failureExit(fn, stmt, '-EIO');
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
      : exit.lines
          .join(' ')
          .replace(/^return/, 'returns')
          .replace(/;$/, '');
  return {
    plan: {
      edits,
      summary: `checks ${what} before the use, logs and ${how}${exit.explain ? ` (${exit.explain})` : ''}`,
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
    if (!src.pure(base) || !arraySizeKnown(src, base))
      return unfixed('the array size is not known from its declaration');
    const idx = src.text(index);
    const arr = src.text(base);
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
