/**
 * Control facts the checks share: the conditions guarding a statement, the exits of a loop, whether
 * the device can hold a condition at a value forever, whether a path fails with an error code,
 * and whether it logs.
 */
import type { LoopInfo } from '../c/cfg.js';
import { descendants, evalConstant, type CCall, type NodeIndex } from '../c/model.js';
import { endOf, memoByNode, parentOf, type Node } from '../c/parser.js';
import { COMMENTS_AND_STRINGS, matchBrace } from '../c/preprocess.js';
import {
  CLOCK_CALL_TEXT,
  CLOCK_CALLS,
  LOGGING,
  REGMAP_ACCESSOR,
  REGMAP_CALLBACK_STRUCTS,
  REGMAP_INIT,
  TIMEOUT_CALLS,
} from './kernel-apis.js';
import { accessPath, covers, rootOf, stripParens } from './paths.js';
import type { FunctionTaint, Taint } from './taint.js';
import { callArgs, callName, comparedPaths } from './taint.js';

export interface Guard {
  cond: Node;
  /** The value the condition has when control reaches the guarded statement. */
  polarity: boolean;
}

function unparen(n: Node | null): Node | undefined {
  if (!n) return undefined;
  return n.type === 'parenthesized_expression' && n.namedChildCount === 1 ? (n.namedChild(0) ?? n) : n;
}

/** The if-conditions between `stmt` and `stop` (exclusive), innermost first. */
export function guardsOf(stmt: Node, stop: Node): Guard[] {
  const out: Guard[] = [];
  let child = stmt;
  for (let p = parentOf(stmt); p && p.id !== stop.id; child = p, p = parentOf(p)) {
    if (p.type === 'if_statement') {
      const cond = unparen(p.childForFieldName('condition'));
      if (!cond || cond.id === child.id) continue;
      const alt = p.childForFieldName('alternative');
      const inElse = alt && child.startIndex >= alt.startIndex && child.endIndex <= alt.endIndex;
      out.push({ cond, polarity: !inElse });
    } else if (p.type === 'else_clause') {
      continue;
    }
  }
  return out;
}

export interface LoopExit {
  kind: 'condition' | 'break' | 'return' | 'goto';
  /** The loop condition, or the exiting statement. */
  node: Node;
  guards: Guard[];
}

const LOOPS = new Set(['while_statement', 'do_statement', 'for_statement']);

/** The loop or `switch` a `break` leaves: the innermost one around it. */
function breakTarget(brk: Node): Node | undefined {
  let p = parentOf(brk);
  while (p && !LOOPS.has(p.type) && p.type !== 'switch_statement') p = parentOf(p)!;
  return p ?? undefined;
}

/** The nodes of `list` inside `container`. */
export function within(list: readonly Node[], container: Node): Node[] {
  const lo = container.startIndex;
  const hi = endOf(container);
  return list.filter((n) => n.startIndex >= lo && endOf(n) <= hi);
}

/**
 * `x = e` (a plain `=`) and `T x = e` in a function's index (inside `scope` when given): the values
 * given each path, in order, with the node that gives them.
 */
export function plainAssignments(index: NodeIndex, scope?: Node): Map<string, { value: Node; at: Node }[]> {
  const out = new Map<string, { value: Node; at: Node }[]>();
  const add = (path: string | undefined, value: Node | null, at: Node) => {
    if (!path || !value) return;
    const list = out.get(path) ?? [];
    list.push({ value, at });
    out.set(path, list);
  };
  const inScope = (l: Node[]) => (scope ? within(l, scope) : l);
  for (const a of inScope(index.of('assignment_expression')))
    if (a.child(1)?.type === '=')
      add(accessPath(a.childForFieldName('left')!), a.childForFieldName('right'), a);
  for (const d of inScope(index.of('init_declarator'))) {
    const n = d.childForFieldName('declarator');
    if (n?.type === 'identifier') add(n.text, d.childForFieldName('value'), d);
  }
  return out;
}

/** Every way out of a loop: its condition, and break/return/goto statements that leave it. */
export function loopExits(loop: LoopInfo, index: NodeIndex): LoopExit[] {
  const exits: LoopExit[] = [];
  // `while (A && B)` leaves when A fails or when B fails: two exits.
  for (const c of loop.cond ? conjuncts(loop.cond) : [])
    exits.push({ kind: 'condition', node: c, guards: [] });
  if (!loop.body) return exits;
  const body = loop.body;
  const labelsInside = new Set(
    within(index.of('labeled_statement'), body).map((l) => l.childForFieldName('label')?.text),
  );
  const stmts = [
    ...index.of('break_statement'),
    ...index.of('return_statement'),
    ...index.of('goto_statement'),
  ];
  for (const s of within(stmts, body).sort((a, b) => a.startIndex - b.startIndex)) {
    if (s.type === 'break_statement') {
      // A break leaves the innermost loop or switch around it.
      let p = parentOf(s);
      while (p && p.id !== loop.node.id && !LOOPS.has(p.type) && p.type !== 'switch_statement')
        p = parentOf(p)!;
      if (!p || p.id !== loop.node.id) continue;
    }
    if (s.type === 'goto_statement' && labelsInside.has(s.childForFieldName('label')?.text)) continue;
    exits.push({
      kind: s.type === 'break_statement' ? 'break' : s.type === 'return_statement' ? 'return' : 'goto',
      node: s,
      guards: guardsOf(s, loop.node),
    });
  }
  return exits;
}

/**
 * Is `use` guarded inside its own expression by a check of `path`: the right side of `&&`/`||`
 * after a comparison (`i < N && a[i]`, `i >= N || a[i]`), or a `?:` branch (`i < N ? a[i] : 0`)?
 */
export function checkedInExpression(use: Node, path: string, kinds: number): boolean {
  let child = use;
  for (let p = parentOf(use); p; child = p, p = parentOf(p)) {
    if (p.type.endsWith('_statement') || p.type === 'declaration' || p.type === 'compound_statement')
      return false;
    let guard: Node | null = null;
    if (p.type === 'binary_expression' && (p.child(1)?.type === '&&' || p.child(1)?.type === '||')) {
      if (p.childForFieldName('right')?.id === child.id) guard = p.childForFieldName('left');
    } else if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id !== child.id) {
      guard = p.childForFieldName('condition');
    }
    if (
      guard &&
      comparedPaths(guard).some((c) => c.kind & kinds && (covers(c.path, path) || covers(path, c.path)))
    )
      return true;
  }
  return false;
}

/** Arithmetic alone: no call (`readl(base + 4 * i)`), no element or pointee read (`ring[i]`). */
const arithmeticOnly = memoByNode(
  (e: Node): boolean =>
    descendants(e, CALL_OR_ELEMENT).length === 0 &&
    !descendants(e, POINTER).some((x) => x.child(0)?.type === '*'),
);
const CALL_OR_ELEMENT = new Set(['call_expression', 'subscript_expression']);
const POINTER = new Set(['pointer_expression']);

const PROGRESS_OPS = new Set(['+=', '-=', '>>=', '<<=', '*=', '/=', '^=', '&=']);

/**
 * Paths a loop moves monotonically each time round (`i++`, `n -= len`, `mask >>= 1`): Carburizer's
 * counter rule — an exit that tests one of them is a bound, whatever else it tests.
 */
export function progressPaths(loop: Node, index: NodeIndex): Set<string> {
  const out = new Set<string>();
  const reloaded = new Set<string>();
  for (const u of within(index.of('update_expression'), loop)) {
    const p = accessPath(u.childForFieldName('argument')!);
    if (p) out.add(p);
  }
  // Plain assignments and initialisers in the loop, by path: `bit = size >> 1`, `unsigned b = s / 2`.
  const defs = plainAssignments(index, loop);
  for (const a of within(index.of('assignment_expression'), loop)) {
    const op = a.child(1)?.type ?? '';
    const p = accessPath(a.childForFieldName('left')!);
    if (!p) continue;
    const rhs = a.childForFieldName('right')!;
    // `size = bit` where the loop computed `bit = size >> 1`: the new value comes from the old
    // through a temporary.
    const viaTemp = () => {
      const q = accessPath(stripParens(rhs));
      return (
        !!q &&
        q !== p &&
        !!defs.get(q)?.some(({ value }) => arithmeticOnly(value) && mentions(value, new Set([p])))
      );
    };
    const selfRef = op === '=' && (mentions(rhs, new Set([p])) || viaTemp());
    // `for (u = size; u > 1; u >>= 1)`: the initialiser runs once; it is not a reload.
    if (loop.type === 'for_statement' && loop.childForFieldName('initializer')?.id === a.id) continue;
    // `x += n`, `mask ^= bit`, `x = x - n`, `x = (x + 1) % N`: the new value comes from the old.
    if (PROGRESS_OPS.has(op) || selfRef) out.add(p);
    else if (op === '=') reloaded.add(p);
  }
  // A value reloaded in the loop (`val &= ~M; ...; val = readl(r);`) does not move toward an exit.
  for (const p of reloaded) out.delete(p);
  // A value the loop computes from a counter by arithmetic alone moves with it (`bit = size >> 1`
  // while `size` halves); one computed with a call (`readl(base + 4 * i)`) or read from a table
  // (`ring[i]`) does not.
  for (const [q, es] of defs)
    if (!out.has(q) && es.length === 1 && arithmeticOnly(es[0]!.value) && mentions(es[0]!.value, out))
      out.add(q);
  return out;
}

/**
 * Software values the loop changes: paths assigned in it, and roots handed to a call in it (the
 * callee may advance them: `while (sq->head != head) put_desc(sq, 1);`).
 */
