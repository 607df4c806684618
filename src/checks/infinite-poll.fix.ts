/**
 * infinite-poll fix: give the wait a time limit, and on timeout log and fail.
 *
 * A loop of the iopoll shape — read the device, test the value, delay — becomes
 * `readl_poll_timeout()` / `readx_poll_timeout()` / `read_poll_timeout()` /
 * `regmap_read_poll_timeout()` (`_atomic` when the loop busy-waits: `udelay`, `ndelay`, `mdelay`,
 * `cpu_relax`, or no delay). Any other loop gets a counter checked at the top of its body, with
 * `udelay(1)` added when the loop has no delay of its own. The limit follows the loop's delays
 * (docs/fix.md): 10 ms for busy-waits, 1 s for sleeping waits, or 100 times the loop's own delay
 * when that is longer. On timeout the function logs in its own idiom and returns -ETIMEDOUT (or
 * takes its goto-cleanup path, or fails the way its return type can), releasing the locks it took;
 * where it cannot return — its return value cannot carry an error — it logs and stops waiting.
 */
import { callArgs, callName } from '../analysis/taint.js';
import { descendants, evalConstant } from '../c/model.js';
import type { CFunction } from '../c/model.js';
import type { Node } from '../c/parser.js';
import type { Edit } from '../fix/edit.js';
import { describeExit, negate, textWith, unfixed, type FixOutcome, type FixSource } from '../fix/source.js';
import type { Fixer } from '../fix/source.js';
import { zeroTimeoutArg } from './infinite-poll.js';

/** Delay primitives: microseconds per call from their arguments, and whether they sleep. */
const DELAYS: Record<string, { us: (a: number[]) => number; sleeps: boolean }> = {
  udelay: { us: ([n]) => n!, sleeps: false },
  ndelay: { us: ([n]) => Math.max(1, Math.ceil(n! / 1000)), sleeps: false },
  mdelay: { us: ([n]) => n! * 1000, sleeps: false },
  cpu_relax: { us: () => 0, sleeps: false },
  barrier: { us: () => 0, sleeps: false },
  msleep: { us: ([n]) => n! * 1000, sleeps: true },
  ssleep: { us: ([n]) => n! * 1_000_000, sleeps: true },
  fsleep: { us: ([n]) => n!, sleeps: true },
  usleep_range: { us: ([, max]) => max!, sleeps: true },
  cond_resched: { us: () => 0, sleeps: true },
  schedule: { us: () => 0, sleeps: true },
};

/** Readers with an iopoll macro of their own (`readl_poll_timeout(addr, val, cond, ...)`). */
const MACRO_READERS = /^(read[bwlq](_relaxed)?)$/;
/** One-argument readers for `readx_poll_timeout(op, addr, ...)`, with their value type. */
const X_READERS: Record<string, string> = {
  readb: 'u8',
  readw: 'u16',
  readl: 'u32',
  readq: 'u64',
  readb_relaxed: 'u8',
  readw_relaxed: 'u16',
  readl_relaxed: 'u32',
  readq_relaxed: 'u64',
  __raw_readb: 'u8',
  __raw_readw: 'u16',
  __raw_readl: 'u32',
  __raw_readq: 'u64',
  ioread8: 'u8',
  ioread16: 'u16',
  ioread32: 'u32',
  ioread64: 'u64',
  ioread16be: 'u16',
  ioread32be: 'u32',
  inb: 'u8',
  inw: 'u16',
  inl: 'u32',
  inb_p: 'u8',
  inw_p: 'u16',
  inl_p: 'u32',
  in_le16: 'u16',
  in_be16: 'u16',
  in_le32: 'u32',
  in_be32: 'u32',
};

interface Delay {
  /** Microseconds per iteration; undefined when an argument is not a constant. */
  us: number | undefined;
  sleeps: boolean;
  /** Any delay call at all (cpu_relax counts: it is a busy-wait). */
  any: boolean;
}

