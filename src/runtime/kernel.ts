/**
 * The simulated kernel: loads a driver module into its own wasm instance (its protection domain),
 * runs it in virtual time, and mediates every kernel↔driver crossing.
 *
 * Isolation `native`: the kernel trusts the driver as Linux does; any failure reaching the kernel
 * (a trap, a bad pointer the kernel dereferences, a hang, a panic) takes the system down.
 * Isolation `nooks`: wrappers check pointers, lengths and handles and copy data; failures are
 * caught at the crossing, tracked objects are released, the device is reset and the module is
 * reloaded and probed again.
 */
import { DriverFailure, SystemCrash, type FailureKind } from './errors.js';
import { VirtualClock } from './events.js';
import { DriverMemory } from './memory.js';
import { Rng } from './rng.js';
import { ObjectTracker } from './tracker.js';
import {
  FUEL_PER_CALL,
  LOCKUP_CALLS,
  MAX_CALL_NS,
  MAX_RESTARTS,
  NS,
  RESTART_WINDOW_NS,
  SPURIOUS_LIMIT,
  STORM_NS,
} from './costs.js';
import type { DeviceModel } from './devices/device.js';
import { formatPrintk } from './printk.js';

export type Isolation = 'native' | 'nooks';
export type ImportFn = (...args: number[]) => number | void;

export interface HardwareInjector {
  onRead(dev: DeviceModel, bar: number, offset: number, width: number, site: number, value: number): number;
  onDmaWrite(dev: DeviceModel, addr: number, data: Uint8Array): Uint8Array;
  irqLine(dev: DeviceModel, asserted: boolean): boolean;
}

/** A kernel subsystem (bus, net, sound, ...): provides imports and forgets driver state on reload. */
export interface Subsystem {
  imports(): Record<string, ImportFn>;
  /** The driver instance is gone (failure or unload); its memory is no longer valid. */
  driverGone(): void;
  /** The new instance's init_module returned: bind devices, bring interfaces back. */
  driverLoaded?(): void;
}

export interface FailureRecord {
  atNs: number;
  kind: FailureKind;
  entry: string;
  detail: string;
}

interface IrqAction {
  irq: number;
  handler: number;
  devId: number;
  enabled: boolean;
  unhandled: number;
}

export interface KernelOptions {
  isolation: Isolation;
  seed: number;
  devices: DeviceModel[];
  hardware?: HardwareInjector;
  fuelPerCall?: number;
}

/** Called once per instantiation to let software fault injection swap the module. */
export type ModuleSource = (generation: number) => WebAssembly.Module;

export class Kernel {
  readonly clock = new VirtualClock();
  readonly tracker = new ObjectTracker();
  readonly isolation: Isolation;
  readonly rng: Rng;
  readonly devices: DeviceModel[];
  readonly log: string[] = [];
  readonly failures: FailureRecord[] = [];
  recoveries = 0;
  crossings = 0;
  /** What cleanup_module left behind at the last unload (the kernel then released it). */
  unloadLeaks: Record<string, number> = {};
  /** Incremented at each (re)load: applications holding an older handle see an error. */
  generation = 0;
  /** The driver is not running (failed and not yet recovered, or given up). */
  dead = true;
  gaveUp = false;

  /** The kernel API as the current driver instance sees it (the wrappers). */
  imports: Record<string, ImportFn> = {};
  private readonly subsystems: Subsystem[] = [];
  private readonly hw: HardwareInjector | undefined;
  private readonly fuelPerCall: number;
  private source!: ModuleSource;
  private instance: WebAssembly.Instance | undefined;
  private memory_: DriverMemory | undefined;
  private table: WebAssembly.Table | undefined;
  private depth = 0;
  private fuel = 0;
  private fuelSynced = 0;
  private callStartNs = 0;
  private readonly irqs = new Map<number, IrqAction>();
  private readonly timers = new Map<number, { cancel(): void }>();
  private stormCount = 0;
  private lockupMs = -1;
  private lockupCalls = 0;
  private stormMs = -1;
  private recoveryPending = false;

