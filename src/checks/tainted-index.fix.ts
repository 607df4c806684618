/**
 * tainted-index fix: check the index against the array's size before the statement that uses it,
 * and fail the way the function fails (`if (i >= ARRAY_SIZE(tbl)) { dev_err(...); return -EIO; }`).
 * Left alone: indexes with side effects or calls (they would be evaluated twice), arrays whose
 * size the declaration does not give, and uses in a loop's header.
 */
import { descendants, type CFunction } from '../c/model.js';
import type { Node } from '../c/parser.js';
import { describeExit, operand, unfixed, unparen, type FixOutcome, type FixSource } from '../fix/source.js';
import type { Fixer } from '../fix/source.js';
import type { Edit } from '../fix/edit.js';
import type { Finding } from '../types.js';

/** What an assignment, increment or initialised declaration writes. */
function writtenBy(a: Node): Node | null {
  if (a.type === 'update_expression') return a.childForFieldName('argument');
  return a.childForFieldName(a.type === 'init_declarator' ? 'declarator' : 'left');
}

/** Is a variable the index reads assigned inside `stmt` before `use` (then a check before `stmt` sees another value)? */
export function assignedBefore(stmt: Node, use: Node, expr: Node): boolean {
  const names = new Set(descendants(expr, new Set(['identifier'])).map((i) => i.text));
  for (const a of descendants(
    stmt,
    new Set(['assignment_expression', 'init_declarator', 'update_expression']),
  )) {
    if (a.startIndex >= use.startIndex) continue;
    // `x = tbl[i];`: the store happens after its right side is read.
    const right = a.childForFieldName(a.type === 'init_declarator' ? 'value' : 'right');
    if (right && right.startIndex <= use.startIndex && use.endIndex <= right.endIndex) continue;
    const target = writtenBy(a);
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

/** What a guard may add besides its `if`: lines before it, and edits elsewhere (a declaration, the use rewritten). */
export interface GuardExtras {
  /** Statements put before the `if` (`idx = readl(r) & 7;`). */
  pre?: string[];
  /** Tests that check the same (`i >= N` for `i >= ARRAY_SIZE(a)` of `a[N]`): an earlier one covers this use. */
  same?: string[];
  edits?: Edit[];
}

/**
 * Is `later` (a statement after `earlier` in the same block) still covered by a check put before
 * `earlier` of the expression `checked`: nothing between them changes what `checked` reads (no
 * assignment, increment or address of its variables; no call at all when it reads memory through
 * a pointer), and no label or `case` lets control in between.
 */
function coveredBy(src: FixSource, earlier: Node, later: Node, checked: Node): boolean {
  const parent = later.parent;
  if (!parent || parent.type !== 'compound_statement' || earlier.parent?.id !== parent.id) return false;
  if (earlier.startIndex >= later.startIndex) return false;
  const names = new Set(descendants(checked, new Set(['identifier'])).map((i) => i.text));
  const throughMemory =
    descendants(checked, new Set(['field_expression', 'pointer_expression', 'subscript_expression'])).length >
    0;
  for (let s: Node | null = earlier; s && s.id !== later.id; s = s.nextNamedSibling) {
    if (s.type === 'labeled_statement' || s.type === 'case_statement') return false;
    if (descendants(s, new Set(['labeled_statement', 'case_statement'])).length) return false;
    if (s.id !== earlier.id && /^(return|goto|break|continue)_statement$/.test(s.type)) return false;
    for (const a of descendants(
      s,
      new Set(['assignment_expression', 'update_expression', 'init_declarator']),
    )) {
      const target = writtenBy(a);
      // The variable written (`p` of `p->a[i].b = ...`; the indexes inside are only read).
      let root = target;
      while (root && root.type !== 'identifier') {
        const next =
          root.childForFieldName('argument') ??
          (root.type === 'parenthesized_expression' ? root.namedChild(0) : null);
        if (!next) break;
        root = next;
      }
      if (!root || root.type !== 'identifier' || names.has(root.text)) return false;
    }
    const text = src.text(s);
    for (const name of names) if (new RegExp(`&\\s*\\(?\\s*${name}\\b`).test(text)) return false;
    if (throughMemory && !src.pure(s, true)) {
      const calls = descendants(s, new Set(['call_expression'])).filter((c) => !src.pure(c, true));
      if (calls.length) return false;
    }
  }
  return true;
}

/** Does `fn` end in calls (cleanup) then `return <variable>;` after the top-level statement holding `stmt`? */
function skipsCleanup(fn: CFunction, stmt: Node): boolean {
  let top: Node = stmt;
  while (top.parent && top.parent.id !== fn.body.id) top = top.parent;
  if (top.parent?.id !== fn.body.id) return false;
  const after: Node[] = [];
  for (let s = top.nextNamedSibling; s; s = s.nextNamedSibling) if (s.type !== 'comment') after.push(s);
  const last = after.at(-1);
  if (last?.type !== 'return_statement' || last.namedChild(0)?.type !== 'identifier') return false;
  return after
    .slice(0, -1)
    .some(
      (s) =>
        descendants(s, new Set(['call_expression'])).length > 0 &&
        !/^\s*(dev_|pr_|netdev_)\w*\(/.test(s.text),
    );
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
  extras: GuardExtras = {},
): FixOutcome {
  const fn = src.functionOf(f)!;
  const stmt = src.statementOf(use, fn);
  if (!stmt) return unfixed('used in a loop header: a check before the loop would not cover each use');
  if (assignedBefore(stmt, use, checked))
    return unfixed('the value is computed in the same statement that uses it');
  // The same check already guards an earlier statement of this run: it covers this use too.
  if (!extras.pre) {
    const earlier = src.guards.find(
      (g) => (g.test === test || extras.same?.includes(g.test)) && coveredBy(src, g.stmt, stmt, checked),
    );
    if (earlier)
      return {
        plan: { edits: [], summary: `is covered by the check of ${what} added before line ${earlier.line}` },
      };
  }
  const loop = enclosingLoop(stmt, fn.body);
  let exit = src.failureExit(fn, stmt, '-EIO', loop);
  if (typeof exit === 'string') return unfixed(exit);
  // Inside a loop, in a function that cleans up after it and then returns a variable
  // (`megasas_return_cmd(instance, cmd); return ret;`), returning early would skip the cleanup:
  // stop processing instead.
  if (loop && exit.kind === 'return' && skipsCleanup(fn, stmt))
    exit = { lines: ['break;'], kind: 'break', explain: 'returning would skip the cleanup after the loop' };
  const lines = [
    ...(extras.pre ?? []),
    `if (${test}) {`,
    `\t${src.logLine(fn, stmt, message)}`,
    ...exit.lines.map((l) => `\t${l}`),
    '}',
  ];
  const edits = src.insertBefore(stmt, lines);
  if (typeof edits === 'string') return unfixed(edits);
  if (!extras.pre) src.guards.push({ test, stmt, line: src.parsed.pos(stmt).line });
  const how = describeExit(exit, 'stops processing (break)');
  return {
    plan: {
      edits: [...(extras.edits ?? []), ...edits],
      summary: `checks ${what} before the use, logs and ${how}`,
    },
  };
}

/** Signed integer types: an index of one of these may be negative. */
const SIGNED =
  /^(?:(?:signed\s+)?(?:int|long|short|long long)|s8|s16|s32|s64|__s32|int32_t|int64_t|ssize_t)$/;

/** Is `n` a plain variable of a signed integer type (then it may be negative)? */
export function signedVariable(fn: CFunction, n: Node): boolean {
  const plain = unparen(n);
  const v =
    plain.type === 'identifier'
      ? (fn.locals.get(plain.text) ?? fn.params.find((p) => p.name === plain.text))
      : undefined;
  return !!v && v.pointerDepth === 0 && SIGNED.test(v.type.trim());
}

/** The type a temporary holding an index with side effects gets: its cast's, or its device read's. */
function temporaryType(src: FixSource, index: Node): string | undefined {
  const n = unparen(index);
  if (n.type === 'cast_expression') {
    const t = src.text(n.childForFieldName('type')!).replace(/\s+/g, ' ').trim();
    return /^[\w ]+$/.test(t) ? t : undefined;
  }
  const calls = descendants(n, new Set(['call_expression'])).filter((c) => !src.pure(c, true));
  if (!calls.length) return undefined;
  const widths = calls.map((c) => {
    const name = src.text(c.childForFieldName('function')!);
    const m =
      /^(?:__raw_)?read([bwlq])(?:_relaxed|_be)?$|^ioread(8|16|32|64)(?:be)?$|^in([bwl])(?:_p)?$/.exec(name);
    if (!m) return undefined;
    const w = m[1] ?? m[3] ?? { 8: 'b', 16: 'w', 32: 'l', 64: 'q' }[m[2] as '8'];
    return w === 'q' ? 'u64' : w === 'l' ? 'u32' : 'unsigned int';
  });
  if (widths.some((w) => !w)) return undefined;
  return widths.includes('u64') ? 'u64' : widths.includes('u32') ? 'u32' : 'unsigned int';
}

/** Is the node inside an operand that is evaluated only sometimes (`&&`, `||`, `?:`, `,`) within `stmt`? */
function conditional(node: Node, stmt: Node): boolean {
  for (let c = node, p = node.parent; p && c.id !== stmt.id; c = p, p = p.parent) {
    if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id !== c.id) return true;
    if (
      p.type === 'binary_expression' &&
      /^(&&|\|\|)$/.test(p.child(1)?.type ?? '') &&
      p.childForFieldName('right')?.id === c.id
    )
      return true;
    if (p.type === 'comma_expression') return true;
  }
  return false;
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
    if (!src.pure(base)) return unfixed('the array expression has side effects');
    const arr = src.text(base);
    let bound: string | undefined;
    let signedCheck = false;
    if (src.isSizedArray(fn, base)) bound = `ARRAY_SIZE(${arr})`;
    else {
      // A pointer to an array the driver allocated: its allocated count is the bound.
      bound = src.allocatedCount(base) ?? src.elementCount(fn, base, sub);
      signedCheck = true;
      if (!bound) return unfixed('the array size is not known from its declaration or its allocation');
    }
    const sized = bound.startsWith('ARRAY_SIZE(');
    const countWhat = sized ? bound : `the allocated count ${bound}`;
    const limit = sized ? bound : operand(bound);
    if (!src.pure(index, true)) {
      // Read the index once, into a temporary, then check and use that.
      const type = temporaryType(src, index);
      if (!type)
        return unfixed('the index has side effects that a temporary cannot hold (not a device read)');
      const stmt = src.statementOf(sub, fn);
      if (!stmt) return unfixed('used in a loop header: a check before the loop would not cover each use');
      if (conditional(sub, stmt)) return unfixed('the index is read only on some paths of its statement');
      const name = src.freshName(fn, 'idx');
      const decl = src.declare(stmt, `${type} ${name};`);
      if (!decl) return unfixed('no block to declare a temporary in');
      const neg = SIGNED.test(type) && !sized ? `${name} < 0 || ` : '';
      return guardBefore(
        f,
        src,
        sub,
        `${neg}${name} >= ${limit}`,
        'invalid index from the device',
        `the index (read once into ${name}) against ${countWhat}`,
        index,
        {
          pre: [`${name} = ${src.text(index)};`],
          edits: [decl, { start: src.start(index), end: src.end(index), text: name }],
        },
      );
    }
    const idx = src.text(index);
    const neg = signedCheck && signedVariable(fn, index) ? `${idx} < 0 || ` : '';
    const dim = sized ? src.declaredDimension(fn, base) : undefined;
    return guardBefore(
      f,
      src,
      sub,
      `${neg}${operand(idx, index)} >= ${limit}`,
      'invalid index from the device',
      `${idx} against ${countWhat}`,
      index,
      dim ? { same: [`${operand(idx, index)} >= ${dim}`] } : {},
    );
  },
};