function delayOf(src: FixSource, calls: readonly Node[]): Delay {
  let us: number | undefined = 0;
  let sleeps = false;
  let any = false;
  for (const c of calls) {
    const d = DELAYS[callName(c)];
    if (!d) continue;
    any = true;
    sleeps ||= d.sleeps;
    const args = callArgs(c).map((a) => evalConstant(src.text(a), src.model.constants));
    if (args.some((a) => a === undefined)) us = undefined;
    else if (us !== undefined) us += d.us(args as number[]);
  }
  return { us, sleeps, any };
}

/** The time limit for a loop: docs/fix.md "How long to wait". */
export function pollBudgetUs(delay: Delay, atomic: boolean): number {
  const floor = atomic || !delay.sleeps ? 10_000 : 1_000_000;
  return Math.max(floor, 100 * (delay.us ?? 0));
}

function describeUs(us: number): string {
  return us % 1_000_000 === 0 ? `${us / 1_000_000} s` : us % 1000 === 0 ? `${us / 1000} ms` : `${us} us`;
}

const isStatement = (n: Node | null): n is Node => !!n && n.type !== 'comment';

/** The one call in `n` that is not a constant macro, when there is exactly one. */
function soleCall(n: Node): Node | undefined {
  const calls = descendants(n, new Set(['call_expression'])).filter(
    (c) => !/^[A-Z][A-Z0-9_]*$/.test(callName(c)),
  );
  return calls.length === 1 ? calls[0] : undefined;
}

function isDelayStatement(s: Node): boolean {
  const e = s.type === 'expression_statement' ? s.namedChild(0) : null;
  return e?.type === 'call_expression' && callName(e) in DELAYS;
}

/** A read statement of the iopoll shape: `v = reader(args);` or `regmap_read(map, reg, &v);`. */
interface ReadStep {
  reader: string;
  args: readonly Node[];
  variable: string;
  regmap: boolean;
}

function readStep(src: FixSource, s: Node): ReadStep | undefined {
  const e = s.type === 'expression_statement' ? s.namedChild(0) : null;
  if (e?.type === 'assignment_expression' && e.child(1)?.type === '=') {
    const right = e.childForFieldName('right');
    const left = e.childForFieldName('left');
    if (right?.type !== 'call_expression' || !left || !/^(identifier|field_expression)$/.test(left.type))
      return undefined;
    if (right.childForFieldName('function')?.type !== 'identifier') return undefined;
    return { reader: callName(right), args: callArgs(right), variable: src.text(left), regmap: false };
  }
  if (e?.type === 'call_expression' && callName(e) === 'regmap_read') {
    const a = callArgs(e);
    const out = a[2];
    if (a.length === 3 && out?.type === 'pointer_expression' && out.child(0)?.type === '&')
      return {
        reader: 'regmap_read',
        args: a.slice(0, 2),
        variable: src.text(out.childForFieldName('argument')!),
        regmap: true,
      };
  }
  return undefined;
}

/** The iopoll call (name and arguments) for a read step, a stop condition and a delay. */
function pollCall(
  src: FixSource,
  step: { reader: string; args: readonly Node[]; regmap: boolean },
  val: string,
  stop: string,
  sleepUs: number,
  budget: number,
  atomic: boolean,
  sleepBeforeRead: boolean,
): { name: string; args: string[] } | undefined {
  const sfx = atomic ? '_atomic' : '';
  const args = step.args.map((a) => src.text(a));
  const limits = [String(sleepUs), String(budget)];
  if (step.regmap)
    return sleepBeforeRead
      ? undefined
      : { name: `regmap_read_poll_timeout${sfx}`, args: [...args, val, stop, ...limits] };
  if (!sleepBeforeRead && args.length === 1 && MACRO_READERS.test(step.reader))
    return { name: `${step.reader}_poll_timeout${sfx}`, args: [args[0]!, val, stop, ...limits] };
  if (!sleepBeforeRead && args.length === 1 && step.reader in X_READERS)
    return { name: `readx_poll_timeout${sfx}`, args: [step.reader, args[0]!, val, stop, ...limits] };
  return {
    name: `read_poll_timeout${sfx}`,
    args: [step.reader, val, stop, ...limits, String(sleepBeforeRead), ...args],
  };
}

