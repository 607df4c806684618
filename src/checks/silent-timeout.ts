/**
 * silent-timeout — a bounded poll gives up without saying so.
 *
 * A loop that waits for the device with a limit (a counter, `jiffies`, a `*_poll_timeout()` helper)
 * and, when the limit is hit, returns an error with no log message: the operator sees a failure
 * (or worse, nothing) and no sign that the device stopped answering. Reported on the timeout
 * branch: the `if` after the loop that tests the limit, a timeout exit inside the loop, or the test
 * of a `*_poll_timeout()` helper's result.
 */
import {
  changedInLoop,
  deviceCanHold,
  labelTail,
  logs,
  loopExits,
  NO_BENIGN_ERRORS,
  progressPaths,
  resultPolarity,
  testsPaths,
  unloggedFailure,
  within,
} from '../analysis/control.js';
import { accessPath, rootOf, stripParens } from '../analysis/paths.js';
import { descendants, evalConstant, type NodeIndex } from '../c/model.js';
import type { Node } from '../c/parser.js';
import { POLL_HELPER, SELF_LOGGING_POLL_HELPER } from '../analysis/kernel-apis.js';
import type { Check, CheckContext } from './check.js';
import { zeroTimeoutArg } from './infinite-poll.js';

const PATH_NODES = new Set(['identifier', 'field_expression', 'subscript_expression', 'pointer_expression']);

/**
 * Roots of the values the loop gives new contents: assigned (`v = readl(...)`, `v |= ...`), moved
 * (`v++`), declared in it, or handed to a call (`&v`, an array or pointer: `regmap_raw_read(map,
 * reg, rpt, n)` fills `rpt`).
 */
function rootsChangedIn(loop: Node, index: NodeIndex): Set<string> {
  const { paths, passedRoots } = changedInLoop(loop, index);
  const out = new Set([...passedRoots, ...[...paths].map(rootOf)]);
  for (const u of within(index.of('update_expression'), loop)) {
    const p = accessPath(u.childForFieldName('argument')!);
    if (p) out.add(rootOf(p));
  }
  for (const d of within(index.of('init_declarator'), loop)) {
    const n = d.childForFieldName('declarator');
    if (n?.type === 'identifier') out.add(n.text);
  }
  return out;
}

const TIME_TEST = /\b(jiffies|time_(after|before)\w*|ktime_\w+|time_is_\w+)\b/;

const IDENTIFIER = new Set(['identifier']);

function identifiers(n: Node): Set<string> {
  return new Set(descendants(n, IDENTIFIER).map((i) => i.text));
}

/** After a timeout every error code is a failure (a timed-out -ENODEV or -EBUSY is still one). */
function silentFailure(ctx: CheckContext, branch: Node) {
  return unloggedFailure(branch, ctx.fn.fn.index, ctx.module.summaries, NO_BENIGN_ERRORS);
}

