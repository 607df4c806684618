/**
 * Model of the driverscope PCI Ethernet controller (dsnic): descriptor rings in host memory,
 * bus-master DMA, a level-triggered interrupt with write-1-to-clear status, and a wire to a peer.
 *
 * Modelled figures: chip reset completes 50 µs after CTRL.RESET is written (8139-class chips
 * need ~10–100 µs); link comes up 10 ms after reset (real 100BASE-TX autonegotiation takes
 * 1–3 s; shortened so runs stay short, long enough that a driver must wait for it); the wire is
 * 1 Gb/s with 20 bytes of preamble and inter-frame gap per frame.
 */
import { DeviceModel, type Bar } from './device.js';

export const NIC_REG = {
  CTRL: 0x00,
  STATUS: 0x04,
  INT_STATUS: 0x08,
  INT_MASK: 0x0c,
  RX_RING: 0x10,
  RX_SIZE: 0x14,
  RX_HEAD: 0x18,
  RX_TAIL: 0x1c,
  TX_RING: 0x20,
  TX_SIZE: 0x24,
  TX_HEAD: 0x28,
  TX_TAIL: 0x2c,
  MAC_LO: 0x30,
  MAC_HI: 0x34,
  RX_MISSED: 0x38,
  RX_FILTER: 0x3c,
} as const;
const CTRL_RESET = 1;
const CTRL_RX_EN = 2;
const CTRL_TX_EN = 4;
const INT_RX_DONE = 1;
const INT_TX_DONE = 2;
const INT_LINK = 4;
const INT_RX_OVERFLOW = 8;
const DESC_OWN = 0x8000;
export const NIC_TIMING = { resetNs: 50_000, linkNs: 10_000_000, nsPerByte: 8, frameOverheadBytes: 20 };
export const NIC_MAC = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56];

export class NicModel extends DeviceModel {
  readonly name = 'dsnic';
  readonly bus = 'pci' as const;
  override readonly pciId = { vendor: 0x1d5c, device: 0x8139, revision: 2 };
  readonly bars: Bar[] = [{ kind: 'mmio', size: 256 }];
  readonly irq = 11;
  /** Frames the NIC put on the wire. */
  onWire: (frame: Uint8Array) => void = () => {};

  private regs = new Uint32Array(64);
  private resetDoneAt = 0;
  private linkUpAt = Infinity;
  private txBusy = false;
  private rxFifo: Uint8Array[] = [];
  private rxBusy = false;
  framesSent = 0;
  framesReceived = 0;

  reset(): void {
    this.cancelAll();
    this.regs.fill(0);
    this.regs[NIC_REG.MAC_LO / 4] =
      NIC_MAC[0]! | (NIC_MAC[1]! << 8) | (NIC_MAC[2]! << 16) | (NIC_MAC[3]! << 24);
    this.regs[NIC_REG.MAC_HI / 4] = NIC_MAC[4]! | (NIC_MAC[5]! << 8);
    this.resetDoneAt = 0;
    this.linkUpAt = this.host ? this.now + NIC_TIMING.linkNs : Infinity;
    this.txBusy = false;
    this.rxBusy = false;
    this.rxFifo = [];
    if (this.host) this.after(NIC_TIMING.linkNs, () => this.raise(INT_LINK));
  }

  private reg(off: number): number {
    return this.regs[off >> 2]!;
  }
  private setReg(off: number, v: number): void {
    this.regs[off >> 2] = v >>> 0;
  }
  private raise(bits: number): void {
    this.setReg(NIC_REG.INT_STATUS, this.reg(NIC_REG.INT_STATUS) | bits);
  }

  irqAsserted(): boolean {
    return (this.reg(NIC_REG.INT_STATUS) & this.reg(NIC_REG.INT_MASK)) !== 0;
  }

  read(_bar: number, off: number, _width: number): number {
    if (off === NIC_REG.CTRL)
      return this.now < this.resetDoneAt ? this.reg(off) | CTRL_RESET : this.reg(off) & ~CTRL_RESET;
    if (off === NIC_REG.STATUS) return this.now >= this.linkUpAt ? 1 : 0;
    return this.reg(off & ~3);
  }

