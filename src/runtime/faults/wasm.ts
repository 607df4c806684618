/**
 * Just enough of the WebAssembly binary format to rewrite function bodies at instruction
 * granularity: the software fault injector edits the compiled driver the way Rio/Nooks' injector
 * edited machine code. Sections other than the code section are copied byte for byte, so
 * function and import indices never change.
 */

export interface Instr {
  /** byte range in the body */
  start: number;
  end: number;
  op: number;
  /** second byte for 0xfc-prefixed instructions */
  sub?: number;
  /** decoded immediate: local/global/function/label index, constant value, or memarg offset */
  imm?: number;
  memOffset?: number;
  memAlign?: number;
  /** br_if/br whose target is a loop (a back edge) */
  backEdge?: boolean;
  /** nesting: how many enclosing `loop`s */
  loopDepth: number;
}

export interface FunctionBody {
  index: number; // function index (imports first)
  typeIndex: number;
  localsBytes: Uint8Array; // the encoded local declarations
  localTypes: number[]; // params then locals
  code: Uint8Array; // instructions, including the final `end`
  instrs: Instr[];
}

export interface FuncType {
  params: number[];
  results: number[];
}

export interface WasmModule {
  bytes: Uint8Array;
  types: FuncType[];
  /** imported function names by function index */
  importNames: string[];
  importTypes: number[];
  bodies: FunctionBody[];
  codeSection: { start: number; end: number };
}

class Reader {
  constructor(
    readonly b: Uint8Array,
    public p = 0,
  ) {}
  u8(): number {
    return this.b[this.p++]!;
  }
  u32(): number {
    let r = 0;
    let shift = 0;
    for (;;) {
      const x = this.u8();
      r |= (x & 0x7f) << shift;
      if (!(x & 0x80)) return r >>> 0;
      shift += 7;
    }
  }
  s32(): number {
    let r = 0;
    let shift = 0;
    let x: number;
    do {
      x = this.u8();
      r |= (x & 0x7f) << shift;
      shift += 7;
    } while (x & 0x80);
    if (shift < 32 && x & 0x40) r |= ~0 << shift;
    return r | 0;
  }
  skipLeb(): void {
    while (this.u8() & 0x80);
  }
  name(): string {
    const n = this.u32();
    const s = new TextDecoder().decode(this.b.subarray(this.p, this.p + n));
    this.p += n;
    return s;
  }
}

export function uleb(n: number): number[] {
  const out: number[] = [];
  n >>>= 0;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

export function parseModule(bytes: Uint8Array): WasmModule {
  const r = new Reader(bytes, 8);
  const types: FuncType[] = [];
  const importNames: string[] = [];
  const importTypes: number[] = [];
  const funcTypes: number[] = [];
  let codeSection = { start: 0, end: 0 };
  let codeStart = 0;
  while (r.p < bytes.length) {
    const id = r.u8();
    const size = r.u32();
    const start = r.p;
    if (id === 1) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        r.u8(); // 0x60
        const params = Array.from({ length: r.u32() }, () => r.u8());
        const results = Array.from({ length: r.u32() }, () => r.u8());
        types.push({ params, results });
      }
    } else if (id === 2) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        r.name();
        const name = r.name();
        const kind = r.u8();
        if (kind === 0) {
          importNames.push(name);
          importTypes.push(r.u32());
        } else if (kind === 1) {
          r.u8();
          const flags = r.u8();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 2) {
          const flags = r.u8();
          r.u32();
          if (flags & 1) r.u32();
        } else {
          r.u8();
          r.u8();
        }
      }
    } else if (id === 3) {
      const n = r.u32();
      for (let i = 0; i < n; i++) funcTypes.push(r.u32());
    } else if (id === 10) {
      codeSection = { start: start - 1 - uleb(size).length, end: start + size };
      codeStart = start;
    }
    r.p = start + size;
  }
  const bodies: FunctionBody[] = [];
  if (codeStart) {
    const c = new Reader(bytes, codeStart);
    const n = c.u32();
    for (let i = 0; i < n; i++) {
      const size = c.u32();
      const bodyStart = c.p;
      const typeIndex = funcTypes[i]!;
      const localTypes = [...types[typeIndex]!.params];
      const groups = c.u32();
      for (let g = 0; g < groups; g++) {
        const count = c.u32();
        const t = c.u8();
        for (let j = 0; j < count; j++) localTypes.push(t);
      }
      const localsBytes = bytes.slice(bodyStart, c.p);
      const code = bytes.slice(c.p, bodyStart + size);
      bodies.push({
        index: importNames.length + i,
        typeIndex,
        localsBytes,
        localTypes,
        code,
        instrs: decodeInstrs(code),
      });
      c.p = bodyStart + size;
    }
  }
  return { bytes, types, importNames, importTypes, bodies, codeSection };
}