export const silentTimeout: Check = {
  meta: {
    id: 'silent-timeout',
    title: 'Polling timeout fails without logging',
    description:
      'A bounded wait for the device gives up and returns an error, but nothing is logged: the device stopped responding and no one is told which one, or why the operation failed.',
    severity: 'warning',
    category: 'missing error reporting',
  },
  detect(ctx) {
    // Every caller logs this function's failures (or hands them to one that does): not silent.
    // Asked before each report, not up front: the module's call sites are worked out on first use.
    const callersLog = () => ctx.module.callerLogged?.has(ctx.fn.fn.name) ?? false;
    // Bounded loops that wait on the device.
    for (const loop of ctx.fn.touchesDevice ? ctx.fn.cfg.loops : []) {
      const exits = loopExits(loop, ctx.fn.fn.index);
      const taintOf = (n: Node) => ctx.taintOf(n);
      // A constant loop condition (`while (1)`) never exits: it is not a wait on the device (a
      // loop computing a prescaler until it fits is then not a poll at all).
      const deviceExits = exits.filter((e) =>
        e.kind === 'condition'
          ? evalConstant(e.node.text) === undefined && deviceCanHold(e.node, true, taintOf)
          : e.guards.some((g) => deviceCanHold(g.cond, !g.polarity, taintOf)),
      );
      const boundExits = exits.filter((e) => !deviceExits.includes(e));
      if (deviceExits.length === 0 || boundExits.length === 0) continue;
      // A wait re-reads the device: some device exit tests a call, device memory, or a value the
      // loop assigns. A search of a table for a value read once before the loop is not a wait.
      const changed = rootsChangedIn(loop.node, ctx.fn.fn.index);
      const rereads = (c: Node) =>
        descendants(c, new Set(['call_expression'])).length > 0 ||
        ctx.taintOf(c)?.source.kind === 'region' ||
        descendants(c, PATH_NODES).some((n) => {
          const p = accessPath(n);
          return !!p && changed.has(rootOf(p)) && !!ctx.taintOf(n);
        });
      if (
        !deviceExits.some((e) =>
          (e.kind === 'condition' ? [e.node] : e.guards.map((g) => g.cond)).some(rereads),
        )
      )
        continue;
      const t = deviceExits
        .map((e) => ctx.taintOf(e.node) ?? e.guards.map((g) => ctx.taintOf(g.cond)).find(Boolean))
        .find(Boolean);
      // The bound: exits testing a counter the loop moves or the time; their variables.
      const progress = progressPaths(loop.node, ctx.fn.fn.index);
      const isBound = (c: Node) => testsPaths(c, progress) || TIME_TEST.test(c.text);
      const boundVars = new Set<string>();
      // The loop logs its timeout where the bound runs out (`if (!--count) { pr_err(..); goto out; }`):
      // a test of the same bound after the loop is that timeout, already told.
      let loggedInside = false;
      for (const e of boundExits) {
        const conds = e.kind === 'condition' ? [e.node] : e.guards.map((g) => g.cond);
        if (!conds.some(isBound)) continue;
        for (const c of conds) for (const id of identifiers(c)) boundVars.add(id);
        // A timeout exit inside the loop that fails silently.
        if (e.kind !== 'condition' && e.guards.length) {
          const branch = e.guards[0]!.cond.parent?.parent;
          const then = branch?.type === 'if_statement' ? branch.childForFieldName('consequence') : undefined;
          if (then && logs(then, ctx.fn.fn.index, ctx.module.summaries)) {
            loggedInside = true;
            continue;
          }
          if (e.kind === 'break') continue;
          const f = then ? silentFailure(ctx, then) : undefined;
          if (f && branch) {
            if (callersLog()) return;
            ctx.report({
              node: branch.child(0)!,
              message: `timeout while waiting on the device returns -${f.errorCode} without logging`,
              taint: t,
              use: `the wait gives up here with -${f.errorCode}; nothing is logged`,
            });
          }
        }
      }
      // The test after the loop: `if (!timeout) return -ETIMEDOUT;`
      let next = loggedInside ? null : loop.node.nextNamedSibling;
      for (let i = 0; next && i < 3; i++, next = next.nextNamedSibling) {
        if (next.type !== 'if_statement') continue;
        const cond = next.childForFieldName('condition');
        const then = next.childForFieldName('consequence');
        if (!cond || !then) continue;
        const ids = identifiers(cond);
        if (![...boundVars].some((v) => ids.has(v)) && !/\btime_(after|before)/.test(cond.text)) continue;
        const f = silentFailure(ctx, then);
        if (!f) continue;
        if (callersLog()) return;
        ctx.report({
          node: next.child(0)!,
          message: `timeout while waiting on the device returns -${f.errorCode} without logging`,
          taint: t,
          use: `the wait gave up; -${f.errorCode} is returned and nothing is logged`,
        });
        break;
      }
    }
    // `ret = readl_poll_timeout(...); if (ret) return ret;`
    for (const { node: call, name, direct } of ctx.fn.fn.calls) {
      if (!direct || !POLL_HELPER.test(name) || SELF_LOGGING_POLL_HELPER.test(name)) continue;
      // `timeout_us == 0` never times out (infinite-poll reports that): `ret` is only a read's error.
      if (zeroTimeoutArg(call) !== undefined) continue;
      const assign = call.parent;
      if (assign?.type !== 'assignment_expression' && assign?.type !== 'init_declarator') continue;
      const lhs =
        assign.type === 'assignment_expression'
          ? assign.childForFieldName('left')
          : assign.childForFieldName('declarator');
      const ret = lhs ? accessPath(lhs) : undefined;
      const stmt =
        assign.parent?.type === 'expression_statement' || assign.parent?.type === 'declaration'
          ? assign.parent
          : undefined;
      if (!ret || !stmt) continue;
      const next = stmt.nextNamedSibling;
      if (next?.type !== 'if_statement') continue;
      const cond = next.childForFieldName('condition');
      const then = next.childForFieldName('consequence');
      if (!cond || !then || !identifiers(stripParens(cond)).has(ret)) continue;
      // `if (!ret)` / `if (ret == 0)`: the branch is the success path, not the timeout's.
      const read = descendants(cond, IDENTIFIER).find((i) => i.text === ret);
      if (read && resultPolarity(read, cond) === 'success') continue;
      if (
        logs(then, ctx.fn.fn.index, ctx.module.summaries) ||
        logs(cond, ctx.fn.fn.index, ctx.module.summaries)
      )
        continue;
      const stmts = then.type === 'compound_statement' ? then.namedChildren : [then];
      const exit = stmts.find((s) => s && (s.type === 'return_statement' || s.type === 'goto_statement'));
      if (!exit) continue;
      if (exit.type === 'return_statement' && exit.namedChild(0)?.text !== ret) continue;
      if (exit.type === 'goto_statement') {
        const label = exit.childForFieldName('label')?.text ?? '';
        if (labelTail(ctx.fn.fn.index, label).some((s) => logs(s, ctx.fn.fn.index, ctx.module.summaries)))
          continue;
      }
      if (callersLog()) return;
      ctx.report({
        node: next.child(0)!,
        message: `${name}() timing out (-ETIMEDOUT) is passed on without logging`,
        use: `the ${name}() error in ${ret} is returned and nothing is logged`,
      });
    }
  },
};
