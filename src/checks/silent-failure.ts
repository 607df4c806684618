/**
 * silent-failure — the driver sees the device fail and returns an error without saying so.
 *
 * A branch on device data that returns (or jumps out with) an error code, with no log message on
 * the way — neither in the branch, nor in a function it calls, nor at the `goto` label it jumps to.
 * Operators then see an I/O error with no trace of which device misbehaved. Codes that mean
 * "retry" or "not supported" (-EAGAIN, -EBUSY, -EOPNOTSUPP, ...) are normal control flow and not
 * reported, nor are codes a callback's contract makes answers (-EINVAL from a `pin_config_get` or
 * `get_direction` callback: "disabled", "no direction"); nor is passing on a bus helper's own error
 * (`if (ret < 0) return ret;`). A module function whose every caller logs its failure, answers it
 * with a value of its own, or passes it to a caller that does, is not silent either; nor is a search
 * that found nothing, or a test of the caller's own argument.
 */
import { benignWith, plainAssignments, unloggedFailure } from '../analysis/control.js';
import { stripParens } from '../analysis/paths.js';
import { cannotHold } from '../analysis/ranges.js';
import { callName } from '../analysis/taint.js';
import { descendants, evalConstant } from '../c/model.js';
import type { Node } from '../c/parser.js';
import { sourceText, type Check, type CheckContext } from './check.js';

/** `x < 0` style tests of a value that is also an errno: error propagation, not device data. */
/** `p == NULL`, `!p`, `NULL == a || NULL == b`. */
function isNullTest(cond: Node): boolean {
  const s = stripParens(cond);
  if (s.type === 'binary_expression') {
    const op = s.child(1)?.type;
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    if ((op === '||' || op === '&&') && l && r) return isNullTest(l) && isNullTest(r);
    if (op === '==' || op === '!=') return [l, r].some((x) => x?.text === 'NULL');
  }
  return false;
}

/** A constant: a literal, an ALL_CAPS macro, `ARRAY_SIZE(...)`, `sizeof`, `BIT(n)`, or arithmetic of those. */
function isConstantLike(n: Node): boolean {
  const s = stripParens(n);
  if (/^(number_literal|char_literal|sizeof_expression|true|false|null)$/.test(s.type)) return true;
  if (s.type === 'identifier') return /^[A-Z][A-Z0-9_]*$/.test(s.text);
  if (s.type === 'call_expression')
    return /^(ARRAY_SIZE|BIT|BIT_ULL|GENMASK|GENMASK_ULL|[A-Z][A-Z0-9_]*)$/.test(callName(s));
  if (s.type === 'binary_expression' || s.type === 'unary_expression')
    return s.namedChildren.every((c) => !c || isConstantLike(c));
  return false;
}

/**
 * Does the condition weigh device data against software state (a requested mode, a user's count,
 * a parameter) rather than against constants? That is validating a request, not the device failing.
 */
function comparesWithSoftware(cond: Node, tainted: (n: Node) => boolean): boolean {
  const s = stripParens(cond);
  if (s.type === 'unary_expression' && s.child(0)?.type === '!')
    return comparesWithSoftware(s.childForFieldName('argument')!, tainted);
  if (s.type !== 'binary_expression') return !tainted(s) && !isConstantLike(s);
  const op = s.child(1)?.type ?? '';
  const l = s.childForFieldName('left')!;
  const r = s.childForFieldName('right')!;
  if (op === '&&' || op === '||') return comparesWithSoftware(l, tainted) || comparesWithSoftware(r, tainted);
  if (['==', '!=', '<', '<=', '>', '>='].includes(op) || op === '&')
    return [l, r].some(
      (x) =>
        (!tainted(x) &&
          !isConstantLike(x) &&
          !(stripParens(x).type === 'binary_expression' && !comparesWithSoftware(x, tainted))) ||
        hasSoftwareOperand(x, tainted),
    );
  return false;
}

const ARITHMETIC = new Set(['&', '|', '^', '+', '-', '*', '/', '%', '<<', '>>']);

