/**
 * Software-implemented fault injection on the compiled driver, after the Rio/Nooks injector: each
 * fault rewrites one instruction (or inserts a few) at a seeded random site of the wasm code.
 */
import type { Rng } from '../rng.js';
import {
  applyEdits,
  parseModule,
  sleb,
  uleb,
  type Edit,
  type FunctionBody,
  type Instr,
  type WasmModule,
} from './wasm.js';

export const SOFTWARE_FAULT_TYPES = [
  'inverted-branch',
  'nop',
  'source-operand',
  'destination-operand',
  'pointer',
  'off-by-one',
  'bitflip',
  'kmalloc-null',
  'premature-free',
  'copy-overrun',
  'endless-loop',
  'panic',
] as const;
export type SoftwareFaultType = (typeof SOFTWARE_FAULT_TYPES)[number];
export interface SoftwareFault {
  type: SoftwareFaultType | 'random';
}

export function parseSoftwareFault(s: string): SoftwareFault {
  if (s === 'random' || s === 'swifi') return { type: 'random' };
  if (!(SOFTWARE_FAULT_TYPES as readonly string[]).includes(s)) {
    throw new Error(`unknown software fault '${s}' (known: ${SOFTWARE_FAULT_TYPES.join(', ')}, random)`);
  }
  return { type: s as SoftwareFaultType };
}

/** Allocation calls and the one-argument function that frees what they return. */
const ALLOCATORS: Record<string, string | undefined> = {
  kmalloc: 'kfree',
  kzalloc: 'kfree',
  alloc_etherdev: 'free_netdev',
  netdev_alloc_skb: 'dev_kfree_skb_any',
  dma_alloc_coherent: undefined,
  input_allocate_device: 'input_free_device',
  blk_mq_alloc_disk: 'put_disk',
};

const COMPARE_SWAP: Record<number, number> = {
  0x48: 0x4c,
  0x4c: 0x48,
  0x49: 0x4d,
  0x4d: 0x49,
  0x4a: 0x4e,
  0x4e: 0x4a,
  0x4b: 0x4f,
  0x4f: 0x4b,
};

interface Site {
  func: number;
  at: number;
}

const parsed = new WeakMap<Uint8Array, WasmModule>();

export function injectSoftwareFaults(
  wasm: Uint8Array,
  faults: SoftwareFault[],
  rng: Rng,
): { wasm: Uint8Array; injected: string[] } {
  let m = parsed.get(wasm);
  if (!m) {
    m = parseModule(wasm);
    parsed.set(wasm, m);
  }
  const edits: Edit[] = [];
  const injected: string[] = [];
  const used = new Set<string>();
  for (const f of faults) {
    const type = f.type === 'random' ? rng.pick(SOFTWARE_FAULT_TYPES) : f.type;
    const e = makeEdit(m, type, rng, used, edits);
    if (!e) {
      injected.push(`sw:${type} (no site)`);
      continue;
    }
    used.add(`${e.func}:${e.at}`);
    edits.push(e);
    injected.push(`sw:${type} func ${m.bodies[e.func]!.index} instr ${e.at}`);
  }
  const out = applyEdits(m, edits);
  if (!WebAssembly.validate(out))
    throw new Error(`software fault injection produced an invalid module (${injected.join('; ')})`);
  return { wasm: out, injected };
}

function importIndex(m: WasmModule, name: string): number | undefined {
  const i = m.importNames.indexOf(name);
  return i < 0 ? undefined : i;
}

function sites(m: WasmModule, used: Set<string>, pred: (ins: Instr, b: FunctionBody) => boolean): Site[] {
  const out: Site[] = [];
  m.bodies.forEach((b, func) =>
    b.instrs.forEach((ins, at) => {
      if (!used.has(`${func}:${at}`) && pred(ins, b)) out.push({ func, at });
    }),
  );
  return out;
}

function memarg(ins: Instr, offset: number): number[] {
  return [ins.op, ...uleb(ins.memAlign ?? 0), ...uleb(offset)];
}

