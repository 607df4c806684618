#!/usr/bin/env node
/**
 * Benchmark: `driverscope study` over a whole kernel tree (drivers/ + sound/), cold (a fresh
 * process; the page cache is whatever it is). Prints wall time, CPU time and peak memory.
 *
 *   npm run build && node bench/study.mjs [6.12|PATH] [--workers N]
 *
 * Target (issue 4): Linux 6.12 in at most 180 s on the 2-core reference machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const cli = join(here, '..', 'dist', 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error('bench/study: build first (npm run build)');
  process.exit(2);
}
const args = process.argv.slice(2);
const target = args.find((a) => (!a.startsWith('-') && !/^\d+$/.test(a)) || /^\d+\.\d+$/.test(a)) ?? '6.12';
const wi = args.indexOf('--workers');
const workers = wi >= 0 ? args[wi + 1] : undefined;
let tree = target;
if (/^\d+\.\d+$/.test(target)) {
  const { kernelPath } = await import(join(here, '..', 'dist', 'kernel', 'fetch.js'));
  tree = kernelPath(target);
  if (!tree) {
    console.error(
      `bench/study: Linux ${target} is not in the cache (driverscope kernel fetch ${target}); skipping`,
    );
    process.exit(0);
  }
}
const out = mkdtempSync(join(tmpdir(), 'bench-study-'));
const json = join(out, 'study.json');
const t0 = process.hrtime.bigint();
const r = spawnSync(
  '/usr/bin/time',
  [
    '-f',
    '%U %S %M',
    process.execPath,
    cli,
    'study',
    tree,
    '--json',
    json,
    '--quiet',
    ...(workers ? ['--workers', workers] : []),
  ],
  { encoding: 'utf8' },
);
const wall = Number(process.hrtime.bigint() - t0) / 1e9;
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(1);
}
const [user, sys, maxKb] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
const report = JSON.parse(readFileSync(json, 'utf8'));
rmSync(out, { recursive: true, force: true });
const s = report.summary;
console.log(
  `study ${report.kernel ? `Linux ${report.kernel}` : tree}: ${s.driverCount} drivers, ${s.fileCount} files, ${s.lines} lines`,
);
console.log(
  `wall ${wall.toFixed(1)} s, cpu ${(user + sys).toFixed(1)} s (user ${user} s, sys ${sys} s), peak RSS ${(maxKb / 1024).toFixed(0)} MB, ${(s.lines / wall / 1000).toFixed(0)}k lines/s`,
);
console.log(`target ≤ 180 s: ${wall <= 180 ? 'met' : 'NOT met'}`);
