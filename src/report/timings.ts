/**
 * `check --timings`: where the time went, phase by phase and check by check (ESLint's `TIMING=1`
 * table). Printed apart from the report (to stderr), which must be the same bytes on every run.
 */
import { PHASES } from '../engine/timings.js';
import type { Timings } from '../types.js';
import { table } from './text.js';

const LABELS: Record<string, string> = {
  scan: 'scan (main thread: list, read, prefilter, hash)',
  read: 'read (module files and headers)',
  prefilter: 'prefilter (accessors, region fields, carriers)',
  parse: 'parse (prepare + tree-sitter)',
  model: 'model (functions, calls, declarations)',
  taint: 'taint (summaries and the final pass)',
};

export function renderTimings(t: Timings, wallMs: number): string {
  const rows: [string, number][] = PHASES.map((p) => [LABELS[p] ?? p, t.ms[p] ?? 0]);
  for (const k of Object.keys(t.ms).sort())
    if (k.startsWith('check:')) rows.push([`check ${k.slice(6)}`, t.ms[k]!]);
  const total = rows.reduce((s, [, ms]) => s + ms, 0);
  const pct = (ms: number) => (total ? ((100 * ms) / total).toFixed(1) : '0.0');
  const fmt = (ms: number) => Math.round(ms).toLocaleString('en-US');
  const lines = table(
    ['phase', 'ms', '%'],
    [...rows.map(([label, ms]) => [label, fmt(ms), pct(ms)]), ['total (thread time)', fmt(total), '100.0']],
  );
  lines.push(
    '',
    `${t.modules.toLocaleString('en-US')} module${t.modules === 1 ? '' : 's'} timed (cached ones are not: --no-cache times them all); ` +
      `${t.functions.toLocaleString('en-US')} functions analysed, ${t.deviceFunctions.toLocaleString('en-US')} of them see device data; ` +
      `wall ${(wallMs / 1000).toFixed(1)} s`,
  );
  return lines.join('\n') + '\n';
}
