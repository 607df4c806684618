/**
 * One simulated machine: kernel, the device under test, the driver module and a workload.
 * `runOnce` is synchronous and a pure function of its spec (same seed, same faults → same result).
 */
import { driverWasm, type DriverName } from './build.js';
import { NS } from './costs.js';
import type { DeviceModel } from './devices/device.js';
import { NicModel } from './devices/nic.js';
import { SystemCrash, type FailureKind } from './errors.js';
import { HardwareFaults, parseHardwareFault, type HardwareFault } from './faults/hardware.js';
import { injectSoftwareFaults, parseSoftwareFault, type SoftwareFault } from './faults/swifi.js';
import { Kernel, type FailureRecord, type Isolation } from './kernel.js';
import { Rng } from './rng.js';
import { BusSubsystem } from './sys/bus.js';
import { NetSubsystem } from './sys/net.js';
import { BlockSubsystem } from './sys/block.js';
import { DiskModel } from './devices/disk.js';
import { Database, DiskCopy } from './workloads/block.js';
import { InputSubsystem } from './sys/input.js';
import { MouseModel } from './devices/mouse.js';
import { PointerApp } from './workloads/input.js';
import { SoundSubsystem } from './sys/sound.js';
import { AudioModel } from './devices/audio.js';
import { AudioPlayer } from './workloads/sound.js';
import { PacketSniffer, RemoteCopy } from './workloads/net.js';
import type { Outcome, Workload } from './workloads/workload.js';

export type DriverKind = 'net' | 'sound' | 'input' | 'block';
export const DRIVER_KINDS: readonly DriverKind[] = ['net', 'sound', 'input', 'block'];

interface DriverSpec {
  module: DriverName;
  device: () => DeviceModel;
  workloads: Record<string, () => Workload>;
  defaultWorkload: string;
}

export const DRIVERS: Partial<Record<DriverKind, DriverSpec>> = {
  net: {
    module: 'dsnic',
    device: () => new NicModel(),
    workloads: { copy: () => new RemoteCopy(), sniffer: () => new PacketSniffer() },
    defaultWorkload: 'copy',
  },
  sound: {
    module: 'dssound',
    device: () => new AudioModel(),
    workloads: { player: () => new AudioPlayer() },
    defaultWorkload: 'player',
  },
  input: {
    module: 'dsmouse',
    device: () => new MouseModel(),
    workloads: { pointer: () => new PointerApp() },
    defaultWorkload: 'pointer',
  },
  block: {
    module: 'dsblk',
    device: () => new DiskModel(),
    workloads: { copy: () => new DiskCopy(), database: () => new Database() },
    defaultWorkload: 'copy',
  },
};

export function driverSpec(kind: string): DriverSpec {
  const s = DRIVERS[kind as DriverKind];
  if (!s) throw new Error(`unknown driver '${kind}' (known: ${Object.keys(DRIVERS).join(', ')})`);
  return s;
}

export class System {
  readonly kernel: Kernel;
  readonly bus: BusSubsystem;
  net?: NetSubsystem;
  block?: BlockSubsystem;
  input?: InputSubsystem;
  sound?: SoundSubsystem;

  constructor(
    readonly device: DeviceModel,
    isolation: Isolation,
    seed: number,
    hardware?: HardwareFaults,
  ) {
    this.kernel = new Kernel({ isolation, seed, devices: [device], hardware });
    this.bus = new BusSubsystem(this.kernel);
    this.kernel.addSubsystem(this.bus);
    this.net = new NetSubsystem(this.kernel);
    this.kernel.addSubsystem(this.net);
    this.block = new BlockSubsystem(this.kernel);
    this.kernel.addSubsystem(this.block);
    this.input = new InputSubsystem(this.kernel);
    this.kernel.addSubsystem(this.input);
    this.sound = new SoundSubsystem(this.kernel);
    this.kernel.addSubsystem(this.sound);
  }
}

export interface RunSpec {
  driver: DriverKind;
  workload?: string;
  isolation: Isolation;
  seed: number;
  /** e.g. "hw:stuck-irq", "sw:inverted-branch" */
  faults?: string[];
}

export interface RunResult {
  driver: DriverKind;
  workload: string;
  isolation: Isolation;
  seed: number;
  faults: string[];
  /** what the injector actually did, for reproducing a trial */
  injected: string[];
  outcome: Outcome;
  detail: string;
  failures: { atNs: number; kind: FailureKind; entry: string; detail: string }[];
  recoveries: number;
  virtualNs: number;
  crossings: number;
  units: number;
  log: string[];
}

