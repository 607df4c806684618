/**
 * Model of the driverscope PCI block device (dsblk): a submission ring and a completion ring in
 * host memory, a doorbell, bus-master DMA to and from a disk image, one interrupt per batch of
 * completions.
 *
 * Modelled figures: the controller is ready 2 ms after reset (real controllers take milliseconds
 * to seconds); each request costs 50 µs of access latency plus 5 ns per byte (200 MB/s, a SATA
 * SSD of the drivers' era); a flush of the write cache takes 200 µs.
 */
import { DeviceModel, type Bar } from './device.js';

export const DISK_REG = {
  CTRL: 0x00,
  STATUS: 0x04,
  INT_STATUS: 0x08,
  INT_MASK: 0x0c,
  CAPACITY: 0x10,
  SQ_ADDR: 0x14,
  Q_SIZE: 0x18,
  SQ_TAIL: 0x1c,
  CQ_ADDR: 0x20,
  CQ_HEAD: 0x24,
  FEATURES: 0x28,
  CACHE: 0x2c,
} as const;
export const DISK_TIMING = { readyNs: 2_000_000, accessNs: 50_000, nsPerByte: 5, flushNs: 200_000 };
export const SECTOR = 512;

export class DiskModel extends DeviceModel {
  readonly name = 'dsblk';
  readonly bus = 'pci' as const;
  override readonly pciId = { vendor: 0x1d5c, device: 0x1001, revision: 1 };
  readonly bars: Bar[] = [{ kind: 'mmio', size: 64 }];
  readonly irq = 10;
  readonly image: Uint8Array;
  private regs = new Uint32Array(16);
  private readyAt = 0;
  private sqHead = 0;
  private cqTail = 0;
  private busy = false;
  requests = 0;

  constructor(readonly sectors = 2048) {
    super();
    this.image = new Uint8Array(sectors * SECTOR);
  }

  reset(): void {
    this.cancelAll();
    this.regs.fill(0);
    this.regs[DISK_REG.CAPACITY / 4] = this.sectors;
    this.regs[DISK_REG.FEATURES / 4] = 1; // flush supported
    this.readyAt = this.host ? this.now + DISK_TIMING.readyNs : 0;
    this.sqHead = 0;
    this.cqTail = 0;
    this.busy = false;
  }

  private reg(off: number): number {
    return this.regs[off >> 2]!;
  }

  irqAsserted(): boolean {
    return (this.reg(DISK_REG.INT_STATUS) & this.reg(DISK_REG.INT_MASK)) !== 0;
  }

  override stalled(): boolean {
    return (this.reg(DISK_REG.INT_STATUS) & 1) !== 0;
  }

  read(_bar: number, off: number, _width: number): number {
    if (off === DISK_REG.STATUS) return this.now >= this.readyAt ? 1 : 0;
    if (off === DISK_REG.CQ_HEAD) return this.cqTail;
    return off < 64 ? this.reg(off & ~3) : 0xffffffff;
  }

  write(_bar: number, off: number, _width: number, v: number): void {
    switch (off) {
      case DISK_REG.CTRL:
        if (v & 1) {
          this.reset();
          return;
        }
        this.regs[0] = v & 2;
        this.kick();
        return;
      case DISK_REG.INT_STATUS:
        this.regs[2] = this.reg(off) & ~v;
        return;
      case DISK_REG.SQ_TAIL:
        this.regs[off >> 2] = v;
        this.kick();
        return;
      case DISK_REG.CAPACITY:
      case DISK_REG.FEATURES:
      case DISK_REG.CQ_HEAD:
      case DISK_REG.STATUS:
        return;
      default:
        if (off < 64) this.regs[off >> 2] = v;
    }
  }

  private kick(): void {
    const size = this.reg(DISK_REG.Q_SIZE);
    if (this.busy || !(this.reg(DISK_REG.CTRL) & 2) || this.now < this.readyAt || !size) return;
    const tail = this.reg(DISK_REG.SQ_TAIL) % size;
    if (this.sqHead === tail) return;
    const e = this.host.dmaRead(this.reg(DISK_REG.SQ_ADDR) + this.sqHead * 16, 16);
    this.sqHead = (this.sqHead + 1) % size;
    if (!e) return;
    const v = new DataView(e.buffer, e.byteOffset, 16);
    const sector = v.getUint32(0, true);
    const count = v.getUint32(4, true);
    const buf = v.getUint32(8, true);
    const op = v.getUint16(12, true);
    const tag = v.getUint16(14, true);
    const bytes = Math.min(count, 256) * SECTOR;
    const cost = op === 2 ? DISK_TIMING.flushNs : DISK_TIMING.accessNs + bytes * DISK_TIMING.nsPerByte;
    this.busy = true;
    this.after(cost, () => {
      this.busy = false;
      this.requests++;
      let status = 0;
      if (op !== 2 && (sector + count > this.sectors || count > 256)) status = 1;
      else if (op === 0) {
        if (!this.host.dmaWrite(buf, this.image.slice(sector * SECTOR, sector * SECTOR + bytes))) status = 1;
      } else if (op === 1) {
        const data = this.host.dmaRead(buf, bytes);
        if (data) this.image.set(data, sector * SECTOR);
        else status = 1;
      } else if (op !== 2) status = 1;
      const cqe = new Uint8Array(4);
      new DataView(cqe.buffer).setUint16(0, tag, true);
      new DataView(cqe.buffer).setUint16(2, status, true);
      this.host.dmaWrite(this.reg(DISK_REG.CQ_ADDR) + this.cqTail * 4, cqe);
      this.cqTail = (this.cqTail + 1) % size;
      this.regs[2] = this.reg(DISK_REG.INT_STATUS) | 1;
      this.kick();
    });
  }
}
