/**
 * Analysis of one kernel module (a driver): its files' functions share summaries, accessor
 * macros and DMA region fields, so taint crosses the files of one driver.
 *
 * Order: (1) accessors and region fields from the text; (2) summaries bottom-up over the call
 * graph (callees first); (3) the final analysis top-down (callers first) so taint passed as an
 * argument reaches the callee's analysis.
 */
import { buildCfg } from '../c/cfg.js';
import {
  BENIGN_ERRORS,
  callerLogged,
  callSites,
  inheritAnswers,
  testedCodes,
  timeBounded,
  type CallSites,
} from './control.js';
import { evalConstant, type CFunction, type CVariable, type FileModel } from '../c/model.js';
import type { ParsedFile } from '../c/parser.js';
import { matchBrace } from '../c/preprocess.js';
import type { DeviceReadApi, DeviceReadTable, ReadCategory } from './device-reads.js';
import {
  ANSWER_CODES,
  CORE_LOGGED_CALLBACKS,
  CORE_LOGGED_MEMBER_CALLBACKS,
  CORE_LOGGED_STRUCT_CALLBACKS,
  LOGGING,
  SYSTEM_SLEEP_PM_MACRO,
} from './kernel-apis.js';
import { joinBits } from './ranges.js';
import {
  analyseFunction,
  type FunctionSummary,
  type FunctionTaint,
  type ModuleContext,
  type Taint,
} from './taint.js';

export interface ModuleInput {
  files: { parsed: ParsedFile; model: FileModel }[];
  /** Text of the module's local headers, for accessor macros. */
  headers: readonly string[];
  reads: DeviceReadTable;
  /** Accessors and DMA region fields when the caller already found them (else found here). */
  accessors?: Map<string, DeviceReadApi>;
  regionFields?: Map<string, ReadCategory>;
  /**
   * The summary pass over a subset of these files (an earlier widening round, same accessors and
   * region fields): its functions' results are reused where nothing they looked up changed.
   */
  previous?: ModuleSummaryPass;
}

export interface ModuleAnalysis {
  functions: FunctionTaint[];
  context: ModuleContext;
}

