/** Human-readable report: findings grouped by file, each with its trace, then the summary tables. */
import type { CheckRunResult } from '../types.js';
import { baselineSummary } from './baseline.js';
import { summarise } from './summary.js';

export interface TextOptions {
  color?: boolean;
  /** Omit traces (one line per finding). */
  brief?: boolean;
}

/**
 * The findings grouped by file, then the summary. Compared with a baseline (`--baseline`), only
 * the new findings are listed and counted, and the summary says what was left out.
 */
export function renderText(result: CheckRunResult, opts: TextOptions = {}): string {
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  let current = '';
  const b = result.baseline;
  const shown = b ? result.findings.filter((_, i) => b.states[i] === 'new') : result.findings;
  for (const f of shown) {
    if (f.file !== current) {
      if (current) out.push('');
      out.push(c('4', f.file));
      current = f.file;
    }
    const sev =
      f.severity === 'error' ? c('31', 'error') : f.severity === 'warning' ? c('33', 'warning') : 'note';
    out.push(
      `  ${f.line}:${f.column}  ${sev}  ${f.message}  ${c('2', f.checkId)}  ${c('2', `in ${f.function}()`)}`,
    );
    if (!opts.brief)
      for (const s of f.trace) out.push(c('2', `      ${s.file}:${s.line}:${s.column}  ${s.message}`));
  }
  if (shown.length) out.push('');
  out.push(...(b ? renderSummary({ ...result, findings: shown }, 'new ') : renderSummary(result)));
  if (b) {
    const s = baselineSummary(b);
    out.push(
      `compared with ${s.path}: ${s.new} new (listed above), ${s.unchanged} unchanged (not listed), ` +
        `${s.absent} no longer reported`,
    );
    for (const a of s.absentFindings.slice(0, 20))
      out.push(`  gone: ${a.file}:${a.line}  ${a.checkId}${a.function ? ` in ${a.function}()` : ''}`);
    if (s.absent > 20) out.push(`  ... and ${s.absent - 20} more (see --format json)`);
  }
  return out.join('\n') + '\n';
}

/** A plain-text table: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) =>
    r.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
}

/** The tables and the run's line; `qualifier` ("new ") says which findings were counted. */
export function renderSummary(result: CheckRunResult, qualifier = ''): string[] {
  const s = summarise(result.findings);
  const out: string[] = [];
  out.push(
    ...table(
      ['class', ...s.checks, 'total'],
      [
        ...s.rows.map((r) => [r.cls, ...r.counts.map(String), String(r.total)]),
        ['total', ...s.totals.map(String), String(s.total)],
      ],
    ),
  );
  const pct = result.bytes ? ((100 * result.errorBytes) / result.bytes).toFixed(2) : '0.00';
  out.push('');
  out.push(
    `${result.findings.length} ${qualifier}finding${result.findings.length === 1 ? '' : 's'} in ${s.affectedDirs} director${s.affectedDirs === 1 ? 'y' : 'ies'}; ` +
      `${result.files} C files in ${result.modules} modules: ${result.analysedFiles} analysed` +
      (result.cachedFiles ? ` (${result.cachedFiles} from cache)` : '') +
      `, ${result.prefilteredFiles} without device reads, ${result.skipped.length} skipped; ` +
      `${result.lines.toLocaleString('en-US')} lines parsed, ${pct}% of bytes in parse errors; ${(result.wallMs / 1000).toFixed(1)} s`,
  );
  if (result.latin1Files)
    out.push(`${result.latin1Files} files are not valid UTF-8 and were read as Latin-1`);
  if (result.skipped.length) {
    const reasons = new Map<string, number>();
    for (const k of result.skipped) {
      const r = k.reason.replace(/\(.*$/, '').trim();
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    out.push(`skipped: ${[...reasons].map(([r, n]) => `${n} ${r}`).join(', ')}`);
    for (const k of result.skipped.slice(0, 20)) out.push(`  ${k.file}: ${k.reason}`);
    if (result.skipped.length > 20)
      out.push(`  ... and ${result.skipped.length - 20} more (see --format json)`);
  }
  return out;
}
