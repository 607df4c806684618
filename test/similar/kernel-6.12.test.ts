/**
 * On the real Linux 6.12 tree (when `driverscope kernel fetch 6.12` has put it in the cache):
 * igb and igc, Intel's drivers for two chip generations, share code copied per chipset.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelPath } from '../../src/kernel/fetch.js';
import { findSimilar } from '../../src/similar/index.js';

const kernel = kernelPath('6.12');
const maybe = kernel ? describe : describe.skip;
if (!kernel)
  console.warn(
    'Linux 6.12 is not in the cache: similar kernel tests skipped (driverscope kernel fetch 6.12)',
  );

maybe('similar on Linux 6.12 igb + igc', () => {
  it('finds the functions igc copied from igb, as multi-chipset groups', async () => {
    const intel = join(kernel!, 'drivers/net/ethernet/intel');
    const r = await findSimilar([join(intel, 'igb'), join(intel, 'igc')], { workers: 0 });
    const s = r.report.summary;
    expect(s.files).toBeGreaterThan(15);
    expect(s.totalLoc).toBeGreaterThan(40_000);
    expect(s.similarLocShare).toBeGreaterThan(0);
    expect(s.similarLocShare).toBeLessThan(1);
    // Hand-checked pairs: the same code with igb_ / igc_ prefixes.
    for (const [a, b] of [
      ['igb_config_collision_dist', 'igc_config_collision_dist'],
      ['igb_init_rx_addrs', 'igc_init_rx_addrs'],
      ['igb_update_stats', 'igc_update_stats'],
    ]) {
      const g = r.report.groups.find((x) => x.members.some((m) => m.function === a));
      expect(g, a).toBeDefined();
      expect(
        g!.members.map((m) => m.function),
        a,
      ).toContain(b);
      expect(g!.kind).toBe('multi-chipset');
      expect(new Set(g!.members.map((m) => m.driver))).toEqual(
        new Set(['drivers/net/ethernet/intel/igb/igb', 'drivers/net/ethernet/intel/igc/igc']),
      );
      expect(g!.members.every((m) => m.class === 'net' && m.bus === 'pci')).toBe(true);
    }
    // Every member is within the threshold of its group's centre.
    for (const g of r.report.groups) expect(g.minSimilarity).toBeGreaterThanOrEqual(0.8);
  });
});