/** The value type of a reader: the table's, or the return type of a function of this file. */
function readerType(src: FixSource, reader: string): string | undefined {
  if (X_READERS[reader]) return X_READERS[reader];
  const f = src.model.functions.find((x) => x.name === reader);
  if (!f || f.returnsPointer) return undefined;
  const t = f.returnType.replace(/\b(static|inline|__always_inline|noinline|const)\b/g, '').trim();
  return /^(u8|u16|u32|u64|int|unsigned int|unsigned|u_int|uint32_t|uint16_t|uint8_t|unsigned long|unsigned char|unsigned short)$/.test(
    t,
  )
    ? t
    : undefined;
}

interface Rewrite {
  /** The iopoll call with everything but the value variable. */
  call: (val: string) => { name: string; args: string[] } | undefined;
  /** A variable of the loop that receives the value, or the type of a new one. */
  variable?: string;
  newType?: string;
}

/**
 * A read written inside the stop condition (`while (readl(r) & BUSY)`): the iopoll call polls into
 * a new variable of the reader's type, the condition reading that variable.
 */
function inlineRead(
  src: FixSource,
  cond: Node,
  stop: (text: (n: Node) => string) => string,
  timing: { sleepUs: number; budget: number; atomic: boolean; sleepBefore: boolean },
): Rewrite | undefined {
  const call = soleCall(cond);
  if (!call || call.childForFieldName('function')?.type !== 'identifier') return undefined;
  const reader = callName(call);
  const type = readerType(src, reader);
  if (!type) return undefined;
  return {
    newType: type,
    call: (val) =>
      pollCall(
        src,
        { reader, args: callArgs(call), regmap: false },
        val,
        stop((n) => textWith(src, n, [{ node: call, text: val }])),
        timing.sleepUs,
        timing.budget,
        timing.atomic,
        timing.sleepBefore,
      ),
  };
}

/** Does the loop have one of the iopoll shapes? */
function iopollShape(
  src: FixSource,
  loop: Node,
  delay: Delay,
  budget: number,
  atomic: boolean,
): Rewrite | undefined {
  if (delay.us === undefined || descendants(loop, new Set(['comment'])).length || !src.verbatim(loop))
    return undefined;
  const body = loop.childForFieldName('body');
  const cond = loop.childForFieldName('condition');
  if (!body) return undefined;
  const stmts =
    body.type === 'compound_statement'
      ? body.namedChildren.filter(isStatement)
      : body.type === 'expression_statement' && !body.namedChild(0)
        ? []
        : [body];
  // A loop with no delay polls every microsecond, so the limit is time (the atomic helper counts
  // a spin with no delay as one nanosecond).
  const sleepUs = delay.us || 1;
  if (
    loop.type === 'for_statement' &&
    (loop.childForFieldName('initializer') || loop.childForFieldName('update'))
  )
    return undefined;
  const forever = !cond || /^\(?\s*(1|true)\s*\)?$/.test(src.text(cond));
  // while (<read> & BUSY) udelay(1);    do { udelay(1); } while (<read> & BUSY);
  if (!forever && cond && stmts.every(isDelayStatement)) {
    const sleepBefore = loop.type === 'do_statement' && stmts.length > 0;
    return inlineRead(src, cond, (text) => negate(cond, text), { sleepUs, budget, atomic, sleepBefore });
  }
  // do { v = <read>; udelay(1); } while (v & BUSY);
  if (!forever && cond && loop.type === 'do_statement') {
    const reads = stmts.filter((s) => !isDelayStatement(s));
    const step = reads.length === 1 ? readStep(src, reads[0]!) : undefined;
    if (
      !step ||
      !src.pure(cond) ||
      !new RegExp(`(^|[^\\w>.])${step.variable.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}\\b`).test(
        src.text(cond),
      )
    )
      return undefined;
    const sleepBefore = stmts.indexOf(reads[0]!) > 0;
    return {
      variable: step.variable,
      call: (val) =>
        pollCall(
          src,
          step,
          val,
          negate(cond, (n) => src.text(n)),
          sleepUs,
          budget,
          atomic,
          sleepBefore,
        ),
    };
  }
  // for (;;) { [v = <read>;] if (<stop>) break; udelay(1); }
  if (forever) {
    const ifs = stmts.filter((s) => s.type === 'if_statement');
    const reads = stmts.filter((s) => s.type !== 'if_statement' && !isDelayStatement(s));
    if (ifs.length !== 1 || reads.length > 1) return undefined;
    const test = ifs[0]!;
    const then = test.childForFieldName('consequence');
    const stop = test.childForFieldName('condition');
    const thenStmts =
      then?.type === 'compound_statement' ? then.namedChildren.filter(isStatement) : then ? [then] : [];
    if (
      !stop ||
      test.childForFieldName('alternative') ||
      thenStmts.length !== 1 ||
      thenStmts[0]!.type !== 'break_statement'
    )
      return undefined;
    const inner = stop.type === 'parenthesized_expression' ? stop.namedChild(0)! : stop;
    if (reads.length === 1) {
      const step = readStep(src, reads[0]!);
      if (!step || !src.pure(stop) || stmts.indexOf(test) < stmts.indexOf(reads[0]!)) return undefined;
      const sleepBefore = stmts.indexOf(reads[0]!) > 0;
      return {
        variable: step.variable,
        call: (val) => pollCall(src, step, val, src.text(inner), sleepUs, budget, atomic, sleepBefore),
      };
    }
    const sleepBefore = stmts.indexOf(test) > 0;
    return inlineRead(src, inner, (text) => text(inner), { sleepUs, budget, atomic, sleepBefore });
  }
  return undefined;
}

