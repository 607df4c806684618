/** Reports of a fix run: every finding with its fixStatus (JSON), or a summary per check (text). */
import type { FixRunResult } from '../fix/run.js';
import { JSON_REPORT_VERSION } from './json.js';

/** Per check: findings and how many got a fix; the reasons the rest did not. */
export function fixSummary(r: FixRunResult) {
  const byCheck = new Map<string, { findings: number; fixed: number }>();
  const reasons = new Map<string, number>();
  for (const f of r.findings) {
    const c = byCheck.get(f.checkId) ?? { findings: 0, fixed: 0 };
    c.findings++;
    if (f.fixStatus === 'fixed') c.fixed++;
    else reasons.set(`${f.checkId}: ${f.reason}`, (reasons.get(`${f.checkId}: ${f.reason}`) ?? 0) + 1);
    byCheck.set(f.checkId, c);
  }
  return { byCheck, reasons };
}

export function renderFixJson(r: FixRunResult): string {
  const s = fixSummary(r);
  return (
    JSON.stringify(
      {
        version: JSON_REPORT_VERSION,
        tool: 'driverscope',
        findings: r.findings,
        patches: r.patches.map((p) => ({ module: p.module, file: p.name, files: p.files })),
        summary: {
          byCheck: Object.fromEntries([...s.byCheck].sort()),
          findings: r.findings.length,
          fixed: r.findings.filter((f) => f.fixStatus === 'fixed').length,
          patches: r.patches.length,
        },
        ...(r.baseline ? { baseline: r.baseline } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

export function renderFixText(r: FixRunResult, where: string): string {
  const s = fixSummary(r);
  const fixed = r.findings.filter((f) => f.fixStatus === 'fixed').length;
  const lines = [
    `${r.findings.length} ${r.baseline ? 'new ' : ''}findings, ${fixed} fixed (${r.findings.length ? ((100 * fixed) / r.findings.length).toFixed(1) : '100.0'}%), ${r.patches.length} patches → ${where}`,
    ...(r.baseline
      ? [
          `compared with ${r.baseline.path}: ${r.baseline.unchanged} findings already there left alone, ${r.baseline.absent} no longer reported`,
        ]
      : []),
    '',
    'check            findings  fixed',
  ];
  for (const [id, c] of [...s.byCheck].sort())
    lines.push(`${id.padEnd(16)} ${String(c.findings).padStart(8)} ${String(c.fixed).padStart(6)}`);
  if (s.reasons.size) {
    lines.push('', 'not fixed, by reason:');
    for (const [reason, n] of [...s.reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
      lines.push(`  ${String(n).padStart(5)}  ${reason}`);
    lines.push('', 'not fixed:');
    for (const f of r.findings)
      if (f.fixStatus === 'unfixed')
        lines.push(`  ${f.file}:${f.line} ${f.function}() ${f.checkId}: ${f.reason}`);
  }
  return lines.join('\n') + '\n';
}