/** A value that is a choice between two calls: `(cond ? f(...) : g(...))` — f and g. */
const TERNARY_OF_CALLS =
  /^\s*\(*[^?;]*\?\s*\(*\s*([A-Za-z_]\w*)\s*\([^?;]*:\s*\(*\s*([A-Za-z_]\w*)\s*\([^?;:]*$/;

/** A statement expression ending in a call: `({ ...; f(...); })` — f. */
const LAST_STATEMENT_CALL =
  /^\s*\(\{(?:[^]*;)?\s*(?:\([\w\s*]+\)\s*)?([A-Za-z_]\w*)\s*\([^;{}]*\)\s*;\s*\}\)\s*$/;

/**
 * `#define rd32(r) readl(hw->base + (r))` and `static inline u32 foo_read(...) { return readl(...); }`
 * in the module: calls to them are device reads. `known` are accessors found elsewhere (the
 * kernel's own headers: engine/kernel-accessors.ts) that these texts' accessors may wrap.
 */
export function findAccessors(
  texts: readonly string[],
  reads: DeviceReadTable,
  known?: ReadonlyMap<string, DeviceReadApi>,
): Map<string, DeviceReadApi> {
  const out = new Map<string, DeviceReadApi>();
  const macroRe = /^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)/gm;
  const inlineRe =
    /\bstatic\s+(?:inline\s+|__always_inline\s+)+[\w\s]*?\b(\w+)\s*\(([^)]*)\)\s*\{([^{}]*)\}/g;
  // The second round finds accessors of accessors; with none found in the first it finds nothing.
  for (let round = 0; round < 2 && (round === 0 || out.size > 0); round++) {
    for (const text of texts) {
      for (const re of [macroRe, inlineRe]) {
        for (const m of text.matchAll(re)) {
          const name = m[1]!;
          if (out.has(name) || reads.lookup(name)) continue;
          // Only an accessor whose value *is* the read (`return readl(...)`, `#define RD(r) readl(...)`):
          // a body that masks or shifts the value is left to the summaries, which keep the bound.
          const body = m[3]!.replace(/\\\n/g, ' ');
          const value = re === inlineRe ? /^\s*return\s+([^;]*);\s*$/.exec(body)?.[1] : body;
          const readOf = (callee: string) => reads.lookup(callee) ?? out.get(callee) ?? known?.get(callee);
          const c = value ? /^\s*\(*\s*(?:\([\w\s*]+\)\s*)?([A-Za-z_]\w*)\s*\(/.exec(value) : null;
          let api = c ? readOf(c[1]!) : undefined;
          // `(is_64(dc) ? rd64(dc, r) : rd32(dc, r))`: a read either way.
          const arms = !api && value ? TERNARY_OF_CALLS.exec(value) : null;
          if (arms && readOf(arms[1]!)?.kind === 'return' && readOf(arms[2]!)?.kind === 'return')
            api = readOf(arms[1]!);
          // `({ check(); readl(...); })`: a statement expression's value is its last statement's.
          const last = !api && value ? LAST_STATEMENT_CALL.exec(value) : null;
          if (last) api = readOf(last[1]!);
          if (api && api.kind === 'return') {
            // Either arm of a ternary: the wider read.
            const bits = arms ? joinBits(readOf(arms[1]!)?.bits, readOf(arms[2]!)?.bits) : api.bits;
            out.set(name, {
              name,
              category: api.category,
              kind: 'return',
              errorCodes: api.errorCodes,
              ...(bits !== undefined ? { bits } : {}),
            });
          }
        }
      }
    }
  }
  return out;
}

/**
 * Fields and buffers the module's code writes: `x->f = ...`, `x.f[i] = ...`, `buf[i++] = ...`; for
 * a nested field (`crq->rx_add.correlator = ...`) both the last name and the chain ("rx_add.correlator").
 */
export function findDriverWritten(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  const re =
    /(?:->|\.)\s*(\w+(?:\s*\.\s*\w+)*)\s*(?:\[[^\]\n]*\]\s*)?(?:[-+|&^]|<<|>>)?=(?!=)|\b(\w+)\s*\[[^\]\n]*\]\s*(?:[-+|&^]|<<|>>)?=(?!=)/g;
  for (const text of texts)
    for (const m of text.matchAll(re)) {
      if (m[2]) out.add(m[2]);
      else {
        const chain = m[1]!.replace(/\s+/g, '');
        out.add(chain);
        out.add(chain.slice(chain.lastIndexOf('.') + 1));
      }
    }
  return out;
}

const answerFieldRe = new RegExp(
  `(?:\\.|->)\\s*(${Object.keys(ANSWER_CODES).join('|')})\\s*=\\s*&?\\s*([A-Za-z_]\\w*)\\s*[,;}]`,
  'g',
);

/**
 * Functions installed as callbacks whose contract makes some error codes answers
 * (`.pin_config_get = foo_pconf_get,`, `chip->get_direction = foo_get_dir;`): function → codes.
 */
export function findAnswerCodes(texts: readonly string[]): Map<string, ReadonlySet<string>> {
  const out = new Map<string, Set<string>>();
  for (const text of texts) {
    for (const m of text.matchAll(answerFieldRe)) {
      const set = out.get(m[2]!) ?? new Set<string>();
      for (const c of ANSWER_CODES[m[1]!] ?? []) set.add(c);
      out.set(m[2]!, set);
    }
  }
  return out;
}

const coreLoggedRe = new RegExp(
  `(?:\\.|->)\\s*(?:${CORE_LOGGED_CALLBACKS.join('|')})\\s*=\\s*&?\\s*([A-Za-z_]\\w*)\\s*[,;}]`,
  'g',
);

const memberCallbackRe = new RegExp(
  `\\b(?:${Object.entries(CORE_LOGGED_MEMBER_CALLBACKS)
    .map(([m, fs]) => `${m}\\s*(?:\\.|->)\\s*(?:${fs.join('|')})`)
    .join('|')})\\s*=\\s*&?\\s*([A-Za-z_]\\w*)\\s*[,;}]`,
  'g',
);

const structCallbackRe = new RegExp(
  `\\bstruct\\s+(${Object.keys(CORE_LOGGED_STRUCT_CALLBACKS).join('|')})\\s+\\w+\\s*(?:\\[[^\\]]*\\]\\s*)?=\\s*\\{`,
  'g',
);

/**
 * Functions installed as callbacks whose core logs their failures (`.transfer_one = foo_xfer,`, or
 * `.write = foo_write` inside a `struct fpga_manager_ops ... = { }` initialiser).
 */
export function findCoreLogged(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const text of texts) {
    for (const m of text.matchAll(coreLoggedRe)) out.add(m[1]!);
    for (const m of text.matchAll(memberCallbackRe)) out.add(m[1]!);
    if (text.includes('PM_OPS'))
      for (const m of text.matchAll(SYSTEM_SLEEP_PM_MACRO)) for (const f of [m[1]!, m[2]!]) out.add(f);
    for (const m of text.matchAll(structCallbackRe)) {
      // The initialiser's text, to its closing brace.
      const close = matchBrace(text, m.index + m[0].length - 1);
      const fields = CORE_LOGGED_STRUCT_CALLBACKS[m[1]!]!.join('|');
      const body = text.slice(m.index, close < 0 ? text.length : close + 1);
      for (const f of body.matchAll(
        new RegExp(`\\.\\s*(?:${fields})\\s*=\\s*&?\\s*([A-Za-z_]\\w*)\\s*[,;}]`, 'g'),
      ))
        out.add(f[1]!);
    }
  }
  return out;
}

/**
 * Widths of the module's regmap fields: `[F_ODR] = REG_FIELD(ODR_REG, 0, 3)` in a `reg_field`
 * table, or `.odr = REG_FIELD(...)` / `foo = REG_FIELD(...)`, by index or field name. A name given two
 * different widths is left out.
 */
export function findFieldWidths(
  texts: readonly string[],
  constants: Map<string, number>,
): Map<string, number> {
  const out = new Map<string, number>();
  const clash = new Set<string>();
  const re =
    /(?:\[\s*(\w+)\s*\]|\.\s*(\w+)|\b(\w+))\s*=\s*REG_FIELD\s*\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*(\w+)\s*,\s*(\w+)\s*\)/g;
  for (const text of texts) {
    if (!text.includes('REG_FIELD')) continue;
    for (const m of text.matchAll(re)) {
      const name = (m[1] ?? m[2] ?? m[3])!;
      const lsb = evalConstant(m[4]!, constants);
      const msb = evalConstant(m[5]!, constants);
      if (lsb === undefined || msb === undefined || msb < lsb) continue;
      const w = msb - lsb + 1;
      if (out.has(name) && out.get(name) !== w) clash.add(name);
      else out.set(name, w);
    }
  }
  for (const c of clash) out.delete(c);
  // A field handle allocated from a REG_FIELD has its width: `data->reg_gain =
  // devm_regmap_field_alloc(dev, map, foo_reg_field_gain);`, also through a macro that pastes the
  // names (`#define FOO_FIELD(n) data->reg_##n = devm_regmap_field_alloc(.., foo_reg_field_##n)`).
  const link = (handle: string, from: string) => {
    const w = out.get(from);
    if (w === undefined || clash.has(handle)) return;
    if (out.has(handle) && out.get(handle) !== w) {
      clash.add(handle);
      out.delete(handle);
    } else out.set(handle, w);
  };
  const alloc = /(?:->|\.)\s*(\w+)\s*=\s*(?:devm_)?regmap_field_alloc\s*\([^;]*?,\s*&?\s*(\w+)\s*\)/g;
  const macro =
    /^[ \t]*#[ \t]*define[ \t]+(\w+)\(\s*(\w+)\s*\)([^\n]*?(?:->|\.)\s*(\w*)\s*##\s*\2\s*(\w*)\s*=\s*(?:devm_)?regmap_field_alloc\s*\([^;]*?,\s*&?\s*(\w*)\s*##\s*\2\s*(\w*)\s*\))/gm;
  for (const text of out.size ? texts : []) {
    if (!text.includes('regmap_field_alloc')) continue;
    for (const m of text.matchAll(alloc)) link(m[1]!, m[2]!);
    if (!text.includes('##')) continue;
    const joined = text.replace(/\\\n/g, ' ');
    for (const m of joined.matchAll(macro)) {
      const [, name, , , pre, post, fromPre, fromPost] = m;
      for (const u of joined.matchAll(new RegExp(`\\b${name}\\(\\s*(\\w+)\\s*\\)`, 'g')))
        link(`${pre}${u[1]}${post}`, `${fromPre}${u[1]}${fromPost}`);
    }
  }
  return out;
}

/** `#define NAME <integer expression>` in the module's files and headers. */
export function findConstants(texts: readonly string[], defines?: DefineCache): Map<string, number> {
  const out = new Map<string, number>();
  for (const text of texts) {
    let found = defines?.get(text);
    if (!found) {
      found = definesOf(text);
      defines?.set(text, found);
    }
    for (const [name, value] of found) {
      const v = evalConstant(value, out);
      if (v !== undefined && !out.has(name)) out.set(name, v);
    }
  }
  return out;
}

/** A text's `#define NAME value` lines (value without comments), by text: see {@link findConstants}. */
export type DefineCache = Map<string, [string, string][]>;

function definesOf(text: string): [string, string][] {
  const re = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n\\]+)$/gm;
  // A definition continued over lines (`#define M (A | \` newline `B)`) is one line.
  const joined = text.includes('\\\n') ? text.replace(/\\\n/g, ' ') : text;
  const out: [string, string][] = [];
  for (const m of joined.matchAll(re)) out.push([m[1]!, m[2]!.replace(/\/\*.*?\*\/|\/\/.*$/g, '')]);
  return out;
}