export function changedInLoop(
  loop: Node,
  index: NodeIndex,
): { paths: Set<string>; passedRoots: Set<string> } {
  const paths = new Set<string>();
  for (const a of within(index.of('assignment_expression'), loop)) {
    const p = accessPath(a.childForFieldName('left')!);
    if (p) paths.add(p);
  }
  const passedRoots = new Set<string>();
  for (const c of within(index.of('call_expression'), loop)) {
    for (const arg of callArgs(c)) {
      const s = stripParens(arg);
      const inner =
        s.type === 'pointer_expression' && s.child(0)?.type === '&' ? s.childForFieldName('argument') : s;
      const p = inner ? accessPath(inner) : undefined;
      if (p) passedRoots.add(rootOf(p));
    }
  }
  return { paths, passedRoots };
}

/**
 * Does the exit condition compare against a software value the loop moves (a ring walk toward a
 * device-given index)? Then the loop makes progress and is bounded by Carburizer's counter rule.
 */
export function comparesMovingValue(
  cond: Node,
  moving: { paths: Set<string>; passedRoots: Set<string> },
  progress: ReadonlySet<string>,
  taintOf: (n: Node) => unknown,
): boolean {
  for (const b of [cond, ...descendants(cond, new Set(['binary_expression']))]) {
    const s = stripParens(b);
    if (
      s.type !== 'binary_expression' ||
      !['==', '!=', '<', '<=', '>', '>='].includes(s.child(1)?.type ?? '')
    )
      continue;
    for (const side of [s.childForFieldName('left'), s.childForFieldName('right')]) {
      const p = side ? accessPath(side) : undefined;
      if (!p || taintOf(side!)) continue;
      if (progress.has(p) || moving.paths.has(p) || (p.includes('->') && moving.passedRoots.has(rootOf(p))))
        return true;
    }
  }
  return false;
}

const PATHS = new Set(['identifier', 'field_expression']);
const NOT_EVALUATED = new Set(['sizeof_expression', 'alignof_expression']);

/**
 * Does `cond` test one of `paths` itself — as a truth value (`!count`, `--timeout`) or as an
 * operand of a comparison (`i == MAX`, `limit < 0`) — rather than merely pass it to a call?
 */
export function testsPaths(cond: Node, paths: ReadonlySet<string>): boolean {
  const s = stripParens(cond);
  const direct = (n: Node | null): boolean => {
    if (!n) return false;
    const x = stripParens(n);
    const target = x.type === 'update_expression' ? x.childForFieldName('argument') : x;
    const p = target ? accessPath(target) : undefined;
    return !!p && paths.has(p);
  };
  if (direct(s)) return true;
  if (s.type === 'unary_expression' && s.child(0)?.type === '!')
    return testsPaths(s.childForFieldName('argument')!, paths);
  if (s.type === 'binary_expression') {
    const op = s.child(1)?.type ?? '';
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    if (op === '&&' || op === '||') return (!!l && testsPaths(l, paths)) || (!!r && testsPaths(r, paths));
    if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return direct(l) || direct(r);
  }
  return false;
}

/** Does `cond` read any of `paths`? */
export function mentions(cond: Node, paths: ReadonlySet<string>): boolean {
  if (paths.size === 0) return false;
  for (const p of mentionedPaths(cond)) if (paths.has(p)) return true;
  return false;
}

/**
 * The access paths read in `cond`, remembered per node: the loop checks ask of the same conditions
 * and assignments with different paths. `sizeof(*p)` does not read p.
 */
const mentionedPaths = memoByNode((cond: Node): readonly string[] => {
  const out: string[] = [];
  for (const n of descendants(cond, PATHS, NOT_EVALUATED)) {
    const p = accessPath(n);
    if (p) out.push(p);
  }
  return out;
});

/** The top-level `&&` operands of a condition. */
export function conjuncts(cond: Node): Node[] {
  const s = stripParens(cond);
  if (s.type === 'binary_expression' && s.child(1)?.type === '&&') {
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    if (l && r) return [...conjuncts(l), ...conjuncts(r)];
  }
  return [s];
}

/**
 * Can the device keep `expr` at `wanted` for ever? True for device data and for constants of
 * that value; composed through `!`, `&&` and `||`.
 */
export function deviceCanHold(expr: Node, wanted: boolean, taintOf: (n: Node) => Taint | undefined): boolean {
  const n = stripParens(expr);
  const c = evalConstant(n.text);
  if (c !== undefined) return (c !== 0) === wanted;
  if (n.type === 'unary_expression' && n.child(0)?.type === '!') {
    const a = n.childForFieldName('argument');
    return a ? deviceCanHold(a, !wanted, taintOf) : false;
  }
  if (n.type === 'binary_expression') {
    const op = n.child(1)?.type;
    const l = n.childForFieldName('left');
    const r = n.childForFieldName('right');
    if ((op === '&&' || op === '||') && l && r) {
      const both = (op === '&&') === wanted;
      return both
        ? deviceCanHold(l, wanted, taintOf) && deviceCanHold(r, wanted, taintOf)
        : deviceCanHold(l, wanted, taintOf) || deviceCanHold(r, wanted, taintOf);
    }
  }
  if (n.type === 'comma_expression') {
    const r = n.childForFieldName('right');
    return r ? deviceCanHold(r, wanted, taintOf) : false;
  }
  if (n.type === 'call_expression' && /^(likely|unlikely)$/.test(callName(n))) {
    const a = callArgs(n)[0];
    return a ? deviceCanHold(a, wanted, taintOf) : false;
  }
  return !!taintOf(n);
}

/** Does anything in `node` give the loop a bound of time: jiffies, time_after, a compared clock, a timed wait? */
export function hasTimeBound(
  node: Node,
  ft: FunctionTaint,
  summaries: Map<string, { hasTimeout: boolean }>,
): boolean {
  const names = within(ft.fn.index.of('call_expression'), node).map(
    (c) => callName(c) || c.childForFieldName('function')?.text || '',
  );
  return timeBounded(node, names, summaries);
}

/**
 * Is `node` bounded in time, given the names of the calls in it: it reads `jiffies`, calls a
 * comparison of time, a timed wait or poll helper (TIMEOUT_CALLS), or a function whose summary has
 * a timeout of its own, or compares a clock reading it takes (CLOCK_CALLS, {@link comparesClock}).
 * A function's own timeout (module.ts) is the same test of its body without summaries.
 */
export function timeBounded(
  node: Node,
  names: Iterable<string>,
  summaries?: Map<string, { hasTimeout: boolean }>,
): boolean {
  if (/\bjiffies\b/.test(node.text)) return true;
  let clock = false;
  for (const name of names) {
    if (TIMEOUT_CALLS.test(name)) return true;
    if (summaries?.get(name)?.hasTimeout) return true;
    if (CLOCK_CALLS.test(name)) clock = true;
  }
  return clock && comparesClock(node);
}

const RELATIONAL = new Set(['<', '<=', '>', '>=']);

/**
 * Is a clock reading compared in `node`: a relational comparison whose operands call a clock
 * function (`ktime_us_delta(ktime_get(), start) > 100`) or name a variable `node` assigns from one
 * (`now = ktime_get(); if (now > end)`)?
 */
export function comparesClock(node: Node): boolean {
  if (!CLOCK_CALL_TEXT.test(node.text)) return false;
  const clocked = new Set<string>();
  for (const a of descendants(node, CLOCK_ASSIGNMENTS)) {
    const target = a.childForFieldName(a.type === 'init_declarator' ? 'declarator' : 'left');
    const value = a.childForFieldName('value') ?? a.childForFieldName('right');
    if (target && value && CLOCK_CALL_TEXT.test(value.text)) clocked.add(target.text);
  }
  for (const b of descendants(node, BINARY)) {
    if (!RELATIONAL.has(b.child(1)?.type ?? '')) continue;
    if (CLOCK_CALL_TEXT.test(b.text)) return true;
    for (const side of [b.childForFieldName('left'), b.childForFieldName('right')])
      if (side && clocked.has(stripParens(side).text)) return true;
  }
  return false;
}
const CLOCK_ASSIGNMENTS = new Set(['assignment_expression', 'init_declarator']);
const BINARY = new Set(['binary_expression']);

/** Does `node` log (a printk-family call, or a call to a module function that logs)? */
export function logs(node: Node, index: NodeIndex, summaries: Map<string, { logs: boolean }>): boolean {
  for (const c of within(index.of('call_expression'), node)) {
    const name = callName(c) || c.childForFieldName('function')?.text || '';
    if (LOGGING.test(name) || summaries.get(name)?.logs) return true;
  }
  // A call the parser could not read as one (`printk(KERN_ERR DRV_NAME ": ...")`, string pieces
  // glued by macros): look for a logging call in the text.
  if (node.hasError)
    for (const m of node.text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) if (LOGGING.test(m[1]!)) return true;
  return false;
}

/** Error codes that mean "try again" or "not supported": returning them silently is normal. */
export const BENIGN_ERRORS: ReadonlySet<string> = new Set([
  'EAGAIN',
  'EINPROGRESS',
  'EWOULDBLOCK',
  'ERESTARTSYS',
  'EBUSY',
  'ENODATA',
  'ENOENT',
  'EOPNOTSUPP',
  'ENOTSUPP',
  // "Not supported here" too: -ENOTTY is how PCI reset methods decline, -ENOSYS "not implemented".
  'ENOTTY',
  'ENOSYS',
  // The state of what is attached, not the device failing: no signal lock (V4L2's query of DV
  // timings), no link, not connected, peer unreachable (remote wakeup not enabled), and USB's
  // "unlinked" (-ECONNRESET: the request was cancelled).
  'ENOLCK',
  'ENOLINK',
  'ENOTCONN',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EALREADY',
  'EPROBE_DEFER',
  'ENOSPC',
  'ENOMEM',
  'EINTR',
  'ENOMSG',
  'ECANCELED',
  // Policy answers ("already there", "not allowed"), not hardware failures.
  'EEXIST',
  'EPERM',
  'EACCES',
  // "No such device": how probe and detect routines say the hardware is absent; the core stays quiet.
  'ENODEV',
  'ENXIO',
]);

