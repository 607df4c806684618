/**
 * On the real Linux 6.12 tree (fetched into the cache by `driverscope kernel fetch 6.12`; CI does
 * this): known polling loops with no timeout are found, and the front end parses real drivers.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import { kernelPath } from '../../src/kernel/fetch.js';

const kernel = kernelPath('6.12');
const maybe = kernel ? describe : describe.skip;
if (!kernel)
  console.warn('Linux 6.12 is not in the cache: kernel tests skipped (run `driverscope kernel fetch 6.12`)');

/** Loops checked by hand in 6.12.117: each waits on a status bit with no counter or time limit. */
const KNOWN_POLLS = [
  // while (rdlp(mp, TXQ_COMMAND) & mask) udelay(10);  (rdlp: a readl accessor macro of the file)
  { file: 'drivers/net/ethernet/marvell/mv643xx_eth.c', fn: 'txq_disable' },
  // do { reg_val = octep_read_csr64(...); } while (!(reg_val & CNXK_R_IN_CTL_IDLE));  (accessor from a header)
  { file: 'drivers/net/ethernet/marvell/octeon_ep/octep_cnxk_pf.c', fn: 'octep_setup_iq_regs_cnxk_pf' },
  // do { ... } while ((status = ioread16(ioaddr + EL3_CMD)) & IntLatch);  in the interrupt handler
  { file: 'drivers/net/ethernet/3com/3c59x.c', fn: '_boomerang_interrupt' },
];

maybe('check on Linux 6.12', () => {
  it('finds known polling loops with no timeout', async () => {
    const r = await runCheck({ paths: KNOWN_POLLS.map((k) => join(kernel!, k.file)), cache: false, jobs: 2 });
    expect(r.skipped).toEqual([]);
    for (const k of KNOWN_POLLS) {
      const hit = r.findings.find(
        (f) => f.checkId === 'infinite-poll' && f.file === k.file && f.function === k.fn,
      );
      expect(hit, `${k.file}: ${k.fn}`).toBeDefined();
      expect(hit!.trace.length).toBeGreaterThanOrEqual(2);
    }
    // Paths are relative to the kernel root, so findings match across trees.
    expect(r.root).toBe(kernel);
  });

  it('parses a real driver directory with under 0.5% of bytes in parse errors', async () => {
    const r = await runCheck({
      paths: [join(kernel!, 'drivers/net/ethernet/intel/e1000e')],
      cache: false,
      jobs: 2,
    });
    expect(r.analysedFiles).toBeGreaterThan(10);
    expect(r.errorBytes / r.bytes).toBeLessThan(0.005);
  });
});
