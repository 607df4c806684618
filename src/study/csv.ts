/** One CSV row per driver, for spreadsheets and pandas. */
import { PURPOSES } from './purpose.js';
import { hasIoctl, hasParams, hasProcSysfs, isNonClass, type StudyReport } from './summary.js';
import type { DriverRecord } from './record.js';

const esc = (v: string | number | boolean) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

const COLUMNS: [string, (d: DriverRecord) => string | number | boolean][] = [
  ['name', (d) => d.name],
  ['path', (d) => d.path],
  ['files', (d) => d.files.length],
  ['loc', (d) => d.loc],
  ['lines', (d) => d.lines],
  ['functions', (d) => d.functionCount],
  ['class', (d) => d.class],
  ['subclass', (d) => d.subclass],
  ['class_source', (d) => d.classSource],
  ['bus', (d) => d.bus],
  ['buses', (d) => d.buses.join(' ')],
  ['from_makefile', (d) => d.fromMakefile],
  ['entry_points', (d) => d.entryPoints.length],
  ...[...PURPOSES, 'unreached' as const].map(
    (p) => [`loc_${p}`, (d: DriverRecord) => d.locByPurpose[p]] as [string, (d: DriverRecord) => number],
  ),
  ['module_params', (d) => d.moduleParams.length],
  ['has_module_params', hasParams],
  ['proc', (d) => d.proc],
  ['sysfs', (d) => d.sysfs],
  ['debugfs', (d) => d.debugfs],
  ['has_proc_sysfs', hasProcSysfs],
  ['ioctls', (d) => d.ioctls.length],
  ['has_ioctl', hasIoctl],
  ['non_class', isNonClass],
  ['chipsets', (d) => d.chipsets],
  ['multi_chipset', (d) => d.multiChipset],
  ['power_management', (d) => d.powerManagement],
  ['significant_computation', (d) => d.significantComputation],
  ['computation_loops', (d) => d.computationLoops.length],
  ['interrupt_handlers', (d) => d.interruptHandlers.length],
  ['kthreads', (d) => d.threads.kthreads],
  ['work_items', (d) => d.threads.workItems],
  ['workqueues', (d) => d.threads.workqueues],
  ['timers', (d) => d.threads.timers],
  ['tasklets', (d) => d.threads.tasklets],
  ['port_io', (d) => d.interactions.deviceAccess.portIo],
  ['mmio', (d) => d.interactions.deviceAccess.mmio],
  ['dma', (d) => d.interactions.deviceAccess.dma],
  ['bus_api_calls', (d) => Object.values(d.interactions.busApis).reduce((a, b) => a + b, 0)],
  ['kernel_library', (d) => d.interactions.kernel.kernelLibrary],
  ['memory', (d) => d.interactions.kernel.memory],
  ['sync', (d) => d.interactions.kernel.sync],
  ['device_library', (d) => d.interactions.kernel.deviceLibrary],
  ['kernel_services', (d) => d.interactions.kernel.kernelServices],
  ['timers_calls', (d) => d.interactions.kernel.timers],
  ['device_access_per_kloc', (d) => d.per1kLoc.deviceAccess],
  ['bus_api_per_kloc', (d) => d.per1kLoc.busApis],
  ['parse_failures', (d) => d.parseFailures.length],
];

export const CSV_COLUMNS = COLUMNS.map(([h]) => h);

export function toCsv(r: StudyReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const d of r.drivers) lines.push(COLUMNS.map(([, f]) => esc(f(d))).join(','));
  return lines.join('\n') + '\n';
}