/** `-EIO`, `-ETIMEDOUT`: an error constant (not a benign retry code), as its name. */
export function errorConstant(
  n: Node | undefined | null,
  benign: ReadonlySet<string> = BENIGN_ERRORS,
): string | undefined {
  if (!n) return undefined;
  const m = /^\(?\s*-\s*(E[A-Z0-9_]+)\s*\)?$/.exec(n.text.trim());
  if (m && !benign.has(m[1]!)) return m[1];
  return undefined;
}

/** The benign codes plus codes a callback's contract makes answers (kernel-apis.ts ANSWER_CODES). */
export function benignWith(extra: ReadonlySet<string> | undefined): ReadonlySet<string> {
  return extra?.size ? new Set([...BENIGN_ERRORS, ...extra]) : BENIGN_ERRORS;
}

/** After a timeout every error code is a failure (a timed-out -ENODEV or -EBUSY is still a timeout). */
export const NO_BENIGN_ERRORS: ReadonlySet<string> = new Set();

export interface FailurePath {
  /** The statement that leaves with the error. */
  exit: Node;
  errorCode: string;
}

/**
 * Does `branch` fail with an error code: `return -EIO;`, or `ret = -EIO;` then return/goto/break?
 * Returns the first such exit.
 */
export function failureIn(
  branch: Node,
  benign: ReadonlySet<string> = BENIGN_ERRORS,
): FailurePath | undefined {
  const stmts =
    branch.type === 'compound_statement' ? branch.namedChildren.filter((c): c is Node => !!c) : [branch];
  let pendingCode: string | undefined;
  for (const s of stmts) {
    if (s.type === 'return_statement') {
      const code = errorConstant(s.namedChild(0), benign) ?? (s.namedChild(0) && pendingCode);
      if (code) return { exit: s, errorCode: code };
      return undefined;
    }
    if ((s.type === 'goto_statement' || s.type === 'break_statement') && pendingCode)
      return { exit: s, errorCode: pendingCode };
    if (s.type === 'expression_statement') {
      const e = s.namedChild(0);
      if (e?.type === 'assignment_expression') {
        const code = errorConstant(e.childForFieldName('right'), benign);
        if (code) pendingCode = code;
      }
    }
  }
  return undefined;
}

/** The statements from a label to the function's next return (what a `goto label` runs). */
export function labelTail(index: NodeIndex, label: string): Node[] {
  const l = index.of('labeled_statement').find((s) => s.childForFieldName('label')?.text === label);
  if (!l) return [];
  const out: Node[] = [l];
  for (let s = l.nextNamedSibling; s; s = s.nextNamedSibling) {
    out.push(s);
    if (s.type === 'return_statement') break;
  }
  return out;
}

/**
 * A failure in `branch` (an `if`'s consequence) that nothing logs: not the branch, not the `if`'s
 * condition (`if (WARN_ON(c)) return -EIO;`), not the statements a `goto` jumps to. `benign` may be
 * given as a function when the codes are costly to work out (a callback's answer codes need the
 * module's call sites): it is asked only past the conditions that need no codes — a failure under
 * some benign codes is one under none, and logging does not depend on them.
 */
export function unloggedFailure(
  branch: Node,
  index: NodeIndex,
  summaries: Map<string, { logs: boolean }>,
  benign: ReadonlySet<string> | (() => ReadonlySet<string>) = BENIGN_ERRORS,
): FailurePath | undefined {
  const lazy = typeof benign === 'function';
  const first = failureIn(branch, lazy ? NO_BENIGN_ERRORS : benign);
  if (!first) return undefined;
  if (logs(branch, index, summaries)) return undefined;
  const f = lazy ? failureIn(branch, benign()) : first;
  if (!f) return undefined;
  const cond =
    parentOf(branch)?.type === 'if_statement' ? parentOf(branch)!.childForFieldName('condition') : null;
  if (cond && logs(cond, index, summaries)) return undefined;
  if (f.exit.type === 'goto_statement') {
    const label = f.exit.childForFieldName('label')?.text ?? '';
    if (labelTail(index, label).some((s) => logs(s, index, summaries))) return undefined;
  }
  if (f.exit.type === 'break_statement' && breakLogs(f.exit, index, summaries)) return undefined;
  return f;
}

/**
 * Does what a `break` leads to log the failure: after the `switch` or loop it leaves, up to the
 * function's next `return` at that level, a log statement of its own (`dev_dbg(dev, "PIO status
 * %s\n", ...);`) or one under a test of the error variable (`if (ret) dev_err(...);`)? A log under
 * any other test (`if (verbose)`, the success path) does not count.
 */
function breakLogs(brk: Node, index: NodeIndex, summaries: Map<string, { logs: boolean }>): boolean {
  const left = breakTarget(brk);
  if (!left) return false;
  // The variable the branch gave the error code (`ret = -EFAULT; break;`).
  const errVars = new Set<string>();
  for (let s = brk.previousNamedSibling; s; s = s.previousNamedSibling) {
    const e = s.type === 'expression_statement' ? s.namedChild(0) : null;
    if (
      e?.type === 'assignment_expression' &&
      errorConstant(e.childForFieldName('right'), NO_BENIGN_ERRORS)
    ) {
      const p = accessPath(e.childForFieldName('left')!);
      if (p) errVars.add(p);
    }
  }
  for (let s = left.nextNamedSibling; s; s = s.nextNamedSibling) {
    if (s.type === 'expression_statement' && logs(s, index, summaries)) return true;
    if (s.type === 'if_statement') {
      const cond = s.childForFieldName('condition');
      const then = s.childForFieldName('consequence');
      if (cond && then && mentions(cond, errVars)) {
        // `if (!ret) dev_info(...); else dev_err(...);`: the failure takes the `else`.
        const ok = [...errVars].some((v) => variablePolarity(cond, v) === 'success');
        const branch = ok ? elseBranch(s) : then;
        if (branch && logs(branch, index, summaries)) return true;
      }
    }
    if (s.type === 'return_statement') break;
  }
  return false;
}

/** The statement a call sits in: the nearest ancestor that is a statement or a declaration. */
function statementOf(n: Node): Node | undefined {
  for (let p = parentOf(n); p; p = parentOf(p))
    if (p.type.endsWith('_statement') || p.type === 'declaration') return p;
  return undefined;
}

/** The variable a call's result is stored in (`ret = f()`, `int ret = f()`), if any. */
function resultVariable(call: Node): string | undefined {
  let n = call;
  while (parentOf(n)?.type === 'parenthesized_expression' || parentOf(n)?.type === 'cast_expression')
    n = parentOf(n)!;
  const p = parentOf(n);
  if (
    p?.type === 'assignment_expression' &&
    p.child(1)?.type === '=' &&
    p.childForFieldName('right')?.id === n.id
  )
    return accessPath(p.childForFieldName('left')!);
  if (p?.type === 'init_declarator' && p.childForFieldName('value')?.id === n.id) {
    let d = p.childForFieldName('declarator');
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator') ?? d.namedChild(0);
    return d?.text;
  }
  return undefined;
}

/**
 * The variable a call's result accumulates into, keeping a failure: `ret |= f()` (a non-zero or
 * negative value stays so whatever is or-ed into it), `ret += f()` (errors summed with other
 * errors or zeros), `ret = ret ?: f()` / `ret = ret ? ret : f()` (the first error kept).
 */
function accumulatorOf(call: Node): string | undefined {
  let n = call;
  while (parentOf(n)?.type === 'parenthesized_expression' || parentOf(n)?.type === 'cast_expression')
    n = parentOf(n)!;
  const p = parentOf(n);
  if (p?.type === 'assignment_expression' && p.childForFieldName('right')?.id === n.id) {
    const op = p.child(1)?.type;
    const left = accessPath(p.childForFieldName('left')!);
    if ((op === '|=' || op === '+=') && left && !mentions(n, new Set([left]))) return left;
    return undefined;
  }
  if (p?.type === 'conditional_expression' && p.childForFieldName('alternative')?.id === n.id) {
    const cond = p.childForFieldName('condition');
    const then = p.childForFieldName('consequence');
    const x = cond ? accessPath(stripParens(cond)) : undefined;
    if (!x || (then && accessPath(stripParens(then)) !== x)) return undefined;
    let e: Node = p;
    while (parentOf(e)?.type === 'parenthesized_expression') e = parentOf(e)!;
    const a = parentOf(e);
    if (
      a?.type === 'assignment_expression' &&
      a.child(1)?.type === '=' &&
      a.childForFieldName('right')?.id === e.id &&
      accessPath(a.childForFieldName('left')!) === x &&
      !mentions(n, new Set([x]))
    )
      return x;
  }
  return undefined;
}

/** `ret |= g();` (as accumulatorOf): a statement that only adds to what `v` holds, leaving nowhere. */
function accumulates(s: Node, v: string): boolean {
  if (s.type !== 'expression_statement') return false;
  const e = s.namedChild(0);
  if (e?.type !== 'assignment_expression' || descendants(s, LEAVES).length) return false;
  const r = stripParens(e.childForFieldName('right')!);
  const call = r.type === 'conditional_expression' ? r.childForFieldName('alternative') : r;
  return !!call && accumulatorOf(call) === v;
}

type SiteFate = 'logged' | 'propagated' | 'answered' | 'dropped';

/**
 * A value a caller returns instead of the failure it tested, that is neither an error nor success:
 * a default (`return 1843200;`, the base clock when a capability test fails) or a named answer
 * (`return IRQ_NONE;`). A bare `return;`, `return 0` or `false` (the failure swallowed as success),
 * an errno, a variable or a call are not answers.
 */
