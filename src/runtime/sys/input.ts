/**
 * The input core: input_dev allocation and registration, capabilities, and input_event with
 * Linux's filtering (a key event only when its state changes, no zero relative motion).
 */
import { NS } from '../costs.js';
import type { ImportFn, Kernel, Subsystem } from '../kernel.js';

const INPUT_DEV = { name: 0, phys: 4, open: 8, close: 12, driverData: 16, handle: 20, size: 24 };
export const ENODEV = -19;

export interface InputEvent {
  type: number;
  code: number;
  value: number;
}

export class InputSubsystem implements Subsystem {
  private dev = 0;
  private registered = false;
  private opened = false;
  private readonly caps = new Set<string>();
  private readonly keys = new Map<number, number>();
  onEvent: (e: InputEvent) => void = () => {};

  constructor(private readonly k: Kernel) {}

  driverGone(): void {
    this.dev = 0;
    this.registered = false;
    this.opened = false;
    this.caps.clear();
    this.keys.clear();
  }

  get ready(): boolean {
    return this.registered && !this.k.dead;
  }

  /** An application opens the event device: the driver's open callback. */
  open(): number {
    if (!this.ready) return ENODEV;
    if (this.opened) return 0;
    const fn = this.k.mem.u32(this.dev + INPUT_DEV.open);
    const r = fn ? this.k.call('input open', fn, [this.dev]) : 0;
    if (r === undefined) return ENODEV;
    if (r === 0) this.opened = true;
    return r | 0;
  }

  private checkDev(p: number, what: string): void {
    const k = this.k;
    if (k.isolated) {
      k.checkPtr(p, INPUT_DEV.size, what);
      k.checkHandle(p >>> 0 === this.dev && k.mem.u32(p + INPUT_DEV.handle) === 0x1a900001, what);
    } else k.checkHandle(p >>> 0 === this.dev, what);
  }

  imports(): Record<string, ImportFn> {
    const k = this.k;
    const crossing = () => k.advanceInDriver(NS.crossing);
    return {
      input_allocate_device: () => {
        crossing();
        if (this.dev) return 0;
        const p = k.mem.alloc(INPUT_DEV.size, 'input_dev');
        if (!p) return 0;
        k.mem.fill(p, INPUT_DEV.size, 0);
        k.mem.setU32(p + INPUT_DEV.handle, 0x1a900001);
        this.dev = p;
        k.tracker.add('input-alloc', p, () => {
          this.dev = 0;
        });
        return p;
      },
      input_free_device: (p) => {
        crossing();
        this.checkDev(p, 'input_free_device');
        k.mem.free(p >>> 0);
        k.tracker.remove('input-alloc', p >>> 0);
        this.dev = 0;
      },
      input_register_device: (p) => {
        crossing();
        this.checkDev(p, 'input_register_device');
        this.registered = true;
        k.tracker.add('input', p >>> 0, () => {
          this.registered = false;
          this.opened = false;
        });
        return 0;
      },
      input_unregister_device: (p) => {
        crossing();
        this.checkDev(p, 'input_unregister_device');
        this.registered = false;
        this.opened = false;
        k.tracker.remove('input', p >>> 0);
        // Linux frees the device on unregister once the last reference goes
        k.mem.free(p >>> 0);
        k.tracker.remove('input-alloc', p >>> 0);
        this.dev = 0;
      },
      input_set_capability: (p, type, code) => {
        crossing();
        this.checkDev(p, 'input_set_capability');
        this.caps.add(`${type}:${code}`);
      },
      input_event: (p, type, code, value) => {
        crossing();
        this.checkDev(p, 'input_event');
        if (type !== 0 && !this.caps.has(`${type}:${code}`)) return; // not a declared capability: dropped
        if (type === 1) {
          if ((this.keys.get(code) ?? 0) === value) return;
          this.keys.set(code, value);
        }
        if (type === 2 && value === 0) return;
        if (this.opened) this.onEvent({ type, code, value: value | 0 });
      },
    };
  }
}
