/**
 * Device-data taint: which values came from the device, and how they got where they are used.
 *
 * Flow-sensitive within a function (a forward dataflow over the CFG: an assignment kills, a new
 * read re-arms), field-sensitive through access paths (analysis/paths.ts), through out-parameters
 * (`pci_read_config_dword(pdev, off, &v)`), buffers the device fills, and pointers into
 * DMA-coherent memory. Across functions of one module through summaries: what a function returns
 * and writes through its pointer parameters, and taint passed in as arguments.
 *
 * A taint remembers whether a check was seen between the read and the use (`checked`: a
 * comparison or not-NULL test of the same path in a condition) and an upper bound when the value
 * was masked (`x & 0x1f`), reduced (`x % 8`), clamped (`min(x, 7)`) or narrowed (`(u8)x`): these
 * are the false-positive filters of Carburizer, applied by the checks that care.
 */
import type { Cfg } from '../c/cfg.js';
import { reversePostOrder } from '../c/cfg.js';
import type { CFunction, CVariable } from '../c/model.js';
import { evalConstant } from '../c/model.js';
import {
  endOf,
  fieldOf,
  memoByNode,
  operatorFieldOf,
  parentOf,
  operatorOf,
  typeOf,
  type Node,
  type ParsedFile,
} from '../c/parser.js';
import type { TraceStep } from '../types.js';
import type { CallSites } from './control.js';
import { readApplies, type DeviceReadApi, type DeviceReadTable, type ReadCategory } from './device-reads.js';
import { accessPath, covers, fieldChain, fieldsOf, pointeePath, rootOf, stripParens } from './paths.js';
import { detached, joinBits, widthMax, widthThrough } from './ranges.js';

export interface DeviceSource {
  api: string;
  category: ReadCategory;
  /** How the data arrived: a read's value, an out-parameter, a filled buffer, device memory. */
  kind: 'return' | 'out' | 'buffer' | 'region';
  /** For reads of device memory: the field (or buffer) read. */
  field?: string;
  errorCodes: boolean;
  /** The read's width in bits, from the device-read table (`readb` 8, `regmap_read` 32). */
  bits?: number;
  step: TraceStep;
}

export interface Taint {
  source: DeviceSource;
  /** From the read to here, excluding the final use (the check adds it). */
  steps: TraceStep[];
  /** Checks seen on every path since the read: a bitmask of CHECK_RANGE and CHECK_NULL. */
  checks: number;
  /** Largest value the data can have after masking/clamping/narrowing, when known. */
  maxValue?: number;
  /**
   * The data fits in this many bits (as an unsigned value): the read's width, narrowed by unsigned
   * types it was stored in or read through, kept through wider ones and into callees' parameters.
   * Lost by arithmetic that can carry it higher (`+`, `<<`, `|`) and by a signed type no wider than
   * it. See analysis/ranges.ts.
   */
  bits?: number;
  /** Masked (`& MASK`) or reduced (`% n`) by something not from the device: Carburizer's mask filter. */
  masked?: boolean;
  /** Reached this function as an argument from a caller (its check is the caller's data, not a local read). */
  viaArgument?: boolean;
  /** A pointer computed from device data by arithmetic (`base + off`), not an address the device gave. */
  derived?: boolean;
}

/** A relational or equality comparison (`x < N`, `x == 3`, a `switch`). */
export const CHECK_RANGE = 1;
/** A not-NULL / non-zero test (`if (p)`, `!p`, `p == NULL`, `IS_ERR_OR_NULL(p)`). */
export const CHECK_NULL = 2;

export interface TaintState {
  taint: Map<string, Taint>;
  /** Pointers into device-written memory (DMA-coherent regions, URB buffers). */
  regions: Map<string, DeviceSource>;
}

export interface FunctionSummary {
  name: string;
  /** Device data the function returns (e.g. a register accessor). */
  returns?: Taint;
  returnsRegion?: DeviceSource;
  /** Taint written through pointer parameter i, keyed by the parameter-relative path suffix. */
  outParams: Map<number, Map<string, Taint>>;
  /** Has a timeout of its own (jiffies, time_after, ktime, *_timeout, a bounded wait). */
  hasTimeout: boolean;
  /** Logs something (printk family, dev_*, netdev_*, WARN) itself or through a callee. */
  logs: boolean;
}

/** Everything the analysis of one module shares. */
export interface ModuleContext {
  reads: DeviceReadTable;
  /** Accessor macros and inline functions of the module's headers that read the device. */
  accessors: Map<string, DeviceReadApi>;
  summaries: Map<string, FunctionSummary>;
  /** Struct fields assigned a DMA-coherent region anywhere in the module, plus URB buffers. */
  regionFields: Map<string, ReadCategory>;
  /** Structs the module's files define: tag → members (the types data is read through). */
  structs?: Map<string, Map<string, CVariable>>;
  /** Global variables of the module's files (array sizes). */
  globals: Map<string, CVariable>;
  /** Struct members declared in the module's files, by member name (array sizes). */
  members: Map<string, CVariable>;
  /** Integer `#define`s of the module's files and headers (mask and array sizes). */
  constants: Map<string, number>;
  /**
   * Fields and buffers the module's own code writes (`desc->cdblen = n`, `buf[i++] = x`): in
   * DMA-coherent memory these hold the driver's data as much as the device's.
   */
  driverWritten: Set<string>;
  /** Functions installed as callbacks whose contract makes these error codes answers (kernel-apis.ts). */
  answerCodes?: Map<string, ReadonlySet<string>>;
  /** Widths of regmap fields: `[F_X] = REG_FIELD(reg, lsb, msb)` and `.f_x = REG_FIELD(...)`, by name. */
  fieldWidths?: Map<string, number>;
  /** Static functions whose failures every caller logs (or hands on to a caller that logs). */
  callerLogged?: Set<string>;
  /**
   * The same for failures with codes other than the benign ones (silent-failure's): a caller's test
   * for a benign code (`if (r == -EBUSY) break;`) is passed over.
   */
  callerLoggedPastBenign?: Set<string>;
  /** The module's direct calls, by callee, and which functions only direct calls reach. */
  callSites?: CallSites;
  /** The module is an I2C adapter (it defines a `struct i2c_algorithm`). */
  i2cAdapter?: boolean;
  /** Matches any of the region fields in text (a cheap "can see device memory" test). */
  regionFieldRe?: RegExp;
}