/** A driver's compiled module, kept per process (compiling wasm is the costly part of a run). */
export interface PreparedDriver {
  kind: DriverKind;
  wasm: Uint8Array;
  module: WebAssembly.Module;
}

const prepared = new Map<DriverKind, Promise<PreparedDriver>>();

export function prepareDriver(kind: DriverKind): Promise<PreparedDriver> {
  let p = prepared.get(kind);
  if (!p) {
    p = driverWasm(driverSpec(kind).module).then((wasm) => ({
      kind,
      wasm,
      module: new WebAssembly.Module(wasm),
    }));
    prepared.set(kind, p);
  }
  return p;
}

export function runOnce(drv: PreparedDriver, spec: RunSpec): RunResult {
  const ds = driverSpec(spec.driver);
  const workloadName = spec.workload ?? ds.defaultWorkload;
  const makeWorkload = ds.workloads[workloadName];
  if (!makeWorkload)
    throw new Error(
      `driver ${spec.driver} has no workload '${workloadName}' (has: ${Object.keys(ds.workloads).join(', ')})`,
    );
  const faults = spec.faults ?? [];
  const rng = new Rng(spec.seed);
  const hwFaults: HardwareFault[] = [];
  const swFaults: SoftwareFault[] = [];
  for (const f of faults) {
    if (f.startsWith('hw:')) hwFaults.push(parseHardwareFault(f.slice(3)));
    else if (f.startsWith('sw:')) swFaults.push(parseSoftwareFault(f.slice(3)));
    else throw new Error(`fault '${f}' must start with hw: or sw:`);
  }
  const injected: string[] = [];
  const hardware = hwFaults.length ? new HardwareFaults(hwFaults, rng.fork('hw'), injected) : undefined;
  let faulty: WebAssembly.Module | undefined;
  if (swFaults.length) {
    const r = injectSoftwareFaults(drv.wasm, swFaults, rng.fork('sw'));
    injected.push(...r.injected);
    faulty = new WebAssembly.Module(r.wasm);
  }
  const device = ds.device();
  const sys = new System(device, spec.isolation, spec.seed, hardware);
  const k = sys.kernel;
  hardware?.bindClock(() => k.clock.now);
  const workload = makeWorkload();
  let outcome: Outcome;
  let detail: string;
  let units = 0;
  try {
    // Software faults live in the loaded image; a Nooks restart reloads the module from disk.
    k.load((gen) => (gen === 0 && faulty ? faulty : drv.module));
    hardware?.arm(k.clock.now, workload.faultWindowNs);
    k.guard('application', () => workload.start(sys, rng.fork('workload')));
    if (k.isolated) armDeviceWatchdog(sys);
    const deadline = k.clock.now + workload.deadlineNs;
    const finished = k.runUntil(deadline, () => workload.done());
    // Let a pending Nooks restart complete: the failure was detected, recovery is part of the trial.
    k.runUntil(deadline, () => !k.recovering);
    const v = workload.verdict(finished);
    outcome = v.outcome;
    detail = v.detail;
    units = v.units;
  } catch (e) {
    if (!(e instanceof SystemCrash)) throw e;
    outcome = 'system-crash';
    detail = e.reason;
  }
  return {
    driver: spec.driver,
    workload: workloadName,
    isolation: spec.isolation,
    seed: spec.seed,
    faults,
    injected,
    outcome,
    detail,
    failures: k.failures.map((f: FailureRecord) => ({ ...f })),
    recoveries: k.recoveries,
    virtualNs: k.clock.now,
    crossings: k.crossings,
    units,
    log: k.log,
  };
}

/**
 * Device-side watchdog (Nooks mode): work the device holds for the driver — frames waiting for
 * buffers, an interrupt nobody services — that stays untaken for 100 ms means the driver is
 * wedged; it is then failed and restarted like any other failure.
 */
/** Checked every 50 ms, so a wedged driver is caught 100–150 ms after it stops taking work. */
const WATCHDOG_PERIOD_NS = 50 * NS.ms;

function armDeviceWatchdog(sys: System): void {
  const k = sys.kernel;
  let since = -1;
  const check = () => {
    if (k.gaveUp) return;
    const wedged = !k.dead && sys.device.stalled();
    if (!wedged) since = -1;
    else if (since < 0) since = k.clock.now;
    else if (k.clock.now - since >= 100 * NS.ms) {
      since = -1;
      k.injectFailure('watchdog', 'device work untaken for 100 ms');
    }
    k.clock.schedule('kernel', WATCHDOG_PERIOD_NS, check);
  };
  k.clock.schedule('kernel', WATCHDOG_PERIOD_NS, check);
}