  constructor(opts: KernelOptions) {
    this.isolation = opts.isolation;
    this.rng = new Rng(opts.seed);
    this.devices = opts.devices;
    this.hw = opts.hardware;
    this.fuelPerCall = opts.fuelPerCall ?? FUEL_PER_CALL;
    const host = (dev: DeviceModel) => ({
      clock: this.clock,
      dmaRead: (addr: number, len: number) => (dev.gone ? undefined : this.dmaRead(addr, len)),
      dmaWrite: (addr: number, data: Uint8Array) => this.dmaWrite(dev, addr, data),
    });
    for (const d of this.devices) d.attach(host(d));
  }

  get isolated(): boolean {
    return this.isolation === 'nooks';
  }

  get mem(): DriverMemory {
    if (!this.memory_) throw new DriverFailure('trap', 'driver memory used while no driver is loaded');
    return this.memory_;
  }

  get jiffies(): number {
    return Math.floor(this.clock.now / NS.ms);
  }

  addSubsystem(s: Subsystem): void {
    this.subsystems.push(s);
  }

  printk(line: string): void {
    this.log.push(`[${(this.clock.now / 1e9).toFixed(6)}] ${line}`);
  }

  // ---------------------------------------------------------------- loading and recovery

  /** insmod: instantiate the module and run init_module. False when init failed. */
  load(source: ModuleSource): boolean {
    this.source = source;
    return this.instantiate();
  }

  private instantiate(): boolean {
    const mod = this.source(this.generation);
    const imports: Record<string, ImportFn> = this.coreImports();
    for (const s of this.subsystems) Object.assign(imports, s.imports());
    this.imports = imports;
    for (const imp of WebAssembly.Module.imports(mod)) {
      if (imp.kind === 'function' && !(imp.name in imports)) {
        throw new Error(`driver imports unknown kernel function '${imp.name}'`);
      }
    }
    this.instance = new WebAssembly.Instance(mod, { env: imports });
    const ex = this.instance.exports as Record<string, unknown>;
    const memory = ex.memory as WebAssembly.Memory;
    const heapBase = (ex.__heap_base as WebAssembly.Global).value as number;
    this.memory_ = new DriverMemory(memory, heapBase);
    this.table = ex.__indirect_function_table as WebAssembly.Table;
    this.generation++;
    this.dead = false;
    const init = ex.init_module as ((...a: number[]) => number) | undefined;
    if (!init) throw new Error('driver has no init_module');
    const r = this.callFunction('init_module', init, []);
    if (r === undefined || r < 0) {
      if (r !== undefined) this.printk(`init_module failed: ${r}`);
      return false;
    }
    for (const s of this.subsystems) this.guard('probe', () => s.driverLoaded?.());
    return !this.dead;
  }

  /** rmmod: cleanup_module, then everything the driver forgot is released. */
  unload(): void {
    if (this.dead || !this.instance) return;
    const exit = (this.instance.exports as Record<string, unknown>).cleanup_module as
      (() => number) | undefined;
    if (exit) this.callFunction('cleanup_module', exit, []);
    this.unloadLeaks = this.tracker.countByType();
    this.discardInstance();
  }

  private discardInstance(): void {
    this.tracker.releaseAll();
    for (const s of this.subsystems) s.driverGone();
    this.irqs.clear();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.instance = undefined;
    this.memory_ = undefined;
    this.table = undefined;
    this.dead = true;
  }

  private fail(f: DriverFailure, entry: string): void {
    // Kernel work still touching a driver that already failed is part of the same failure.
    if (this.dead && this.isolated && this.failures.length) return;
    this.failures.push({ atNs: this.clock.now, kind: f.kind, entry, detail: f.detail });
    this.printk(`driver failure in ${entry}: ${f.kind}: ${f.detail}`);
    if (!this.isolated) throw new SystemCrash(`${f.kind} in ${entry}: ${f.detail}`, f);
    this.dead = true;
    if (!this.recoveryPending) {
      this.recoveryPending = true;
      this.clock.schedule('kernel', 0, () => this.recover());
    }
  }