function fixLoop(src: FixSource, fn: CFunction, loop: Node): FixOutcome {
  const body = loop.childForFieldName('body');
  if (!body) return unfixed('loop body not found');
  const delay = delayOf(src, descendants(body, new Set(['call_expression'])));
  const atomic = src.atomicAt(fn, loop) || !delay.sleeps;
  const budget = pollBudgetUs(delay, atomic);
  const exit = src.failureExit(fn, loop, '-ETIMEDOUT', loop);
  if (typeof exit === 'string') return unfixed(exit);
  const log = src.logLine(fn, loop, 'timed out waiting for the device');
  // What a timeout runs, nested one level: the log line, then the exit.
  const onFailure = [`\t${log}`, ...exit.lines.map((l) => `\t${l}`)];
  const onTimeout = `logs and ${describeExit(exit, 'stops waiting')}`;

  const shape = iopollShape(src, loop, delay, budget, atomic);
  if (shape) {
    const edits: Edit[] = [];
    let val = shape.variable;
    if (!val) {
      const v = src.scratch(fn, loop, shape.newType!, 'val');
      if (!v) return unfixed('no block to declare the polled value in');
      val = v.name;
      if (v.edit) edits.push(v.edit);
    }
    const call = shape.call(val);
    if (call) {
      const indent = src.indentAt(src.start(loop));
      const head = src.callText('if (', call.name, call.args, exit.kind === 'break' ? ')' : ') {', indent);
      // After the helper there is no loop to leave: a `break` exit is the log line alone.
      const lines = exit.kind === 'break' ? [head, `\t${log}`] : [head, ...onFailure, '}'];
      const replaced = src.replaceStatement(loop, lines);
      if (typeof replaced === 'string') return unfixed(replaced);
      edits.push(...replaced);
      return {
        plan: {
          edits,
          includes: call.name.startsWith('regmap') ? [] : ['linux/iopoll.h'],
          summary: `rewrites the loop as ${call.name}() with a ${describeUs(budget)} limit; on timeout it ${onTimeout}`,
        },
      };
    }
  }

  // A counter checked at the top of each iteration.
  // A pure wait (reads, tests, delays) with no delay of its own gets udelay(1), so its limit is
  // time; a loop that works each time round (drains a FIFO, handles events) is bounded by its
  // number of rounds instead, and is not slowed down.
  const busy = !delay.any || (delay.us === 0 && !delay.sleeps);
  const work = descendants(body, new Set(['expression_statement'])).some((s) => {
    const e = s.namedChild(0);
    return e?.type === 'call_expression' && !(callName(e) in DELAYS);
  });
  const addDelay = busy && !work;
  // A loop whose own delay has a known length is bounded in time; one that only yields
  // (`schedule()`, `cond_resched()`) or waits a computed time, in rounds, like a working loop.
  const timed = addDelay || (delay.us ?? 0) > 0;
  const iterations = !timed ? 10_000 : Math.ceil(budget / (addDelay ? 1 : delay.us!));
  const name = src.freshName(fn, 'timeout');
  const decl = src.declare(loop, `unsigned int ${name} = ${iterations};`);
  if (!decl) return unfixed('no block to declare the counter in');
  const check = [`if (--${name} == 0) {`, ...onFailure, '}', ...(addDelay ? ['udelay(1);'] : [])];
  const edits: Edit[] = [decl];
  const stmts = body.type === 'compound_statement' ? body.namedChildren.filter(isStatement) : [];
  if (body.type === 'compound_statement' && stmts.length) {
    // After the body's own declarations, so the block keeps declarations first.
    const e = src.insertBefore(stmts.find((x) => x.type !== 'declaration') ?? stmts[0]!, check);
    if (typeof e === 'string') return unfixed(e);
    edits.push(...e);
  } else if (
    body.type === 'compound_statement' ||
    (body.type === 'expression_statement' && !body.namedChild(0))
  ) {
    // `while (c);` or `while (c) {}`: the body becomes the check.
    const prev = body.previousSibling;
    if (!prev) return unfixed('loop layout not understood');
    const indent = src.indentAt(src.start(loop));
    const tail = loop.type === 'do_statement' ? ' ' : '';
    edits.push({
      start: src.end(prev),
      end: src.end(body),
      text: ` {\n${src.render(check, indent + src.unit)}${src.tidy(indent)}}${tail}`,
    });
    if (loop.type === 'do_statement') {
      const next = body.nextSibling;
      if (next) edits.push({ start: src.end(body), end: src.start(next), text: '' });
    }
  } else {
    const e = src.insertBefore(body, check);
    if (typeof e === 'string') return unfixed(e);
    edits.push(...e);
  }
  const delayText = addDelay ? 'udelay(1)' : timed ? `the loop's own delay` : '';
  return {
    plan: {
      edits,
      includes: addDelay ? ['linux/delay.h'] : [],
      summary: `bounds the loop with a counter (${delayText ? `${iterations} iterations of ${delayText}, about ${describeUs(budget)}` : `at most ${iterations} rounds`}); on timeout it ${onTimeout}`,
    },
  };
}

