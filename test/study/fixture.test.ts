/**
 * The study on a small tree of driver-shaped C files we wrote (test/fixtures/study/tree): one
 * assertion per property, each against what the fixture was written to contain.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runStudy } from '../../src/study/run.js';
import type { DriverRecord } from '../../src/study/record.js';
import type { StudyReport } from '../../src/study/summary.js';

import { TREE } from './helpers.js';

let report: StudyReport;
const driver = (name: string): DriverRecord => {
  const d = report.drivers.find((x) => x.name === name);
  if (!d) throw new Error(`no driver ${name} in ${report.drivers.map((x) => x.name).join(', ')}`);
  return d;
};
const purposeOf = (d: DriverRecord, fn: string) =>
  d.entryPoints.filter((e) => e.function === fn).map((e) => e.purpose);
const src = (rel: string) => readFileSync(join(TREE, rel), 'utf8');

beforeAll(async () => {
  report = await runStudy([TREE], { workers: 1 });
});

describe('drivers are Kbuild modules', () => {
  it('finds one driver per module, composite objects grouped', () => {
    expect(report.drivers.map((d) => d.name).sort()).toEqual(['acme', 'beep', 'gizmo', 'odd', 'snd-chirp']);
    expect(driver('acme').files).toEqual([
      'drivers/net/ethernet/acme/acme_ethtool.c',
      'drivers/net/ethernet/acme/acme_main.c',
    ]);
    expect(driver('snd-chirp').files).toHaveLength(2);
    expect(report.summary.driverCount).toBe(5);
  });
  it('reports a file no Makefile builds as a driver of its own', () => {
    expect(driver('beep').fromMakefile).toBe(false);
    expect(driver('acme').fromMakefile).toBe(true);
  });
  it('counts lines of code without comments and blank lines', () => {
    const text = src('drivers/misc/mystery/odd.c');
    const code = text.split('\n').filter((l) => l.trim() && !/^\s*(\/\/|\/\*|\*)/.test(l)).length;
    expect(driver('odd').loc).toBe(code);
    expect(driver('odd').lines).toBe(text.split('\n').length - 1);
  });
  it('studies drivers/ and sound/ of a kernel-shaped root, with paths relative to it', () => {
    expect(report.roots).toEqual(['drivers', 'sound']);
    expect(driver('snd-chirp').path).toBe('sound/pci/chirp');
  });
});

describe('class and bus', () => {
  it('takes the class from the registration APIs', () => {
    expect([driver('acme').class, driver('acme').subclass, driver('acme').classSource]).toEqual([
      'net',
      'ethernet',
      'api',
    ]);
    expect(driver('acme').classEvidence).toContain('register_netdev');
    expect([driver('snd-chirp').class, driver('snd-chirp').subclass]).toEqual(['sound', 'alsa']);
    expect([driver('beep').class, driver('beep').subclass]).toEqual(['input', 'input']);
    expect([driver('gizmo').class, driver('gizmo').subclass]).toEqual(['char', 'misc']);
  });
  it('falls back to the tree location when the APIs are silent', () => {
    expect(driver('odd').classSource).toBe('path');
    expect([driver('odd').class, driver('odd').subclass]).toEqual(['char', 'mystery']);
  });
  it('takes the bus from the registered driver structure', () => {
    expect(driver('acme').bus).toBe('PCI');
    expect(driver('gizmo').bus).toBe('USB');
    expect(driver('beep').bus).toBe('OF/platform');
    expect(driver('snd-chirp').bus).toBe('PCI');
    expect(driver('odd').bus).toBe('none');
  });
});

describe('entry points and purposes', () => {
  it('finds functions in designated initialisers, nested fields and ops structures', () => {
    const a = driver('acme');
    expect(purposeOf(a, 'acme_probe')).toEqual(['init']);
    expect(purposeOf(a, 'acme_remove')).toEqual(['cleanup']);
    expect(purposeOf(a, 'acme_open')).toEqual(['init']);
    expect(purposeOf(a, 'acme_close')).toEqual(['cleanup']);
    expect(purposeOf(a, 'acme_xmit')).toEqual(['coreIo']);
    expect(purposeOf(a, 'acme_ioctl')).toEqual(['ioctl']);
    expect(purposeOf(a, 'acme_tx_timeout')).toEqual(['error']);
    expect(purposeOf(a, 'acme_error_detected')).toEqual(['error']);
    expect(purposeOf(a, 'acme_get_drvinfo')).toEqual(['config']);
  });
  it('finds entry points in kernel macros (PM ops, module_init, attributes)', () => {
    expect(purposeOf(driver('acme'), 'acme_suspend')).toEqual(['pm']);
    expect(purposeOf(driver('acme'), 'acme_resume')).toEqual(['pm']);
    expect(purposeOf(driver('snd-chirp'), 'chirp_init')).toEqual(['init']);
    expect(purposeOf(driver('snd-chirp'), 'chirp_exit')).toEqual(['cleanup']);
    expect(purposeOf(driver('beep'), 'volume_show')).toEqual(['procSysfs']);
    expect(purposeOf(driver('beep'), 'volume_store')).toEqual(['procSysfs']);
    expect(purposeOf(driver('gizmo'), 'gizmo_stats_show')).toEqual(['procSysfs']);
  });
  it('finds callbacks handed to the kernel and stored into fields', () => {
    expect(purposeOf(driver('acme'), 'acme_intr')).toEqual(['coreIo']);
    expect(purposeOf(driver('acme'), 'acme_reset_task')).toEqual(['error']);
    expect(purposeOf(driver('beep'), 'beep_event')).toEqual(['coreIo']);
    expect(purposeOf(driver('gizmo'), 'gizmo_proc_show')).toEqual(['procSysfs']);
    expect(purposeOf(driver('gizmo'), 'gizmo_thread')).toEqual(['coreIo']);
  });
  it('gives each function the purpose of its nearest entry point and counts its LOC once', () => {
    const a = driver('acme');
    // acme_hw_setup: called by probe (distance 1) and by acme_refill ← xmit (distance 2) → init.
    // acme_refill and acme_checksum: reached from xmit only → core I/O.
    const total = Object.values(a.locByPurpose).reduce((x, y) => x + y, 0);
    const text = src('drivers/net/ethernet/acme/acme_main.c');
    const fnLoc = (name: string) => {
      const lines = text.split('\n');
      const start = lines.findIndex((l) => new RegExp(`\\b${name}\\(`).test(l) && !l.trim().endsWith(';'));
      let end = start;
      while (lines[end] !== '}') end++;
      return lines.slice(start, end + 1).filter((l) => l.trim()).length;
    };
    expect(a.locByPurpose.coreIo).toBe(
      fnLoc('acme_refill') + fnLoc('acme_checksum') + fnLoc('acme_xmit') + fnLoc('acme_intr'),
    );
    expect(a.locByPurpose.init).toBe(fnLoc('acme_hw_setup') + fnLoc('acme_probe') + fnLoc('acme_open'));
    expect(total).toBeGreaterThan(0);
    expect(driver('odd').locByPurpose.unreached).toBe(driver('odd').loc - 1);
  });
});

describe('non-class behaviour', () => {
  it('lists module parameters, including those declared through a driver macro', () => {
    expect(driver('acme').moduleParams).toEqual(['debug', 'rx_ring_size']);
    expect(driver('snd-chirp').moduleParams).toEqual(['index']);
    expect(driver('beep').moduleParams).toEqual([]);
  });
  it('counts proc, sysfs and debugfs interfaces', () => {
    expect(driver('beep').sysfs).toBe(2); // DEVICE_ATTR_RW + device_create_file
    expect(driver('gizmo').proc).toBe(1);
    expect(driver('gizmo').debugfs).toBe(2); // DEFINE_SHOW_ATTRIBUTE + debugfs_create_file
    expect(driver('acme').proc + driver('acme').sysfs + driver('acme').debugfs).toBe(0);
  });
  it('finds ioctls and the commands they handle', () => {
    expect(driver('gizmo').ioctls).toEqual([{ function: 'gizmo_ioctl', commands: 3 }]);
    expect(driver('acme').ioctls).toEqual([{ function: 'acme_ioctl', commands: 3 }]);
    expect(driver('beep').ioctls).toEqual([]);
  });
});

describe('chipsets, PM, computation, concurrency', () => {
  it('counts device-ID entries of any *_device_id type without the terminator', () => {
    expect(driver('acme').deviceIdTables).toEqual([
      { type: 'pci_device_id', table: 'acme_pci_tbl', entries: 3 },
    ]);
    expect(driver('gizmo').chipsets).toBe(2);
    expect(driver('beep').deviceIdTables[0]!.type).toBe('of_device_id');
    expect(driver('beep').chipsets).toBe(1);
    expect(driver('snd-chirp').chipsets).toBe(1);
    expect([driver('acme').multiChipset, driver('gizmo').multiChipset, driver('beep').multiChipset]).toEqual([
      true,
      true,
      false,
    ]);
  });
  it('sees power management', () => {
    expect(driver('acme').powerManagement).toBe(true);
    expect(driver('gizmo').powerManagement).toBe(false);
  });
  it('flags loops computing over data, not loops that touch the device', () => {
    expect(driver('acme').computationLoops.map((l) => l.function)).toEqual(['acme_checksum']);
    expect(driver('acme').significantComputation).toBe(true);
    expect(driver('beep').significantComputation).toBe(false);
  });
  it('lists interrupt handlers, threads, work and timers', () => {
    expect(driver('acme').interruptHandlers).toEqual(['acme_intr']);
    expect(driver('acme').threads.workItems).toBe(1);
    expect(driver('gizmo').threads).toMatchObject({ kthreads: 1, timers: 1 });
  });
});

describe('interactions', () => {
  it('counts device access, through the driver’s own wrapper macros too', () => {
    const a = driver('acme').interactions.deviceAccess;
    const text = src('drivers/net/ethernet/acme/acme_main.c');
    const mmio = (text.match(/\b(?:acme_rd32|acme_wr32|readl|writel|pci_iomap)\(/g) ?? []).length;
    expect(a.mmio).toBe(mmio);
    expect(a.dma).toBe((text.match(/\bdma_\w+\(/g) ?? []).length);
    const chirp = driver('snd-chirp').interactions.deviceAccess;
    const io = ['chirp.c', 'chirp_pcm.c'].map(
      (f) => (src(`sound/pci/chirp/${f}`).match(/\b(?:inb|outb|inw|outw)\(/g) ?? []).length,
    );
    expect(chirp.portIo).toBe(io[0]! + io[1]!);
  });
  it('counts bus APIs and kernel services, and normalises per 1,000 LOC', () => {
    const g = driver('gizmo');
    expect(g.interactions.busApis.usb).toBeGreaterThanOrEqual(3);
    expect(g.interactions.kernel.memory).toBeGreaterThanOrEqual(2); // kzalloc, kfree
    expect(g.interactions.kernel.timers).toBeGreaterThanOrEqual(3); // mod_timer, del_timer_sync, msleep
    const total = Object.values(g.interactions.busApis).reduce((a, b) => a + b, 0);
    expect(g.per1kLoc.busApis).toBeCloseTo((total * 1000) / g.loc, 1);
  });
});

describe('summary', () => {
  it('computes shares as fractions of drivers', () => {
    const s = report.summary.shares;
    const n = report.drivers.length;
    expect(s.moduleParams).toBeCloseTo(report.drivers.filter((d) => d.moduleParams.length).length / n, 4);
    expect(s.multiChipset).toBeCloseTo(2 / 5, 4);
    expect(s.ioctl).toBeCloseTo(2 / 5, 4);
    expect(s.procSysfs).toBeCloseTo(2 / 5, 4);
    expect(s.nonClass).toBeCloseTo(4 / 5, 4); // all but odd
    for (const v of Object.values(s)) expect(v).toBeGreaterThanOrEqual(0);
  });
  it('computes code shares by purpose that add up to the whole', () => {
    const c = report.summary.codeShareByPurpose;
    const sum = Object.values(c).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 2);
    for (const k of ['init', 'cleanup', 'coreIo', 'config', 'pm', 'ioctl', 'error'] as const)
      expect(c[k]).toBeGreaterThan(0);
  });
  it('has tables per class and per bus', () => {
    expect(report.summary.classes.map((c) => c.name).sort()).toEqual(['char', 'input', 'net', 'sound']);
    expect(report.summary.buses.find((b) => b.name === 'PCI')!.drivers).toBe(2);
  });
});