/**
 * An operand of a side's arithmetic that is software state (`reg_new & reg_or & BR_BA` compares the
 * user's new value, masked by a register): a variable or field that is not device data.
 */
function hasSoftwareOperand(n: Node, tainted: (n: Node) => boolean): boolean {
  const s = stripParens(n);
  // `(gpio.smask &= ~reg) == 0`: the user's mask, narrowed in place, is an operand.
  if (s.type === 'assignment_expression' && ARITHMETIC.has((s.child(1)?.type ?? '').slice(0, -1))) {
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    return (
      (!!l && /^(identifier|field_expression)$/.test(l.type) && !tainted(l) && !isConstantLike(l)) ||
      (!!r && hasSoftwareOperand(r, tainted))
    );
  }
  if (s.type !== 'binary_expression' || !ARITHMETIC.has(s.child(1)?.type ?? '')) return false;
  return [s.childForFieldName('left'), s.childForFieldName('right')].some((x) => {
    if (!x) return false;
    const y = stripParens(x);
    if (y.type === 'identifier' || y.type === 'field_expression') return !tainted(y) && !isConstantLike(y);
    return hasSoftwareOperand(y, tainted);
  });
}

/** A search: its "not found" (0, NULL) is an answer about the device, not a failure of it. */
const SEARCH = /(^|_)(find|lookup|search|locate)(_|$)/;

/**
 * `if (!cap)` or `if (cap == 0)` where `cap` holds a search's result (`cap =
 * pci_find_capability(...)`): the device does not have what was looked for.
 */
function isNotFoundTest(cond: Node, ctx: CheckContext): boolean {
  const s = stripParens(cond);
  let v: Node | null | undefined;
  if (s.type === 'unary_expression' && s.child(0)?.type === '!') v = s.childForFieldName('argument');
  else if (s.type === 'binary_expression' && s.child(1)?.type === '==') {
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    if (r?.text === '0' || r?.text === 'NULL') v = l;
    else if (l?.text === '0' || l?.text === 'NULL') v = r;
  }
  const name = v ? stripParens(v) : undefined;
  if (name?.type !== 'identifier') return false;
  const fromSearch = (value: Node | null | undefined) => {
    const x = value ? stripParens(value) : undefined;
    return x?.type === 'call_expression' && SEARCH.test(callName(x));
  };
  const index = ctx.fn.fn.index;
  let assigned = false;
  for (const a of index.of('assignment_expression')) {
    if (a.childForFieldName('left')?.text !== name.text) continue;
    if (!fromSearch(a.childForFieldName('right'))) return false;
    assigned = true;
  }
  for (const d of index.of('init_declarator')) {
    if (d.childForFieldName('declarator')?.text !== name.text) continue;
    if (!fromSearch(d.childForFieldName('value'))) return false;
    assigned = true;
  }
  return assigned;
}

const ARITH_HELPERS =
  /^(ffs|fls|__ffs|__fls|ffz|ilog2|order_base_2|roundup_pow_of_two|rounddown_pow_of_two|min|max|min_t|max_t|clamp|clamp_t|clamp_val|abs|DIV_ROUND_UP|DIV_ROUND_CLOSEST|div_u64|do_div)$/;

/**
 * Is `cond` a range test (`<`, `<=`, `>`, `>=`, several joined by `&&`/`||`) whose every side on
 * device data also holds the caller's argument on some path: a parameter the function only sometimes
 * replaces with device data (`if (mps < rq) rq = mps;`), transforms (`value /= cell_count`), or a
 * local given such a value (`firstbit = ffs(rq)`, `crit_temp = temp` in one case and a register in
 * another)? Then the test validates the caller's request against the device, as a test of the
 * argument does. A side that is device data alone (`block_size > length`: the device asks for more
 * than is left), a bit test or an equality (`reg_val != limit`: a read-back that does not match what
 * was written) is still the device's.
 */