/** Byte-order and bit-field helpers: their result is their (tainted) argument. */
const PASSTHROUGH =
  /^(__)?(le|be)(16|32|64)_to_cpu(p|up)?$|^(__)?cpu_to_(le|be)(16|32|64)$|^(__)?swab(16|32|64)$|^(u32_get_bits|u16_get_bits|u8_get_bits|le32_get_bits|le16_get_bits|get_unaligned(_le|_be)?(16|32|64)?|abs|upper_32_bits|lower_32_bits|ntohl|ntohs|htonl|htons|bcd2bin|sign_extend32|ilog2|array_index_nospec|READ_ONCE)$/;
/**
 * The width of a PASSTHROUGH helper's result: a byte-order helper may move a byte's bits to the top
 * of its word (`cpu_to_be32`), so it is as wide as its name says; `*_get_bits` and `lower_32_bits`
 * take part of the value; `abs` and `sign_extend32` may make it negative or wrap it.
 */
function passThroughWidth(name: string, t: Taint): Taint {
  let bits: number | undefined;
  if (/_get_bits$|^(bcd2bin|ilog2|array_index_nospec|READ_ONCE|get_unaligned)$/.test(name)) return t;
  if (name === 'lower_32_bits') bits = t.bits === undefined ? 32 : Math.min(t.bits, 32);
  else if (/^(ntohs|htons)$/.test(name)) bits = 16;
  else if (/^(ntohl|htonl)$/.test(name)) bits = 32;
  else if (/(16|32|64)/.test(name) && name !== 'sign_extend32') bits = Number(/(16|32|64)/.exec(name)![1]);
  return bits === t.bits ? t : { ...t, bits };
}

/** `FIELD_GET(mask, value)`: the field of a register value. */
const FIELD_GETTERS = /^(FIELD_GET|FIELD_GET_ULL)$/;
/** Calls that bound their result by a constant argument. */
const CLAMPS = /^(min|min_t|clamp|clamp_t|clamp_val|umin)$/;

const COMPARISONS = new Set(['<', '<=', '>', '>=', '==', '!=']);
/** Compound assignments whose result may exceed both operands. */
const GROWING = new Set(['+=', '-=', '*=', '<<=', '|=', '^=']);

function narrowMax(typeText: string): number | undefined {
  if (/\b(u8|__u8|uint8_t|u_int8_t|u_char|uchar|unsigned char|s8|char)\b/.test(typeText)) return 255;
  if (
    /\b(u16|__u16|uint16_t|u_int16_t|u_short|ushort|unsigned short|s16|short|__le16|__be16)\b/.test(typeText)
  )
    return 65535;
  return undefined;
}

/** The largest value of an unsigned 8- or 16-bit type (signed ones may also be negative). */
export function unsignedMax(typeText: string): number | undefined {
  if (/\b(u8|__u8|uint8_t|u_int8_t|u_char|uchar|unsigned char)\b/.test(typeText)) return 255;
  if (/\b(u16|__u16|uint16_t|u_int16_t|u_short|ushort|unsigned short)\b/.test(typeText)) return 65535;
  return undefined;
}

/** `struct foo` → foo (remembered per type text). */
const structTags = new Map<string, string | undefined>();
function structTag(typeText: string): string | undefined {
  if (structTags.has(typeText)) return structTags.get(typeText);
  const tag = /\bstruct\s+(\w+)/.exec(typeText)?.[1];
  structTags.set(detached(typeText), tag && detached(tag));
  return tag;
}

/** The CFG given to functions that never see device data (their loops are not examined). */
const EMPTY_CFG: Cfg = { nodes: [], entry: 0, exit: 0, loops: [], nodeOf: new Map() };

export interface FunctionTaint {
  fn: CFunction;
  file: ParsedFile;
  cfg: Cfg;
  /** State on entry to each CFG node. */
  inStates: (TaintState | undefined)[];
  /** Effects (assignments, declarations, calls) of each CFG node, in evaluation order. */
  effects: Node[][];
  /** Value of an expression in a state. */
  evaluate(expr: Node, state: TaintState): Taint | undefined;
  regionOf(expr: Node, state: TaintState): DeviceSource | undefined;
  /** The state just before `expr` is evaluated (its CFG node's in-state plus earlier effects). */
  stateBefore(expr: Node): TaintState | undefined;
  /** The CFG node evaluating `expr` (the innermost enclosing statement or condition). */
  cfgNodeOf(expr: Node): number | undefined;
  summary: FunctionSummary;
  /** Root variables of every path that is tainted or a device region somewhere in the function. */
  taintedRoots: Set<string>;
  /** Whether the function can see device data at all (reads, accessors, regions, tainted arguments). */
  touchesDevice: boolean;
  /** Taint passed to module functions at call sites: callee → param index → taint. */
  argTaints: Map<string, Map<number, Taint>>;
}

function cloneState(s: TaintState): TaintState {
  return { taint: new Map(s.taint), regions: new Map(s.regions) };
}

/**
 * Would {@link joinInto} change `into`: a new path or region, or a path less checked or less
 * bounded? Asked before copying, so an edge that brings nothing new costs no copy.
 */
function joinChanges(into: TaintState, from: TaintState): boolean {
  for (const [k, v] of from.taint) {
    const w = into.taint.get(k);
    if (!w) return true;
    if (w.checks !== v.checks || w.maxValue !== v.maxValue || w.bits !== v.bits) {
      const maxValue =
        w.maxValue !== undefined && v.maxValue !== undefined ? Math.max(w.maxValue, v.maxValue) : undefined;
      if (
        (w.checks & v.checks) !== w.checks ||
        maxValue !== w.maxValue ||
        joinBits(w.bits, v.bits) !== w.bits
      )
        return true;
    }
  }
  for (const k of from.regions.keys()) if (!into.regions.has(k)) return true;
  return false;
}

/**
 * Join at a merge point: may-taint; unchecked if unchecked on any path; bound (and width) only if
 * bounded on all.
 */
function joinInto(into: TaintState, from: TaintState): void {
  for (const [k, v] of from.taint) {
    const w = into.taint.get(k);
    if (!w) into.taint.set(k, v);
    else if (w.checks !== v.checks || w.maxValue !== v.maxValue || w.bits !== v.bits) {
      const maxValue =
        w.maxValue !== undefined && v.maxValue !== undefined ? Math.max(w.maxValue, v.maxValue) : undefined;
      into.taint.set(k, { ...w, checks: w.checks & v.checks, maxValue, bits: joinBits(w.bits, v.bits) });
    }
  }
  for (const [k, v] of from.regions) if (!into.regions.has(k)) into.regions.set(k, v);
}

function kill(state: TaintState, path: string): void {
  for (const k of [...state.taint.keys()]) if (covers(path, k)) state.taint.delete(k);
  for (const k of [...state.regions.keys()]) if (covers(path, k)) state.regions.delete(k);
}

