/**
 * Study-wide figures: the paper's headline shares, code share by purpose, and tables per class
 * and per bus. Computed from the records alone (so a JSON report can be re-summarised).
 */
import { KERNEL_APIS, type KernelApiCategory } from './apis.js';
import { PURPOSES } from './purpose.js';
import type { DriverRecord, PurposeOrUnreached } from './record.js';

/** Bump when a field changes meaning or disappears (adding fields keeps the version). */
export const STUDY_SCHEMA_VERSION = 1;

export interface Shares {
  moduleParams: number;
  procSysfs: number;
  ioctl: number;
  nonClass: number;
  multiChipset: number;
  significantComputation: number;
  powerManagement: number;
  debugfs: number;
  interruptHandlers: number;
  threads: number;
}

export type CodeShare = Record<
  'init' | 'cleanup' | 'coreIo' | 'config' | 'pm' | 'ioctl' | 'error' | 'procSysfs' | 'other' | 'unreached',
  number
>;

export interface Interactions {
  /** Calls per driver (mean over the drivers of the group). */
  perDriver: Record<'deviceAccess' | 'portIo' | 'mmio' | 'dma' | 'busApis' | KernelApiCategory, number>;
  /** Calls per 1,000 LOC (pooled: all the group's calls over all its LOC). */
  per1kLoc: Record<'deviceAccess' | 'portIo' | 'mmio' | 'dma' | 'busApis' | KernelApiCategory, number>;
}

export interface GroupSummary {
  name: string;
  drivers: number;
  loc: number;
  shares: Shares;
  codeShareByPurpose: CodeShare;
  interactions: Interactions;
}

export interface StudySummary {
  driverCount: number;
  fileCount: number;
  lines: number;
  loc: number;
  functionCount: number;
  shares: Shares;
  codeShareByPurpose: CodeShare;
  /** Share of drivers with PM code among the common classes (net, sound, block, scsi, input, media, gpu, usb). */
  powerManagementCommonClasses: number;
  interactions: Interactions;
  classes: GroupSummary[];
  buses: GroupSummary[];
  /** Drivers whose class came from registration APIs (rest: from the tree location). */
  classFromApi: number;
  parseFailures: number;
  /** Share of the studied characters inside tree-sitter ERROR nodes. */
  errorCharsShare: number;
}

export interface StudyReport {
  version: number;
  tool: string;
  kernel?: string;
  roots: string[];
  summary: StudySummary;
  drivers: DriverRecord[];
}

export const COMMON_CLASSES = ['net', 'sound', 'block', 'scsi', 'input', 'media', 'gpu', 'usb'];

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const r2 = (x: number) => Math.round(x * 100) / 100;

export const hasProcSysfs = (d: DriverRecord) => d.proc + d.sysfs > 0;
export const hasIoctl = (d: DriverRecord) => d.ioctls.length > 0;
export const hasParams = (d: DriverRecord) => d.moduleParams.length > 0;
export const isNonClass = (d: DriverRecord) => hasParams(d) || hasProcSysfs(d) || hasIoctl(d);

function shares(ds: DriverRecord[]): Shares {
  const n = ds.length || 1;
  const f = (p: (d: DriverRecord) => boolean) => r4(ds.filter(p).length / n);
  return {
    moduleParams: f(hasParams),
    procSysfs: f(hasProcSysfs),
    ioctl: f(hasIoctl),
    nonClass: f(isNonClass),
    multiChipset: f((d) => d.multiChipset),
    significantComputation: f((d) => d.significantComputation),
    powerManagement: f((d) => d.powerManagement),
    debugfs: f((d) => d.debugfs > 0),
    interruptHandlers: f((d) => d.interruptHandlers.length > 0),
    threads: f((d) => d.threads.kthreads + d.threads.workItems + d.threads.timers + d.threads.tasklets > 0),
  };
}