  /** Nooks recovery: release tracked objects, reset the device, reload the module, probe again. */
  private recover(): void {
    this.recoveryPending = false;
    this.discardInstance();
    for (const d of this.devices) d.reset();
    const recent = this.failures.filter((f) => this.clock.now - f.atNs < RESTART_WINDOW_NS).length;
    if (recent > MAX_RESTARTS) {
      this.gaveUp = true;
      this.printk('recovery: too many failures, driver disabled');
      return;
    }
    this.recoveries++;
    this.printk(`recovery: restarting driver (generation ${this.generation + 1})`);
    this.instantiate();
  }

  /** A failure detected outside a crossing (the device-side watchdog, tests). */
  injectFailure(kind: FailureKind, detail: string): void {
    if (this.dead) return;
    this.fail(new DriverFailure(kind, detail), kind);
  }

  // ---------------------------------------------------------------- crossings

  /** Call a driver function pointer. Undefined when the driver failed (nooks) or is not running. */
  call(entry: string, fnPtr: number, args: number[]): number | undefined {
    if (this.dead || !this.table) return undefined;
    let fn: ((...a: number[]) => number) | null = null;
    try {
      fn = this.table.get(fnPtr) as typeof fn;
    } catch {
      fn = null;
    }
    if (!fn) {
      this.fail(
        new DriverFailure(
          this.isolated ? 'wrapper' : 'trap',
          `bad function pointer ${hex(fnPtr)} for ${entry}`,
        ),
        entry,
      );
      return undefined;
    }
    return this.callFunction(entry, fn, args);
  }

  private callFunction(entry: string, fn: (...a: number[]) => number, args: number[]): number | undefined {
    // A nested crossing (the kernel calling back into the driver from inside a kernel call, as
    // unregister_netdev calls ndo_stop) shares the outer call's fuel and start time.
    const outer = this.depth > 0;
    if (!outer && this.lockedUp(entry)) return undefined;
    this.depth++;
    this.crossings++;
    if (!outer) {
      this.fuel = this.fuelPerCall;
      this.fuelSynced = this.fuel;
      this.callStartNs = this.clock.now;
    }
    this.clock.advanceDevicesOnly(NS.crossing);
    let failure: DriverFailure | undefined;
    let result: number | undefined;
    try {
      result = fn(...args) ?? 0;
    } catch (e) {
      failure = classify(e);
    } finally {
      this.syncCpuTime();
      this.depth--;
    }
    if (failure) {
      // Unwind through the outer driver frames: the whole crossing failed.
      if (outer) throw failure;
      this.fail(failure, entry);
      return undefined;
    }
    return result;
  }

  /**
   * Soft-lockup watchdog: kernel and driver bouncing work back and forth without time passing
   * (a queue woken and refused forever) is a livelock; on a native kernel the system hangs.
   */
  private lockedUp(entry: string): boolean {
    const ms = Math.floor(this.clock.now / NS.ms);
    if (ms !== this.lockupMs) {
      this.lockupMs = ms;
      this.lockupCalls = 0;
    }
    if (++this.lockupCalls <= LOCKUP_CALLS) return false;
    this.lockupCalls = 0;
    this.fail(
      new DriverFailure('hang', `soft lockup: more than ${LOCKUP_CALLS} calls into the driver within 1 ms`),
      entry,
    );
    return true;
  }

  /** Charge the driver's computation (counted in blocks by log_execution) to virtual time. */
  private syncCpuTime(): void {
    const used = this.fuelSynced - this.fuel;
    this.fuelSynced = this.fuel;
    if (used > 0) this.clock.advanceDevicesOnly(used * NS.block);
  }

