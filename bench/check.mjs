// Benchmark: `driverscope check` (all six checks) against Coccinelle's spatch running one
// polling-loop pattern (bench/poll.cocci) on the same directory of the real 6.12 kernel.
// Prints both times, the ratio, and which spatch matches driverscope does not report (and why).
//
//   node bench/check.mjs [dir-inside-the-kernel, default drivers/net] [--no-peer]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '../dist/cli/main.js');
const args = process.argv.slice(2);
const noPeer = args.includes('--no-peer');
const sub = args.find((a) => !a.startsWith('--')) ?? 'drivers/net';

const kernel = spawnSync(process.execPath, [cli, 'kernel', 'path', '6.12'], {
  encoding: 'utf8',
}).stdout.trim();
if (!kernel) {
  console.log('bench check: Linux 6.12 is not in the cache; run `npx driverscope kernel fetch 6.12` first');
  process.exit(0);
}
const dir = join(kernel, sub);
const tmp = mkdtempSync(join(tmpdir(), 'ds-bench-'));

// Wall time, and CPU time (user + system, children included) when GNU time is there: on a shared
// machine the wall clock of either side moves with the load, the CPU time much less.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const CPU_MARK = 'bench-cpu-seconds:';
function timed(cmd, argv, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync(gnuTime, ['-f', `${CPU_MARK}%U %S`, cmd, ...argv], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        ...opts,
      })
    : spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const mark = (r.stderr ?? '').lastIndexOf(CPU_MARK);
  let cpu;
  if (mark >= 0) {
    const [u, sys] = r.stderr
      .slice(mark + CPU_MARK.length)
      .trim()
      .split(/\s+/)
      .map(Number);
    cpu = u + sys;
    r.stderr = r.stderr.slice(0, mark).replace(/^Command exited with non-zero status \d+\n/m, '');
  }
  return { ...r, seconds, cpu };
}
const cpuText = (t) => (t.cpu === undefined ? '' : ` (${t.cpu.toFixed(1)} s CPU)`);

const cache = join(tmp, 'cache');
const env = { ...process.env, DRIVERSCOPE_CACHE: cache };
const outJson = join(tmp, 'ds.json');
// --timings: where the cold run's time goes (thread time per phase and check, on stderr).
const cold = timed(
  process.execPath,
  [cli, 'check', dir, '--format', 'json', '-o', outJson, '--no-progress', '--timings'],
  { env },
);
if (cold.status !== 0 && cold.status !== 1) {
  console.error(cold.stderr);
  process.exit(2);
}
const warm = timed(
  process.execPath,
  [cli, 'check', dir, '--format', 'json', '-o', join(tmp, 'warm.json'), '--no-progress'],
  { env },
);
const report = JSON.parse(readFileSync(outJson, 'utf8'));
console.log(
  `driverscope check ${sub}: ${report.stats.files} files, ${report.stats.lines.toLocaleString('en-US')} lines parsed, ${report.findings.length} findings`,
);
console.log(
  `  cold ${cold.seconds.toFixed(1)} s${cpuText(cold)}, warm (cached) ${warm.seconds.toFixed(1)} s${cpuText(warm)}`,
);
const phases = cold.stderr.slice(cold.stderr.indexOf('phase'));
if (cold.stderr.includes('phase')) console.log(phases.replace(/^(?=.)/gm, '    ').trimEnd());
console.log(
  `  by check: ${Object.entries(report.summary.byCheck)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`,
);

let spatchPath = '';
try {
  spatchPath = execFileSync('sh', ['-c', 'command -v spatch'], { encoding: 'utf8' }).trim();
} catch {
  /* not installed */
}
if (noPeer || !spatchPath) {
  console.log(
    noPeer
      ? '  (peer skipped)'
      : '  spatch not found: `apt-get install coccinelle` to compare against Coccinelle',
  );
  process.exit(0);
}
const cocci = join(here, 'poll.cocci');
const peer = timed(
  'bash',
  [
    '-c',
    `ulimit -s unlimited; spatch --sp-file "${cocci}" --dir "${dir}" --jobs 2 --very-quiet --no-show-diff 2>/dev/null`,
  ],
  { cwd: tmp },
); // spatch --jobs writes its per-job output folders into the working directory
const matches = [
  ...new Set(
    (peer.stdout ?? '')
      .split('\n')
      .filter((l) => l.startsWith('MATCH '))
      .map((l) => l.slice(6)),
  ),
].sort();
console.log(
  `spatch (Coccinelle) one pattern, --jobs 2: ${peer.seconds.toFixed(1)} s${cpuText(peer)}, ${matches.length} matches`,
);
console.log(
  `ratio: driverscope is ${(peer.seconds / cold.seconds).toFixed(1)}x faster cold, ${(peer.seconds / warm.seconds).toFixed(0)}x warm` +
    (peer.cpu && cold.cpu ? `; in CPU time ${(peer.cpu / cold.cpu).toFixed(1)}x cold` : ''),
);

// Superset: every spatch match should be an infinite-poll finding at the same loop, unless the loop is bounded.
const ours = new Set(
  report.findings.filter((f) => f.checkId === 'infinite-poll').map((f) => `${f.file}:${f.line}`),
);
const missed = [];
let misses = 0;
for (const m of matches) {
  const [file, line] = [m.slice(0, m.lastIndexOf(':')), m.slice(m.lastIndexOf(':') + 1)];
  const rel = relative(kernel, file);
  if (!ours.has(`${rel}:${line}`)) missed.push(`${rel}:${line}`);
}
console.log(`spatch matches driverscope also reports: ${matches.length - missed.length}/${matches.length}`);
for (const m of missed) {
  const [file, line] = [m.slice(0, m.lastIndexOf(':')), Number(m.slice(m.lastIndexOf(':') + 1))];
  const src = readFileSync(join(kernel, file), 'latin1').split('\n');
  // The .cocci pattern is syntactic: it also matches loops that do have a bound. Show the loop and
  // whether its body has one (a counter, jiffies/time_*, or a break on software state).
  let depth = 0;
  let body = '';
  for (let i = line - 1; i < src.length && i < line + 40; i++) {
    body += src[i] + '\n';
    depth += (src[i].match(/\{/g) ?? []).length - (src[i].match(/\}/g) ?? []).length;
    if (depth <= 0 && i >= line) break;
  }
  const bound = /(--\w|\w--|\+\+|time_\w+|jiffies|limit|timeout|countdown|CIRC_SPACE|>= *\w+)/.exec(body);
  console.log(
    `  not reported: ${m}: ${src[line - 1]?.trim()}  [${bound ? `bounded: ${bound[1]}` : 'NO BOUND SEEN — a miss'}]`,
  );
  if (!bound) misses++;
}
console.log(
  misses === 0
    ? 'superset: every unbounded spatch match is reported'
    : `${misses} unbounded spatch matches not reported`,
);