export const callName = memoByNode((call: Node): string => {
  const f = call.childForFieldName('function');
  return f?.type === 'identifier' ? f.text : '';
});

/** `a->b` rather than `a.b`. */
const isArrow = (n: Node): boolean => operatorFieldOf(n) === '->';

const firstNamedChild = memoByNode((n: Node): Node | null => n.namedChild(0));

/** The name an init_declarator declares (`*p = ...`, `a[4] = ...` → p, a). */
const declaredName = memoByNode((e: Node): string | undefined => {
  let name = e.childForFieldName('declarator');
  while (name && name.type !== 'identifier')
    name = name.childForFieldName('declarator') ?? name.namedChild(0);
  return name ? name.text : undefined;
});

/** The arguments of a call (shared: do not modify). */
export const callArgs = memoByNode(
  (call: Node): readonly Node[] =>
    call
      .childForFieldName('arguments')
      ?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? [],
);

export function analyseFunction(
  fn: CFunction,
  file: ParsedFile,
  cfgOf: () => Cfg,
  mctx: ModuleContext,
  entry?: Map<string, Taint>,
): FunctionTaint {
  const summary: FunctionSummary = {
    name: fn.name,
    outParams: new Map(),
    hasTimeout: false,
    logs: false,
  };
  const argTaints = new Map<string, Map<number, Taint>>();

  const deviceApi = (name: string): DeviceReadApi | undefined =>
    mctx.reads.lookup(name) ?? mctx.accessors.get(name);

  // Decided before anything else is set up: most functions of a parsed file never see device data.
  const touchesDevice =
    (entry?.size ?? 0) > 0 ||
    fn.calls.some((c) => {
      if (deviceApi(c.name)) return true;
      const s = mctx.summaries.get(c.name);
      return !!s && (!!s.returns || !!s.returnsRegion || s.outParams.size > 0);
    }) ||
    (mctx.regionFieldRe?.test(fn.body.text) ?? false);
  if (!touchesDevice) {
    // Nothing in this function can carry device data: skip the dataflow.
    const empty: TaintState = { taint: new Map(), regions: new Map() };
    const none = (): undefined => undefined;
    return {
      fn,
      file,
      cfg: EMPTY_CFG,
      inStates: [],
      effects: [],
      evaluate: none,
      regionOf: none,
      stateBefore: () => empty,
      cfgNodeOf: none,
      summary,
      touchesDevice,
      argTaints,
      taintedRoots: new Set(),
    };
  }

  const step = (node: Node, message: string): TraceStep => {
    const p = file.pos(node);
    return { file: file.path, line: p.line, column: p.column, message };
  };
  const srcOf = (
    node: Node,
    api: string,
    category: ReadCategory,
    errorCodes = false,
    kind: DeviceSource['kind'] = 'region',
    bits?: number,
  ): DeviceSource => ({
    api,
    category,
    errorCodes,
    kind,
    ...(bits !== undefined ? { bits } : {}),
    step: step(node, `${api}() reads the device (${category})`),
  });
  const fresh = (source: DeviceSource): Taint => ({
    source,
    steps: [source.step],
    checks: 0,
    ...(source.bits !== undefined ? { bits: source.bits } : {}),
  });

  /** Is `expr` a pointer into device-written memory? */
  const regionOf = (expr: Node, st: TaintState): DeviceSource | undefined => {
    const n = stripParens(expr);
    if (n.type === 'call_expression') {
      const name = callName(n);
      const api = deviceApi(name);
      if (api?.kind === 'region') return srcOf(n, name, api.category);
      return mctx.summaries.get(name)?.returnsRegion;
    }
    if (n.type === 'pointer_expression' && n.child(0)?.type === '&') {
      const arg = n.childForFieldName('argument');
      const a = arg ? stripParens(arg) : undefined;
      if (!a) return undefined;
      // `&ring[i]`: a slot of the region.
      if (a.type === 'subscript_expression') return regionOf(a.childForFieldName('argument')!, st);
      // `&desc->status`: inside the region only if `desc` is. `&kiq->ring` is the address of the
      // member itself (a pointer, or a struct that merely shares a region field's name).
      if (a.type === 'field_expression') {
        const base = a.childForFieldName('argument');
        return base ? throughRegion(base, st) : undefined;
      }
      return regionOf(a, st);
    }
    if (n.type === 'binary_expression' && (n.child(1)?.type === '+' || n.child(1)?.type === '-')) {
      const l = n.childForFieldName('left');
      return l ? regionOf(l, st) : undefined;
    }
    const path = accessPath(n);
    if (!path) return undefined;
    const r = st.regions.get(path);
    if (r) return r;
    const last = fieldsOf(path).pop();
    const cat = last ? mctx.regionFields.get(last) : undefined;
    if (cat && !path.endsWith('->*')) return srcOf(n, `${last} (device memory)`, cat);
    return undefined;
  };

  /** The region an lvalue-ish expression lies in (`r->descs->x`, `&ring[i]`, `desc->buf + 4`). */
  const throughRegion = (expr: Node, st: TaintState): DeviceSource | undefined => {
    let n: Node | null = stripParens(expr);
    while (n) {
      const r = regionOf(n, st);
      if (r) return r;
      if (n.type === 'binary_expression') n = n.childForFieldName('left');
      else if (
        n.type === 'pointer_expression' ||
        n.type === 'subscript_expression' ||
        n.type === 'field_expression'
      )
        n = n.childForFieldName('argument');
      else return undefined;
      if (n) n = stripParens(n);
    }
    return undefined;
  };

  /** A bit-field member read can be no larger than its width allows. */
  const bitBound = (n: Node, t: Taint | undefined): Taint | undefined => {
    if (!t || typeOf(n) !== 'field_expression') return t;
    const w = mctx.members.get(fieldOf(n, 'field')?.text ?? '')?.bitWidth;
    if (w === undefined || w > 30) return t;
    const max = 2 ** w - 1;
    return t.maxValue !== undefined && t.maxValue <= max ? t : { ...t, maxValue: max };
  };

  /** The width of a regmap field named by `fields[F_X]` or `priv->f_x`, from the module's REG_FIELDs. */
  const fieldWidthOf = (a: Node | undefined): number | undefined => {
    if (!a || !mctx.fieldWidths?.size) return undefined;
    const x = stripParens(a);
    const key =
      x.type === 'subscript_expression'
        ? x.childForFieldName('index')?.text
        : x.type === 'field_expression'
          ? x.childForFieldName('field')?.text
          : x.text;
    const w = key ? mctx.fieldWidths.get(key) : undefined;
    return w !== undefined && w > 0 && w < 31 ? w : undefined;
  };

  /** `ARRAY_SIZE(t) - 1`, `sizeof(x)`, or a local initialised from one: the size of a table. */
  const isSizeLimit = (a: Node): boolean => {
    const SIZE = /\b(ARRAY_SIZE|sizeof)\b/;
    if (SIZE.test(a.text)) return true;
    const s = stripParens(a);
    if (s.type !== 'identifier') return false;
    for (const d of fn.index.of('declaration'))
      for (const c of d.namedChildren)
        if (
          c?.type === 'init_declarator' &&
          c.childForFieldName('declarator')?.text === s.text &&
          SIZE.test(c.childForFieldName('value')?.text ?? '')
        )
          return true;
    return false;
  };

  /**
   * The declared type of an lvalue: a local, parameter or global, a member of a struct the module
   * defines (through `.`, `->` and subscripts). Undefined when not known.
   */
  const declOf = (n: Node): { type: string; pointerDepth: number; arrays: number } | undefined => {
    const x = stripParens(n);
    const t = typeOf(x);
    if (t === 'identifier') {
      const v = fn.locals.get(x.text) ?? mctx.globals.get(x.text);
      return v && { type: v.type, pointerDepth: v.pointerDepth, arrays: v.arrayDims.length };
    }
    if (t === 'subscript_expression') {
      const b = fieldOf(x, 'argument');
      const d = b ? declOf(b) : undefined;
      if (!d) return undefined;
      if (d.arrays > 0) return { ...d, arrays: d.arrays - 1 };
      return d.pointerDepth > 0 ? { ...d, pointerDepth: d.pointerDepth - 1 } : undefined;
    }
    if (t === 'field_expression') {
      const b = fieldOf(x, 'argument');
      const d = b ? declOf(b) : undefined;
      if (!d || d.arrays > 0 || d.pointerDepth !== (isArrow(x) ? 1 : 0)) return undefined;
      const tag = structTag(d.type);
      const m = tag ? mctx.structs?.get(tag)?.get(fieldOf(x, 'field')?.text ?? '') : undefined;
      return m && { type: m.type, pointerDepth: m.pointerDepth, arrays: m.arrayDims.length };
    }
    return undefined;
  };

  /** Data read through a variable or member of an integer type is no wider than the type allows. */
  const typeBound = (n: Node, t: Taint | undefined): Taint | undefined => {
    if (!t) return t;
    const type = typeOf(n);
    if (type !== 'identifier' && type !== 'field_expression' && type !== 'subscript_expression') return t;
    const d = declOf(n);
    if (!d || d.pointerDepth > 0 || d.arrays > 0) return t;
    const bits = widthThrough(t.bits, d.type);
    return bits === t.bits ? t : { ...t, bits };
  };

  const evaluate = (expr: Node, st: TaintState): Taint | undefined =>
    typeBound(expr, bitBound(expr, evaluateRaw(expr, st)));

  const evaluateRaw = (expr: Node, st: TaintState): Taint | undefined => {
    const n = expr;
    const type = typeOf(n);
    switch (type) {
      case 'number_literal':
      case 'string_literal':
      case 'concatenated_string':
      case 'char_literal':
      case 'sizeof_expression':
      case 'alignof_expression':
      case 'true':
      case 'false':
      case 'null':
      case 'offsetof_expression':
        return undefined;
      case 'parenthesized_expression': {
        const inner = firstNamedChild(n);
        return inner ? evaluate(inner, st) : undefined;
      }
      case 'cast_expression': {
        const v = fieldOf(n, 'value');
        const t = v ? evaluate(v, st) : undefined;
        if (!t) return undefined;
        const castType = n.childForFieldName('type')?.text ?? '';
        const max = narrowMax(castType);
        const bits = widthThrough(t.bits, castType);
        const bounded = max !== undefined && (t.maxValue === undefined || t.maxValue > max);
        if (!bounded && bits === t.bits) return t;
        return { ...t, ...(bounded ? { maxValue: max } : {}), bits };
      }
      case 'identifier':
      case 'field_expression':
      case 'subscript_expression':
      case 'pointer_expression': {
        if (type === 'pointer_expression' && n.child(0)?.type === '&') return undefined;
        const path = accessPath(n);
        if (path) {
          for (const [k, t] of st.taint) if (covers(k, path)) return t;
          // A read through a pointer into device memory is a device read.
          if (type !== 'identifier') {
            // `p->rx.len`, `p[i].len`: the memory is reached through the pointer under the `.`s.
            let inner: Node = n;
            while (inner.type === 'field_expression' && !isArrow(inner)) {
              const a = fieldOf(inner, 'argument');
              if (!a) break;
              inner = stripParens(a);
            }
            const base =
              (inner.type === 'field_expression' && isArrow(inner)) ||
              inner.type === 'subscript_expression' ||
              inner.type === 'pointer_expression'
                ? fieldOf(inner, 'argument')
                : undefined;
            if (base) {
              const r = regionOf(base, st);
              if (r)
                return fresh({
                  ...r,
                  kind: 'region',
                  // The location read: its fields below the pointer (`rx.len`), or the buffer itself
                  // for `buf[i]`.
                  field: fieldChain(path, accessPath(base)) ?? fieldsOf(path).pop() ?? rootOf(path),
                  step: step(n, `${n.text.slice(0, 60)} reads device-written memory (${r.category})`),
                });
            }
            if (type === 'field_expression') {
              const arg = fieldOf(n, 'argument');
              if (arg) return evaluate(arg, st);
            }
          }
          return undefined;
        }
        const arg = fieldOf(n, 'argument');
        return arg && type !== 'subscript_expression' ? evaluate(arg, st) : undefined;
      }
      case 'call_expression': {
        const name = callName(n);
        const args = callArgs(n);
        const api = deviceApi(name);
        if (api?.kind === 'return') {
          if (!readApplies(api, (i) => args[i]?.text)) return undefined;
          return fresh(srcOf(n, name, api.category, api.errorCodes, 'return', api.bits));
        }
        const s = mctx.summaries.get(name);
        if (s?.returns)
          return { ...s.returns, steps: [...s.returns.steps, step(n, `returned by ${name}()`)] };
        if (/^(__ffs|ffs|__fls|fls|ffz|__ffs64|fls64|hweight(8|16|32|64))$/.test(name) && args[0]) {
          // A bit number (or count) of a register value: bounded by the word's width like a mask,
          // so `bank * 32 + __ffs(status)` stays within the driver's banks of bits.
          const t = evaluate(args[0], st);
          if (!t) return undefined;
          // __ffs/__fls count from 0, ffs/fls from 1.
          const bits = /64/.test(name) || /q|64/.test(t.source.api) ? 64 : 32;
          return { ...t, masked: true, maxValue: name.startsWith('__') ? bits - 1 : bits };
        }
        if (FIELD_GETTERS.test(name) && args.length >= 2) {
          // FIELD_GET(mask, reg): at most the mask shifted down.
          const t = evaluate(args[1]!, st);
          if (!t) return undefined;
          const m = evalConstant(args[0]!.text, mctx.constants);
          if (m === undefined || m <= 0) return { ...t, masked: true };
          let max = m;
          while (max % 2 === 0) max /= 2;
          return { ...t, masked: true, maxValue: max };
        }
        if (PASSTHROUGH.test(name)) {
          for (const a of args) {
            const t = evaluate(a, st);
            if (t) return passThroughWidth(name, t);
          }
          return undefined;
        }
        if (CLAMPS.test(name)) {
          let t: Taint | undefined;
          let bound: number | undefined;
          let sizeLimit = false;
          // `min_t(type, a, b)`, `clamp_t(type, v, lo, hi)`: the first argument is a type.
          for (const a of name.endsWith('_t') ? args.slice(1) : args) {
            const at = evaluate(a, st);
            t ??= at;
            const c = evalConstant(a.text, mctx.constants);
            if (c !== undefined) bound = bound === undefined ? c : Math.max(bound, c);
            else if (!at && isSizeLimit(a)) sizeLimit = true;
          }
          if (!t) return undefined;
          // Clamped to a table's size (`min(v, ARRAY_SIZE(t) - 1)`, or that kept in a local): as good
          // as a range check.
          if (bound === undefined && sizeLimit) return { ...t, checks: t.checks | CHECK_RANGE };
          return { ...t, maxValue: bound ?? t.maxValue };
        }
        return undefined;
      }
      case 'binary_expression': {
        const op = n.child(1)?.type ?? '';
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        const lt = l ? evaluate(l, st) : undefined;
        const rt = r ? evaluate(r, st) : undefined;
        const t = lt ?? rt;
        if (!t) return undefined;
        if (op === '&' && !(lt && rt)) {
          const c = evalConstant((lt ? r : l)?.text ?? '', mctx.constants);
          if (c !== undefined && c >= 0)
            return { ...t, masked: true, maxValue: Math.min(c, t.maxValue ?? c) };
          return { ...t, masked: true };
        } else if (op === '%' && lt && !rt) {
          const c = r ? evalConstant(r.text, mctx.constants) : undefined;
          if (c !== undefined && c > 0) return { ...t, masked: true, maxValue: c - 1 };
          return { ...t, masked: true };
        } else if (op === '/' && lt && !rt) {
          // `x / STEP`: a bucket of the value.
          const c = r ? evalConstant(r.text, mctx.constants) : undefined;
          // Only a value already bounded: a 32-bit register divided is still far too large.
          if (c !== undefined && c >= 1 && t.maxValue !== undefined)
            return { ...t, maxValue: Math.floor(t.maxValue / c) };
        } else if (op === '>>') {
          const c = lt && r ? evalConstant(r.text, mctx.constants) : undefined;
          // Register values are as wide as their read (device-reads.ts): `inb() >> 7` is 0 or 1.
          const wmax = widthMax(t);
          if (c !== undefined && t.maxValue === undefined && !t.masked && wmax !== undefined)
            return { ...t, maxValue: Math.floor(wmax / 2 ** c) };
          if (c !== undefined && t.maxValue !== undefined)
            return { ...t, maxValue: Math.floor(t.maxValue / 2 ** c) };
        } else if (COMPARISONS.has(op) || op === '&&' || op === '||') {
          return { ...t, maxValue: 1 };
        } else if (op === '+' || op === '-' || op === '*' || op === '<<' || op === '|' || op === '^') {
          return { ...t, maxValue: undefined, bits: undefined };
        }
        // `a & b`, `a % b`, `a / n`, `a >> n` are no wider than `a`; `n / a` or `n >> a` may be.
        return op === '&' || op === '%' || lt ? t : { ...t, bits: undefined };
      }
      case 'unary_expression': {
        const a = n.childForFieldName('argument');
        const t = a ? evaluate(a, st) : undefined;
        if (!t) return undefined;
        return n.child(0)?.type === '!'
          ? { ...t, maxValue: 1 }
          : { ...t, maxValue: undefined, bits: undefined };
      }
      case 'update_expression': {
        const a = n.childForFieldName('argument');
        return a ? evaluate(a, st) : undefined;
      }
      case 'conditional_expression': {
        const c = n.childForFieldName('consequence');
        const a = n.childForFieldName('alternative');
        const ct = c ? evaluate(c, st) : undefined;
        const at = a ? evaluate(a, st) : undefined;
        let t = ct ?? at;
        // Device data from either arm: as wide as the wider.
        if (ct && at && ct.bits !== at.bits) t = { ...ct, bits: joinBits(ct.bits, at.bits) };
        const cond = n.childForFieldName('condition');
        const branch = ct ? c : a;
        const bp = branch ? accessPath(branch) : undefined;
        // `v >= N ? N - 1 : v`, `v < N ? v : 0`: the value is chosen by a comparison of itself.
        if (t && cond && bp) {
          const compared = comparedPaths(cond).filter((x) => x.kind & CHECK_RANGE);
          if (compared.some((x) => covers(x.path, bp) || covers(bp, x.path)))
            return { ...t, checks: t.checks | CHECK_RANGE };
        }
        return t;
      }
      case 'assignment_expression': {
        const r = n.childForFieldName('right');
        return r ? evaluate(r, st) : undefined;
      }
      case 'comma_expression': {
        const r = n.childForFieldName('right');
        return r ? evaluate(r, st) : undefined;
      }
      default:
        return undefined;
    }
  };

  /**
   * Record checks of `paths` in `st`. A checked read of device memory (`msg->len` in a DMA or URB
   * buffer) is stored under its path, so later reads of the same location see the check.
   */
  const markChecked = (st: TaintState, paths: readonly CheckedPath[]) => {
    for (const c of paths) {
      let hit = false;
      for (const [k, t] of st.taint)
        if (covers(k, c.path) || covers(c.path, k)) {
          st.taint.set(k, { ...t, checks: t.checks | c.kind });
          hit = true;
        }
      if (!hit && c.node) {
        const t = evaluate(c.node, st);
        if (t) st.taint.set(c.path, { ...t, checks: t.checks | c.kind });
      }
    }
  };

  const assign = (
    st: TaintState,
    lhsPath: string | undefined,
    rhs: Node | null,
    compound: boolean,
    at: Node,
  ) => {
    if (!lhsPath || !rhs) return;
    let t = evaluate(rhs, st);
    let region = regionOf(rhs, st);
    const lhsVar = /^[A-Za-z_]\w*$/.test(lhsPath) ? fn.locals.get(lhsPath) : undefined;
    if (lhsVar && lhsVar.pointerDepth > 0 && t) {
      const r = stripParens(rhs);
      const through = throughRegion(r, st);
      if (through) {
        // `u8 *p = desc->data + off`: an address inside device memory, not a value from it.
        region = region ?? through;
        t = undefined;
      } else if (typeOf(r) === 'binary_expression' && (operatorOf(r) === '+' || operatorOf(r) === '-')) {
        t = { ...t, derived: true };
      }
    }
    // `sub_bus = (int) secondary_bus;` of a `u8 secondary_bus`: the wider variable holds no more
    // than the narrow one could (the bound the index check reads from a narrow index's type).
    if (t && !compound && t.maxValue === undefined && !t.masked) {
      const src = stripParens(rhs);
      const from = typeOf(src) === 'identifier' ? fn.locals.get(src.text) : undefined;
      const max =
        from && from.pointerDepth === 0 && from.arrayDims.length === 0 ? unsignedMax(from.type) : undefined;
      if (max !== undefined && !(lhsVar && unsignedMax(lhsVar.type) !== undefined))
        t = { ...t, maxValue: max };
    }
    if (!compound) kill(st, lhsPath);
    if (t) st.taint.set(lhsPath, { ...t, steps: [...t.steps, step(at, `assigned to ${lhsPath}`)] });
    if (region) st.regions.set(lhsPath, region);
  };

  const apply = (st: TaintState, e: Node) => {
    switch (typeOf(e)) {
      case 'assignment_expression': {
        const l = fieldOf(e, 'left');
        const op = operatorOf(e) ?? '=';
        if (op === '>>=') {
          const lp = l ? accessPath(l) : undefined;
          const old = lp ? st.taint.get(lp) : undefined;
          const k = evalConstant(e.childForFieldName('right')?.text ?? '', mctx.constants);
          const base = old ? (old.maxValue ?? widthMax(old)) : undefined;
          if (lp && old && k !== undefined && k < 64 && base !== undefined) {
            st.taint.set(lp, { ...old, maxValue: Math.floor(base / 2 ** k) });
            break;
          }
        }
        if (op === '&=' || op === '%=') {
          // `off %= size`, `idx &= mask`: bounds what is already there.
          const lp = l ? accessPath(l) : undefined;
          const r = e.childForFieldName('right');
          const old = lp ? st.taint.get(lp) : undefined;
          if (lp && old && r && !evaluate(r, st)) {
            const c = evalConstant(r.text, mctx.constants);
            const max = c === undefined ? undefined : op === '&=' ? c : c - 1;
            st.taint.set(lp, { ...old, masked: true, maxValue: max ?? old.maxValue });
            break;
          }
        }
        const lp = l ? accessPath(l) : undefined;
        assign(st, lp, fieldOf(e, 'right'), op !== '=', e);
        // `x += v`, `x <<= n`, `x |= v`: the result may be larger than the old value and than `v`,
        // so neither's bound nor width holds for it.
        const now = lp && GROWING.has(op) ? st.taint.get(lp) : undefined;
        if (lp && now && (now.maxValue !== undefined || now.bits !== undefined))
          st.taint.set(lp, { ...now, maxValue: undefined, bits: undefined });
        break;
      }
      case 'update_expression': {
        // `i++` may carry the value past its bound and its width (`i--` below 0, to all ones).
        const a = fieldOf(e, 'argument');
        const p = a ? accessPath(a) : undefined;
        const old = p ? st.taint.get(p) : undefined;
        if (p && old && (old.bits !== undefined || old.maxValue !== undefined))
          st.taint.set(p, { ...old, maxValue: undefined, bits: undefined });
        break;
      }
      case 'init_declarator': {
        const name = declaredName(e);
        const value = fieldOf(e, 'value');
        if (name !== undefined && value && typeOf(value) !== 'initializer_list')
          assign(st, name, value, false, e);
        break;
      }
      case 'call_expression': {
        const name = callName(e);
        const args = callArgs(e);
        const api = deviceApi(name);
        if (api && (api.kind === 'out' || api.kind === 'buffer') && api.arg !== undefined && args[api.arg]) {
          if (!readApplies(api, (i) => args[i]?.text)) break;
          const target = pointeePath(args[api.arg]!);
          if (target) {
            kill(st, target);
            const t = fresh(
              srcOf(
                e,
                name,
                api.category,
                api.errorCodes,
                api.kind,
                api.kind === 'out' ? api.bits : undefined,
              ),
            );
            // `regmap_field_read(priv->fields[F_ODR], &v)`: no wider than the field's REG_FIELD.
            const w = name === 'regmap_field_read' ? fieldWidthOf(args[0]) : undefined;
            if (w !== undefined) t.maxValue = 2 ** w - 1;
            st.taint.set(target, { ...t, steps: [...t.steps, step(args[api.arg]!, `written to ${target}`)] });
          }
          break;
        }
        const s0 = mctx.summaries.get(name);
        // Any other call handed `&x` may overwrite x (`copy_from_user(&req, ...)`, `memset(&s, 0, ...)`).
        if (!s0)
          for (const a of args) {
            const an = stripParens(a);
            if (an.type === 'pointer_expression' && an.child(0)?.type === '&') {
              const p = accessPath(an.childForFieldName('argument')!);
              if (p) kill(st, p);
            }
          }
        if (name === 'BUG_ON' && args[0]) {
          markChecked(st, comparedPaths(args[0]));
          break;
        }
        const s = mctx.summaries.get(name);
        if (s) {
          for (const [i, keys] of s.outParams) {
            const a = args[i];
            if (!a) continue;
            const an = stripParens(a);
            const addr =
              an.type === 'pointer_expression' && an.child(0)?.type === '&'
                ? an.childForFieldName('argument')
                : undefined;
            const base = addr ? accessPath(addr) : accessPath(an);
            if (!base) continue;
            for (const [suffix, t] of keys) {
              // `p->*` of the callee is the whole of `v` when called with `&v`.
              const target = addr
                ? suffix === '->*'
                  ? base
                  : `${base}.${suffix.replace(/^->/, '')}`
                : `${base}${suffix}`;
              kill(st, target);
              st.taint.set(target, {
                ...t,
                steps: [...t.steps, step(e, `written to ${target} by ${name}()`)],
              });
            }
          }
          // Taint flowing into the callee's parameters (analysed with it later).
          args.forEach((a, i) => {
            const t = evaluate(a, st);
            if (!t) return;
            const m = argTaints.get(name) ?? new Map<number, Taint>();
            const prev = m.get(i);
            // Another call passed it already: the parameter's width is the wider of the two.
            if (prev) {
              if (prev.bits !== t.bits) m.set(i, { ...prev, bits: joinBits(prev.bits, t.bits) });
            } else
              m.set(i, {
                ...t,
                viaArgument: true,
                // `buf + len` handed on is a pointer computed from device data, not one the device gave.
                derived: t.derived || isOffsetArithmetic(a),
                steps: [...t.steps, step(a, `passed to ${name}() as argument ${i + 1}`)],
              });
            argTaints.set(name, m);
          });
        }
        break;
      }
      default:
        break;
    }
  };

  const cfg = cfgOf();
  // Effects of each CFG node: the indexed effect nodes inside its AST, children before parents
  // (a call's out-parameters are written before the assignment that contains it).
  const allEffects = [
    ...fn.index.of('assignment_expression'),
    ...fn.index.of('init_declarator'),
    ...fn.index.of('call_expression'),
    ...fn.index.of('update_expression'),
  ].sort((a, b) => endOf(a) - endOf(b) || b.startIndex - a.startIndex);
  const starts = allEffects.map(endOf);
  const effects: Node[][] = cfg.nodes.map((n) => {
    if (!n.ast || n.kind === 'label') return [];
    const lo = n.ast.startIndex;
    const hi = n.ast.endIndex;
    // First effect ending after lo, then all that lie inside [lo, hi].
    let a = 0;
    let b = starts.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (starts[m]! <= lo) a = m + 1;
      else b = m;
    }
    const out: Node[] = [];
    for (let i = a; i < allEffects.length && starts[i]! <= hi; i++)
      if (allEffects[i]!.startIndex >= lo) out.push(allEffects[i]!);
    return out;
  });

  const init: TaintState = { taint: new Map(entry ?? []), regions: new Map() };
  const inStates: (TaintState | undefined)[] = new Array(cfg.nodes.length);
  inStates[cfg.entry] = init;
  const order = reversePostOrder(cfg);
  /** The state leaving each `return` node (after its value is evaluated). */
  const returnStates = new Map<number, TaintState>();
  // Round-robin in reverse post-order until nothing changes: loops converge in a few rounds.
  const dirty = new Uint8Array(cfg.nodes.length);
  dirty[cfg.entry] = 1;
  let changed = true;
  for (let round = 0; changed && round < 50; round++) {
    changed = false;
    for (const id of order) {
      if (!dirty[id]) continue;
      dirty[id] = 0;
      changed = true;
      const node = cfg.nodes[id]!;
      // Without effects the out-state is the in-state (nothing below modifies `out` in place).
      const out = effects[id]!.length ? cloneState(inStates[id]!) : inStates[id]!;
      for (const e of effects[id]!) apply(out, e);
      let trueOut = out;
      if ((node.kind === 'cond' || node.kind === 'switch') && node.ast) {
        // A comparison or not-NULL test of a tainted path counts as a check on both branches.
        const checked = node.kind === 'switch' ? switchPaths(node.ast) : comparedPaths(node.ast);
        if (checked.length) {
          trueOut = cloneState(out);
          markChecked(trueOut, checked);
        }
      }
      if (node.kind === 'return' && node.ast) {
        const v = node.ast.namedChildren.find((c) => c && c.type !== 'comment');
        if (v) {
          let t = evaluate(v, out);
          // `static u8 f(...) { return readl(...); }` returns a byte.
          if (t && !fn.returnsPointer) {
            const bits = widthThrough(t.bits, fn.returnType);
            if (bits !== t.bits) t = { ...t, bits };
          }
          if (t && !summary.returns) summary.returns = t;
          else if (t && summary.returns && summary.returns.bits !== t.bits)
            summary.returns = { ...summary.returns, bits: joinBits(summary.returns.bits, t.bits) };
          const r = regionOf(v, out);
          if (r && !summary.returnsRegion) summary.returnsRegion = r;
        }
      }
      if (node.kind === 'return') returnStates.set(id, out);
      for (const edge of node.succ) {
        const s = trueOut;
        const prev = inStates[edge.to];
        if (!prev) {
          inStates[edge.to] = cloneState(s);
          dirty[edge.to] = 1;
        } else if (joinChanges(prev, s)) {
          const joined = cloneState(prev);
          joinInto(joined, s);
          inStates[edge.to] = joined;
          dirty[edge.to] = 1;
        }
      }
    }
  }

  // What the function writes through its pointer parameters, as its callers see it. Callers test
  // the status before they use an out-parameter (`if (err) return err;`), so when every way out is
  // a `return`, the error returns are left out: a value checked on the success path stays checked.
  let exitState = inStates[cfg.exit];
  const intoExit = cfg.nodes.filter((n) => n.succ.some((e) => e.to === cfg.exit));
  if (returnStates.size > 0 && intoExit.every((n) => returnStates.has(n.id))) {
    const ok = [...returnStates].filter(([rid]) => !isErrorReturn(cfg.nodes[rid]!.ast));
    if (ok.length > 0 && ok.length < returnStates.size) {
      exitState = cloneState(ok[0]![1]);
      for (const [, st] of ok.slice(1)) joinInto(exitState, st);
    }
  }
  if (exitState)
    fn.params.forEach((p, i) => {
      if (p.pointerDepth === 0 || !p.name) return;
      for (const [k, t] of exitState.taint) {
        if (k.startsWith(`${p.name}->`) || k.startsWith(`${p.name}.`)) {
          const m = summary.outParams.get(i) ?? new Map<string, Taint>();
          m.set(k.slice(p.name.length), t);
          summary.outParams.set(i, m);
        }
      }
    });

  // The innermost statement or condition around a node, remembered for every node on the way up:
  // checks ask about many expressions of the same statements, and `parent` is costly in
  // tree-sitter (it searches down from the root).
  const enclosing = new Map<number, number | undefined>();
  const cfgNodeOf = (expr: Node): number | undefined => {
    const path: number[] = [];
    let found: number | undefined;
    for (let n: Node | null = expr; n; n = parentOf(n)) {
      if (enclosing.has(n.id)) {
        found = enclosing.get(n.id);
        break;
      }
      path.push(n.id);
      const id = cfg.nodeOf.get(n.id);
      if (id !== undefined) {
        // A do-while's id maps to its body; statements map to themselves.
        found = id;
        break;
      }
      if (n.id === fn.body.id) break;
    }
    for (const id of path) enclosing.set(id, found);
    return found;
  };

  // The state after the first k effects of a CFG node, by node and k: the checks ask about several
  // expressions of one statement (the state is final here; nothing below modifies it).
  const partial = new Map<number, TaintState[]>();
  const stateBefore = (expr: Node): TaintState | undefined => {
    const id = cfgNodeOf(expr);
    if (id === undefined) return undefined;
    const st = inStates[id];
    if (!st) return undefined;
    const earlier = effects[id]!.filter((e) => endOf(e) <= expr.startIndex);
    if (earlier.length === 0) return st;
    let byCount = partial.get(id);
    if (!byCount) partial.set(id, (byCount = []));
    let s = byCount[earlier.length];
    if (!s) {
      s = cloneState(st);
      for (const e of earlier) apply(s, e);
      byCount[earlier.length] = s;
    }
    return s;
  };

  const taintedRoots = new Set<string>();
  for (const st of inStates) {
    if (!st) continue;
    for (const k of st.taint.keys()) taintedRoots.add(rootOf(k));
    for (const k of st.regions.keys()) taintedRoots.add(rootOf(k));
  }
  return {
    taintedRoots,
    fn,
    file,
    cfg,
    inStates,
    effects,
    evaluate,
    regionOf,
    stateBefore,
    cfgNodeOf,
    summary,
    touchesDevice,
    argTaints,
  };
}