function codeShare(ds: DriverRecord[]): CodeShare {
  const keys = [...PURPOSES, 'unreached'] as PurposeOrUnreached[];
  const tot = Object.fromEntries(keys.map((k) => [k, 0])) as Record<PurposeOrUnreached, number>;
  for (const d of ds) for (const k of keys) tot[k] += d.locByPurpose[k] ?? 0;
  const all = keys.reduce((s, k) => s + tot[k], 0) || 1;
  return Object.fromEntries(keys.map((k) => [k, r4(tot[k] / all)])) as CodeShare;
}

function interactions(ds: DriverRecord[]): Interactions {
  const keys = [
    'deviceAccess',
    'portIo',
    'mmio',
    'dma',
    'busApis',
    ...Object.keys(KERNEL_APIS),
  ] as (keyof Interactions['perDriver'])[];
  const tot = Object.fromEntries(keys.map((k) => [k, 0])) as Interactions['perDriver'];
  let loc = 0;
  for (const d of ds) {
    const i = d.interactions;
    tot.portIo += i.deviceAccess.portIo;
    tot.mmio += i.deviceAccess.mmio;
    tot.dma += i.deviceAccess.dma;
    tot.deviceAccess += i.deviceAccess.portIo + i.deviceAccess.mmio + i.deviceAccess.dma;
    tot.busApis += Object.values(i.busApis).reduce((a, b) => a + b, 0);
    for (const k of Object.keys(KERNEL_APIS) as KernelApiCategory[]) tot[k] += i.kernel[k];
    loc += d.loc;
  }
  const n = ds.length || 1;
  return {
    perDriver: Object.fromEntries(keys.map((k) => [k, r2(tot[k] / n)])) as Interactions['perDriver'],
    per1kLoc: Object.fromEntries(
      keys.map((k) => [k, loc ? r2((tot[k] * 1000) / loc) : 0]),
    ) as Interactions['per1kLoc'],
  };
}

function group(name: string, ds: DriverRecord[]): GroupSummary {
  return {
    name,
    drivers: ds.length,
    loc: ds.reduce((s, d) => s + d.loc, 0),
    shares: shares(ds),
    codeShareByPurpose: codeShare(ds),
    interactions: interactions(ds),
  };
}

function groups(ds: DriverRecord[], by: (d: DriverRecord) => string): GroupSummary[] {
  const m = new Map<string, DriverRecord[]>();
  for (const d of ds) {
    const k = by(d);
    const list = m.get(k) ?? [];
    list.push(d);
    m.set(k, list);
  }
  return [...m]
    .map(([k, list]) => group(k, list))
    .sort((a, b) => b.drivers - a.drivers || (a.name < b.name ? -1 : 1));
}

export function summarize(drivers: DriverRecord[]): StudySummary {
  const common = drivers.filter((d) => COMMON_CLASSES.includes(d.class));
  const lines = drivers.reduce((s, d) => s + d.lines, 0);
  return {
    driverCount: drivers.length,
    fileCount: drivers.reduce((s, d) => s + d.files.length, 0),
    lines,
    loc: drivers.reduce((s, d) => s + d.loc, 0),
    functionCount: drivers.reduce((s, d) => s + d.functionCount, 0),
    shares: shares(drivers),
    codeShareByPurpose: codeShare(drivers),
    powerManagementCommonClasses: r4(common.filter((d) => d.powerManagement).length / (common.length || 1)),
    interactions: interactions(drivers),
    classes: groups(drivers, (d) => d.class),
    buses: groups(drivers, (d) => d.bus),
    classFromApi: drivers.filter((d) => d.classSource === 'api').length,
    parseFailures: drivers.reduce((s, d) => s + d.parseFailures.length, 0),
    errorCharsShare: r4(
      drivers.reduce((s, d) => s + d.errorChars, 0) /
        Math.max(
          1,
          drivers.reduce((s, d) => s + d.chars, 0),
        ),
    ),
  };
}