  /** Time passes inside a driver call (MMIO, udelay): devices progress, hangs are detected. */
  advanceInDriver(ns: number): void {
    this.syncCpuTime();
    this.clock.advanceDevicesOnly(ns);
    if (this.depth > 0 && this.clock.now - this.callStartNs > MAX_CALL_NS) {
      throw new DriverFailure('hang', `entry point ran for more than ${MAX_CALL_NS / NS.ms} ms`);
    }
  }

  // ---------------------------------------------------------------- wrapper checks

  /**
   * A pointer the driver hands the kernel. Nooks: must lie in the driver's domain above the NULL
   * page. Native: the kernel dereferences it as is, so only a NULL or wild pointer fails (an oops).
   */
  checkPtr(p: number, len: number, what: string): number {
    const m = this.mem;
    p >>>= 0;
    if (this.isolated) {
      if (!m.inRange(p, len))
        throw new DriverFailure('wrapper', `${what}: pointer ${hex(p)}+${len} outside the driver's domain`);
    } else if (p < 1024 || p + len > m.size) {
      throw new DriverFailure('trap', `kernel oops: ${what} dereferences ${hex(p)}`);
    }
    return p;
  }

  /** A length or count: Nooks checks it against a limit; native trusts it. */
  checkLen(n: number, limit: number, what: string): number {
    if (this.isolated && (n < 0 || n > limit))
      throw new DriverFailure('wrapper', `${what}: length ${n} exceeds ${limit}`);
    return n;
  }

  /** A handle the kernel gave the driver must come back unchanged (Nooks); native trusts it. */
  checkHandle(ok: boolean, what: string): void {
    if (!ok && this.isolated) throw new DriverFailure('wrapper', `${what}: invalid handle`);
    if (!ok) throw new DriverFailure('trap', `kernel oops: ${what} on an invalid object`);
  }

  // ---------------------------------------------------------------- interrupts and timers

  /** Deliver pending interrupts; returns the number of handler runs. */
  dispatchIrqs(): number {
    let runs = 0;
    let stormStart = 0;
    for (const dev of this.devices) {
      for (;;) {
        const action = this.irqs.get(dev.irq);
        if (!action || !action.enabled || this.dead) break;
        let asserted = dev.irqAsserted();
        if (this.hw) asserted = this.hw.irqLine(dev, asserted);
        if (!asserted) break;
        // handlers back to back on one line, never letting the kernel return to other work
        if (runs === 0) stormStart = this.clock.now;
        if (this.clock.now - stormStart > STORM_NS) {
          // a native kernel livelocks in interrupt context: the system hangs
          this.fail(
            new DriverFailure(
              'hang',
              `interrupt storm on irq ${dev.irq}: handler ran back to back for ${STORM_NS / NS.ms} ms`,
            ),
            'irq',
          );
          break;
        }
        this.clock.advanceDevicesOnly(NS.irqEntry);
        runs++;
        const r = this.call(`irq ${dev.irq}`, action.handler, [action.irq, action.devId]);
        if (r === undefined) break;
        if (r === 0) {
          if (++action.unhandled >= SPURIOUS_LIMIT) {
            action.enabled = false;
            this.printk(`irq ${dev.irq}: nobody cared, disabling`);
          }
        } else action.unhandled = 0;
      }
    }
    return runs;
  }