const GENERIC_FIELDS =
  /^(buf|buffer|buff|data|addr|address|va|kva|vaddr|virt|virt_addr|vaddr_base|cpu_addr|mem|ptr|p|base|area|page|pages|dma_buf|dma_mem|region|block|blk|chunk|tmp|scratch)$/;

/** Struct fields assigned DMA-coherent memory (`priv->rx_ring = dma_alloc_coherent(...)`). */
export function findRegionFields(
  texts: readonly string[],
  reads: DeviceReadTable,
): Map<string, ReadCategory> {
  const out = new Map<string, ReadCategory>(reads.bufferFields);
  const re = /(?:->|\.)\s*(\w+)\s*=\s*(?:\([^()]*\)\s*)?(\w+)\s*\(/g;
  for (const text of texts) {
    for (const m of text.matchAll(re)) {
      const api = reads.lookup(m[2]!);
      // Generic names (`buf`, `addr`, `va`) name many unrelated fields of a module; only a
      // distinctive field (`rx_ring`, `descs`, `status_blk`) reliably means device memory.
      if (api?.kind === 'region' && !GENERIC_FIELDS.test(m[1]!)) out.set(m[1]!, api.category);
    }
  }
  return out;
}

interface Unit {
  fn: CFunction;
  parsed: ParsedFile;
}

function orderBottomUp(units: Unit[]): Unit[] {
  const byName = new Map<string, Unit>();
  for (const u of units) if (!byName.has(u.fn.name)) byName.set(u.fn.name, u);
  const seen = new Set<Unit>();
  const out: Unit[] = [];
  const visit = (u: Unit) => {
    if (seen.has(u)) return;
    seen.add(u);
    const stack: { u: Unit; i: number }[] = [{ u, i: 0 }];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const calls = top.u.fn.calls;
      if (top.i < calls.length) {
        const callee = byName.get(calls[top.i++]!.name);
        if (callee && !seen.has(callee)) {
          seen.add(callee);
          stack.push({ u: callee, i: 0 });
        }
      } else {
        out.push(top.u);
        stack.pop();
      }
    }
  };
  for (const u of units) visit(u);
  return out;
}