  write(_bar: number, off: number, _width: number, v: number): void {
    switch (off) {
      case NIC_REG.CTRL:
        if (v & CTRL_RESET) {
          this.reset();
          this.resetDoneAt = this.now + NIC_TIMING.resetNs;
          this.linkUpAt = this.now + NIC_TIMING.linkNs;
          this.setReg(off, 0);
          return;
        }
        this.setReg(off, v & (CTRL_RX_EN | CTRL_TX_EN));
        if (v & CTRL_RX_EN) this.kickRx();
        return;
      case NIC_REG.INT_STATUS:
        this.setReg(off, this.reg(off) & ~v);
        return;
      case NIC_REG.TX_TAIL:
        this.setReg(off, v % Math.max(1, this.reg(NIC_REG.TX_SIZE)));
        this.kickTx();
        return;
      case NIC_REG.RX_TAIL:
        this.setReg(off, v);
        this.kickRx();
        return;
      case NIC_REG.RX_HEAD:
      case NIC_REG.TX_HEAD:
      case NIC_REG.MAC_LO:
      case NIC_REG.MAC_HI:
      case NIC_REG.RX_MISSED:
        return; // read-only
      default:
        if (off < 0x40) this.setReg(off & ~3, v);
    }
  }

  private readDesc(ring: number, i: number): { addr: number; len: number; flags: number } | undefined {
    const d = this.host.dmaRead(ring + i * 16, 16);
    if (!d) return undefined;
    const v = new DataView(d.buffer, d.byteOffset, 16);
    return { addr: v.getUint32(0, true), len: v.getUint16(4, true), flags: v.getUint16(6, true) };
  }

  private writeDesc(ring: number, i: number, len: number, flags: number, status: number): void {
    const d = new Uint8Array(12);
    const v = new DataView(d.buffer);
    const cur = this.host.dmaRead(ring + i * 16, 4);
    if (cur) d.set(cur, 0);
    v.setUint16(4, len, true);
    v.setUint16(6, flags, true);
    v.setUint32(8, status, true);
    this.host.dmaWrite(ring + i * 16, d);
  }

  private kickTx(): void {
    if (this.txBusy || !(this.reg(NIC_REG.CTRL) & CTRL_TX_EN)) return;
    const size = this.reg(NIC_REG.TX_SIZE);
    const head = this.reg(NIC_REG.TX_HEAD);
    if (!size || head === this.reg(NIC_REG.TX_TAIL)) return;
    const ring = this.reg(NIC_REG.TX_RING);
    const desc = this.readDesc(ring, head);
    if (!desc || !(desc.flags & DESC_OWN)) return;
    const frame = this.host.dmaRead(desc.addr, Math.min(desc.len, 2048));
    this.txBusy = true;
    this.after((desc.len + NIC_TIMING.frameOverheadBytes) * NIC_TIMING.nsPerByte, () => {
      this.txBusy = false;
      if (frame && this.now >= this.linkUpAt) {
        this.framesSent++;
        this.onWire(frame);
      }
      this.writeDesc(ring, head, desc.len, desc.flags & ~DESC_OWN, 1);
      this.setReg(NIC_REG.TX_HEAD, (head + 1) % size);
      this.raise(INT_TX_DONE);
      this.kickTx();
    });
  }

  /** The peer sends a frame to us. */
  receive(frame: Uint8Array): void {
    if (this.gone || this.now < this.linkUpAt) return;
    if (this.rxFifo.length >= 32) {
      this.missed();
      return;
    }
    this.rxFifo.push(frame);
    this.kickRx();
  }

  private missed(): void {
    this.setReg(NIC_REG.RX_MISSED, this.reg(NIC_REG.RX_MISSED) + 1);
    this.raise(INT_RX_OVERFLOW);
  }

  private kickRx(): void {
    if (this.rxBusy || !this.rxFifo.length || !(this.reg(NIC_REG.CTRL) & CTRL_RX_EN)) return;
    this.rxBusy = true;
    const frame = this.rxFifo[0]!;
    this.after((frame.length + NIC_TIMING.frameOverheadBytes) * NIC_TIMING.nsPerByte, () => {
      this.rxBusy = false;
      const size = this.reg(NIC_REG.RX_SIZE);
      const head = this.reg(NIC_REG.RX_HEAD);
      const ring = this.reg(NIC_REG.RX_RING);
      const desc = size ? this.readDesc(ring, head) : undefined;
      if (!desc || !(desc.flags & DESC_OWN) || desc.len < frame.length) {
        // No buffer: the frame stays in the FIFO until the driver returns descriptors, unless the FIFO is full.
        if (this.rxFifo.length >= 32) {
          this.rxFifo.shift();
          this.missed();
        }
        return;
      }
      this.rxFifo.shift();
      this.host.dmaWrite(desc.addr, frame);
      this.writeDesc(ring, head, frame.length, 0, 1);
      this.setReg(NIC_REG.RX_HEAD, (head + 1) % size);
      this.framesReceived++;
      this.raise(INT_RX_DONE);
      this.kickRx();
    });
  }

  /** Frames are waiting that the driver has not given buffers for. */
  override stalled(): boolean {
    return this.rxFifo.length > 0 && !this.rxBusy;
  }
}