function isAnswerValue(n: Node): boolean {
  const s = stripParens(n);
  // `return 1;` is how many int-as-boolean helpers say "failed": not an answer.
  if (s.type === 'number_literal') return !/^(0+|0[xX]0+|1)[uUlL]*$/.test(s.text);
  if (s.type === 'identifier')
    return (
      /^[A-Z][A-Z0-9_]*$/.test(s.text) &&
      !/^E[A-Z0-9_]+$/.test(s.text) &&
      !/FAIL|ERR|BAD|ABORT|TIMEOUT|TIMED_OUT|BUSY|INVALID|RESET/.test(s.text)
    );
  return false;
}

interface CFunctionLike {
  name: string;
  isStatic: boolean;
  index: NodeIndex;
  body: Node;
  calls: readonly CCall[];
}

/**
 * Which way a test of a call's result points: `'failure'` when the test is true on failure (`ret`,
 * `ret < 0`, `ret != 0`, `IS_ERR(ret)`, `ret == -EIO`, `f()`, `ret < 0 && ...`), `'success'` when
 * it is true on success (`!ret`, `ret == 0`, `ret >= 0`, `!f()`, `!ret && ...`); undefined for any
 * other shape (`ret > 0`, `!ret || ...`, `g(ret)`). `n` is the result (the call, or a read of the
 * variable holding it) inside `cond`.
 */
export function resultPolarity(n: Node, cond: Node): 'failure' | 'success' | undefined {
  const top = stripParens(cond);
  // `value`: `n` is the result itself (0 on success, an error code on failure), not a truth value.
  let value = true;
  let failTrue = true;
  const zero = (x: Node | null) => !!x && /^(0+|0[xX]0+)[uUlL]*$/.test(stripParens(x).text);
  const code = (x: Node | null) => !!x && !!errorConstant(x, NO_BENIGN_ERRORS);
  for (let depth = 0; depth < 16; depth++) {
    if (n.id === top.id || n.id === cond.id) return failTrue ? 'failure' : 'success';
    const p = parentOf(n);
    if (!p) return undefined;
    switch (p.type) {
      case 'parenthesized_expression':
      case 'cast_expression':
        break;
      case 'assignment_expression':
        // `(ret = f())`: the assignment's value is the result.
        if (p.child(1)?.type !== '=' || p.childForFieldName('right')?.id !== n.id) return undefined;
        break;
      case 'unary_expression':
        if (p.child(0)?.type !== '!') return undefined;
        value = false;
        failTrue = !failTrue;
        break;
      case 'argument_list': {
        const c = parentOf(p);
        const name = c?.type === 'call_expression' ? callName(c) : undefined;
        if (!c || p.namedChildCount !== 1) return undefined;
        if (name === 'likely' || name === 'unlikely') {
          value = false;
        } else if ((name === 'IS_ERR' || name === 'IS_ERR_OR_NULL') && value) {
          value = false;
          failTrue = true;
        } else return undefined;
        n = c;
        continue;
      }
      case 'binary_expression': {
        const op = p.child(1)?.type;
        if (op === '&&') {
          // `fail && x`: only failures take it; `ok && x`: no failure does.
          value = false;
          break;
        }
        if (op === '||') {
          // `fail || x`: every failure takes it; `ok || x` splits them.
          if (!failTrue) return undefined;
          value = false;
          break;
        }
        if (!value) return undefined;
        const left = p.childForFieldName('left')?.id === n.id;
        const other = p.childForFieldName(left ? 'right' : 'left');
        // The operator as if the result were on the left (`0 > ret` is `ret < 0`).
        const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
        const o = left ? op : (flip[op ?? ''] ?? op);
        value = false;
        if (zero(other)) {
          if (o === '!=' || o === '<') failTrue = true;
          else if (o === '==' || o === '>=') failTrue = false;
          else return undefined;
        } else if (code(other) && o === '==') failTrue = true;
        else return undefined;
        break;
      }
      default:
        return undefined;
    }
    n = p;
  }
  return undefined;
}

/** The polarity every read of `v` in `cond` gives the test, if they agree. */
function variablePolarity(cond: Node, v: string): 'failure' | 'success' | undefined {
  const reads: Node[] = [];
  const walk = (x: Node) => {
    if (
      (x.type === 'identifier' || x.type === 'field_expression' || x.type === 'pointer_expression') &&
      accessPath(x) === v
    ) {
      reads.push(x);
      return;
    }
    for (const c of x.namedChildren) if (c) walk(c);
  };
  walk(cond);
  const ps = new Set(reads.map((r) => resultPolarity(r, cond)));
  return ps.size === 1 ? [...ps][0] : undefined;
}

/** The statement of an `if`'s `else` (the clause unwrapped), if it has one. */
function elseBranch(ifs: Node): Node | undefined {
  const alt = ifs.childForFieldName('alternative');
  if (!alt) return undefined;
  return alt.type === 'else_clause'
    ? (alt.namedChildren.find((c) => c && c.type !== 'comment') ?? undefined)
    : alt;
}

/** What a caller's branch on a failed call does: log, hand an error on, answer with a value, or none. */
function branchFate(
  branch: Node,
  caller: CFunctionLike,
  summaries: Map<string, { logs: boolean }>,
): SiteFate {
  if (logs(branch, caller.index, summaries)) return 'logged';
  const stmts = branch.type === 'compound_statement' ? branch.namedChildren : [branch];
  for (const s of stmts) {
    if (!s) continue;
    if (s.type === 'goto_statement') {
      const tail = labelTail(caller.index, s.childForFieldName('label')?.text ?? '');
      if (tail.some((t) => logs(t, caller.index, summaries))) return 'logged';
      return 'propagated';
    }
    if (s.type === 'return_statement') {
      const v = s.namedChild(0);
      return !v ? 'dropped' : isAnswerValue(v) ? 'answered' : 'propagated';
    }
  }
  return 'dropped';
}

/** The jumps control can leave a statement by. */
const LEAVES = new Set(['return_statement', 'goto_statement', 'break_statement', 'continue_statement']);

/** Statements that hold a list of statements, where a bare block `{ ... }` is one of them. */
const BLOCK_HOLDERS = new Set(['compound_statement', 'case_statement', 'labeled_statement']);

/** Does `s` read or assign `v`, or hold (or be) a way out (a `return`, `goto`, `break`, `continue`)? */
function touches(s: Node, v: string): boolean {
  return mentions(s, new Set([v, rootOf(v)])) || descendants(s, LEAVES).length > 0;
}

/** The statement a label marks (`out: mutex_unlock(..);` → the call's statement), through nested labels. */
function labelled(s: Node): Node | undefined {
  let x: Node | null | undefined = s;
  while (x?.type === 'labeled_statement') x = x.namedChildren.filter((c) => c?.type !== 'comment').pop();
  return x ?? undefined;
}

/**
 * The statement after `stmt` where control next meets `v`: statements that neither read nor assign
 * `v` nor leave are passed over (`ppa_release(dev);` between `err = f(dev);` and `if (err)`), and the
 * end of an `if`'s branch continues after the `if` (`if (a) r = f(); else r = g(); if (r) ...`), a
 * labelled statement (`wait: r = f();`) with the statement after it. Control falls into a label as
 * into any statement (`ret = f(); out: unlock(); if (ret) dev_err(..);`): the statement it marks is
 * the one met.
 */
function nextUseOf(
  stmt: Node,
  v: string,
  accumulated = false,
  passOver: ReadonlySet<string> = NO_BENIGN_ERRORS,
): Node | undefined {
  const passed = (x: Node | undefined) =>
    !!x &&
    (x.type === 'comment' ||
      (x.type === 'expression_statement' && (!touches(x, v) || (accumulated && accumulates(x, v)))));
  let s: Node = stmt;
  for (;;) {
    // An unbraced branch (`if (a) r = f(); else ...`) has the `else` beside it, not the statement
    // control goes to next: its end is the end of the `if`.
    const parent = parentOf(s);
    const holder = parent?.type === 'else_clause' ? parentOf(parent) : parent;
    if (holder?.type === 'if_statement' && holder.childForFieldName('condition')?.id !== s.id) {
      s = holder;
      continue;
    }
    // `retry: ret = f();`: the statement after the label's.
    while (parentOf(s)?.type === 'labeled_statement') s = parentOf(s)!;
    let next = s.nextNamedSibling;
    while (next && (passed(next) || (next.type === 'labeled_statement' && passed(labelled(next)))))
      next = next.nextNamedSibling;
    if (next) return labelled(next);
    // The end of a branch: `{ ... }` of an `if`/`else`, or the branch itself without braces.
    let up = parentOf(s);
    if (up?.type === 'compound_statement') up = parentOf(up);
    if (up?.type === 'else_clause') up = parentOf(up);
    // The end of a bare block (`{ r = f(); }` among other statements) leads to what follows it.
    if (up && BLOCK_HOLDERS.has(up.type) && parentOf(s)?.type === 'compound_statement') {
      s = parentOf(s)!;
      continue;
    }
    const body = up && LOOPS.has(up.type) ? up.childForFieldName('body') : null;
    if (accumulated && up && body && (body.id === s.id || body.id === parentOf(s)?.id)) {
      // The end of a loop's body, for a failure or-ed into `v`: the next time round adds to it, and
      // the loop's end leads on — unless the loop tests `v`, assigns it otherwise, or returns.
      if (!loopKeeps(up, v)) return undefined;
      s = up;
      continue;
    }
    // The end of a `do`/`while` body that goes round again only on codes the failures do not have
    // (`do { b = f(); } while (PTR_ERR(b) == -EAGAIN);`): the failures leave the loop.
    if (
      up &&
      body &&
      (up.type === 'do_statement' || up.type === 'while_statement') &&
      (body.id === s.id || body.id === parentOf(s)?.id)
    ) {
      const cond = up.childForFieldName('condition');
      const codes = cond ? codesTested(cond, v) : undefined;
      if (!codes || ![...codes].every((c) => passOver.has(c))) return undefined;
      s = up;
      continue;
    }
    if (up?.type !== 'if_statement' || up.childForFieldName('condition')?.id === s.id) return undefined;
    s = up;
  }
}