/** The summary pass of a module, which {@link ModuleSummaryPass.complete} turns into the full analysis. */
export interface ModuleSummaryPass extends ModuleAnalysis {
  /** The full analysis of the same input: the top-down pass, reusing this pass's results. */
  /**
   * `unparsed`: the text of the module's files left unparsed (they cannot reach device data), where
   * callers of the module's non-static functions may still sit.
   */
  complete(unparsed?: readonly string[]): ModuleAnalysis;
  /** Each function's result and what it looked up in the context (for {@link ModuleInput.previous}). */
  readonly reusable: WeakMap<CFunction, Reusable>;
  /** The `#define`s of each text read so far (for {@link ModuleInput.previous}). */
  readonly defines: DefineCache;
}

/**
 * Lookups a function's summary-pass analysis made in the context: map role, key, `has` (1) or
 * `get` (0) or `size` (2), answer. Flat, four entries a lookup.
 */
type Lookups = unknown[];
interface Reusable {
  ft: FunctionTaint;
  lookups: Lookups;
}

/** The lookups of the function being analysed in a summary pass (undefined outside). */
let recording: Lookups | undefined;
const SIZE = Symbol('size');

/** A context map that records every lookup while {@link recording} is set. */
class TrackedMap<K, V> extends Map<K, V> {
  constructor(
    readonly role: number,
    entries?: Iterable<readonly [K, V]>,
  ) {
    super(entries);
  }
  override get(key: K): V | undefined {
    const v = super.get(key);
    recording?.push(this.role, key, 0, v);
    return v;
  }
  override has(key: K): boolean {
    const v = super.has(key);
    recording?.push(this.role, key, 1, v);
    return v;
  }
  override get size(): number {
    const v = super.size;
    recording?.push(this.role, SIZE, 2, v);
    return v;
  }
}