  /**
   * Run kernel work that reads driver-owned data outside a crossing (an ops table, a struct the
   * driver filled in). If that data is corrupt, the kernel faults on the driver's behalf: a native
   * kernel oopses, Nooks treats it as the driver's failure.
   */
  guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.fail(classify(e), what);
      return undefined;
    }
  }

  /** Run the machine until `done` or the deadline; returns false if it stopped with nothing to do. */
  runUntil(deadlineNs: number, done: () => boolean): boolean {
    for (;;) {
      this.guard('interrupt dispatch', () => this.dispatchIrqs());
      if (done()) return true;
      const stepped = this.guard('kernel', () => this.clock.step(deadlineNs));
      if (stepped === false) {
        // nothing left to do before the deadline: the machine idles until then
        this.clock.idleUntil(deadlineNs);
        return done();
      }
    }
  }

  // ---------------------------------------------------------------- DMA

  private dmaRead(addr: number, len: number): Uint8Array | undefined {
    const m = this.memory_;
    if (!m || this.dead) return undefined;
    if (addr < 1024 || addr + len > m.size) return undefined;
    return m.read(addr, len);
  }

  private dmaWrite(dev: DeviceModel, addr: number, data: Uint8Array): boolean {
    const m = this.memory_;
    if (!m || this.dead || dev.gone) return false;
    if (addr < 1024 || addr + data.length > m.size) return false;
    m.write(addr, this.hw ? this.hw.onDmaWrite(dev, addr, data) : data);
    return true;
  }

  // ---------------------------------------------------------------- device access

  /** A register read from the driver, routed through fault injection. */
  deviceRead(dev: DeviceModel, bar: number, offset: number, width: number, site: number): number {
    let v = dev.gone ? 0xffffffff : dev.read(bar, offset, width);
    if (this.hw) v = this.hw.onRead(dev, bar, offset, width, site, v);
    return (v & widthMask(width)) >>> 0;
  }

  // ---------------------------------------------------------------- core imports

  private coreImports(): Record<string, ImportFn> {
    return {
      log_execution: () => {
        if (--this.fuel < 0)
          throw new DriverFailure('hang', `exceeded ${this.fuelPerCall} blocks in one entry point`);
      },
      printk: (fmt, va) => {
        this.advanceInDriver(NS.crossing);
        this.printk(formatPrintk(this.mem, this.checkPtr(fmt, 1, 'printk'), va >>> 0));
        return 0;
      },
      _dev_printk: (level, dev, fmt, va) => {
        this.advanceInDriver(NS.crossing);
        const name = dev ? this.mem.cstring(this.mem.u32(this.checkPtr(dev, 8, 'dev_printk'))) : '(null)';
        this.printk(
          `<${level}>${name}: ${formatPrintk(this.mem, this.checkPtr(fmt, 1, 'dev_printk'), va >>> 0)}`,
        );
        return 0;
      },
      kmalloc: (size) => this.kmalloc(size >>> 0, 'kmalloc', false),
      kzalloc: (size) => this.kmalloc(size >>> 0, 'kmalloc', true),
      kfree: (p) => this.kfree(p >>> 0, 'kmalloc'),
      udelay: (us) => this.advanceInDriver((us >>> 0) * NS.us),
      mdelay: (ms) => this.advanceInDriver((ms >>> 0) * NS.ms),
      msleep: (ms) => {
        // A sleeping driver lets interrupts in: its own handler may run (nested) meanwhile.
        this.advanceInDriver(Math.max(1, ms >>> 0) * NS.ms);
        this.dispatchIrqs();
      },
      __jiffies: () => {
        this.advanceInDriver(NS.crossing);
        return this.jiffies;
      },
      panic: (msg) => {
        const text = msg && this.memory_?.inRange(msg, 1) ? this.mem.cstring(msg) : 'panic';
        throw new DriverFailure('panic', text);
      },
      mod_timer: (t, expires) => this.modTimer(t >>> 0, expires >>> 0),
      del_timer: (t) => this.delTimer(t >>> 0),
      request_irq: (irq, handler, _flags, _name, devId) => this.requestIrq(irq, handler, devId),
      free_irq: (irq, devId) => this.freeIrq(irq, devId),
      disable_irq: (irq) => {
        const a = this.irqs.get(irq);
        if (a) a.enabled = false;
      },
      enable_irq: (irq) => {
        const a = this.irqs.get(irq);
        if (a) a.enabled = true;
      },
      dma_alloc_coherent: (_dev, size, handlePtr) => {
        this.checkPtr(handlePtr, 4, 'dma_alloc_coherent handle');
        const p = this.kmalloc(size >>> 0, 'dma', true);
        this.mem.setU32(handlePtr, p);
        return p;
      },
      dma_free_coherent: (_dev, _size, cpu) => this.kfree(cpu >>> 0, 'dma'),
    };
  }

  kmalloc(size: number, tag: string, zero: boolean): number {
    this.advanceInDriver(NS.crossing);
    if (size === 0 || size > 512 * 1024) return 0;
    const p = this.mem.alloc(size, tag);
    if (p && zero) this.mem.fill(p, size, 0);
    if (p && this.isolated) this.tracker.add(tag, p, () => this.memory_?.free(p));
    return p;
  }

  kfree(p: number, tag: string): void {
    this.advanceInDriver(NS.crossing);
    if (p === 0) return;
    const a = this.mem.allocation(p);
    if (!a || a.tag !== tag) {
      // Nooks' wrapper rejects it; a native kernel's allocator corrupts itself and oopses.
      throw new DriverFailure(
        this.isolated ? 'wrapper' : 'trap',
        `${tag === 'dma' ? 'dma_free_coherent' : 'kfree'} of ${hex(p)}, not a live allocation`,
      );
    }
    this.mem.free(p);
    this.tracker.remove(tag, p);
  }

  private modTimer(t: number, expires: number): number {
    this.advanceInDriver(NS.crossing);
    this.checkPtr(t, 12, 'mod_timer');
    const pending = this.timers.get(t);
    pending?.cancel();
    // like Linux, a timer fires on a later tick than the current one, never at once
    const at = Math.max(this.jiffies + 1, this.jiffies + ((expires - this.jiffies) | 0));
    const delay = at * NS.ms - this.clock.now;
    const gen = this.generation;
    const h = this.clock.schedule('kernel', delay, () => {
      this.timers.delete(t);
      this.tracker.remove('timer', t);
      if (gen !== this.generation || this.dead) return;
      const fn = this.mem.u32(t + 4);
      this.call('timer', fn, [t]);
    });
    this.timers.set(t, h);
    if (!this.tracker.has('timer', t)) this.tracker.add('timer', t, () => h.cancel());
    return pending ? 1 : 0;
  }

  private delTimer(t: number): number {
    this.advanceInDriver(NS.crossing);
    const h = this.timers.get(t);
    if (!h) return 0;
    h.cancel();
    this.timers.delete(t);
    this.tracker.remove('timer', t);
    return 1;
  }

  private requestIrq(irq: number, handler: number, devId: number): number {
    this.advanceInDriver(NS.crossing);
    if (!this.devices.some((d) => d.irq === irq)) return -22;
    if (this.irqs.has(irq)) return -16;
    if (this.isolated) {
      const f = this.table?.get(handler);
      if (!f) throw new DriverFailure('wrapper', `request_irq: bad handler ${hex(handler)}`);
    }
    this.irqs.set(irq, { irq, handler, devId, enabled: true, unhandled: 0 });
    this.tracker.add('irq', irq, () => this.irqs.delete(irq));
    return 0;
  }

  private freeIrq(irq: number, devId: number): void {
    this.advanceInDriver(NS.crossing);
    const a = this.irqs.get(irq);
    this.checkHandle(!!a && a.devId === devId, `free_irq(${irq})`);
    this.irqs.delete(irq);
    this.tracker.remove('irq', irq);
  }

  /** A failure was detected and the restart has not run yet. */
  get recovering(): boolean {
    return this.recoveryPending;
  }

  get irqHandlers(): number {
    return this.irqs.size;
  }
  get pendingTimers(): number {
    return this.timers.size;
  }
}

function classify(e: unknown): DriverFailure {
  if (e instanceof SystemCrash) throw e;
  if (e instanceof DriverFailure) return e;
  if (e instanceof WebAssembly.RuntimeError) return new DriverFailure('trap', e.message);
  // The kernel touched memory outside the driver's domain on the driver's word, or wasm
  // recursion exhausted the stack: a kernel oops on a native kernel.
  if (e instanceof RangeError) return new DriverFailure('trap', e.message);
  throw e;
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

function widthMask(width: number): number {
  return width === 1 ? 0xff : width === 2 ? 0xffff : 0xffffffff;
}