/**
 * Does a loop keep what `v` accumulated until it ends: its condition, initialiser and update do not
 * read `v`, every assignment to `v` in it accumulates (`v |= g()`), and nothing in it returns or
 * jumps out by `goto` (a `break` or `continue` leaves `v` as it is).
 */
function loopKeeps(loop: Node, v: string): boolean {
  const vs = new Set([v]);
  for (const f of ['condition', 'initializer', 'update']) {
    const c = loop.childForFieldName(f);
    if (c && mentions(c, vs)) return false;
  }
  if (descendants(loop, new Set(['return_statement', 'goto_statement'])).length) return false;
  for (const a of descendants(loop, new Set(['assignment_expression', 'update_expression']))) {
    const target = a.childForFieldName(a.type === 'update_expression' ? 'argument' : 'left');
    if (!target || accessPath(target) !== v) continue;
    const st = parentOf(a);
    if (!st || !accumulates(st, v)) return false;
  }
  return true;
}

/**
 * What a caller does when the call fails: logs it, hands it on to its own caller, or neither.
 * `passOver`: codes the failures asked about never have (silent-failure's benign codes): a test of
 * the result for one of them (`if (r == -EBUSY) break;`, `do { .. } while (PTR_ERR(b) == -EAGAIN);`)
 * is passed by those failures.
 */
function callSiteFate(
  call: Node,
  caller: CFunctionLike,
  summaries: Map<string, { logs: boolean }>,
  passOver: ReadonlySet<string> = NO_BENIGN_ERRORS,
): SiteFate {
  const stmt = statementOf(call);
  if (!stmt) return 'dropped';
  const handled = (branch: Node) => branchFate(branch, caller, summaries);
  // `return f(...);`
  if (stmt.type === 'return_statement') return 'propagated';
  // `if (f(...))`, `if ((ret = f(...)) < 0)`; `if (!f(...)) .. else ..` fails in its `else`.
  if (stmt.type === 'if_statement') {
    const cond = stmt.childForFieldName('condition');
    const then = stmt.childForFieldName('consequence');
    if (!cond || !then || call.startIndex < cond.startIndex || call.endIndex > cond.endIndex)
      return 'dropped';
    const polarity = resultPolarity(call, cond);
    const branch = failureBranch(stmt, then, polarity);
    const fate = handled(branch);
    // `if (f() < 0) break;` then `return -EINVAL;` after the loop: the failure leaves the loop and
    // the function fails with a code of its own, as a branch returning it would.
    const known = polarity === 'failure' || (polarity === 'success' && branch.id !== then.id);
    const left = fate === 'dropped' && known ? brokenOut(branch, NO_VARIABLE) : undefined;
    const after = left ? nextUseOf(left, NO_VARIABLE) : undefined;
    if (after && failureReturn(after, NO_VARIABLE)) return 'propagated';
    return after?.type === 'goto_statement' ? handled(after) : fate;
  }
  // `ret = f(...);` then the next statement that reads `ret` tests it; `ret |= f(...);` then the
  // next statement that reads `ret` other than to accumulate into it.
  const plain = resultVariable(call);
  const acc = plain ? undefined : accumulatorOf(call);
  const v = plain ?? acc;
  if (!v) return 'dropped';
  let next = nextUseOf(stmt, v, !!acc, passOver);
  for (let hops = 0; hops < 8; hops++) {
    if (next && failureReturn(next, v)) return 'propagated';
    if (next?.type !== 'if_statement') return 'dropped';
    const cond = next.childForFieldName('condition');
    const then = next.childForFieldName('consequence');
    // `*err = f(); if (*err)`: the pointer's target is tested through the pointer.
    if (!cond || !then) return 'dropped';
    const tested = (p: string) => mentions(cond, new Set([p]));
    if (!tested(v) && !(v.endsWith('->*') && tested(rootOf(v)))) return 'dropped';
    // `if (r == -EBUSY) break;`: the failures asked about are not -EBUSY and go on past it.
    const codes = codesTested(cond, v);
    if (codes && [...codes].every((c) => passOver.has(c)) && !elseBranch(next)) {
      next = nextUseOf(next, v, !!acc, passOver);
      continue;
    }
    const polarity = variablePolarity(cond, v);
    const branch = failureBranch(next, then, polarity);
    const fate = handled(branch);
    // `if (r) break;` out of a loop or `switch`: the failure goes on after it, with `r` unchanged.
    // Only from the branch the failure is known to take (not a success test's consequence, nor that
    // of a test of unknown polarity: `if (!r) break;` leaves on success).
    const known = polarity === 'failure' || (polarity === 'success' && branch.id !== then.id);
    const left = fate === 'dropped' && known ? brokenOut(branch, v) : undefined;
    if (!left) return fate;
    next = nextUseOf(left, v, !!acc, passOver);
  }
  return 'dropped';
}

/** A name no C variable has: the result of a call tested in place (`if (f() < 0) break;`). */
const NO_VARIABLE = '#';

/**
 * `return v;` or `return -EIO;` (a negative errno constant): the function fails, with the failure's
 * own value or a code of its own.
 */
function failureReturn(stmt: Node, v: string): boolean {
  if (stmt.type !== 'return_statement') return false;
  const value = stmt.namedChild(0);
  if (!value) return false;
  return value.text === v || errorConstant(value, NO_BENIGN_ERRORS) !== undefined;
}

/**
 * A retry loop: its body never reads what its condition counts (`for (i = 0; i < 4; i++)` with no
 * `i` in the body, `while (tries--)`), so every round repeats the same attempt, and it leaves early by
 * a `break` (on success). A failed attempt that goes round again (`if (ret) continue;`) is retried;
 * the last one leaves the loop with its failure. A loop over items (`buf[i]`) is not one: a failed
 * item passed over is lost.
 */
function isRetryLoop(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  if (!body) return false;
  const counted = new Set<string>();
  for (const f of ['condition', 'update']) {
    const c = loop.childForFieldName(f);
    if (c) for (const i of descendants(c, new Set(['identifier']))) counted.add(i.text);
  }
  if (counted.size === 0 || mentions(body, counted)) return false;
  return descendants(body, new Set(['break_statement'])).some((b) => breakTarget(b)?.id === loop.id);
}

/**
 * The loop or `switch` a branch leaves by a `break` it ends with, when nothing in it before reads
 * or assigns `v` or leaves otherwise (`if (r) break;`, `if (r) { unlock(); break; }`); also a retry
 * loop ({@link isRetryLoop}) a branch goes round again by a `continue` it ends with, which the
 * failure of the last attempt leaves.
 */
function brokenOut(branch: Node, v: string): Node | undefined {
  const stmts =
    branch.type === 'compound_statement'
      ? branch.namedChildren.filter((c) => c?.type !== 'comment')
      : [branch];
  const last = stmts[stmts.length - 1];
  if (last?.type !== 'break_statement' && last?.type !== 'continue_statement') return undefined;
  for (const s of stmts.slice(0, -1)) if (!s || touches(s, v)) return undefined;
  if (last.type === 'break_statement') return breakTarget(last);
  let loop = last.parent;
  while (loop && !LOOPS.has(loop.type)) loop = loop.parent;
  return loop && isRetryLoop(loop) ? loop : undefined;
}

/**
 * The codes a condition tests `v` for by name, when that is all it does: `v == -EBUSY`,
 * `PTR_ERR(v) == -EAGAIN`, or `||` of such tests.
 */
function codesTested(cond: Node, v: string): Set<string> | undefined {
  const s = stripParens(cond);
  if (s.type !== 'binary_expression') return undefined;
  const op = s.child(1)?.type;
  const l = s.childForFieldName('left');
  const r = s.childForFieldName('right');
  if (!l || !r) return undefined;
  if (op === '||') {
    const a = codesTested(l, v);
    const b = a && codesTested(r, v);
    return b ? new Set([...a!, ...b]) : undefined;
  }
  const code = equalsCode(s, v, true);
  return code ? new Set([code]) : undefined;
}

/**
 * `v == -ESPIPE` or `-ESPIPE == v` (with `ptrErr`, `PTR_ERR(v) == -EAGAIN` too): the code, if the
 * test is of `v`.
 */
function equalsCode(s: Node, v: string, ptrErr: boolean): string | undefined {
  if (s.type !== 'binary_expression' || s.child(1)?.type !== '==') return undefined;
  const l = s.childForFieldName('left');
  const r = s.childForFieldName('right');
  if (!l || !r) return undefined;
  for (const [a, b] of [
    [l, r],
    [r, l],
  ] as const) {
    const code = errorConstant(b, NO_BENIGN_ERRORS);
    if (!code) continue;
    let x = stripParens(a);
    if (ptrErr && x.type === 'call_expression' && callName(x) === 'PTR_ERR' && callArgs(x).length === 1)
      x = stripParens(callArgs(x)[0]!);
    if (accessPath(x) === v) return code;
  }
  return undefined;
}

/**
 * The branch of an `if` on a call's result that the failure takes: the consequence of a failure
 * test (`if (ret)`), the `else` of a success test (`if (!ret) dev_info(..); else dev_err(..);`).
 * A test of unknown polarity is judged by its consequence, as is a success test without an `else`
 * — a known recall gap (a log on the success path still counts): following the failure past the
 * `if` (into the rest of a retry loop, a fallback, the statements after it) was measured on Linux
 * 6.12 and added mostly false positives (docs/evaluation.md, "Caller test polarity").
 */
function failureBranch(ifs: Node, then: Node, polarity: 'failure' | 'success' | undefined): Node {
  return (polarity === 'success' && elseBranch(ifs)) || then;
}

