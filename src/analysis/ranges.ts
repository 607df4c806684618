/**
 * Value ranges of device data: how large a tainted value can be where it is used.
 *
 * Two sources of a bound: what the code did to the value (a mask, `% n`, a clamp, a narrowing cast:
 * `Taint.maxValue`, Carburizer's filters) and how wide the data is (`Taint.bits`: the read's width
 * from the device-read table, narrowed by the unsigned types it is stored in or read through). The
 * width survives being stored in a wider variable or passed to a wider parameter: a byte read kept
 * in an `int` or handed to an `unsigned int` is still below 256.
 */
import type { CFunction, CVariable } from '../c/model.js';
import { evalConstant } from '../c/model.js';
import type { Node } from '../c/parser.js';
import { stripParens } from './paths.js';
import { CHECK_RANGE, callArgs, callName, type ModuleContext, type Taint } from './taint.js';

/** What a range question needs of the function being checked. */
export interface RangeScope {
  fn: { fn: CFunction };
  module: ModuleContext;
  taintOf(expr: Node): Taint | undefined;
}

const UNSIGNED: [RegExp, number][] = [
  [/^(u8|__u8|uint8_t|u_int8_t|u_char|uchar|unsigned char)$/, 8],
  [/^(u16|__u16|uint16_t|u_int16_t|u_short|ushort|unsigned short( int)?|__le16|__be16)$/, 16],
  [/^(u32|__u32|uint32_t|u_int32_t|u_int|uint|unsigned( int)?|__le32|__be32)$/, 32],
  [/^(u64|__u64|uint64_t|u_int64_t|unsigned long long( int)?|__le64|__be64)$/, 64],
];
const SIGNED: [RegExp, number][] = [
  [/^(s8|__s8|int8_t|char|signed char)$/, 8],
  [/^(s16|__s16|int16_t|short( int)?|signed short( int)?)$/, 16],
  [/^(s32|__s32|int32_t|int|signed( int)?)$/, 32],
  [/^(s64|__s64|int64_t|long long( int)?|signed long long( int)?)$/, 64],
];

/**
 * The width and signedness of an integer type written as text (`u8`, `const unsigned int`), when
 * known; `long` and typedefs other than the kernel's fixed-width ones are not known.
 */
export function integerType(typeText: string): { bits: number; signed: boolean } | undefined {
  // Asked for every tainted variable read in the dataflow's rounds: remembered per type text.
  if (integerTypes.has(typeText)) return integerTypes.get(typeText);
  const it = parseIntegerType(typeText);
  integerTypes.set(detached(typeText), it);
  return it;
}

/**
 * A copy of `s` that does not hold on to the text it was cut from. A type's text is a slice of its
 * file's source (a node's `text`): kept as the key of a table that outlives the module, it would
 * keep every file it came from in memory for the rest of the run.
 */
export function detached(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}
const integerTypes = new Map<string, { bits: number; signed: boolean } | undefined>();

