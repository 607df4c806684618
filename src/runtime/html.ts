/** A self-contained HTML page for campaign results (no scripts, no external resources). */
import { cellText, type CampaignResult, type HardwareTable } from './campaign.js';
import { OUTCOMES } from './workloads/workload.js';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.3em .6em;text-align:right}
th:first-child,td:first-child,td:nth-child(2){text-align:left}th{background:#f3f3f3}
.crash{background:#fdd}.ok{background:#dfd}caption{text-align:left;font-weight:600}`;

export function campaignHtml(c: CampaignResult | undefined, hw: HardwareTable | undefined): string {
  const parts: string[] = [
    `<!doctype html><html><head><meta charset="utf-8"><title>driverscope campaign</title><style>${STYLE}</style></head><body>`,
  ];
  parts.push('<h1>driverscope fault-injection campaign</h1>');
  if (c) {
    const o = c.options;
    parts.push(
      `<p>Drivers ${esc(o.drivers.join(', '))}; faults ${esc(o.faults.join(', '))}; ${o.trials} trials × ${o.perTrial} faults per driver; seed ${o.seed}.</p>`,
    );
    parts.push(
      '<table><caption>Outcomes (rows: driver/workload; columns: configurations)</caption><tr><th rowspan="2">driver/workload</th>',
    );
    for (const config of o.configs) parts.push(`<th colspan="${OUTCOMES.length}">${config}</th>`);
    parts.push('</tr><tr>');
    for (let i = 0; i < o.configs.length; i++) for (const x of OUTCOMES) parts.push(`<th>${x}</th>`);
    parts.push('</tr>');
    const keys = [...new Set(c.rows.map((r) => `${r.driver}/${r.workload}`))];
    for (const key of keys) {
      parts.push(`<tr><td>${esc(key)}</td>`);
      for (const config of o.configs) {
        const r = c.rows.find((x) => `${x.driver}/${x.workload}` === key && x.config === config);
        for (const x of OUTCOMES)
          parts.push(
            `<td${x === 'system-crash' && r?.outcomes[x] ? ' class="crash"' : ''}>${r?.outcomes[x] ?? 0}</td>`,
          );
      }
      parts.push('</tr>');
    }
    parts.push('</table>');
    parts.push(
      '<table><caption>Summary</caption><tr><th>config</th><th>trials</th><th>system crashes</th><th>driver failures recovered</th><th>app errors</th><th>hangs</th><th>silent corruptions</th><th>works</th></tr>',
    );
    for (const [config, s] of Object.entries(c.summary)) {
      parts.push(
        `<tr><td>${config}</td><td>${s.trials}</td><td>${s.systemCrashes}</td><td>${s.driverFailuresRecovered}</td><td>${s.appErrors}</td><td>${s.hangs}</td><td>${s.silentCorruptions}</td><td>${s.works}</td></tr>`,
      );
    }
    parts.push('</table>');
    if (c.crashElimination) {
      const e = c.crashElimination;
      parts.push(
        `<p class="ok">Native crashed ${e.nativeCrashes} times; ${e.config} turned ${e.prevented} of them into recovered driver failures (${(e.rate * 100).toFixed(1)}%). Nooks (SOSP 2003): 317 crashes, 313 prevented (99%).</p>`,
      );
    }
  }
  if (hw) {
    parts.push(
      `<table><caption>Hardware faults, unmodified drivers (${hw.options.trials} trials per cell; W works, E app error, H app hang, S silent corruption, C system crash)</caption><tr><th>fault</th><th>config</th>`,
    );
    for (const d of hw.options.drivers) parts.push(`<th>${d}</th>`);
    parts.push('</tr>');
    for (const [type, byDriver] of Object.entries(hw.cells)) {
      for (const config of hw.options.configs) {
        parts.push(`<tr><td>${type}</td><td>${config}</td>`);
        for (const d of hw.options.drivers) parts.push(`<td>${esc(cellText(byDriver[d]?.[config]))}</td>`);
        parts.push('</tr>');
      }
    }
    parts.push('</table>');
  }
  parts.push('</body></html>');
  return parts.join('\n');
}
