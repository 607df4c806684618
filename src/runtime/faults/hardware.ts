/**
 * Hardware fault injection, after Carburizer's injector: faults in what the driver reads from the
 * device, in what the device writes to memory by DMA, in the interrupt line, and the device
 * disappearing. Each fault activates at a seeded virtual time (or `@ms` after the workload starts)
 * and targets a register or read site the driver has actually used.
 */
import type { DeviceModel } from '../devices/device.js';
import type { HardwareInjector } from '../kernel.js';
import type { Rng } from '../rng.js';

export const HARDWARE_FAULT_TYPES = [
  'bitflip',
  'stuck0',
  'stuck1',
  'zeros',
  'ones',
  'force',
  'dma-corrupt',
  'missing-irq',
  'extra-irq',
  'stuck-irq',
  'gone',
] as const;
export type HardwareFaultType = (typeof HARDWARE_FAULT_TYPES)[number];

export interface HardwareFault {
  type: HardwareFaultType;
  /** activation, ms after the workload starts; seeded when absent */
  atMs?: number;
  /** force: source line of the read site; value to force */
  site?: number;
  value?: number;
  /** bitflip / dma-corrupt: probability per read / per DMA write */
  p?: number;
}

/** `type[:param][@ms]`: bitflip:0.05, force:123=0xffffffff, stuck1@20 */
export function parseHardwareFault(s: string): HardwareFault {
  const m = /^([a-z0-9-]+)(?::([^@]+))?(?:@(\d+(?:\.\d+)?))?$/.exec(s);
  if (!m || !(HARDWARE_FAULT_TYPES as readonly string[]).includes(m[1]!)) {
    throw new Error(
      `unknown hardware fault '${s}' (known: ${HARDWARE_FAULT_TYPES.join(', ')}; form type[:param][@ms])`,
    );
  }
  const f: HardwareFault = { type: m[1] as HardwareFaultType };
  if (m[3]) f.atMs = Number(m[3]);
  if (m[2]) {
    if (f.type === 'force') {
      const [site, value] = m[2].split('=');
      f.site = Number(site);
      if (value !== undefined) f.value = Number(value) >>> 0;
    } else f.p = Number(m[2]);
    if ([f.site, f.value, f.p].some((x) => x !== undefined && Number.isNaN(x)))
      throw new Error(`bad parameter in hardware fault '${s}'`);
  }
  return f;
}

interface Active {
  fault: HardwareFault;
  at: number;
  /** chosen at activation: register (bar*65536+offset), bit, read site */
  reg?: number;
  bit?: number;
  site?: number;
  value?: number;
  announced: boolean;
}

export class HardwareFaults implements HardwareInjector {
  private active: Active[] = [];
  private readonly seenRegs = new Set<number>();
  private readonly seenSites = new Set<number>();
  private nextExtraIrq = 0;

  constructor(
    private readonly faults: HardwareFault[],
    private readonly rng: Rng,
    /** descriptions of what was injected, for the run record */
    private readonly injected: string[],
  ) {}

  /** Schedule activation relative to the workload's start. */
  arm(nowNs: number, windowNs: number): void {
    this.active = this.faults.map((fault) => ({
      fault,
      at: nowNs + (fault.atMs !== undefined ? fault.atMs * 1e6 : Math.floor(this.rng.float() * windowNs)),
      announced: false,
    }));
  }

  private live(a: Active, now: number, dev: DeviceModel): boolean {
    if (now < a.at) return false;
    if (!a.announced) {
      a.announced = true;
      this.activate(a, dev);
    }
    return true;
  }

  private activate(a: Active, dev: DeviceModel): void {
    const f = a.fault;
    const regs = [...this.seenRegs].sort((x, y) => x - y);
    const sites = [...this.seenSites].sort((x, y) => x - y);
    if (['stuck0', 'stuck1', 'zeros', 'ones'].includes(f.type) && regs.length) a.reg = this.rng.pick(regs);
    if (f.type === 'stuck0' || f.type === 'stuck1') a.bit = this.rng.int(32);
    if (f.type === 'force') {
      a.site = f.site ?? (sites.length ? this.rng.pick(sites) : 0);
      a.value = f.value ?? this.rng.next();
    }
    if (f.type === 'gone') dev.gone = true;
    const where = a.reg !== undefined ? ` reg 0x${(a.reg & 0xffff).toString(16)}` : '';
    const bit = a.bit !== undefined ? ` bit ${a.bit}` : '';
    const site = a.site !== undefined ? ` line ${a.site} = 0x${(a.value ?? 0).toString(16)}` : '';
    this.injected.push(`hw:${f.type}${where}${bit}${site} at ${(a.at / 1e6).toFixed(3)} ms`);
  }

  onRead(dev: DeviceModel, bar: number, offset: number, width: number, site: number, value: number): number {
    const reg = bar * 65536 + offset;
    this.seenRegs.add(reg);
    this.seenSites.add(site);
    const now = this.nowOf(dev);
    for (const a of this.active) {
      if (!this.live(a, now, dev)) continue;
      switch (a.fault.type) {
        case 'bitflip':
          if (this.rng.chance(a.fault.p ?? 0.02)) value ^= 1 << this.rng.int(width * 8);
          break;
        case 'stuck0':
          if (reg === a.reg) value &= ~(1 << a.bit!);
          break;
        case 'stuck1':
          if (reg === a.reg) value |= 1 << a.bit!;
          break;
        case 'zeros':
          if (reg === a.reg) value = 0;
          break;
        case 'ones':
          if (reg === a.reg) value = 0xffffffff;
          break;
        case 'force':
          if (site === a.site) value = a.value!;
          break;
        default:
      }
    }
    return value >>> 0;
  }

  onDmaWrite(dev: DeviceModel, _addr: number, data: Uint8Array): Uint8Array {
    const now = this.nowOf(dev);
    for (const a of this.active) {
      if (a.fault.type !== 'dma-corrupt' || !this.live(a, now, dev) || data.length === 0) continue;
      if (this.rng.chance(a.fault.p ?? 0.2)) {
        data = data.slice();
        data[this.rng.int(data.length)]! ^= 1 << this.rng.int(8);
      }
    }
    return data;
  }

  irqLine(dev: DeviceModel, asserted: boolean): boolean {
    const now = this.nowOf(dev);
    for (const a of this.active) {
      if (!this.live(a, now, dev)) continue;
      if (a.fault.type === 'missing-irq' || a.fault.type === 'gone') asserted = false;
      else if (a.fault.type === 'stuck-irq') asserted = true;
      else if (a.fault.type === 'extra-irq' && !asserted && now >= this.nextExtraIrq) {
        // a spurious assertion roughly every 0.5 ms
        this.nextExtraIrq = now + 250_000 + this.rng.int(500_000);
        asserted = true;
      }
    }
    return asserted;
  }

  private clockNow = () => 0;
  /** The kernel's clock, bound on first use. */
  bindClock(now: () => number): void {
    this.clockNow = now;
  }
  private nowOf(_dev: DeviceModel): number {
    return this.clockNow();
  }
}