function parseIntegerType(typeText: string): { bits: number; signed: boolean } | undefined {
  const t = typeText
    .replace(/\b(const|volatile|static|register|__iomem)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  for (const [re, bits] of UNSIGNED) if (re.test(t)) return { bits, signed: false };
  for (const [re, bits] of SIGNED) if (re.test(t)) return { bits, signed: true };
  return undefined;
}

/**
 * The data's width after it is stored in, cast to or read through a variable of type `typeText`:
 * an unsigned type keeps at most its own width; a signed one no wider than the data may make it
 * negative (a byte read kept in a `char` and passed on as `unsigned int` is ~4e9), so the width is
 * lost; a wider signed type holds it unchanged.
 */
export function widthThrough(bits: number | undefined, typeText: string): number | undefined {
  const it = integerType(typeText);
  if (!it) return bits;
  if (!it.signed) return bits === undefined ? it.bits : Math.min(bits, it.bits);
  return bits !== undefined && bits < it.bits ? bits : undefined;
}

/** The join of two widths at a merge point: the wider, unknown if either is. */
export function joinBits(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : Math.max(a, b);
}

/**
 * The largest value device data can have here: its bound (mask, clamp, cast) or its width. A bus
 * helper's value that is also a negative errno (`i2c_smbus_read_byte_data`) is bounded by its width
 * only once it has been range-checked (`if (v < 0) return v;`): before that a negative errno, seen
 * as unsigned, is far above it.
 */
export function upperBound(t: Taint): number | undefined {
  const w = widthMax(t);
  if (t.maxValue === undefined) return w;
  return w === undefined ? t.maxValue : Math.min(t.maxValue, w);
}

/** The largest value the data's width allows (see {@link upperBound} for bus helpers' errnos). */
export function widthMax(t: Taint): number | undefined {
  return t.bits !== undefined && t.bits < 53 && (!t.source.errorCodes || t.checks & CHECK_RANGE)
    ? 2 ** t.bits - 1
    : undefined;
}

/** The declaration of an indexed array: a local, a global or a struct member of the module. */
export function arrayDeclOf(base: Node, scope: RangeScope): CVariable | undefined {
  const n = stripParens(base);
  if (n.type === 'identifier') return scope.fn.fn.locals.get(n.text) ?? scope.module.globals?.get(n.text);
  if (n.type === 'field_expression') {
    const field = n.childForFieldName('field')?.text;
    return field ? scope.module.members?.get(field) : undefined;
  }
  return undefined;
}

/**
 * Can the condition never hold, given the bounds of the device data in it (`i >= ARRAY_SIZE(t)` for
 * a 2-bit field and a 4-entry table; `page >= 256` for a byte read)? Then no device, faulty or not,
 * makes it true.
 */
export function cannotHold(cond: Node, scope: RangeScope): boolean {
  const s = stripParens(cond);
  if (s.type !== 'binary_expression') return false;
  const op = s.child(1)?.type ?? '';
  const l = s.childForFieldName('left');
  const r = s.childForFieldName('right');
  if (!l || !r) return false;
  if (op === '||') return cannotHold(l, scope) && cannotHold(r, scope);
  if (op === '&&') return cannotHold(l, scope) || cannotHold(r, scope);
  const value = (n: Node): number | undefined => {
    const x = stripParens(n);
    if (x.type === 'call_expression' && callName(x) === 'ARRAY_SIZE') {
      const a = callArgs(x)[0];
      return a ? arrayDeclOf(a, scope)?.arrayDims[0] : undefined;
    }
    // `FIELD_MAX(mask)`: the mask shifted down, the largest value `FIELD_GET(mask, reg)` gives.
    if (x.type === 'call_expression' && /^FIELD_MAX(_ULL)?$/.test(callName(x))) {
      const a = callArgs(x)[0];
      let m = a ? evalConstant(a.text, scope.module.constants) : undefined;
      if (m === undefined || m <= 0) return undefined;
      while (m % 2 === 0) m /= 2;
      return m;
    }
    return evalConstant(x.text, scope.module.constants);
  };
  // Normalise to `tainted OP constant`.
  const flip: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==' };
  let e = l;
  let k = value(r);
  let o = op;
  if (k === undefined) {
    e = r;
    k = value(l);
    o = flip[op] ?? '';
  }
  if (k === undefined) return false;
  const t = scope.taintOf(e);
  const max = t ? upperBound(t) : undefined;
  if (!t || max === undefined) return false;
  // A masked value is not negative. (A width alone says nothing about `v == -1`: for a 32-bit
  // unsigned `v` the usual conversions make that the all-ones test.)
  switch (o) {
    case '>=':
      return max < k;
    case '>':
      return max <= k;
    case '==':
      return k > max || (k < 0 && t.maxValue !== undefined);
    case '<':
      return k <= 0 && !!t.masked;
    case '<=':
      return k < 0 && !!t.masked;
    default:
      return false;
  }
}
