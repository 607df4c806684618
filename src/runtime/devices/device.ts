/** What a device model sees of the machine, and what every device model provides. */
import type { EventHandle, VirtualClock } from '../events.js';

export interface DeviceHost {
  readonly clock: VirtualClock;
  /** DMA from the driver's memory (bus address = offset in the driver's domain); undefined = master abort. */
  dmaRead(addr: number, len: number): Uint8Array | undefined;
  dmaWrite(addr: number, data: Uint8Array): boolean;
}

export interface Bar {
  kind: 'mmio' | 'io';
  size: number;
  /** port base for I/O BARs and legacy ports */
  base?: number;
}

export abstract class DeviceModel {
  abstract readonly name: string;
  abstract readonly bus: 'pci' | 'platform';
  readonly pciId?: { vendor: number; device: number; revision: number };
  abstract readonly bars: Bar[];
  abstract readonly irq: number;
  protected host!: DeviceHost;
  private pending: { h: EventHandle; done: boolean }[] = [];
  /** Set by fault injection: the device has dropped off the bus. */
  gone = false;

  attach(host: DeviceHost): void {
    this.host = host;
    this.reset();
  }

  protected get now(): number {
    return this.host.clock.now;
  }

  /** Schedule device-internal work; cancelled by reset. */
  protected after(ns: number, fn: () => void): void {
    if (this.pending.length > 64) this.pending = this.pending.filter((p) => !p.done);
    const entry = { h: { cancel() {} } as EventHandle, done: false };
    entry.h = this.host.clock.schedule('device', ns, () => {
      entry.done = true;
      fn();
    });
    this.pending.push(entry);
  }

  protected cancelAll(): void {
    for (const p of this.pending) p.h.cancel();
    this.pending = [];
  }

  abstract read(bar: number, offset: number, width: number): number;
  abstract write(bar: number, offset: number, width: number, value: number): void;
  /** Power-on / function-level reset: registers to defaults, pending work cancelled. */
  abstract reset(): void;
  /** Level-triggered interrupt line. */
  abstract irqAsserted(): boolean;
  /** Device-side health for the watchdog: true when the device has work the driver has not taken. */
  stalled(): boolean {
    return false;
  }
}
