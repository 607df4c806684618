/**
 * SARIF 2.1.0: one run, rules from the checks' metadata, results with codeFlows for the trace from
 * the device read to the use, and partialFingerprints for matching across versions. Paths are
 * relative to the run's root (the kernel tree), declared as the `SRCROOT` base.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import { pathToFileURL } from 'node:url';
import { ALL_CHECKS } from '../checks/index.js';
import type { Replacement } from '../fix/fix-file.js';
import type { CheckRunResult, Finding } from '../types.js';

const INFO_URI = 'https://github.com/driverscope/driverscope/blob/main/docs/checks/';

/** A file relative to the run's root, as SARIF names it. */
const artifact = (file: string) => ({
  uri: file.split('/').map(encodeURIComponent).join('/'),
  uriBaseId: 'SRCROOT',
});

/** A finding `driverscope fix` repaired carries its edits: SARIF `fixes` (IDEs offer them). */
function fixesOf(f: Finding & { fix?: string; replacements?: Replacement[] }): Pick<Result, 'fixes'> {
  if (!f.fix || !f.replacements?.length) return {};
  return {
    fixes: [
      {
        description: { text: f.fix },
        artifactChanges: [
          {
            artifactLocation: artifact(f.file),
            replacements: f.replacements.map((r) => ({
              deletedRegion: {
                startLine: r.startLine,
                startColumn: r.startColumn,
                endLine: r.endLine,
                endColumn: r.endColumn,
              },
              insertedContent: { text: r.text },
            })),
          },
        ],
      },
    ],
  };
}

export function renderSarif(result: CheckRunResult, version: string): string {
  const rules: ReportingDescriptor[] = ALL_CHECKS.map((c) => ({
    id: c.meta.id,
    name: c.meta.id.replace(/(^|-)(\w)/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: c.meta.title },
    fullDescription: { text: c.meta.description },
    helpUri: `${INFO_URI}${c.meta.id}.md`,
    defaultConfiguration: { level: c.meta.severity },
    properties: { category: c.meta.category, tags: ['reliability', 'hardware-dependence'] },
  }));
  const ruleIndex = new Map(ALL_CHECKS.map((c, i) => [c.meta.id, i]));
  const loc = (file: string, line: number, column: number, message?: string) => ({
    physicalLocation: {
      artifactLocation: artifact(file),
      region: { startLine: line, startColumn: column },
    },
    ...(message ? { message: { text: message } } : {}),
  });
  const results: Result[] = result.findings.map((f, i) => ({
    ruleId: f.checkId,
    ruleIndex: ruleIndex.get(f.checkId),
    level: f.severity,
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifact(f.file),
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
        logicalLocations: [{ name: f.function, kind: 'function' }],
      },
    ],
    codeFlows: [
      {
        threadFlows: [
          { locations: f.trace.map((s) => ({ location: loc(s.file, s.line, s.column, s.message) })) },
        ],
      },
    ],
    partialFingerprints: {
      'driverscope/v1': f.fingerprint,
      'driverscope/expression/v1': f.exprFingerprint,
    },
    ...(result.baseline ? { baselineState: result.baseline.states[i] } : {}),
    properties: f.sourceCategory ? { sourceCategory: f.sourceCategory } : undefined,
    ...fixesOf(f),
  }));
  // Findings of the baseline no longer reported, as SARIF carries them: results marked absent.
  for (const b of result.baseline?.absent ?? [])
    results.push({
      ruleId: b.checkId,
      ruleIndex: ruleIndex.get(b.checkId),
      message: { text: b.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifact(b.file),
            region: { startLine: Math.max(1, b.line) },
          },
          ...(b.function ? { logicalLocations: [{ name: b.function, kind: 'function' }] } : {}),
        },
      ],
      partialFingerprints: {
        'driverscope/v1': b.fingerprint,
        ...(b.exprFingerprint ? { 'driverscope/expression/v1': b.exprFingerprint } : {}),
      },
      baselineState: 'absent',
    });
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'driverscope',
            version,
            informationUri: 'https://github.com/driverscope/driverscope',
            rules,
          },
        },
        originalUriBaseIds: {
          SRCROOT: { uri: pathToFileURL(result.root.endsWith('/') ? result.root : `${result.root}/`).href },
        },
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: result.skipped.map((s) => ({
              level: 'warning' as const,
              message: { text: `skipped: ${s.reason}` },
              locations: [loc(s.file, 1, 1)],
            })),
          },
        ],
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
