/** Text rendering of run results. */
import type { RunResult } from './system.js';

export function formatRun(r: RunResult, hostMs?: number): string {
  const lines = [
    `driver ${r.driver}, workload ${r.workload}, isolation ${r.isolation}, seed ${r.seed}`,
    `faults: ${r.faults.length ? r.faults.join(' ') : 'none'}`,
  ];
  if (r.injected.length) lines.push(`injected: ${r.injected.join('; ')}`);
  lines.push(`outcome: ${r.outcome} (${r.detail})`);
  lines.push(`driver failures: ${r.failures.length}, recoveries: ${r.recoveries}`);
  for (const f of r.failures)
    lines.push(`  at ${(f.atNs / 1e6).toFixed(3)} ms in ${f.entry}: ${f.kind}: ${f.detail}`);
  const vs = r.virtualNs / 1e9;
  lines.push(
    `virtual time: ${(r.virtualNs / 1e6).toFixed(3)} ms, crossings: ${r.crossings}, moved: ${r.units} units (${(r.units / vs / 1e6).toFixed(2)} M/s virtual)`,
  );
  if (hostMs !== undefined) lines.push(`host time: ${hostMs.toFixed(1)} ms`);
  return lines.join('\n');
}
