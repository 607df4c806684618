/**
 * The study on real Linux 6.12 drivers (skipped when the tree is not in the cache: fetch it with
 * `driverscope kernel fetch 6.12`). Expected values are read from the kernel source itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kernelPath } from '../../src/kernel/fetch.js';
import { runStudy } from '../../src/study/run.js';
import type { DriverRecord } from '../../src/study/record.js';
import type { StudyReport } from '../../src/study/summary.js';

const K = kernelPath('6.12');
if (!K)
  console.warn('study kernel test: Linux 6.12 is not in the cache; skipping (driverscope kernel fetch 6.12)');

describe.skipIf(!K)('study of real 6.12 drivers', () => {
  let report: StudyReport;
  const drv = (n: string): DriverRecord => report.drivers.find((d) => d.name === n)!;
  beforeAll(async () => {
    report = await runStudy(
      [
        join(K!, 'drivers/net/ethernet/intel/e1000'),
        join(K!, 'sound/pci/ens1370.c'),
        join(K!, 'sound/pci/ak4531_codec.c'),
      ],
      { workers: 1 },
    );
  });

  it('groups the files into their Kbuild modules, paths relative to the kernel root', () => {
    expect(report.kernel).toMatch(/^6\.12/);
    expect(drv('e1000').path).toBe('drivers/net/ethernet/intel/e1000');
    expect(drv('e1000').files).toHaveLength(4);
    expect(drv('snd-ens1370').files).toEqual(['sound/pci/ak4531_codec.c', 'sound/pci/ens1370.c']);
  });

  it('reads e1000 like the source says', () => {
    const e = drv('e1000');
    const main = readFileSync(join(K!, 'drivers/net/ethernet/intel/e1000/e1000_main.c'), 'utf8');
    const params = readFileSync(join(K!, 'drivers/net/ethernet/intel/e1000/e1000_param.c'), 'utf8');
    expect([e.class, e.subclass, e.bus]).toEqual(['net', 'ethernet', 'PCI']);
    expect(e.chipsets).toBe((main.match(/^\s*INTEL_E1000_ETHERNET_DEVICE\(/gm) ?? []).length);
    const macroParams = [...params.matchAll(/^E1000_PARAM\((\w+),/gm)].map((m) => m[1]!);
    expect(macroParams.length).toBeGreaterThan(5);
    for (const p of [...macroParams, 'copybreak', 'debug']) expect(e.moduleParams).toContain(p);
    expect(e.powerManagement).toBe(true);
    expect(e.entryPoints.find((x) => x.function === 'e1000_probe')?.purpose).toBe('init');
    expect(e.entryPoints.find((x) => x.function === 'e1000_xmit_frame')?.purpose).toBe('coreIo');
    expect(e.ioctls.map((i) => i.function)).toContain('e1000_ioctl');
    expect(e.interactions.deviceAccess.mmio).toBeGreaterThan(100); // er32/ew32 wrappers around readl/writel
  });

  it('reads ens1370 like the source says', () => {
    const s = drv('snd-ens1370');
    const src = readFileSync(join(K!, 'sound/pci/ens1370.c'), 'utf8');
    expect([s.class, s.bus]).toEqual(['sound', 'PCI']);
    expect(s.interactions.deviceAccess.portIo).toBeGreaterThan(20); // inl/outl
    const module = /module_param_array\((\w+)/.exec(src)![1]!;
    expect(s.moduleParams).toContain(module);
    expect(s.interruptHandlers).toContain('snd_audiopci_interrupt');
  });
});