/**
 * `return -EIO;`, or `return err;` as the consequence of a test of `err` (`if (err) return err;`,
 * `if (ret < 0) return ret;`): a way out that reports failure.
 */
function isErrorReturn(ret: Node | undefined): boolean {
  return !!ret && errorReturn(ret);
}

/** {@link isErrorReturn}, remembered per statement: every analysis of the function asks again. */
const errorReturn = memoByNode((ret: Node): boolean => {
  const v = ret.namedChildren.find((c) => c && c.type !== 'comment');
  if (!v) return false;
  if (/^\(?\s*-\s*E[A-Z0-9_]+\s*\)?$/.test(v.text)) return true;
  if (v.type !== 'identifier') return false;
  let p = parentOf(ret);
  if (p?.type === 'compound_statement') p = parentOf(p);
  if (p?.type !== 'if_statement' || p.childForFieldName('alternative')?.id === parentOf(ret)?.id)
    return false;
  const cond = p.childForFieldName('condition');
  return !!cond && new RegExp(`\\b${v.text}\\b`).test(cond.text);
});

/** `p + n` / `p - n`: arithmetic that makes a pointer or an offset. */
function isOffsetArithmetic(n: Node): boolean {
  const s = stripParens(n);
  return s.type === 'binary_expression' && (s.child(1)?.type === '+' || s.child(1)?.type === '-');
}