function decodeInstrs(code: Uint8Array): Instr[] {
  const r = new Reader(code);
  const out: Instr[] = [];
  const blocks: number[] = []; // opcode of each open block
  let loops = 0;
  while (r.p < code.length) {
    const start = r.p;
    const op = r.u8();
    const ins: Instr = { start, end: 0, op, loopDepth: loops };
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04: {
        const bt = code[r.p]!;
        if (bt === 0x40 || (bt >= 0x6f && bt <= 0x7f)) r.p++;
        else r.s32();
        blocks.push(op);
        if (op === 0x03) loops++;
        break;
      }
      case 0x0b: {
        const b = blocks.pop();
        if (b === 0x03) loops--;
        break;
      }
      case 0x0c:
      case 0x0d: {
        ins.imm = r.u32();
        ins.backEdge = blocks[blocks.length - 1 - ins.imm] === 0x03;
        break;
      }
      case 0x10:
      case 0x20:
      case 0x21:
      case 0x22:
      case 0x23:
      case 0x24:
      case 0x25:
      case 0x26:
      case 0xd2:
        ins.imm = r.u32();
        break;
      case 0x0e: {
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.u32();
        break;
      }
      case 0x11:
        ins.imm = r.u32();
        r.u32();
        break;
      case 0x1c: {
        const n = r.u32();
        r.p += n;
        break;
      }
      case 0x3f:
      case 0x40:
        r.u8();
        break;
      case 0x41:
        ins.imm = r.s32();
        break;
      case 0x42:
        r.skipLeb();
        break;
      case 0x43:
        r.p += 4;
        break;
      case 0x44:
        r.p += 8;
        break;
      case 0xd0:
        r.u8();
        break;
      case 0xfc: {
        const sub = r.u32();
        ins.sub = sub;
        if (sub === 10) r.p += 2;
        else if (sub === 11) r.p += 1;
        else if (sub === 8) {
          r.u32();
          r.u8();
        } else if (sub === 9 || sub === 13 || sub === 15 || sub === 16 || sub === 17) r.u32();
        else if (sub === 12 || sub === 14) {
          r.u32();
          r.u32();
        } else if (sub > 7) throw new Error(`wasm: unsupported 0xfc ${sub}`);
        break;
      }
      default:
        if (op >= 0x28 && op <= 0x3e) {
          ins.memAlign = r.u32();
          ins.memOffset = r.u32();
        } else if (!(
          (op >= 0x45 && op <= 0xc4) ||
          op === 0x00 ||
          op === 0x01 ||
          op === 0x05 ||
          op === 0x0f ||
          op === 0x1a ||
          op === 0x1b ||
          op === 0xd1
        )) {
          throw new Error(`wasm: unsupported opcode 0x${op.toString(16)} at ${start}`);
        }
    }
    ins.end = r.p;
    out.push(ins);
  }
  return out;
}

/** An edit to one function body: replace instruction `at` (or insert before it) with bytes. */
export interface Edit {
  func: number; // index into bodies
  at: number; // instruction index
  mode: 'replace' | 'before' | 'after';
  bytes: number[];
  /** extra i32 locals this edit needs */
  addLocals?: number;
}

export function applyEdits(m: WasmModule, edits: Edit[]): Uint8Array {
  const byFunc = new Map<number, Edit[]>();
  for (const e of edits) byFunc.set(e.func, [...(byFunc.get(e.func) ?? []), e]);
  const bodies: number[][] = m.bodies.map((b, fi) => {
    const es = byFunc.get(fi);
    if (!es) return [...uleb(b.localsBytes.length + b.code.length), ...b.localsBytes, ...b.code];
    const out: number[] = [];
    for (let i = 0; i < b.instrs.length; i++) {
      const ins = b.instrs[i]!;
      const here = es.filter((e) => e.at === i);
      for (const e of here) if (e.mode === 'before') out.push(...e.bytes);
      const rep = here.find((e) => e.mode === 'replace');
      if (rep) out.push(...rep.bytes);
      else for (let p = ins.start; p < ins.end; p++) out.push(b.code[p]!);
      for (const e of here) if (e.mode === 'after') out.push(...e.bytes);
    }
    const extra = es.reduce((n, e) => n + (e.addLocals ?? 0), 0);
    let locals = [...b.localsBytes];
    if (extra) {
      const r = new Reader(b.localsBytes);
      const groups = r.u32();
      locals = [...uleb(groups + 1), ...b.localsBytes.subarray(r.p), ...uleb(extra), 0x7f];
    }
    return [...uleb(locals.length + out.length), ...locals, ...out];
  });
  const content = [...uleb(m.bodies.length), ...bodies.flat()];
  const section = [10, ...uleb(content.length), ...content];
  const before = m.bytes.subarray(0, m.codeSection.start);
  const after = m.bytes.subarray(m.codeSection.end);
  const out = new Uint8Array(before.length + section.length + after.length);
  out.set(before, 0);
  out.set(section, before.length);
  out.set(after, before.length + section.length);
  return out;
}

/** Index of the first local an edit adds to body `b` (params + existing locals). */
export function nextLocal(b: FunctionBody): number {
  return b.localTypes.length;
}