function holdsArgument(cond: Node, ctx: CheckContext): boolean {
  const fn = ctx.fn.fn;
  const params = new Set(fn.params.map((p) => p.name).filter((n): n is string => !!n));
  if (params.size === 0) return false;
  const body = fn.body;
  // Values given a variable: `v = e` (not `v |= e`) and `T v = e`.
  const assigns = plainAssignments(fn.index);
  // A plain variable's value, not the base of `p->f`, `p[i]` or `*p` (device memory a caller points to).
  const isValue = (i: Node) =>
    !/^(field_expression|subscript_expression|pointer_expression|call_expression)$/.test(
      i.parent?.type ?? '',
    );
  // The variables whose value `e` carries: not a call's arguments (a read's address), except the
  // arithmetic helpers (`ffs(rq)`, `min(a, b)`).
  const ids = (e: Node) =>
    descendants(e, new Set(['identifier']))
      .filter((i) => {
        if (!isValue(i)) return false;
        for (let p = i.parent; p && p.id !== e.parent?.id; p = p.parent)
          if (p.type === 'call_expression' && !ARITH_HELPERS.test(callName(p))) return false;
        return true;
      })
      .map((i) => i.text);
  const argumentOnSomePath = (v: string, depth: number): boolean => {
    if (params.has(v)) {
      // Replaced only under an `if` or a `case`: the caller's value survives on the other path. A
      // re-read in a loop (`while (v & GO) v = readl(...)`) leaves the device's value.
      return (assigns.get(v) ?? []).every(({ at }) => {
        let conditional = false;
        for (let p = at.parent; p && p.id !== body.id; p = p.parent) {
          if (/^(while|for|do)_statement$/.test(p.type)) return false;
          if (/^(if|switch|case)_statement$|^else_clause$/.test(p.type)) conditional = true;
        }
        return conditional;
      });
    }
    if (depth === 0) return false;
    return (assigns.get(v) ?? []).some(({ value }) =>
      ids(value).some((x) => argumentOnSomePath(x, depth - 1)),
    );
  };
  const carries = (side: Node) => !ctx.taintOf(side) || ids(side).some((x) => argumentOnSomePath(x, 2));
  const test = (n: Node): boolean => {
    const s = stripParens(n);
    if (s.type !== 'binary_expression') return false;
    const op = s.child(1)?.type ?? '';
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    if (!l || !r) return false;
    if (op === '&&' || op === '||') return test(l) && test(r);
    if (!['<', '<=', '>', '>='].includes(op)) return false;
    return (!!ctx.taintOf(l) || !!ctx.taintOf(r)) && carries(l) && carries(r);
  };
  return test(cond);
}

const NAMES = new Set(['identifier', 'field_identifier']);

/** Does a name in `cond` (a variable, a constant, a member) match `re`? */
const namesMatch = (cond: Node, re: RegExp): boolean => descendants(cond, NAMES).some((i) => re.test(i.text));

/**
 * A test of an I2C NACK (`regval & COMPLETION_MNAKX`, `!i2c_slave_did_ack(adap)`): in an I2C
 * adapter, "no device acknowledged" is an answer the I2C core's callers expect — probing an address
 * gets it routinely — and bus drivers report it by its code without logging
 * (Documentation/i2c/fault-codes.rst).
 */
const NACK = /(^|_)(N_?ACK|NAKX?|MNAKX?|NACKED)(_|$)|(^|_)did_ack$|(^|_)(no|got)_ack$/i;

function isNackTest(cond: Node, ctx: CheckContext): boolean {
  if (!ctx.module.i2cAdapter) return false;
  return namesMatch(cond, NACK);
}

/**
 * A capability register or bit (`PCI_EXP_DEVCAP2_ATOMIC_ROUTE`, `HW_CAPS_DMA`, a local `caps`): the
 * device describes what it can do. Failing when it lacks something is "not supported", which
 * callers take as an answer (they fall back), not the device failing.
 */
const CAPABILITY = /(^|_)[A-Za-z]*(CAPS?|CAPABILIT(Y|IES)|caps?|capabilit(y|ies))\d*(_|$)/;

function isCapabilityTest(cond: Node): boolean {
  return namesMatch(cond, CAPABILITY);
}

