#!/usr/bin/env node
/**
 * Precision from hand reviews (docs/evaluation.md): the share of findings judged true.
 *
 *   node scripts/precision.mjs findings.json review.md [review.md ...]
 *
 * A review is a markdown table with rows `| # | check | file:line | verdict | reason |`, verdict
 * `TP`, `FP`, `TP (borderline)` or `FP (borderline)`. The samples are stratified (fixed quotas per
 * check, scripts/sample-findings.mjs), so the raw share over-weights the small checks; the
 * estimate for all findings weights each check's share of true findings by its share of
 * `findings.json` (the stratified estimator), with a normal-approximation 95% interval
 * sqrt(sum W_c^2 p_c (1 - p_c) / n_c). Both are printed, borderlines counted true and false.
 */
import { readFileSync } from 'node:fs';

const [file, ...reviews] = process.argv.slice(2);
if (!file || reviews.length === 0) {
  console.error('usage: precision.mjs findings.json review.md [review.md ...]');
  process.exit(2);
}
const { findings } = JSON.parse(readFileSync(file, 'utf8'));
const population = new Map();
for (const f of findings) population.set(f.checkId, (population.get(f.checkId) ?? 0) + 1);

const rows = [];
for (const r of reviews) {
  for (const line of readFileSync(r, 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // ['', '#', 'check', 'finding', 'verdict', 'reason', ...]
    if (cells.length < 6 || !/^\d+$/.test(cells[1]) || !population.has(cells[2])) continue;
    const m = /^(TP|FP)\b(.*)/.exec(cells[4]);
    if (!m) continue;
    rows.push({ check: cells[2], tp: m[1] === 'TP', borderline: /borderline/.test(m[2]) });
  }
}
if (rows.length === 0) {
  console.error('no review rows found');
  process.exit(2);
}

const wilson = (k, n) => {
  const z = 1.96;
  const p = k / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [c - h, c + h];
};
const pct = (x) => `${(100 * x).toFixed(1)}%`;
const total = findings.length;
for (const borderlineTrue of [true, false]) {
  const isTrue = (r) => r.tp && (borderlineTrue || !r.borderline);
  const k = rows.filter(isTrue).length;
  const [lo, hi] = wilson(k, rows.length);
  console.log(
    `borderlines counted ${borderlineTrue ? 'true' : 'false'}: raw ${k}/${rows.length} = ${pct(k / rows.length)} (Wilson 95% ${pct(lo)}-${pct(hi)})`,
  );
  let est = 0;
  let variance = 0;
  const per = [];
  for (const [check, N] of [...population].sort()) {
    const rs = rows.filter((r) => r.check === check);
    const w = N / total;
    if (rs.length === 0) {
      per.push(`${check} ${N} findings, none reviewed`);
      continue;
    }
    const p = rs.filter(isTrue).length / rs.length;
    est += w * p;
    variance += (w * w * p * (1 - p)) / rs.length;
    per.push(`${check} ${rs.filter(isTrue).length}/${rs.length} x ${N}`);
  }
  const reviewed = [...population].filter(([c]) => rows.some((r) => r.check === c));
  const covered = reviewed.reduce((s, [, N]) => s + N, 0);
  const sd = Math.sqrt(variance);
  console.log(
    `  weighted by check (${covered}/${total} findings in reviewed checks): ${pct(est)} (95% ${pct(est - 1.96 * sd)}-${pct(Math.min(1, est + 1.96 * sd))})`,
  );
  console.log(`  ${per.join('; ')}`);
}
