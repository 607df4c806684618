/**
 * Renderings of a similarity report: a text summary for the terminal and a self-contained HTML
 * page (inline CSS, no scripts from elsewhere) where each group shows its members side by side
 * with the differences from the group's first member highlighted.
 */
import { readFileSync } from 'node:fs';
import { diffLines, diffWordsWithSpace } from 'diff';
import type { OpportunityKind, SimilarGroup, SimilarityReport } from './index.js';

const KIND_ADVICE: Record<OpportunityKind, string> = {
  'procedural-abstraction': 'near-identical code: move into one shared helper or library function',
  'multi-chipset': 'one driver copied per chipset: merge, with per-chip data or callbacks',
  'table-driven': 'runs of register writes differing only in values: replace with a table and a loop',
};

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function memberLabel(m: SimilarGroup['members'][number]): string {
  return `${m.file}:${m.startLine}-${m.endLine} ${m.function}()`;
}

export function renderText(report: SimilarityReport, top = 10): string {
  const s = report.summary;
  const out: string[] = [];
  out.push(
    `driverscope similar: ${s.files} files, ${s.functions} functions (${s.comparedFunctions} compared: ≥ ${report.options.minLines} lines, not boilerplate), threshold ${report.options.threshold}`,
  );
  if (s.unparsedFiles) out.push(`  ${s.unparsedFiles} files could not be read or parsed`);
  out.push(
    `similar code: ${s.similarLoc} of ${s.totalLoc} lines (${pct(s.similarLocShare)}; the driver study found ${pct(s.paperShare)}) in ${s.groups} groups of ${s.functionsInGroups} functions`,
  );
  out.push('', 'by kind of opportunity:');
  for (const [kind, k] of Object.entries(s.byKind))
    out.push(
      `  ${kind.padEnd(24)} ${String(k.groups).padStart(6)} groups ${String(k.loc).padStart(9)} lines   ${KIND_ADVICE[kind as OpportunityKind]}`,
    );
  out.push('', 'by class (top-level directory):');
  for (const c of s.byClass.slice(0, 15))
    out.push(
      `  ${c.name.padEnd(16)} ${String(c.similarLoc).padStart(9)} / ${String(c.totalLoc).padStart(9)} lines  ${pct(c.share).padStart(6)}`,
    );
  out.push('', 'by bus:');
  for (const c of s.byBus.slice(0, 10))
    out.push(
      `  ${c.name.padEnd(16)} ${String(c.similarLoc).padStart(9)} / ${String(c.totalLoc).padStart(9)} lines  ${pct(c.share).padStart(6)}`,
    );
  out.push('', `largest groups:`);
  for (const g of report.groups.slice(0, top)) {
    out.push(
      `  #${g.id} ${g.kind}, ${g.size} functions, ${g.loc} lines, similarity ${g.similarity}${g.identical ? ' (identical)' : ''}`,
    );
    for (const m of g.members.slice(0, 4)) out.push(`      ${memberLabel(m)}`);
    if (g.members.length > 4) out.push(`      ... and ${g.members.length - 4} more`);
  }
  return out.join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export interface HtmlOptions {
  /** Groups shown (largest first); the totals always cover every group. */
  maxGroups: number;
  /** Members shown side by side per group. */
  maxMembers: number;
  /** Read a member's file (absolute path from the report's display path). */
  readSource: (file: string) => string | undefined;
}

function lineSlice(text: string, from: number, to: number): string {
  return text
    .split('\n')
    .slice(from - 1, to)
    .join('\n');
}

/** The member code with what differs from `base` marked (<ins>), and the base with what it lacks marked. */
export function diffPair(base: string, other: string): { base: string; other: string } {
  // Word diffs of long, different functions cost O(N·D): bound the edit length (deterministic, unlike
  // a timeout), fall back to a line diff, then to no highlighting.
  const parts = diffWordsWithSpace(base, other, { maxEditLength: 1500 }) ??
    diffLines(base, other, { maxEditLength: 600 }) ?? [
      { value: base, removed: true, added: false, count: 1 },
      { value: other, added: true, removed: false, count: 1 },
    ];
  let b = '';
  let o = '';
  for (const p of parts) {
    const v = esc(p.value);
    if (p.added) o += `<ins>${v}</ins>`;
    else if (p.removed) b += `<del>${v}</del>`;
    else {
      b += v;
      o += v;
    }
  }
  return { base: b, other: o };
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em} table.sum{border-collapse:collapse;margin:.5em 0 1.5em}
table.sum td,table.sum th{border:1px solid #ccc;padding:2px 8px;text-align:right}
table.sum td:first-child,table.sum th:first-child{text-align:left}
details{border:1px solid #ccc;border-radius:4px;margin:.6em 0;padding:.3em .6em}
summary{cursor:pointer} .kind{font-weight:600}
.cols{display:flex;gap:8px;overflow-x:auto;margin-top:.5em}
.col{flex:1 0 420px;min-width:0} .col h4{margin:.2em 0;font-size:12px;word-break:break-all}
pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:6px;font-size:12px;overflow:auto;max-height:40em;margin:0}
ins{background:#c8f7c5;text-decoration:none} del{background:#ffd0d0;text-decoration:none}
.note{color:#666}
`;

export function renderHtml(report: SimilarityReport, opts: HtmlOptions): string {
  const s = report.summary;
  const h: string[] = [];
  h.push('<!doctype html><html lang="en"><head><meta charset="utf-8">');
  h.push('<title>driverscope similar</title>');
  h.push(`<style>${CSS}</style></head><body>`);
  h.push('<h1>driverscope similar</h1>');
  h.push(
    `<p>${s.similarLoc} of ${s.totalLoc} lines of driver code (<b>${pct(s.similarLocShare)}</b>; the driver study found ${pct(s.paperShare)}) are in ${s.groups} groups of similar functions (${s.functionsInGroups} functions; ${s.comparedFunctions} of ${s.functions} functions compared, threshold ${report.options.threshold}, at least ${report.options.minLines} lines).</p>`,
  );
  h.push(
    '<table class="sum"><tr><th>kind of opportunity</th><th>groups</th><th>functions</th><th>lines</th><th>what to do</th></tr>',
  );
  for (const [kind, k] of Object.entries(s.byKind))
    h.push(
      `<tr><td>${kind}</td><td>${k.groups}</td><td>${k.functions}</td><td>${k.loc}</td><td style="text-align:left">${esc(KIND_ADVICE[kind as OpportunityKind])}</td></tr>`,
    );
  h.push('</table>');
  for (const [title, rows] of [
    ['class (top-level directory)', s.byClass],
    ['bus', s.byBus],
  ] as const) {
    h.push(`<details><summary>by ${title}</summary>`);
    h.push(
      `<table class="sum"><tr><th>${title}</th><th>similar lines</th><th>lines</th><th>share</th><th>groups</th></tr>`,
    );
    for (const c of rows)
      h.push(
        `<tr><td>${esc(c.name)}</td><td>${c.similarLoc}</td><td>${c.totalLoc}</td><td>${pct(c.share)}</td><td>${c.groups}</td></tr>`,
      );
    h.push('</table></details>');
  }
  const shown = report.groups.slice(0, opts.maxGroups);
  if (shown.length < report.groups.length)
    h.push(
      `<p class="note">Showing the ${shown.length} largest of ${report.groups.length} groups; the JSON report lists all.</p>`,
    );
  const cache = new Map<string, string | undefined>();
  const source = (file: string) => {
    if (!cache.has(file)) {
      if (cache.size > 64) cache.clear();
      cache.set(file, opts.readSource(file));
    }
    return cache.get(file);
  };
  for (const g of shown) {
    h.push(
      `<details id="g${g.id}"${g.id <= 3 ? ' open' : ''}><summary><span class="kind">#${g.id} ${g.kind}</span> — ${g.size} functions in ${g.drivers} driver(s), ${g.loc} lines, similarity ${g.similarity}${g.identical ? ' (identical after normalisation)' : ''}: ${esc(
        g.members
          .map((m) => m.function)
          .slice(0, 4)
          .join(', '),
      )}${g.size > 4 ? ', …' : ''}</summary>`,
    );
    h.push(`<p class="note">${esc(KIND_ADVICE[g.kind])}</p>`);
    const members = g.members.slice(0, opts.maxMembers);
    const code = members.map((m) => {
      const text = source(m.file);
      return text === undefined ? '(source not available)' : lineSlice(text, m.startLine, m.endLine);
    });
    // Each column after the first: differences from the first member. The first column: what the second lacks.
    const cols: string[] = [];
    for (let i = 0; i < members.length; i++) {
      if (i === 0) cols.push(members.length > 1 ? diffPair(code[0]!, code[1]!).base : esc(code[0]!));
      else cols.push(diffPair(code[0]!, code[i]!).other);
    }
    h.push('<div class="cols">');
    members.forEach((m, i) => {
      h.push(
        `<div class="col"><h4>${esc(m.driver)} — ${esc(memberLabel(m))} (similarity ${m.similarity})</h4><pre>${cols[i]}</pre></div>`,
      );
    });
    h.push('</div>');
    if (g.members.length > members.length) {
      const rest = g.members.slice(members.length);
      const listed = rest.slice(0, 50).map((m) => esc(memberLabel(m)));
      if (rest.length > listed.length) listed.push(`… and ${rest.length - listed.length} more`);
      h.push(`<p class="note">Also: ${listed.join('; ')}</p>`);
    }
    h.push('</details>');
  }
  h.push('</body></html>');
  return h.join('\n') + '\n';
}

/** Read a file for the HTML page. */
export function readSourceFile(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