export interface CheckedPath {
  path: string;
  kind: number;
  node?: Node;
}

function switchPaths(value: Node): CheckedPath[] {
  const p = accessPath(value);
  return p ? [{ path: p, kind: CHECK_RANGE, node: value }] : [];
}

const NULLISH = /^(0|NULL|0[xX]0+|false)$/;

/**
 * Paths compared (`x < N`, `x == y`, `!p`, `p`) in a condition: they count as checked afterwards.
 * Remembered per condition (the dataflow asks at every visit); shared, do not modify.
 */
export const comparedPaths = memoByNode((cond: Node): readonly CheckedPath[] => {
  const out: CheckedPath[] = [];
  const visit = (n: Node, truthTest: boolean) => {
    const s = stripParens(n);
    if (s.type === 'binary_expression') {
      const op = s.child(1)?.type ?? '';
      const l = s.childForFieldName('left');
      const r = s.childForFieldName('right');
      if (op === '&&' || op === '||') {
        if (l) visit(l, true);
        if (r) visit(r, true);
        return;
      }
      if (COMPARISONS.has(op)) {
        const nullTest = (op === '==' || op === '!=') && [l, r].some((x) => x && NULLISH.test(x.text.trim()));
        for (const operand of [l, r]) {
          if (!operand) continue;
          const side = assignedIn(operand);
          const p = accessPath(side);
          if (p) out.push({ path: p, kind: nullTest ? CHECK_NULL : CHECK_RANGE, node: side });
          else {
            // `off + sizeof(*hdr) > size` checks `off` too; so does `((v >> 4) & 7) >= N` check `v`.
            const operands = (e: Node): void => {
              const s2 = stripParens(e);
              if (
                s2.type !== 'binary_expression' ||
                !['+', '-', '*', '/', '%', '<<', '>>', '&'].includes(s2.child(1)?.type ?? '')
              )
                return;
              for (const operand of [s2.childForFieldName('left'), s2.childForFieldName('right')]) {
                if (!operand) continue;
                const q = accessPath(operand);
                if (q) out.push({ path: q, kind: CHECK_RANGE, node: operand });
                else operands(operand);
              }
            };
            operands(side);
          }
        }
      }
      return;
    }
    if (s.type === 'unary_expression' && s.child(0)?.type === '!') {
      const a = s.childForFieldName('argument');
      if (a) visit(a, true);
      return;
    }
    if (s.type === 'call_expression') {
      // WARN_ON(x >= N), unlikely(...), likely(...), IS_ERR_OR_NULL(p)
      const name = callName(s);
      const args = callArgs(s);
      if (/^(unlikely|likely|WARN_ON|WARN_ON_ONCE|WARN|WARN_ONCE)$/.test(name) && args[0])
        visit(args[0], true);
      else if (/^(IS_ERR_OR_NULL|IS_ERR|PTR_ERR_OR_ZERO)$/.test(name) && args[0]) {
        const p = accessPath(args[0]);
        if (p) out.push({ path: p, kind: CHECK_NULL });
      }
      return;
    }
    if (truthTest) {
      const t = assignedIn(s);
      const p = accessPath(t);
      if (p) out.push({ path: p, kind: CHECK_NULL, node: t });
    }
  };
  visit(cond, true);
  return out;
});

/**
 * What a condition's operand tests: in `(v = inb(port)) >= N` or `while ((p = next()))` it is the
 * variable assigned, which holds the tested value afterwards.
 */
function assignedIn(n: Node): Node {
  const s = stripParens(n);
  if (s.type !== 'assignment_expression' || s.child(1)?.type !== '=') return n;
  return s.childForFieldName('left') ?? n;
}
