/**
 * The driver's protection domain: its wasm linear memory. The kernel allocates kmalloc and
 * coherent-DMA memory inside it (first fit, 16-byte aligned, deterministic), so a driver can corrupt
 * its own heap but never the kernel's state. Addresses below NULL_GUARD are treated as the NULL page.
 */
export const NULL_GUARD = 1024;
const ALIGN = 16;

interface Block {
  start: number;
  size: number;
  free: boolean;
  tag: string;
}

export class DriverMemory {
  private blocks: Block[];
  private readonly live = new Map<number, Block>();

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    const start = align(heapBase);
    this.blocks = [{ start, size: this.size - start, free: true, tag: '' }];
  }

  get size(): number {
    return this.memory.buffer.byteLength;
  }
  // Views are cached: the domain's memory has a fixed size (initial = maximum), so its buffer is
  // only replaced if it ever grows; the check keeps that case correct.
  private buf: ArrayBuffer | undefined;
  private bytes_: Uint8Array | undefined;
  private view_: DataView | undefined;
  private refresh(): void {
    this.buf = this.memory.buffer;
    this.bytes_ = new Uint8Array(this.buf);
    this.view_ = new DataView(this.buf);
  }
  get bytes(): Uint8Array {
    if (this.buf !== this.memory.buffer) this.refresh();
    return this.bytes_!;
  }
  get view(): DataView {
    if (this.buf !== this.memory.buffer) this.refresh();
    return this.view_!;
  }

  /** True when [p, p+len) lies inside the domain and above the NULL page. */
  inRange(p: number, len: number): boolean {
    return Number.isInteger(p) && len >= 0 && p >= NULL_GUARD && p + len <= this.size;
  }

  alloc(size: number, tag: string): number {
    const need = align(Math.max(1, size));
    for (let i = 0; i < this.blocks.length; i++) {
      const b = this.blocks[i]!;
      if (!b.free || b.size < need) continue;
      if (b.size > need)
        this.blocks.splice(i + 1, 0, { start: b.start + need, size: b.size - need, free: true, tag: '' });
      b.size = need;
      b.free = false;
      b.tag = tag;
      this.live.set(b.start, b);
      return b.start;
    }
    return 0;
  }

  /** The live allocation starting at p, if any. */
  allocation(p: number): { size: number; tag: string } | undefined {
    const b = this.live.get(p);
    return b ? { size: b.size, tag: b.tag } : undefined;
  }

  free(p: number): boolean {
    const b = this.live.get(p);
    if (!b) return false;
    this.live.delete(p);
    b.free = true;
    b.tag = '';
    const i = this.blocks.indexOf(b);
    const next = this.blocks[i + 1];
    if (next?.free) {
      b.size += next.size;
      this.blocks.splice(i + 1, 1);
    }
    const prev = this.blocks[i - 1];
    if (prev?.free) {
      prev.size += b.size;
      this.blocks.splice(i, 1);
    }
    return true;
  }

  get liveAllocations(): number {
    return this.live.size;
  }

  u8(p: number): number {
    return this.view.getUint8(p);
  }
  u16(p: number): number {
    return this.view.getUint16(p, true);
  }
  u32(p: number): number {
    return this.view.getUint32(p, true);
  }
  setU8(p: number, v: number): void {
    this.view.setUint8(p, v);
  }
  setU16(p: number, v: number): void {
    this.view.setUint16(p, v, true);
  }
  setU32(p: number, v: number): void {
    this.view.setUint32(p, v >>> 0, true);
  }
  read(p: number, len: number): Uint8Array {
    if (p < 0 || p + len > this.size) throw new RangeError(`read [${p}, +${len}) outside memory`);
    return this.bytes.slice(p, p + len);
  }
  write(p: number, data: Uint8Array): void {
    if (p < 0 || p + data.length > this.size)
      throw new RangeError(`write [${p}, +${data.length}) outside memory`);
    this.bytes.set(data, p);
  }
  fill(p: number, len: number, v = 0): void {
    if (p < 0 || p + len > this.size) throw new RangeError(`fill [${p}, +${len}) outside memory`);
    this.bytes.fill(v, p, p + len);
  }
  cstring(p: number, max = 256): string {
    const b = this.bytes;
    let s = '';
    for (let i = 0; i < max && p + i < b.length; i++) {
      const c = b[p + i]!;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  }
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