/** Direct calls of a module's static functions, and which are also used other than by a call. */
export interface CallSites {
  sites: Map<string, { call: Node; caller: CFunctionLike }[]>;
  /**
   * Functions called somewhere in the module and used only by direct calls: static ones, and
   * non-static ones the module declares for itself (a prototype in its own files or local headers)
   * and does not export.
   */
  directOnly: Set<string>;
}

/**
 * Names given a prototype in the text (`int foo_isr(struct foo *);`, `extern void bar(void);`): a
 * type before the name, a parameter list, a `;`. A statement (`return f(x);`, `else g();`) is not one.
 */
const PROTOTYPE =
  /^[ \t]*(?!return\b|else\b|case\b|goto\b|do\b)(?:extern\s+)?[A-Za-z_][\w \t*]*?[\s*]([A-Za-z_]\w*)\s*\([^;{}=]*\)\s*;/gm;

function prototyped(texts: readonly string[], want: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(PROTOTYPE)) if (want.has(m[1]!)) out.add(m[1]!);
  return out;
}

export function callSites(
  fns: readonly CFunctionLike[],
  texts: readonly string[],
  unparsed: readonly string[] = [],
): CallSites {
  const sites = new Map<string, { call: Node; caller: CFunctionLike }[]>();
  for (const g of fns) {
    for (const c of g.calls) {
      if (!c.direct) continue;
      const list = sites.get(c.name);
      if (list) list.push({ call: c.node, caller: g });
      else sites.set(c.name, [{ call: c.node, caller: g }]);
    }
  }
  const directOnly = new Set<string>();
  // A non-static function the module declares itself: its callers are the module's, unless it is
  // exported (`EXPORT_SYMBOL(f)` is a use other than a call) or declared in a kernel-wide header,
  // which the module's texts do not hold.
  // The module's files left unparsed may call it too: then its callers are not all seen.
  const nonStatic = new Set(fns.filter((f) => !f.isStatic && sites.has(f.name)).map((f) => f.name));
  const declared = nonStatic.size ? prototyped(texts, nonStatic) : new Set<string>();
  if (declared.size && unparsed.length) {
    // One scan of each unparsed file for all the names (a module may declare hundreds).
    const named = new RegExp(`\\b(?:${[...declared].join('|')})\\b`, 'g');
    for (const t of unparsed) for (const m of t.matchAll(named)) declared.delete(m[0]);
  }
  for (const f of fns) if (sites.has(f.name) && (f.isStatic || declared.has(f.name))) directOnly.add(f.name);
  const blanked = texts.map((t) => t.replace(COMMENTS_AND_STRINGS, ' '));
  // Names used other than as `name(`: installed in a structure or passed as a pointer. (Only
  // these names are looked for: matching every word of the module costs far more.)
  const words = [...directOnly].filter((n) => /^[A-Za-z_]\w*$/.test(n));
  if (words.length) {
    const used = new RegExp(`\\b(?:${words.join('|')})\\b(?!\\s*\\()`, 'g');
    for (const t of blanked) for (const m of t.matchAll(used)) directOnly.delete(m[0]);
  }
  addOwnOpsCallers(fns, blanked, unparsed, sites, directOnly);
  addRegmapCallers(fns, blanked, unparsed, sites, directOnly);
  return { sites, directOnly };
}

/** `struct regmap_config name = {` / `struct regmap_bus name = {`: the structure and its name. */
const REGMAP_STRUCT_INIT = new RegExp(
  `\\bstruct\\s+(${Object.keys(REGMAP_CALLBACK_STRUCTS).join('|')})\\s+([A-Za-z_]\\w*)\\s*=\\s*\\{`,
  'g',
);

/** Calls that only test or decode a pointer (a map's `IS_ERR` after its creation). */
const POINTER_TESTS = /^(IS_ERR|IS_ERR_OR_NULL|PTR_ERR|PTR_ERR_OR_ZERO)$/;

/**
 * Functions of `candidates` installed in the initialisers `init` finds (`struct foo_ops name = {
 * .read = foo_read, ... }`; group 1 the structure, group 2 the variable): function → the keys
 * `keyOf` gives their installations (undefined: not an installation that counts) and their number.
 */
function installations(
  blanked: readonly string[],
  init: RegExp,
  candidates: ReadonlySet<string>,
  keyOf: (m: RegExpMatchArray) => (field: string) => string | undefined,
): Map<string, { keys: Set<string>; count: number }> {
  const out = new Map<string, { keys: Set<string>; count: number }>();
  for (const t of blanked)
    for (const m of t.matchAll(init)) {
      const key = keyOf(m);
      const close = matchBrace(t, m.index + m[0].length - 1);
      const body = t.slice(m.index + m[0].length, close < 0 ? t.length : close);
      for (const f of body.matchAll(/\.\s*([A-Za-z_]\w*)\s*=\s*&?\s*([A-Za-z_]\w*)\s*(?=[,;}])/g)) {
        const k = key(f[1]!);
        if (k === undefined || !candidates.has(f[2]!)) continue;
        const e = out.get(f[2]!) ?? { keys: new Set<string>(), count: 0 };
        e.keys.add(k);
        e.count++;
        out.set(f[2]!, e);
      }
    }
  return out;
}

/**
 * Static functions installed only as a regmap's callbacks (`.reg_read = foo_cr_read,` in a `struct
 * regmap_config` the module defines): the regmap core calls them when the map is accessed, so the
 * module's accesses of that map (`ret = regmap_read(priv->cr_map, ..); if (ret) return ret;`) are
 * their callers, the accessor handing their result back. The map is the structure field the module
 * stores the created map in (`priv->cr_map = devm_regmap_init(dev, NULL, priv, &foo_cr_conf);`),
 * declared in the module's own files or local headers (a kernel-wide structure's field is accessed
 * by other modules too); every use of that field must be its creation, a test of it, or the first
 * argument of a regmap or regcache accessor. A map handed to anything else (a helper, a regmap field,
 * an IRQ chip), a configuration used other than to create it, or a field a file of the module left
 * unparsed names, leaves callers out of sight: nothing is added.
 */
function addRegmapCallers(
  fns: readonly CFunctionLike[],
  blanked: readonly string[],
  unparsed: readonly string[],
  sites: Map<string, { call: Node; caller: CFunctionLike }[]>,
  directOnly: Set<string>,
): void {
  const candidates = new Set(fns.filter((f) => f.isStatic && !directOnly.has(f.name)).map((f) => f.name));
  if (candidates.size === 0 || !blanked.some((t) => /\bstruct\s+regmap_(?:config|bus)\b/.test(t))) return;
  // Callback → the configurations (or buses) installing it, and how many installations.
  const configs = new Set<string>();
  const installed = installations(blanked, REGMAP_STRUCT_INIT, candidates, (m) => {
    configs.add(m[2]!);
    const fields = REGMAP_CALLBACK_STRUCTS[m[1]!]!;
    return (field) => (fields.includes(field) ? m[2] : undefined);
  });
  if (installed.size === 0) return;
  const count = (words: readonly string[], re: (w: string) => string): Map<string, number> => {
    const out = new Map<string, number>();
    const all = new RegExp(re(words.join('|')), 'g');
    for (const t of blanked) for (const m of t.matchAll(all)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + 1);
    return out;
  };
  // A callback used other than in those initialisers (and direct calls) has callers out of sight.
  const uses = count([...installed.keys()], (w) => `\\b(${w})\\b(?!\\s*\\()`);
  // Each configuration: the field its map is stored in, when the module creates it once that way
  // and uses the configuration for nothing else (its definition and that one `&conf`).
  const used = count([...configs], (w) => `\\b(${w})\\b`);
  const fieldOf = new Map<string, string>();
  const created = new Map<string, number>();
  for (const g of fns)
    for (const c of g.calls) {
      if (!REGMAP_INIT.test(c.name)) continue;
      const conf = callArgs(c.node)
        .map((a) => /^&?\s*([A-Za-z_]\w*)$/.exec(a.text.trim())?.[1])
        .filter((n): n is string => !!n && configs.has(n));
      let n: Node = c.node;
      while (n.parent?.type === 'parenthesized_expression' || n.parent?.type === 'cast_expression')
        n = n.parent;
      const assign = n.parent;
      const left = assign?.type === 'assignment_expression' ? assign.childForFieldName('left') : null;
      const field =
        left?.type === 'field_expression' && assign?.child(1)?.type === '='
          ? left.childForFieldName('field')?.text
          : undefined;
      for (const k of conf) {
        created.set(k, (created.get(k) ?? 0) + 1);
        if (field) fieldOf.set(k, field);
      }
    }
  // Each map field: its accesses, or undefined when it is used otherwise.
  const accessesOf = new Map<string, { call: Node; caller: CFunctionLike }[] | undefined>();
  const accessesOfField = (field: string): { call: Node; caller: CFunctionLike }[] | undefined => {
    if (!blanked.some((t) => new RegExp(`\\bstruct\\s+regmap\\s*\\*\\s*${field}\\s*;`).test(t)))
      return undefined;
    const named = new RegExp(`(?:->|\\.)\\s*${field}\\b`, 'g');
    if (unparsed.some((t) => t.search(named) >= 0)) return undefined;
    const out: { call: Node; caller: CFunctionLike }[] = [];
    let seen = 0;
    for (const g of fns)
      for (const fe of g.index.of('field_expression')) {
        if (fe.childForFieldName('field')?.text !== field) continue;
        seen++;
        let n: Node = fe;
        while (n.parent?.type === 'parenthesized_expression') n = n.parent;
        const p = n.parent;
        // The creation: `priv->map = devm_regmap_init(..)`.
        if (p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === n.id) {
          const r = p.childForFieldName('right');
          if (r?.type === 'call_expression' && REGMAP_INIT.test(callName(r))) continue;
          return undefined;
        }
        const call = p?.type === 'argument_list' ? p.parent : undefined;
        const name = call?.type === 'call_expression' ? callName(call) : '';
        if (POINTER_TESTS.test(name)) continue;
        if (!call || !REGMAP_ACCESSOR.test(name) || callArgs(call)[0]?.id !== n.id) return undefined;
        out.push({ call, caller: g });
      }
    // Every mention in the text is one of those (a macro's or an initialiser's is not seen above).
    const inText = blanked.reduce((k, t) => k + [...t.matchAll(named)].length, 0);
    return seen === inText && out.length ? out : undefined;
  };
  const accesses = (field: string) => {
    if (!accessesOf.has(field)) accessesOf.set(field, accessesOfField(field));
    return accessesOf.get(field);
  };
  for (const [name, e] of installed) {
    if (uses.get(name) !== e.count) continue;
    const found: { call: Node; caller: CFunctionLike }[] = [];
    let ok = true;
    for (const conf of e.keys) {
      const field = fieldOf.get(conf);
      const list = field && created.get(conf) === 1 && used.get(conf) === 2 ? accesses(field) : undefined;
      if (!list) {
        ok = false;
        break;
      }
      found.push(...list);
    }
    if (!ok) continue;
    sites.set(name, [...(sites.get(name) ?? []), ...found]);
    directOnly.add(name);
  }
}

