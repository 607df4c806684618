/** JSON report: every finding with its trace and fingerprint, the summary and the run's statistics. */
import type { CheckRunResult } from '../types.js';
import { baselineSummary } from './baseline.js';
import { summarise } from './summary.js';

export const JSON_REPORT_VERSION = 1;

export function renderJson(result: CheckRunResult): string {
  const s = summarise(result.findings);
  const report = {
    version: JSON_REPORT_VERSION,
    tool: 'driverscope',
    findings: result.baseline
      ? result.findings.map((f, i) => ({ ...f, baselineState: result.baseline!.states[i] }))
      : result.findings,
    summary: {
      byCheck: Object.fromEntries(s.checks.map((c, i) => [c, s.totals[i]])),
      byClass: Object.fromEntries(
        s.rows.map((r) => [r.cls, Object.fromEntries(s.checks.map((c, i) => [c, r.counts[i]]))]),
      ),
      total: s.total,
    },
    stats: {
      files: result.files,
      modules: result.modules,
      analysedFiles: result.analysedFiles,
      cachedFiles: result.cachedFiles,
      prefilteredFiles: result.prefilteredFiles,
      skippedFiles: result.skipped.length,
      latin1Files: result.latin1Files,
      lines: result.lines,
      bytes: result.bytes,
      errorBytes: result.errorBytes,
      errorByteShare: result.bytes ? result.errorBytes / result.bytes : 0,
    },
    skipped: result.skipped,
    ...(result.baseline ? { baseline: baselineSummary(result.baseline) } : {}),
  };
  return JSON.stringify(report, null, 2) + '\n';
}
