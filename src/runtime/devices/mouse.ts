/**
 * Model of an i8042-style keyboard controller's auxiliary port with a PS/2 mouse behind it.
 * Data port 0x60, status/command port 0x64, IRQ 12 asserted while the output buffer is full.
 *
 * Modelled figures: the controller takes 20 µs to accept a byte (IBF set meanwhile); a byte on
 * the PS/2 wire takes 1 ms (11 bits at ~11 kHz); the mouse answers a reset with its self-test
 * result 50 ms later (real mice take 300–500 ms); in stream mode it sends one packet per sample
 * period (1000/rate ms) while there is movement to report.
 */
import { DeviceModel, type Bar } from './device.js';

export const MOUSE_TIMING = { ibfNs: 20_000, byteNs: 1_000_000, batNs: 50_000_000 };

/** One report from the mouse: buttons (bit 0 left, 1 right, 2 middle) and motion. */
export interface MouseMotion {
  buttons: number;
  dx: number;
  dy: number;
}

export function encodePacket(m: MouseMotion): number[] {
  const dx = m.dx & 0x1ff;
  const dy = m.dy & 0x1ff;
  return [0x08 | (m.buttons & 7) | ((dx >> 8) << 4) | ((dy >> 8) << 5), dx & 0xff, dy & 0xff];
}

export class MouseModel extends DeviceModel {
  readonly name = 'i8042-aux';
  readonly bus = 'platform' as const;
  readonly bars: Bar[] = [
    { kind: 'io', base: 0x60, size: 1 },
    { kind: 'io', base: 0x64, size: 1 },
  ];
  readonly irq = 12;
  /** Movements the user will make, reported in order while streaming is enabled. */
  motions: MouseMotion[] = [];
  private out: number[] = [];
  private wire: number[] = []; // bytes still travelling from the mouse
  private wireBusy = false;
  private busyUntil = 0;
  private auxNext = false;
  private pendingParam: number | undefined;
  private streaming = false;
  private rate = 100;
  private streamTimer = false;
  packetsSent = 0;

  reset(): void {
    this.cancelAll();
    this.out = [];
    this.wire = [];
    this.wireBusy = false;
    this.busyUntil = 0;
    this.auxNext = false;
    this.pendingParam = undefined;
    this.streaming = false;
    this.streamTimer = false;
    this.rate = 100;
  }

  irqAsserted(): boolean {
    return this.out.length > 0;
  }

  override stalled(): boolean {
    return this.out.length > 1;
  }

  read(bar: number, _off: number, _width: number): number {
    if (bar === 1) return (this.out.length ? 0x21 : 0) | (this.now < this.busyUntil ? 0x02 : 0);
    return this.out.length ? this.out.shift()! : 0;
  }

  write(bar: number, _off: number, _width: number, v: number): void {
    this.busyUntil = this.now + MOUSE_TIMING.ibfNs;
    if (bar === 1) {
      this.auxNext = v === 0xd4;
      return;
    }
    if (!this.auxNext) return;
    this.auxNext = false;
    this.command(v & 0xff);
  }

  /** Bytes from the mouse cross the wire one per ms into the controller's output buffer. */
  private send(...bytes: number[]): void {
    this.wire.push(...bytes);
    this.pumpWire();
  }

  private pumpWire(): void {
    if (this.wireBusy || !this.wire.length) return;
    this.wireBusy = true;
    this.after(MOUSE_TIMING.byteNs, () => {
      this.wireBusy = false;
      const b = this.wire.shift();
      if (b !== undefined && this.out.length < 16) this.out.push(b);
      this.pumpWire();
    });
  }

  private command(b: number): void {
    if (this.pendingParam !== undefined) {
      if (this.pendingParam === 0xf3) this.rate = Math.max(10, Math.min(200, b));
      this.pendingParam = undefined;
      this.send(0xfa);
      return;
    }
    switch (b) {
      case 0xff:
        this.streaming = false;
        this.rate = 100;
        this.send(0xfa);
        this.after(MOUSE_TIMING.batNs, () => this.send(0xaa, 0x00));
        return;
      case 0xf2:
        this.send(0xfa, 0x00);
        return;
      case 0xf3:
      case 0xe8:
        this.pendingParam = b;
        this.send(0xfa);
        return;
      case 0xf4:
        this.streaming = true;
        this.send(0xfa);
        this.scheduleStream();
        return;
      case 0xf5:
        this.streaming = false;
        this.send(0xfa);
        return;
      case 0xe9:
        this.send(0xfa, this.streaming ? 0x20 : 0, 3, this.rate);
        return;
      default:
        this.send(0xfe);
    }
  }

  private scheduleStream(): void {
    if (this.streamTimer) return;
    this.streamTimer = true;
    this.after(1e9 / this.rate, () => {
      this.streamTimer = false;
      if (!this.streaming) return;
      const m = this.motions.shift();
      if (m) {
        this.packetsSent++;
        this.send(...encodePacket(m));
      }
      if (this.motions.length) this.scheduleStream();
    });
  }

  /** More movement from the user. */
  move(ms: MouseMotion[]): void {
    this.motions.push(...ms);
    if (this.streaming) this.scheduleStream();
  }
}
