import { describe, expect, it } from 'vitest';
import { formatCampaign, runCampaign } from '../../src/runtime/campaign.js';
import { DRIVERS, prepareDriver, runOnce, type DriverKind } from '../../src/runtime/system.js';

const kinds = Object.keys(DRIVERS) as DriverKind[];

describe('fault-free runs', () => {
  for (const driver of kinds) {
    for (const workload of Object.keys(DRIVERS[driver]!.workloads)) {
      it(`${driver}/${workload} works, bit-exact under native and nooks`, async () => {
        const d = await prepareDriver(driver);
        const native = runOnce(d, { driver, workload, isolation: 'native', seed: 3 });
        const nooks = runOnce(d, { driver, workload, isolation: 'nooks', seed: 3 });
        expect(native.outcome, native.detail).toBe('works');
        expect(nooks.outcome, nooks.detail).toBe('works');
        expect(native.failures).toEqual([]);
        expect(native.units).toBeGreaterThan(0);
        // isolation changes nothing the machine does: same data, same virtual time, same log
        expect({ ...nooks, isolation: 'native' }).toEqual(native);
      });
    }
  }
});

describe('determinism', () => {
  it('same seed and faults give a byte-identical run record; another seed differs', async () => {
    const d = await prepareDriver('net');
    const spec = {
      driver: 'net' as const,
      isolation: 'nooks' as const,
      faults: ['sw:random', 'sw:random', 'hw:bitflip:0.05'],
    };
    const a = JSON.stringify(runOnce(d, { ...spec, seed: 11 }));
    const b = JSON.stringify(runOnce(d, { ...spec, seed: 11 }));
    const c = JSON.stringify(runOnce(d, { ...spec, seed: 12 }));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('a campaign is byte-identical for the same seed', async () => {
    const opts = {
      drivers: kinds,
      faults: ['swifi'],
      trials: 6,
      perTrial: 3,
      configs: ['native', 'nooks'] as ('native' | 'nooks')[],
      seed: 5,
    };
    const a = await runCampaign(opts);
    const b = await runCampaign(opts);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(formatCampaign(a)).toBe(formatCampaign(b));
    // both configurations saw exactly the same injected faults
    for (const t of a.trials)
      expect(t.results.native!.injected.filter((x) => x.startsWith('sw:'))).toEqual(
        t.results.nooks!.injected.filter((x) => x.startsWith('sw:')),
      );
  });
});

describe('native vs nooks', () => {
  it('a driver panic crashes the native system and is a recovered driver failure under nooks', async () => {
    const d = await prepareDriver('net');
    // find a seed whose injected panic is actually reached
    for (let seed = 1; seed < 60; seed++) {
      const native = runOnce(d, { driver: 'net', isolation: 'native', seed, faults: ['sw:panic'] });
      if (native.outcome !== 'system-crash') continue;
      expect(native.detail).toMatch(/^panic/);
      const nooks = runOnce(d, { driver: 'net', isolation: 'nooks', seed, faults: ['sw:panic'] });
      expect(nooks.outcome).not.toBe('system-crash');
      expect(nooks.failures[0]!.kind).toBe('panic');
      expect(nooks.recoveries).toBe(1);
      return;
    }
    throw new Error('no seed reached the injected panic');
  });
});