/** `struct foo_ops name = {` (also an array of them): an initialiser of a named structure. */
const STRUCT_INIT = /\bstruct\s+([A-Za-z_]\w*)\s+[A-Za-z_]\w*\s*(?:\[[^\]]*\]\s*)?=\s*\{/g;

/**
 * Static functions installed only in an ops structure the module defines itself (`struct
 * foo_mac_ops { int (*buf_req)(...); };` in its files or local headers, `.buf_req = buf_req_v2,` in
 * an initialiser of it): the calls through that field in the module (`mac->buf_req(...)`) are their
 * callers, as a direct call would be. A structure of a kernel-wide header (a core calls its
 * callbacks) is not the module's, nor is a function also installed elsewhere or passed as a pointer,
 * nor a field a file of the module left unparsed calls.
 */
function addOwnOpsCallers(
  fns: readonly CFunctionLike[],
  blanked: readonly string[],
  unparsed: readonly string[],
  sites: Map<string, { call: Node; caller: CFunctionLike }[]>,
  directOnly: Set<string>,
): void {
  const candidates = new Set(fns.filter((f) => f.isStatic && !directOnly.has(f.name)).map((f) => f.name));
  if (candidates.size === 0) return;
  // The module's own structures: name → the function-pointer fields it declares.
  const own = new Map<string, Set<string>>();
  for (const t of blanked)
    for (const m of t.matchAll(/\bstruct\s+([A-Za-z_]\w*)\s*\{/g)) {
      const close = matchBrace(t, m.index + m[0].length - 1);
      const body = t.slice(m.index, close < 0 ? t.length : close);
      const fields = new Set([...body.matchAll(/\(\s*\*\s*([A-Za-z_]\w*)\s*\)\s*\(/g)].map((f) => f[1]!));
      if (fields.size) own.set(m[1]!, fields);
    }
  if (own.size === 0) return;
  // Installations in initialisers of those structures: function → fields.
  const installed = installations(blanked, STRUCT_INIT, candidates, (m) => {
    const fields = own.get(m[1]!);
    return (field) => (fields?.has(field) ? field : undefined);
  });
  if (installed.size === 0) return;
  // Every use other than a call must be one of those installations.
  const uses = new Map<string, number>();
  const words = [...installed.keys()];
  const used = new RegExp(`\\b(?:${words.join('|')})\\b(?!\\s*\\()`, 'g');
  for (const t of blanked) for (const m of t.matchAll(used)) uses.set(m[0], (uses.get(m[0]) ?? 0) + 1);
  // Calls through the fields.
  const wanted = new Set<string>();
  for (const [name, e] of installed) if (uses.get(name) === e.count) for (const f of e.keys) wanted.add(f);
  const through = new Map<string, { call: Node; caller: CFunctionLike }[]>();
  // The model names a call through a field (`mac->buf_req(..)`) by the field.
  for (const g of fns)
    for (const c of g.calls) {
      if (c.direct || !wanted.has(c.name)) continue;
      const list = through.get(c.name) ?? [];
      list.push({ call: c.node, caller: g });
      through.set(c.name, list);
    }
  for (const [name, e] of installed) {
    if (uses.get(name) !== e.count) continue;
    const fields = [...e.keys];
    if (!fields.every((f) => through.has(f))) continue;
    if (unparsed.some((t) => fields.some((f) => new RegExp(`(?:->|\\.)\\s*${f}\\s*\\(`).test(t)))) continue;
    sites.set(name, [...(sites.get(name) ?? []), ...fields.flatMap((f) => through.get(f)!)]);
    directOnly.add(name);
  }
}

/**
 * Static functions whose failures their callers log: every call in the module either logs when
 * the call fails (`if (err) { dev_err(...); }`, a `goto` to a label that logs) or hands the error on
 * from a function whose own callers log (`if (ret) return ret;`). A function also used other than by
 * a direct call (installed in an ops structure, passed as a pointer) has callers we cannot see,
 * unless it is a callback whose core logs its failures (kernel-apis.ts CORE_LOGGED_CALLBACKS).
 * `passOver`: codes the failures asked about never have (silent-failure's benign codes), whose
 * tests by name in a caller the failures pass (callSiteFate).
 */
export function callerLogged(
  cs: CallSites,
  summaries: Map<string, { logs: boolean }>,
  coreLogged: ReadonlySet<string> = new Set(),
  passOver: ReadonlySet<string> = NO_BENIGN_ERRORS,
): Set<string> {
  const memo = new Map<string, boolean>();
  const logged = (name: string, depth: number): boolean => {
    if (coreLogged.has(name)) return true;
    const known = memo.get(name);
    if (known !== undefined) return known;
    if (depth > 8 || !cs.directOnly.has(name)) return false;
    memo.set(name, false); // a recursive cycle proves nothing
    const ok = cs.sites.get(name)!.every(({ call, caller }) => {
      const fate = callSiteFate(call, caller, summaries, passOver);
      return (
        fate === 'logged' || fate === 'answered' || (fate === 'propagated' && logged(caller.name, depth + 1))
      );
    });
    memo.set(name, ok);
    return ok;
  };
  const out = new Set<string>(coreLogged);
  for (const name of cs.directOnly) if (logged(name, 0)) out.add(name);
  return out;
}

/** `v == -ESPIPE` or `-ESPIPE == v`: the code tested, if the test is of `v`. */
function testedCode(cond: Node, v: string): string | undefined {
  return equalsCode(stripParens(cond), v, false);
}

/**
 * Codes every caller expects: at each call site the result is tested for the code by name
 * (`if (err == -ESPIPE) break;`, bcma's "end of the table") and that branch neither hands an error
 * on nor fails. Such a code is part of the function's answer, not a failure nobody reports.
 */
export function testedCodes(
  cs: CallSites,
  summaries: Map<string, { logs: boolean }>,
): Map<string, ReadonlySet<string>> {
  const out = new Map<string, ReadonlySet<string>>();
  for (const name of cs.directOnly) {
    let common: Set<string> | undefined;
    for (const { call, caller } of cs.sites.get(name)!) {
      const v = resultVariable(call);
      const codes = new Set<string>();
      if (v)
        for (const ifs of caller.index.of('if_statement')) {
          if (ifs.startIndex < call.endIndex) continue;
          const cond = ifs.childForFieldName('condition');
          const then = ifs.childForFieldName('consequence');
          const code = cond && then ? testedCode(cond, v) : undefined;
          if (
            code &&
            branchFate(then!, caller, summaries) !== 'propagated' &&
            !failureIn(then!, NO_BENIGN_ERRORS)
          )
            codes.add(code);
        }
      common = common ? new Set([...common].filter((c) => codes.has(c))) : codes;
      if (!common.size) break;
    }
    if (common?.size) out.set(name, common);
  }
  return out;
}

/**
 * Answer codes (kernel-apis.ts ANSWER_CODES) reach the static helpers a callback hands its result
 * through: `foo_pconf_get()` doing `return foo_get_pull(...)` answers with the helper's -EINVAL.
 * A helper inherits the codes common to all the callers it passes its errors to.
 */
export function inheritAnswers(
  cs: CallSites,
  summaries: Map<string, { logs: boolean }>,
  own: ReadonlyMap<string, ReadonlySet<string>>,
): Map<string, ReadonlySet<string>> {
  const memo = new Map<string, ReadonlySet<string> | undefined>();
  const answers = (name: string, depth: number): ReadonlySet<string> | undefined => {
    const o = own.get(name);
    if (o) return o;
    if (memo.has(name)) return memo.get(name);
    if (depth > 4 || !cs.directOnly.has(name)) return undefined;
    memo.set(name, undefined);
    let common: Set<string> | undefined;
    for (const { call, caller } of cs.sites.get(name)!) {
      const fate = callSiteFate(call, caller, summaries);
      if (fate === 'logged' || fate === 'answered') continue;
      const a = fate === 'propagated' ? answers(caller.name, depth + 1) : undefined;
      if (!a) {
        common = undefined;
        break;
      }
      common = common ? new Set([...common].filter((c) => a.has(c))) : new Set(a);
    }
    const result = common?.size ? common : undefined;
    memo.set(name, result);
    return result;
  };
  const out = new Map<string, ReadonlySet<string>>(own);
  if (own.size === 0) return out;
  for (const name of cs.directOnly) {
    const a = answers(name, 0);
    if (a) out.set(name, a);
  }
  return out;
}

/** The ring a wrap-around step keeps an index in: `[0, bound]` or `[0, bound)`. */
interface Ring {
  bound: Node;
  inclusive: boolean;
}

/** `p` itself, `++p` or `p++` (the increment then belongs to the step). */
function incremented(n: Node, p: string): 'pre' | 'plain' | undefined {
  const s = stripParens(n);
  if (s.type === 'update_expression' && s.child(0)?.type === '++')
    return accessPath(s.childForFieldName('argument')!) === p ? 'pre' : undefined;
  return accessPath(s) === p ? 'plain' : undefined;
}

/** `p++`, `++p`, `p += 1` as a statement. */
function isIncrement(stmt: Node, p: string): boolean {
  const e = stmt.type === 'expression_statement' ? stripParens(stmt.namedChild(0) ?? stmt) : stmt;
  if (e.type === 'update_expression')
    return e.text.includes('++') && accessPath(e.childForFieldName('argument')!) === p;
  return (
    e.type === 'assignment_expression' &&
    e.child(1)?.type === '+=' &&
    accessPath(e.childForFieldName('left')!) === p &&
    e.childForFieldName('right')?.text === '1'
  );
}

/** `p = 0;` (alone, or alone in braces). */
function isResetToZero(stmt: Node | null, p: string): boolean {
  if (!stmt) return false;
  if (stmt.type === 'compound_statement') {
    const kids = stmt.namedChildren.filter((c) => c && c.type !== 'comment');
    return kids.length === 1 && isResetToZero(kids[0]!, p);
  }
  const e = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
  return (
    !!e &&
    e.type === 'assignment_expression' &&
    e.child(1)?.type === '=' &&
    accessPath(e.childForFieldName('left')!) === p &&
    evalConstant(e.childForFieldName('right')!.text) === 0
  );
}

/**
 * The wrap-around step of `p` among a loop's top-level statements, run every time round: `if (++p >
 * B) p = 0;`, `if (++p >= N) p = 0;`, `p++; if (p >= N) p = 0;`, `p = (p + 1) % N;`,
 * `p = (p + 1) & M;`. Returns the ring and the step's nodes (the only writes of `p` allowed).
 */
function wrapStep(stmts: readonly Node[], p: string): { ring: Ring; nodes: Node[] } | undefined {
  for (let i = 0; i < stmts.length; i++) {
    const s = stmts[i]!;
    if (s.type === 'if_statement' && !s.childForFieldName('alternative')) {
      const c = stripParens(s.childForFieldName('condition')!);
      const op = c.child(1)?.type;
      if (c.type !== 'binary_expression' || (op !== '>' && op !== '>=')) continue;
      if (!isResetToZero(s.childForFieldName('consequence'), p)) continue;
      const how = incremented(c.childForFieldName('left')!, p);
      const prev = stmts[i - 1];
      const nodes =
        how === 'pre' ? [s] : how === 'plain' && prev && isIncrement(prev, p) ? [prev, s] : undefined;
      if (nodes) return { ring: { bound: c.childForFieldName('right')!, inclusive: op === '>' }, nodes };
    }
    const e = s.type === 'expression_statement' ? s.namedChild(0) : s;
    if (
      e?.type === 'assignment_expression' &&
      e.child(1)?.type === '=' &&
      accessPath(e.childForFieldName('left')!) === p
    ) {
      const r = stripParens(e.childForFieldName('right')!);
      const op = r.child(1)?.type;
      const inc = r.type === 'binary_expression' ? stripParens(r.childForFieldName('left')!) : undefined;
      if (
        (op === '%' || op === '&') &&
        inc?.type === 'binary_expression' &&
        inc.child(1)?.type === '+' &&
        accessPath(inc.childForFieldName('left')!) === p &&
        inc.childForFieldName('right')?.text === '1'
      )
        return { ring: { bound: r.childForFieldName('right')!, inclusive: op === '&' }, nodes: [s] };
    }
  }
  return undefined;
}

/** Is `path` written (assigned, incremented, its address taken) in `scope`, outside `except`? */
function writtenIn(scope: Node, index: NodeIndex, path: string, except: readonly Node[] = []): boolean {
  const inside = (n: Node) => except.some((x) => n.startIndex >= x.startIndex && n.endIndex <= x.endIndex);
  for (const a of within(index.of('assignment_expression'), scope))
    if (accessPath(a.childForFieldName('left')!) === path && !inside(a)) return true;
  for (const u of within(index.of('update_expression'), scope))
    if (accessPath(u.childForFieldName('argument')!) === path && !inside(u)) return true;
  for (const x of within(index.of('pointer_expression'), scope))
    if (x.child(0)?.type === '&' && accessPath(x.childForFieldName('argument')!) === path) return true;
  return false;
}

/**
 * Does `cond` (a disjunction an early exit is taken on) contain `q > B` / `q >= B` (or `B < q`,
 * `B <= q`) strong enough to keep `q` inside the ring?
 */
function excludesOutside(cond: Node, q: string, ring: Ring): boolean {
  const s = stripParens(cond);
  if (s.type !== 'binary_expression') return false;
  const op = s.child(1)?.type ?? '';
  const l = s.childForFieldName('left')!;
  const r = s.childForFieldName('right')!;
  if (op === '||') return excludesOutside(l, q, ring) || excludesOutside(r, q, ring);
  const b = stripParens(ring.bound).text;
  const is = (n: Node, text: string) => stripParens(n).text === text;
  const qp = (n: Node) => accessPath(stripParens(n)) === q;
  // `q > B` leaves q ≤ B: enough for [0, B]; `q >= B` leaves q < B: enough for either.
  if (qp(l) && is(r, b)) return op === '>=' || (op === '>' && ring.inclusive);
  if (is(l, b) && qp(r)) return op === '<=' || (op === '<' && ring.inclusive);
  return false;
}

/** Does the statement leave (goto, return, break or continue of an outer loop) on every path? */
function leaves(stmt: Node | null): boolean {
  if (!stmt) return false;
  if (stmt.type === 'compound_statement') {
    const kids = stmt.namedChildren.filter((c) => c && c.type !== 'comment');
    return kids.length > 0 && leaves(kids[kids.length - 1]!);
  }
  return ['goto_statement', 'return_statement', 'break_statement', 'continue_statement'].includes(stmt.type);
}

/**
 * A ring walk toward an index read once: the loop's exit is `p != q`, `p` advances by one each
 * time round and wraps to 0 past a bound the loop does not change, and `q` — not written in the
 * loop, so not re-read from the device — lies inside the ring: checked against the bound on the way
 * in (`if (head > size || tail > size) goto out;`) or bounded below it (`wr = readb(r) & 0x1f` for a
 * 32-slot ring). `p` then meets `q` within one turn of the ring, whatever the device returned. A
 * loop that re-reads `q` inside, or lets `q` lie outside the ring, can spin for ever and is not this.
 */
export function ringWalkEnds(
  loop: LoopInfo,
  cond: Node,
  index: NodeIndex,
  boundOf: (n: Node) => number | undefined,
  constants?: Map<string, number>,
  bitsOf: (path: string) => number | undefined = () => undefined,
): boolean {
  const s = stripParens(cond);
  if (s.type !== 'binary_expression' || s.child(1)?.type !== '!=' || !loop.body) return false;
  // A `continue` could skip the step.
  if (within(index.of('continue_statement'), loop.body).length > 0) return false;
  const stmts =
    loop.body.type === 'compound_statement'
      ? (loop.body.namedChildren.filter((c) => c && c.type !== 'comment') as Node[])
      : [loop.body];
  const update = loop.node.type === 'for_statement' ? loop.node.childForFieldName('update') : null;
  if (update) stmts.push(update);
  const sides = [s.childForFieldName('left')!, s.childForFieldName('right')!];
  for (const [pn, qn] of [sides, [sides[1]!, sides[0]!]] as const) {
    const p = accessPath(stripParens(pn));
    const q = accessPath(stripParens(qn));
    if (!p || !q || p === q) continue;
    const step = wrapStep(stmts, p);
    if (!step) continue;
    const b = accessPath(stripParens(step.ring.bound));
    // p is written only by its step; q and the bound not at all.
    if (writtenIn(loop.node, index, p, step.nodes) || writtenIn(loop.node, index, q)) continue;
    if (b && writtenIn(loop.node, index, b)) continue;
    // A field of a struct handed to a call in the loop may change behind our back.
    if (q.includes('->') || (b?.includes('->') ?? false)) continue;
    // A `u8 p` wraps at 256 on its own and never passes a wider bound or meets a wider q.
    const pb = bitsOf(p);
    if (pb !== undefined && [q, b].some((x) => x !== undefined && (bitsOf(x) ?? 0) > pb)) continue;
    // q inside the ring: a constant ring and a bounded q...
    const n = evalConstant(stripParens(step.ring.bound).text, constants);
    const qmax = boundOf(qn);
    const top = n === undefined ? undefined : step.ring.inclusive ? n : n - 1;
    if (top !== undefined && pb !== undefined && pb < 53 && top > 2 ** pb - 1) continue;
    if (top !== undefined && qmax !== undefined && qmax <= top) return true;
    // ...or an early exit before the loop, in the same block, on q outside the ring, with q and the
    // bound unchanged from there to the loop.
    const parent = loop.node.parent;
    if (!parent) continue;
    for (const sib of parent.namedChildren) {
      if (!sib || sib.startIndex >= loop.node.startIndex) break;
      if (sib.type !== 'if_statement' || sib.childForFieldName('alternative')) continue;
      if (!leaves(sib.childForFieldName('consequence'))) continue;
      if (!excludesOutside(sib.childForFieldName('condition')!, q, step.ring)) continue;
      const between = index
        .of('assignment_expression')
        .concat(index.of('update_expression'))
        .filter((x) => x.startIndex > sib.endIndex && x.endIndex < loop.node.startIndex);
      const touched = between.some((x) => {
        const t = accessPath((x.childForFieldName('left') ?? x.childForFieldName('argument'))!);
        return t === q || (!!b && t === b);
      });
      if (!touched) return true;
    }
  }
  return false;
}