/** The same members with the same types (a struct defined in two files of a module). */
function sameMembers(a: Map<string, CVariable>, b: Map<string, CVariable>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (
      !w ||
      w.type !== v.type ||
      w.pointerDepth !== v.pointerDepth ||
      w.arrayDims.length !== v.arrayDims.length
    )
      return false;
  }
  return true;
}

/** Do the context's maps still answer a function's recorded lookups the same way? */
function sameLookups(lookups: Lookups, maps: readonly Map<unknown, unknown>[]): boolean {
  for (let i = 0; i < lookups.length; i += 4) {
    const m = maps[lookups[i] as number]!;
    const key = lookups[i + 1];
    const kind = lookups[i + 2];
    const now =
      kind === 0 ? Map.prototype.get.call(m, key) : kind === 1 ? Map.prototype.has.call(m, key) : sizeOf(m);
    if (now !== lookups[i + 3]) return false;
  }
  return true;
}
const sizeGetter = Object.getOwnPropertyDescriptor(Map.prototype, 'size')!.get!;
const sizeOf = (m: Map<unknown, unknown>): number => sizeGetter.call(m) as number;

/** The same array dimensions (as their JSON: an unknown size is `null` there), asked per member and round. */
function sameDims(a: readonly (number | undefined)[], b: readonly (number | undefined)[]): boolean {
  if (a.length === 0 && b.length === 0) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** CFGs by function: pure in the body, so shared by every pass over a module (and widening rounds). */
const cfgCache = new WeakMap<CFunction, ReturnType<typeof buildCfg>>();
/** A function's own timeout and logging facts (syntactic), likewise shared. */
const ownFacts = new WeakMap<CFunction, { hasTimeout: boolean; logs: boolean }>();

export function analyseModule(input: ModuleInput, opts: { summariesOnly?: boolean } = {}): ModuleAnalysis {
  const pass = summariseModule(input);
  return opts.summariesOnly ? pass : pass.complete();
}

/** Accessors, region fields and summaries bottom-up (the first half of {@link analyseModule}). */
export function summariseModule(input: ModuleInput): ModuleSummaryPass {
  const texts = [...input.files.map((f) => f.parsed.source), ...input.headers];
  let driverWritten: Set<string> | undefined;
  const summaries = new TrackedMap<string, FunctionSummary>(0);
  // Widening rounds parse more files: each text's definitions are found once.
  const defines: DefineCache = input.previous?.defines ?? new Map();
  const constants = new TrackedMap<string, number>(1, findConstants(texts, defines));
  const memberMap = new TrackedMap<string, CVariable>(2);
  const globals = new TrackedMap<string, CVariable>(3);
  const fresh: ModuleContext = {
    reads: input.reads,
    accessors: input.accessors ?? findAccessors(texts, input.reads),
    summaries,
    regionFields: input.regionFields ?? findRegionFields(texts, input.reads),
    globals,
    members: memberMap,
    constants,
    // Only the checks read it: found on first use, not in every widening round.
    get driverWritten() {
      return (driverWritten ??= findDriverWritten(texts));
    },
  };
  const prev = input.previous;
  // A later widening round: earlier results are reused where every lookup they made answers the
  // same. Their closures (the checks' `evaluate`, `stateBefore`) hold the context object, so the
  // same object is kept and its fields replaced.
  const reuse =
    prev &&
    prev.context.reads === fresh.reads &&
    prev.context.accessors === fresh.accessors &&
    prev.context.regionFields === fresh.regionFields
      ? prev.reusable
      : undefined;
  const context: ModuleContext = reuse
    ? Object.defineProperties(prev!.context, Object.getOwnPropertyDescriptors(fresh))
    : fresh;
  const fieldWidths = new TrackedMap<string, number>(4, findFieldWidths(texts, context.constants));
  context.fieldWidths = fieldWidths;
  const maps: Map<unknown, unknown>[] = [summaries, constants, memberMap, globals, fieldWidths];
  const reusable = new WeakMap<CFunction, Reusable>();
  if (context.regionFields.size)
    context.regionFieldRe = new RegExp(`\\b(?:${[...context.regionFields.keys()].join('|')})\\b`);
  // A struct defined twice with different members (under different configs): its types are unknown.
  const structs = new TrackedMap<string, Map<string, CVariable>>(5);
  const clashing = new Set<string>();
  for (const f of input.files)
    for (const [tag, members] of f.model.structs) {
      const prev = structs.get(tag);
      if (!prev) structs.set(tag, members);
      else if (!sameMembers(prev, members)) clashing.add(tag);
    }
  for (const tag of clashing) structs.delete(tag);
  context.structs = structs;
  maps.push(structs);
  for (const f of input.files) {
    for (const [k, v] of f.model.globals) context.globals.set(k, v);
    for (const members of f.model.structs.values()) {
      for (const [k, v] of members) {
        const prev = context.members.get(k);
        // Two structs with a member of the same name and different shapes: size unknown.
        if (prev && !sameDims(prev.arrayDims, v.arrayDims)) {
          context.members.set(k, {
            ...v,
            arrayDims: v.arrayDims.length || prev.arrayDims.length ? [undefined] : [],
          });
        } else context.members.set(k, v);
      }
    }
  }
  const units: Unit[] = input.files.flatMap((f) => f.model.functions.map((fn) => ({ fn, parsed: f.parsed })));
  const cfgOf = (u: Unit) => {
    let c = cfgCache.get(u.fn);
    if (!c) {
      c = buildCfg(u.fn.body);
      cfgCache.set(u.fn, c);
    }
    return c;
  };
  const bottomUp = orderBottomUp(units);
  // Syntactic facts first (timeouts, logging), then taint summaries callees-first.
  const own = (fn: CFunction) => {
    let facts = ownFacts.get(fn);
    if (!facts) {
      facts = {
        hasTimeout: timeBounded(
          fn.body,
          fn.calls.map((c) => c.name),
        ),
        logs: fn.calls.some((c) => LOGGING.test(c.name)),
      };
      ownFacts.set(fn, facts);
    }
    return facts;
  };
  const summaryPass: [Unit, FunctionTaint][] = [];
  for (const u of bottomUp) {
    const before = reuse?.get(u.fn);
    let ft: FunctionTaint;
    if (before && sameLookups(before.lookups, maps)) {
      ft = before.ft;
      reusable.set(u.fn, before);
    } else {
      const lookups: Lookups = [];
      recording = lookups;
      try {
        ft = analyseFunction(u.fn, u.parsed, () => cfgOf(u), context);
        // The callees' facts below are lookups too.
        for (const c of u.fn.calls) context.summaries.get(c.name);
      } finally {
        recording = undefined;
      }
      reusable.set(u.fn, { ft, lookups });
    }
    summaryPass.push([u, ft]);
    const mine = own(u.fn);
    const callees = u.fn.calls
      .map((c) => context.summaries.get(c.name))
      .filter((s): s is FunctionSummary => !!s);
    const summary = ft.summary;
    summary.hasTimeout = mine.hasTimeout || callees.some((s) => s.hasTimeout);
    summary.logs = mine.logs || callees.some((s) => s.logs);
    // A function with its own timeout does not hand back raw device data to poll on
    // (Carburizer's main false positive: the timeout is inside the called function).
    if (summary.hasTimeout) summary.returns = undefined;
    if (!context.summaries.has(u.fn.name) || !u.fn.isStatic) context.summaries.set(u.fn.name, summary);
  }
  return {
    functions: summaryPass.map(([, ft]) => ft),
    context,
    complete: (unparsed = []) =>
      completeModule(context, units, texts, bottomUp, summaryPass, cfgOf, unparsed),
    reusable,
    defines,
  };
}

/** The final pass, callers first, with the taint their call sites pass in. */
function completeModule(
  context: ModuleContext,
  units: readonly Unit[],
  texts: readonly string[],
  bottomUp: readonly Unit[],
  summaryPass: readonly [Unit, FunctionTaint][],
  cfgOf: (u: Unit) => ReturnType<typeof buildCfg>,
  unparsed: readonly string[],
): ModuleAnalysis {
  // Who logs for whom, and which codes are answers: only the checks of the final pass ask, and
  // only of a function with something to report, so each is worked out on first use (from the
  // summaries, which this pass does not change).
  let sites: CallSites | undefined;
  let logged: Set<string> | undefined;
  let loggedPastBenign: Set<string> | undefined;
  let answers: Map<string, ReadonlySet<string>> | undefined;
  let coreLogged: Set<string> | undefined;
  const coreLoggedOf = () => (coreLogged ??= findCoreLogged(texts));
  const sitesOf = () =>
    (sites ??= callSites(
      units.map((u) => u.fn),
      texts,
      unparsed,
    ));
  Object.defineProperties(context, {
    callSites: { get: sitesOf, configurable: true, enumerable: true },
    callerLogged: {
      get: () => (logged ??= callerLogged(sitesOf(), context.summaries, coreLoggedOf())),
      configurable: true,
      enumerable: true,
    },
    callerLoggedPastBenign: {
      get: () =>
        (loggedPastBenign ??= callerLogged(sitesOf(), context.summaries, coreLoggedOf(), BENIGN_ERRORS)),
      configurable: true,
      enumerable: true,
    },
    answerCodes: {
      get: () => {
        if (!answers) {
          const own = findAnswerCodes(texts);
          for (const [name, codes] of testedCodes(sitesOf(), context.summaries))
            own.set(name, new Set([...(own.get(name) ?? []), ...codes]));
          answers = inheritAnswers(sitesOf(), context.summaries, own);
        }
        return answers;
      },
      configurable: true,
      enumerable: true,
    },
  });
  context.i2cAdapter = texts.some((t) => t.includes('i2c_algorithm') && /\bstruct\s+i2c_algorithm\b/.test(t));
  const entries = new Map<string, Map<number, Taint>>();
  const functions: FunctionTaint[] = [];
  const firstPass = new Map<Unit, FunctionTaint>();
  for (const [u, ft] of summaryPass) firstPass.set(u, ft);
  for (const u of [...bottomUp].reverse()) {
    const argT = entries.get(u.fn.name);
    let entry: Map<string, Taint> | undefined;
    if (argT) {
      entry = new Map();
      for (const [i, t] of argT) {
        const p = u.fn.params[i];
        if (p?.name) entry.set(p.name, t);
      }
    }
    // Without taint passed in, the summary pass already computed this function's final state.
    const ft = entry ? analyseFunction(u.fn, u.parsed, () => cfgOf(u), context, entry) : firstPass.get(u)!;
    ft.summary.hasTimeout = context.summaries.get(u.fn.name)?.hasTimeout ?? false;
    ft.summary.logs = context.summaries.get(u.fn.name)?.logs ?? false;
    for (const [callee, m] of ft.argTaints) {
      const e = entries.get(callee) ?? new Map<number, Taint>();
      for (const [i, t] of m) {
        const prev = e.get(i);
        // Several callers pass device data: the parameter is as wide as the widest.
        if (!prev) e.set(i, t);
        else if (prev.bits !== t.bits) e.set(i, { ...prev, bits: joinBits(prev.bits, t.bits) });
      }
      entries.set(callee, e);
    }
    functions.push(ft);
  }
  return { functions, context };
}