function makeEdit(
  m: WasmModule,
  type: SoftwareFaultType,
  rng: Rng,
  used: Set<string>,
  prior: Edit[],
): Edit | undefined {
  const pick = (
    pred: (ins: Instr, b: FunctionBody) => boolean,
  ): (Site & { ins: Instr; b: FunctionBody }) | undefined => {
    const s = sites(m, used, pred);
    if (!s.length) return undefined;
    const site = rng.pick(s);
    const b = m.bodies[site.func]!;
    return { ...site, b, ins: b.instrs[site.at]! };
  };
  const callee = (ins: Instr) =>
    ins.op === 0x10 && ins.imm! < m.importNames.length ? m.importNames[ins.imm!] : undefined;
  const isLoad = (op: number) => op >= 0x28 && op <= 0x35;
  const isStore = (op: number) => op >= 0x36 && op <= 0x3e;
  switch (type) {
    case 'inverted-branch': {
      const s = pick((i) => i.op === 0x0d || i.op === 0x04);
      return s && { func: s.func, at: s.at, mode: 'before', bytes: [0x45] };
    }
    case 'nop': {
      const s = pick((i) => {
        if (i.op === 0x21 || isStore(i.op) || (i.op >= 0x6a && i.op <= 0x78)) return true;
        if (i.op !== 0x10 || i.imm === undefined) return false;
        const t = m.types[funcType(m, i.imm)]!;
        return t.results.length === 0 && callee(i) !== 'log_execution';
      });
      if (!s) return undefined;
      const i = s.ins;
      let drops = 1;
      if (isStore(i.op)) drops = 2;
      else if (i.op === 0x10) drops = m.types[funcType(m, i.imm!)]!.params.length;
      return { func: s.func, at: s.at, mode: 'replace', bytes: drops ? Array(drops).fill(0x1a) : [0x01] };
    }
    case 'source-operand': {
      const s = pick((i, b) => (i.op === 0x20 && sameTypeLocals(b, i.imm!).length > 0) || i.op === 0x41);
      if (!s) return undefined;
      if (s.ins.op === 0x41)
        return { func: s.func, at: s.at, mode: 'replace', bytes: [0x41, ...sleb(rng.next() | 0)] };
      return {
        func: s.func,
        at: s.at,
        mode: 'replace',
        bytes: [0x20, ...uleb(rng.pick(sameTypeLocals(s.b, s.ins.imm!)))],
      };
    }
    case 'destination-operand': {
      const s = pick(
        (i, b) => ((i.op === 0x21 || i.op === 0x22) && sameTypeLocals(b, i.imm!).length > 0) || isStore(i.op),
      );
      if (!s) return undefined;
      if (isStore(s.ins.op)) {
        const delta = rng.pick([-8, -4, 4, 8, 16]);
        return {
          func: s.func,
          at: s.at,
          mode: 'replace',
          bytes: memarg(s.ins, Math.max(0, s.ins.memOffset! + delta)),
        };
      }
      return {
        func: s.func,
        at: s.at,
        mode: 'replace',
        bytes: [s.ins.op, ...uleb(rng.pick(sameTypeLocals(s.b, s.ins.imm!)))],
      };
    }
    case 'pointer': {
      const s = pick((i) => isLoad(i.op) || isStore(i.op));
      if (!s) return undefined;
      const offset = (s.ins.memOffset! + 2 ** (8 + rng.int(15))) >>> 0;
      return { func: s.func, at: s.at, mode: 'replace', bytes: memarg(s.ins, offset) };
    }
    case 'off-by-one': {
      const s = pick((i) => i.loopDepth > 0 && i.op in COMPARE_SWAP);
      return s && { func: s.func, at: s.at, mode: 'replace', bytes: [COMPARE_SWAP[s.ins.op]!] };
    }
    case 'bitflip': {
      const s = pick((i) => i.op === 0x41);
      return (
        s && {
          func: s.func,
          at: s.at,
          mode: 'replace',
          bytes: [0x41, ...sleb((s.ins.imm! ^ (1 << rng.int(32))) | 0)],
        }
      );
    }
    case 'kmalloc-null': {
      const s = pick((i) => {
        const c = callee(i);
        return c !== undefined && c in ALLOCATORS;
      });
      return s && { func: s.func, at: s.at, mode: 'after', bytes: [0x1a, 0x41, 0x00] };
    }
    case 'premature-free': {
      const s = pick((i) => {
        const c = callee(i);
        const free = c ? ALLOCATORS[c] : undefined;
        return free !== undefined && importIndex(m, free) !== undefined;
      });
      if (!s) return undefined;
      const free = importIndex(m, ALLOCATORS[callee(s.ins)!]!)!;
      const local =
        s.b.localTypes.length +
        prior.filter((e) => e.func === s.func).reduce((n, e) => n + (e.addLocals ?? 0), 0);
      return {
        func: s.func,
        at: s.at,
        mode: 'after',
        bytes: [0x22, ...uleb(local), 0x20, ...uleb(local), 0x10, ...uleb(free)],
        addLocals: 1,
      };
    }
    case 'copy-overrun': {
      const s = pick((i) => i.op === 0xfc && (i.sub === 10 || i.sub === 11));
      return s && { func: s.func, at: s.at, mode: 'before', bytes: [0x41, ...sleb(1 + rng.int(4096)), 0x6a] };
    }
    case 'endless-loop': {
      const s = pick((i) => i.op === 0x0d && i.backEdge === true);
      if (s) return { func: s.func, at: s.at, mode: 'before', bytes: [0x1a, 0x41, 0x01] };
      const log = importIndex(m, 'log_execution');
      const f = rng.int(m.bodies.length);
      if (log === undefined || used.has(`${f}:0`)) return undefined;
      return {
        func: f,
        at: 0,
        mode: 'before',
        bytes: [0x03, 0x40, 0x41, 0x00, 0x10, ...uleb(log), 0x0c, 0x00, 0x0b],
      };
    }
    case 'panic': {
      const p = importIndex(m, 'panic');
      const s = pick((i) => i.op !== 0x0b || i.loopDepth >= 0);
      if (!s) return undefined;
      return {
        func: s.func,
        at: s.at,
        mode: 'before',
        bytes: p === undefined ? [0x00] : [0x41, 0x00, 0x10, ...uleb(p)],
      };
    }
  }
}

function funcType(m: WasmModule, fn: number): number {
  return fn < m.importNames.length ? m.importTypes[fn]! : m.bodies[fn - m.importNames.length]!.typeIndex;
}

function sameTypeLocals(b: FunctionBody, local: number): number[] {
  const t = b.localTypes[local];
  const out: number[] = [];
  b.localTypes.forEach((x, i) => {
    if (x === t && i !== local) out.push(i);
  });
  return out;
}