/**
 * `val > 0xffff` on a word read that returns errors in the same int (`val = i2c_smbus_read_word_data(..)`
 * stored in a wider unsigned): the device's data is at most 0xffff, so only a negative errno, made
 * large by the conversion, passes. It is the errno test of the read, not a test of the device's data.
 */
function isErrnoRangeTest(cond: Node, width: number | undefined, ctx: CheckContext): boolean {
  // (The read's width from the device-read table, device-reads.ts.)
  if (width === undefined || width > 32) return false;
  const s = stripParens(cond);
  if (s.type !== 'binary_expression') return false;
  const op = s.child(1)?.type;
  const r = s.childForFieldName('right');
  const k = r ? evalConstant(r.text, ctx.module.constants) : undefined;
  if (k === undefined) return false;
  const max = 2 ** width - 1;
  return (op === '>' && k >= max) || (op === '>=' && k > max);
}

/** `ret < 0`, also several at once (`a < 0 || b < 0`): errno tests of bus helpers' results. */
function isErrnoTest(cond: Node): boolean {
  const s = stripParens(cond);
  if (s.type !== 'binary_expression') return false;
  const op = s.child(1)?.type;
  if (op === '||' || op === '&&') {
    const l = s.childForFieldName('left');
    const r = s.childForFieldName('right');
    return !!l && !!r && isErrnoTest(l) && isErrnoTest(r);
  }
  return op === '<' && s.childForFieldName('right')?.text === '0';
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
    // In a callback whose contract makes a code an answer (`pin_config_get`'s -EINVAL: "disabled").
    // (Handed over as a function: unloggedFailure asks for them only of a candidate, since they
    // need the module's call sites, worked out on first use — as are the callers below.)
    let benign: ReturnType<typeof benignWith> | undefined;
    const benignCodes = () => (benign ??= benignWith(ctx.module.answerCodes?.get(ctx.fn.fn.name)));
    for (const ifs of ctx.fn.fn.index.of('if_statement')) {
      const raw = ifs.childForFieldName('condition');
      const cond = raw ? stripParens(raw) : undefined;
      const then = ifs.childForFieldName('consequence');
      if (!cond || !then) continue;
      const t = ctx.taintOf(cond);
      if (!t) continue;
      // `ret < 0` tests an errno, whatever returned it; a bus helper's bare `if (ret)` too.
      if (isErrnoTest(cond) || (t.source.errorCodes && cond.type === 'identifier')) continue;
      if (t.source.errorCodes && isErrnoRangeTest(cond, t.source.bits, ctx)) continue;
      // A parameter check on a value a caller passed in is argument validation, not a device fault.
      if (t.viaArgument || holdsArgument(cond, ctx)) continue;
      // NULL tests of pointers, and conditions that also ask about software state (a requested
      // mode, a command), are validation, not the device failing.
      if (isNullTest(cond) || comparesWithSoftware(cond, (n) => !!ctx.taintOf(n))) continue;
      // A range check the value's bound already satisfies cannot fail.
      if (cannotHold(cond, ctx)) continue;
      // A search that found nothing: the device lacks the capability, it is not failing.
      if (isNotFoundTest(cond, ctx)) continue;
      // No I2C device acknowledged: the adapter's answer, not a failure.
      if (isNackTest(cond, ctx)) continue;
      // The device lacks a capability: "not supported", an answer.
      if (isCapabilityTest(cond)) continue;
      const failure = unloggedFailure(then, ctx.fn.fn.index, summaries, benignCodes);
      if (!failure) continue;
      // Every caller logs this function's failures (or hands them to one that does): not silent.
      if (ctx.module.callerLoggedPastBenign?.has(ctx.fn.fn.name)) return;
      ctx.report({
        node: ifs.child(0)!,
        message: `failure on device data from ${sourceText(t)} returns -${failure.errorCode} without logging`,
        taint: t,
        use: `fails with -${failure.errorCode} here and nothing is logged`,
        extraSteps: [],
      });
    }
  },
};
