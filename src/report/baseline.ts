/**
 * Comparing a run with an earlier report (`check --baseline old.json`): which findings are new,
 * which were there before, and which are gone. What a reviewer asks of a patch series ("did this
 * add a finding?") and a maintainer of a new kernel release ("what changed since 6.1?").
 *
 * Findings are matched by fingerprint, as SARIF's baselines are (`baselineState`): first the exact
 * one (check, function, normalised expression, line offset within the function), then, for what is
 * left, the expression fingerprint, which leaves the offset out, so a finding still matches when
 * lines were added above it in its function. Several findings can share a fingerprint (the same
 * expression in two copies of a function, in two files): each earlier finding matches one current
 * finding, the one in the same file first.
 */
import type { Run } from 'sarif';
import type { Finding } from '../types.js';

/** A finding of the earlier report, as much of it as matching and reporting need. */
export interface BaselineFinding {
  checkId: string;
  file: string;
  line: number;
  function?: string;
  message: string;
  fingerprint: string;
  exprFingerprint?: string;
}

export type BaselineState = 'new' | 'unchanged';

export interface BaselineComparison {
  /** The baseline report's path, as given. */
  path: string;
  /** For each current finding (same order), whether the baseline had it. */
  states: BaselineState[];
  /** Findings of the baseline that this run no longer reports (fixed, or the code is gone). */
  absent: BaselineFinding[];
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * The findings of an earlier driverscope report: JSON (`--format json`) or SARIF (`--format
 * sarif`). Throws with the reason when the text is neither.
 */
export function readBaseline(text: string): BaselineFinding[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const d = doc as { findings?: unknown; runs?: unknown; version?: unknown };
  if (Array.isArray(d.findings)) {
    return d.findings.map((f: Record<string, unknown>, i) => {
      if (!str(f.fingerprint) || !str(f.checkId) || !str(f.file))
        throw new Error(`finding ${i + 1} has no fingerprint, checkId or file`);
      return {
        checkId: f.checkId,
        file: f.file,
        line: typeof f.line === 'number' ? f.line : 0,
        function: str(f.function) ? f.function : undefined,
        message: str(f.message) ? f.message : '',
        fingerprint: f.fingerprint,
        exprFingerprint: str(f.exprFingerprint) ? f.exprFingerprint : undefined,
      };
    });
  }
  if (d.version === '2.1.0' && Array.isArray(d.runs)) {
    const out: BaselineFinding[] = [];
    for (const run of d.runs as Run[]) {
      for (const [i, r] of (run.results ?? []).entries()) {
        // Results a previous comparison carried as absent are not findings of that run.
        if (r.baselineState === 'absent') continue;
        const fp = r.partialFingerprints ?? {};
        const loc = r.locations?.[0];
        const uri = loc?.physicalLocation?.artifactLocation?.uri;
        if (!str(fp['driverscope/v1']) || !str(r.ruleId) || !str(uri))
          throw new Error(`result ${i + 1} has no driverscope/v1 fingerprint, ruleId or location`);
        out.push({
          checkId: r.ruleId,
          file: decodeURIComponent(uri),
          line: loc?.physicalLocation?.region?.startLine ?? 0,
          function: loc?.logicalLocations?.[0]?.name,
          message: r.message?.text ?? '',
          fingerprint: fp['driverscope/v1'],
          exprFingerprint: str(fp['driverscope/expression/v1']) ? fp['driverscope/expression/v1'] : undefined,
        });
      }
    }
    return out;
  }
  throw new Error('neither a driverscope JSON report (findings[]) nor SARIF 2.1.0');
}

/** Match `findings` against `baseline` (see the module comment). */
export function compareWithBaseline(
  findings: readonly Finding[],
  baseline: readonly BaselineFinding[],
  path: string,
): BaselineComparison {
  const states: BaselineState[] = findings.map(() => 'new');
  const used = new Set<number>();
  const matchBy = (keyOf: (f: { fingerprint: string; exprFingerprint?: string }) => string | undefined) => {
    const byKey = new Map<string, number[]>();
    baseline.forEach((b, i) => {
      const k = keyOf(b);
      if (k === undefined || used.has(i)) return;
      const l = byKey.get(k);
      if (l) l.push(i);
      else byKey.set(k, [i]);
    });
    // Same file first, over the whole run, then any file (a driver moved or renamed).
    for (const sameFile of [true, false])
      findings.forEach((f, j) => {
        if (states[j] !== 'new') return;
        const k = keyOf(f);
        const cands = k === undefined ? undefined : byKey.get(k);
        const i = cands?.find((c) => !used.has(c) && (!sameFile || baseline[c]!.file === f.file));
        if (i === undefined) return;
        used.add(i);
        states[j] = 'unchanged';
      });
  };
  matchBy((f) => f.fingerprint);
  matchBy((f) => f.exprFingerprint);
  return { path, states, absent: baseline.filter((_, i) => !used.has(i)) };
}

/** Counts and the absent findings, for reports. */
export function baselineSummary(c: BaselineComparison): {
  path: string;
  new: number;
  unchanged: number;
  absent: number;
  absentFindings: BaselineFinding[];
} {
  const fresh = c.states.filter((s) => s === 'new').length;
  return {
    path: c.path,
    new: fresh,
    unchanged: c.states.length - fresh,
    absent: c.absent.length,
    absentFindings: c.absent,
  };
}