/** `*_poll_timeout(..., 0)`: give it the limit the rule gives its delay. */
function fixZeroTimeout(src: FixSource, call: Node): FixOutcome {
  const name = callName(call);
  const args = callArgs(call);
  const idx = zeroTimeoutArg(call);
  if (idx === undefined) return unfixed('the timeout of this call is not 0');
  const sleep = evalConstant(args[idx - 1] ? src.text(args[idx - 1]!) : '', src.model.constants);
  const atomic = name.endsWith('_atomic');
  const budget = pollBudgetUs({ us: sleep ?? 0, sleeps: !atomic && !!sleep, any: true }, atomic);
  const arg = args[idx]!;
  return {
    plan: {
      edits: [{ start: src.start(arg), end: src.end(arg), text: String(budget) }],
      summary: `gives ${name}() a ${describeUs(budget)} limit instead of 0 (no limit)`,
    },
  };
}

export const infinitePollFix: Fixer = {
  checkId: 'infinite-poll',
  fix(f, src) {
    const fn = src.functionOf(f);
    if (!fn) return unfixed('function not found in the parsed file');
    const loop = src.nodeAt(fn, ['while_statement', 'for_statement', 'do_statement'], f);
    if (loop) return fixLoop(src, fn, loop);
    const call = src.nodeAt(fn, ['call_expression'], f, true);
    if (call) return fixZeroTimeout(src, call);
    return unfixed('loop not found');
  },
};
