/** The plain-text summary printed by `driverscope study` without --json/--html/--csv. */
import type { StudyReport } from './summary.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The paper's figures for Linux 2.6.37.6 (Kadav & Swift, ASPLOS 2012), for side-by-side tables. */
export const PAPER_2_6_37 = {
  driverCount: 3217,
  shares: {
    moduleParams: 0.36,
    procSysfs: 0.16,
    ioctl: 0.16,
    nonClass: 0.44,
    multiChipset: 0.28,
    significantComputation: 0.15,
  },
  powerManagementCommonClasses: 0.76,
  codeShareByPurpose: { initCleanup: 0.36, coreIo: 0.23, config: 0.15, pm: 0.074, ioctl: 0.062, error: 0.05 },
} as const;

export function formatText(r: StudyReport): string {
  const s = r.summary;
  const out: string[] = [];
  out.push(
    `driverscope study${r.kernel ? ` of Linux ${r.kernel}` : ''} (${r.roots.join(', ')}): ${s.driverCount} drivers, ${s.fileCount} files, ${s.loc} LOC, ${s.functionCount} functions`,
  );
  out.push(
    `class from registration APIs for ${s.classFromApi} drivers, from the tree location for ${s.driverCount - s.classFromApi}`,
  );
  if (s.parseFailures)
    out.push(`${s.parseFailures} files could not be parsed (listed per driver in the JSON)`);
  out.push('', 'Share of drivers                 ours     paper (2.6.37)');
  const row = (label: string, ours: number, paper?: number) =>
    out.push(
      `  ${label.padEnd(30)} ${pct(ours).padStart(6)}   ${paper === undefined ? '' : pct(paper).padStart(6)}`,
    );
  row('module parameters', s.shares.moduleParams, PAPER_2_6_37.shares.moduleParams);
  row('proc/sysfs', s.shares.procSysfs, PAPER_2_6_37.shares.procSysfs);
  row('ioctl', s.shares.ioctl, PAPER_2_6_37.shares.ioctl);
  row('non-class behaviour (any)', s.shares.nonClass, PAPER_2_6_37.shares.nonClass);
  row('more than one chipset', s.shares.multiChipset, PAPER_2_6_37.shares.multiChipset);
  row('significant computation', s.shares.significantComputation, PAPER_2_6_37.shares.significantComputation);
  row('power management', s.shares.powerManagement);
  row('  PM in common classes', s.powerManagementCommonClasses, PAPER_2_6_37.powerManagementCommonClasses);
  row('debugfs', s.shares.debugfs);
  row('interrupt handlers', s.shares.interruptHandlers);
  row('threads/work/timers', s.shares.threads);
  const c = s.codeShareByPurpose;
  const p = PAPER_2_6_37.codeShareByPurpose;
  out.push('', 'Code share by purpose (LOC)      ours     paper');
  row('init + cleanup', c.init + c.cleanup, p.initCleanup);
  row('  init', c.init);
  row('  cleanup', c.cleanup);
  row('core I/O & interrupts', c.coreIo, p.coreIo);
  row('configuration', c.config, p.config);
  row('power management', c.pm, p.pm);
  row('ioctl', c.ioctl, p.ioctl);
  row('error handling', c.error, p.error);
  row('proc/sysfs/debugfs', c.procSysfs);
  row('other entry points', c.other);
  row('reached from no entry point', c.unreached);
  out.push('', 'Classes (drivers, LOC, device-access and kernel calls per 1,000 LOC)');
  for (const g of s.classes.slice(0, 25)) {
    const i = g.interactions.per1kLoc;
    out.push(
      `  ${g.name.padEnd(14)} ${String(g.drivers).padStart(5)} ${String(g.loc).padStart(9)}  device ${i.deviceAccess.toFixed(1).padStart(6)}  bus ${i.busApis.toFixed(1).padStart(6)}  kernel ${(i.kernelLibrary + i.memory + i.sync + i.deviceLibrary + i.kernelServices + i.timers).toFixed(1).padStart(6)}`,
    );
  }
  out.push('', 'Buses (drivers; calls per driver: device access, bus APIs)');
  for (const g of s.buses.slice(0, 15)) {
    const i = g.interactions.perDriver;
    out.push(
      `  ${g.name.padEnd(14)} ${String(g.drivers).padStart(5)}  device ${i.deviceAccess.toFixed(1).padStart(7)}  bus ${i.busApis.toFixed(1).padStart(7)}`,
    );
  }
  return out.join('\n');
}
