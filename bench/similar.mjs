#!/usr/bin/env node
/**
 * Benchmark of `driverscope similar` on a whole kernel tree (drivers/ + sound/): wall time, CPU
 * time and peak RSS (all threads of the process), plus the headline figures.
 *
 *   npm run build && node bench/similar.mjs [kernel-root] [--workers 2] [--json out.json]
 *
 * Without a root it uses the cached 6.12 tree (`driverscope kernel fetch 6.12`). Set
 * DRIVERSCOPE_SIMILAR_LIB to a directory holding index.js/worker.js built elsewhere (e.g. an
 * esbuild bundle) to benchmark without touching dist/.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    workers: { type: 'string', default: '2' },
    json: { type: 'string' },
    'min-lines': { type: 'string', default: '8' },
    threshold: { type: 'string', default: '0.8' },
  },
});
const lib = process.env.DRIVERSCOPE_SIMILAR_LIB
  ? resolve(process.env.DRIVERSCOPE_SIMILAR_LIB)
  : resolve(import.meta.dirname, '../dist/similar');
const ext = existsSync(join(lib, 'index.js')) ? 'js' : 'mjs';
if (!existsSync(join(lib, `index.${ext}`))) {
  console.error(`bench/similar: ${lib}/index.js not found; run \`npm run build\` first`);
  process.exit(2);
}
const cache =
  process.env.DRIVERSCOPE_CACHE ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'driverscope');
const root = positionals[0] ?? join(cache, 'linux-6.12');
if (!existsSync(join(root, 'drivers'))) {
  console.error(
    `bench/similar: no kernel tree at ${root} (fetch one with \`driverscope kernel fetch 6.12\`)`,
  );
  process.exit(2);
}
const { findSimilar } = await import(pathToFileURL(join(lib, `index.${ext}`)).href);

let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const { report } = await findSimilar([root], {
  workers: Number(values.workers),
  minLines: Number(values['min-lines']),
  threshold: Number(values.threshold),
  workerUrl: join(lib, `worker.${ext}`),
  onProgress: (m) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1)}s] ${m}`),
});
const wall = (performance.now() - t0) / 1000;
clearInterval(sample);
const cpu = process.cpuUsage(cpu0);
const maxRss = Math.max(peak, process.resourceUsage().maxRSS * 1024);
const s = report.summary;
if (values.json) writeFileSync(values.json, JSON.stringify(report) + '\n');
const row = {
  tree: root,
  workers: Number(values.workers),
  files: s.files,
  functions: s.functions,
  compared: s.comparedFunctions,
  groups: s.groups,
  totalLoc: s.totalLoc,
  similarLoc: s.similarLoc,
  similarLocShare: s.similarLocShare,
  paperShare: s.paperShare,
  wallSeconds: Number(wall.toFixed(1)),
  cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)),
  peakRssMB: Math.round(maxRss / 1e6),
  loadAverage: (await import('node:os')).loadavg().map((x) => Number(x.toFixed(2))),
};
console.log(JSON.stringify(row, null, 1));
console.log(
  `similar: ${wall.toFixed(1)} s wall, peak RSS ${Math.round(maxRss / 1e6)} MB; ` +
    `${(s.similarLocShare * 100).toFixed(1)}% of ${s.totalLoc} lines similar (paper: 8%) — targets ≤ 180 s, ≤ 4000 MB`,
);
