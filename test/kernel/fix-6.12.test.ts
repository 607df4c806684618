/**
 * `driverscope fix` on real Linux 6.12 drivers (the tree CI fetches into the cache): known bugs get
 * the expected repair, every patch applies to the pristine tree with `git apply --check`, and
 * `check` on the patched files no longer reports what was fixed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import { runFix } from '../../src/fix/run.js';
import { kernelPath } from '../../src/kernel/fetch.js';

const kernel = kernelPath('6.12');
const maybe = kernel ? describe : describe.skip;
if (!kernel) console.warn('Linux 6.12 is not in the cache: kernel fix tests skipped');

const DRIVERS = [
  'drivers/net/ethernet/intel/e1000e',
  'drivers/tty/serial/amba-pl011.c',
  'drivers/net/ethernet/3com/3c59x.c',
];
const tmp = mkdtempSync(join(tmpdir(), 'ds-kfix-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

maybe('fix on Linux 6.12', () => {
  it('repairs known bugs, and every patch applies to the pristine tree', async () => {
    const r = await runFix({
      paths: DRIVERS.map((d) => join(kernel!, d)),
      cache: false,
      jobs: 2,
      version: 'test',
    });
    expect(r.patches.length).toBeGreaterThanOrEqual(3);
    // e1000e: BUG_ON(tdt != tx_ring->next_to_use) on the TDT register becomes a warning.
    const e1000e = r.patches.find((p) => p.module === 'e1000e')!;
    expect(e1000e.text).toMatch(
      /^-\tBUG_ON\(tdt != tx_ring->next_to_use\);\n\+\tif \(WARN_ON\(tdt != tx_ring->next_to_use\)\)$/m,
    );
    // amba-pl011: busy-waits on the flag register become read_poll_timeout_atomic(pl011_read, ...).
    const pl011 = r.patches.find((p) => p.module === 'amba-pl011')!;
    expect(pl011.text).toMatch(/\+\tif \(read_poll_timeout_atomic\(pl011_read, /);
    expect(pl011.text).toMatch(/^\+#include <linux\/iopoll\.h>$/m);
    // Paths are relative to the kernel root, and each patch applies there.
    for (const p of r.patches) {
      const file = join(tmp, p.name);
      writeFileSync(file, p.text);
      execFileSync('git', ['apply', '--check', file], { cwd: kernel! });
    }
    const fixed = r.findings.filter((f) => f.fixStatus === 'fixed');
    expect(fixed.length / r.findings.length).toBeGreaterThanOrEqual(0.8);

    // Re-check the patched files (copied with their headers and Makefiles): what was fixed is gone.
    const copy = join(tmp, 'tree');
    for (const d of DRIVERS) {
      const dir = d.endsWith('.c') ? dirname(d) : d;
      mkdirSync(join(copy, dir), { recursive: true });
      cpSync(join(kernel!, dir), join(copy, dir), { recursive: true });
    }
    for (const [abs, text] of r.changed) writeFileSync(join(copy, abs.slice(kernel!.length + 1)), text);
    const again = await runCheck({ paths: DRIVERS.map((d) => join(copy, d)), cache: false, jobs: 2 });
    const key = (f: { checkId: string; file: string; function: string }) =>
      `${f.checkId} ${f.file.slice(f.file.indexOf('drivers/'))} ${f.function}`;
    const left = new Set(again.findings.map(key));
    const stillThere = fixed.filter((f) => left.has(key(f)));
    expect(stillThere.map(key)).toEqual([]);
  }, 300_000);
});
