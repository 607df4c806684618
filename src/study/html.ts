/**
 * The study as one self-contained HTML file: no network, no CDN. Inline CSS, inline SVG charts,
 * a few lines of inline JavaScript for sortable tables, class navigation and search by name.
 */
import { PURPOSES } from './purpose.js';
import { PAPER_2_6_37 } from './text.js';
import type { DriverRecord } from './record.js';
import type { GroupSummary, StudyReport } from './summary.js';
import type { StudyComparison } from './compare.js';

const esc = (s: string | number) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const slug = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');

export const PURPOSE_COLORS: Record<string, string> = {
  init: '#4e79a7',
  cleanup: '#a0cbe8',
  coreIo: '#f28e2b',
  config: '#59a14f',
  pm: '#b6992d',
  ioctl: '#e15759',
  error: '#ff9d9a',
  procSysfs: '#79706e',
  other: '#bab0ac',
  unreached: '#e8e8e8',
};
const PURPOSE_LABELS: Record<string, string> = {
  init: 'init',
  cleanup: 'cleanup',
  coreIo: 'core I/O & interrupts',
  config: 'configuration',
  pm: 'power management',
  ioctl: 'ioctl',
  error: 'error handling',
  procSysfs: 'proc/sysfs/debugfs',
  other: 'other entry points',
  unreached: 'no entry point',
};

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222}
header{background:#20303f;color:#fff;padding:12px 20px}header h1{margin:0;font-size:20px}
nav{padding:8px 20px;background:#eef2f5;position:sticky;top:0;z-index:2}nav a{margin-right:10px}
main{padding:0 20px 40px}section{margin:24px 0}h2{border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 7px;text-align:right}
td:first-child,th:first-child{text-align:left}th{background:#f3f3f3;cursor:pointer;user-select:none}
th.sorted-asc::after{content:" ▲"}th.sorted-desc::after{content:" ▼"}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
.neg{color:#b00}.pos{color:#070}input#search{font-size:14px;padding:4px;width:260px}
.class-page{display:block}`;

const SCRIPT = `
(function(){
function val(td){var v=td.getAttribute('data-v');if(v===null)v=td.textContent;var n=parseFloat(v);return isNaN(n)||!/^[-+0-9.e]+$/.test(v.trim())?v.toLowerCase():n;}
document.querySelectorAll('table.sortable').forEach(function(t){
 t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
  var asc=!th.classList.contains('sorted-asc');
  t.querySelectorAll('th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc');});
  th.classList.add(asc?'sorted-asc':'sorted-desc');
  var tb=t.tBodies[0];var rows=Array.prototype.slice.call(tb.rows);
  rows.sort(function(a,b){var x=val(a.cells[i]),y=val(b.cells[i]);var c=typeof x===typeof y?(x<y?-1:x>y?1:0):(typeof x==='number'?-1:1);return asc?c:-c;});
  rows.forEach(function(r){tb.appendChild(r);});
 });});
});
// The table of all drivers is drawn from the embedded data: at most LIMIT rows at a time.
var dataEl=document.getElementById('driver-data');
if(dataEl){
 var D=JSON.parse(dataEl.textContent);var LIMIT=500;var sortCol=-1,asc=true,q='';
 var t=document.getElementById('drivers');var tb=t.tBodies[0];
 var e=function(x){return String(x).replace(/[&<>"']/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c];});};
 var draw=function(){
  var rows=D.filter(function(r){return !q||r[0].toLowerCase().indexOf(q)>=0;});
  if(sortCol>=0)rows.sort(function(a,b){var x=a[sortCol],y=b[sortCol];var c=x<y?-1:x>y?1:0;return asc?c:-c;});
  var h=[];for(var i=0;i<rows.length&&i<LIMIT;i++){var r=rows[i];
   h.push('<tr data-name="'+e(r[0].toLowerCase())+'">'+r.map(function(v,j){return j<4?'<td'+(j>0?' style="text-align:left"':'')+'>'+e(v)+'</td>':(typeof v==='boolean'?'<td>'+(v?'yes':'')+'</td>':'<td data-v="'+v+'">'+v+'</td>');}).join('')+'</tr>');}
  tb.innerHTML=h.join('');
  document.getElementById('match-count').textContent=String(rows.length);
  document.getElementById('limit-note').textContent=rows.length>LIMIT?'(first '+LIMIT+' shown: search or sort to see others)':'';
 };
 t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){
  asc=sortCol===i?!asc:true;sortCol=i;
  t.querySelectorAll('th').forEach(function(h){h.classList.remove('sorted-asc','sorted-desc');});
  th.classList.add(asc?'sorted-asc':'sorted-desc');draw();});});
 var s=document.getElementById('search');
 s.addEventListener('input',function(){q=s.value.trim().toLowerCase();draw();});
 draw();
}
})();`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${STYLE}</style></head>
<body>${body}<script>${SCRIPT}</script></body></html>
`;
}

/** Horizontal stacked bars: one per row, segments by purpose (fractions summing to ~1). */
export function stackedBars(
  rows: { label: string; parts: Record<string, number> }[],
  keys: string[],
): string {
  const w = 760;
  const lw = 130;
  const bh = 16;
  const h = rows.length * (bh + 6) + 10;
  const bars = rows
    .map((r, i) => {
      const y = 5 + i * (bh + 6);
      let x = lw;
      const segs = keys
        .map((k) => {
          const v = r.parts[k] ?? 0;
          const sw = Math.max(0, v * (w - lw - 10));
          const seg = `<rect x="${x.toFixed(1)}" y="${y}" width="${sw.toFixed(1)}" height="${bh}" fill="${PURPOSE_COLORS[k] ?? '#999'}"><title>${esc(r.label)} ${esc(PURPOSE_LABELS[k] ?? k)}: ${pct(v)}</title></rect>`;
          x += sw;
          return seg;
        })
        .join('');
      return `<text x="${lw - 6}" y="${y + 12}" text-anchor="end" font-size="12">${esc(r.label)}</text>${segs}`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img">${bars}</svg>`;
}

/** Simple horizontal bars of values (scaled to the largest). */
export function bars(rows: { label: string; value: number; text?: string }[], color = '#4e79a7'): string {
  const w = 760;
  const lw = 130;
  const bh = 16;
  const max = Math.max(1e-9, ...rows.map((r) => r.value));
  const h = rows.length * (bh + 6) + 10;
  const body = rows
    .map((r, i) => {
      const y = 5 + i * (bh + 6);
      const bw = (r.value / max) * (w - lw - 80);
      return `<text x="${lw - 6}" y="${y + 12}" text-anchor="end" font-size="12">${esc(r.label)}</text><rect x="${lw}" y="${y}" width="${bw.toFixed(1)}" height="${bh}" fill="${color}"></rect><text x="${(lw + bw + 4).toFixed(1)}" y="${y + 12}" font-size="12">${esc(r.text ?? String(r.value))}</text>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" role="img">${body}</svg>`;
}

function legend(keys: string[]): string {
  return `<div class="legend">${keys.map((k) => `<span><i style="background:${PURPOSE_COLORS[k]}"></i>${esc(PURPOSE_LABELS[k] ?? k)}</span>`).join('')}</div>`;
}

const num = (v: number, text?: string) => `<td data-v="${v}">${esc(text ?? String(v))}</td>`;

function driverRows(ds: DriverRecord[]): string {
  return ds
    .map(
      (d) =>
        `<tr data-name="${esc(d.name.toLowerCase())}"><td>${esc(d.name)}</td><td style="text-align:left">${esc(d.path)}</td><td style="text-align:left">${esc(d.class)}/${esc(d.subclass)}</td><td style="text-align:left">${esc(d.bus)}</td>${num(d.loc)}${num(d.entryPoints.length)}${num(d.chipsets)}${num(d.moduleParams.length)}${num(d.proc + d.sysfs)}${num(d.ioctls.length)}<td>${d.powerManagement ? 'yes' : ''}</td><td>${d.significantComputation ? 'yes' : ''}</td>${num(d.per1kLoc.deviceAccess)}${num(d.per1kLoc.busApis)}</tr>`,
    )
    .join('\n');
}

/** Largest drivers listed in each class section (all of them are in the searchable table). */
const CLASS_ROWS = 100;

/** One row per driver for the searchable table, as JSON safe inside a script element. */
function driverData(ds: DriverRecord[]): string {
  const rows = ds.map((d) => [
    d.name,
    d.path,
    `${d.class}/${d.subclass}`,
    d.bus,
    d.loc,
    d.entryPoints.length,
    d.chipsets,
    d.moduleParams.length,
    d.proc + d.sysfs,
    d.ioctls.length,
    d.powerManagement,
    d.significantComputation,
    d.per1kLoc.deviceAccess,
    d.per1kLoc.busApis,
  ]);
  return JSON.stringify(rows).replace(/</g, '\\u003c');
}

const DRIVER_HEAD =
  '<thead><tr><th>driver</th><th>path</th><th>class</th><th>bus</th><th>LOC</th><th>entry points</th><th>chipsets</th><th>params</th><th>proc/sysfs</th><th>ioctls</th><th>PM</th><th>computation</th><th>device calls /kLOC</th><th>bus calls /kLOC</th></tr></thead>';

function groupTable(gs: GroupSummary[], id: string): string {
  const keys = [...PURPOSES, 'unreached'];
  return `<table class="sortable" id="${id}"><thead><tr><th>${id === 'bus-table' ? 'bus' : 'class'}</th><th>drivers</th><th>LOC</th><th>params</th><th>proc/sysfs</th><th>ioctl</th><th>non-class</th><th>multi-chipset</th><th>computation</th><th>PM</th>${keys.map((k) => `<th>${esc(PURPOSE_LABELS[k] ?? k)}</th>`).join('')}<th>device calls/driver</th><th>device calls/kLOC</th><th>bus calls/kLOC</th><th>kernel lib/kLOC</th><th>memory/kLOC</th><th>sync/kLOC</th><th>device lib/kLOC</th><th>kernel services/kLOC</th><th>timers/kLOC</th></tr></thead><tbody>${gs
    .map((g) => {
      const s = g.shares;
      const i = g.interactions;
      return `<tr><td>${esc(g.name)}</td>${num(g.drivers)}${num(g.loc)}${[s.moduleParams, s.procSysfs, s.ioctl, s.nonClass, s.multiChipset, s.significantComputation, s.powerManagement].map((x) => num(x, pct(x))).join('')}${keys.map((k) => num(g.codeShareByPurpose[k as keyof typeof g.codeShareByPurpose], pct(g.codeShareByPurpose[k as keyof typeof g.codeShareByPurpose]))).join('')}${num(i.perDriver.deviceAccess)}${[i.per1kLoc.deviceAccess, i.per1kLoc.busApis, i.per1kLoc.kernelLibrary, i.per1kLoc.memory, i.per1kLoc.sync, i.per1kLoc.deviceLibrary, i.per1kLoc.kernelServices, i.per1kLoc.timers].map((x) => num(x)).join('')}</tr>`;
    })
    .join('')}</tbody></table>`;
}

function locHistogram(ds: DriverRecord[]): string {
  const bins = ['<100', '100–300', '300–1k', '1k–3k', '3k–10k', '10k–30k', '≥30k'];
  const edges = [100, 300, 1000, 3000, 10000, 30000];
  const counts = bins.map(() => 0);
  for (const d of ds) {
    let i = edges.findIndex((e) => d.loc < e);
    if (i < 0) i = bins.length - 1;
    counts[i]!++;
  }
  return bars(
    bins.map((b, i) => ({ label: `${b} LOC`, value: counts[i]! })),
    '#76b7b2',
  );
}

export function renderHtml(r: StudyReport): string {
  const s = r.summary;
  const keys = [...PURPOSES, 'unreached'];
  const title = `Driver study${r.kernel ? ` — Linux ${r.kernel}` : ''}`;
  const paper = PAPER_2_6_37;
  const headline: [string, number, number | undefined][] = [
    ['module parameters', s.shares.moduleParams, paper.shares.moduleParams],
    ['proc/sysfs', s.shares.procSysfs, paper.shares.procSysfs],
    ['ioctl', s.shares.ioctl, paper.shares.ioctl],
    ['non-class behaviour (any of the above)', s.shares.nonClass, paper.shares.nonClass],
    ['more than one chipset', s.shares.multiChipset, paper.shares.multiChipset],
    ['significant computation', s.shares.significantComputation, paper.shares.significantComputation],
    ['power management (all drivers)', s.shares.powerManagement, undefined],
    ['power management (common classes)', s.powerManagementCommonClasses, paper.powerManagementCommonClasses],
    ['debugfs', s.shares.debugfs, undefined],
    ['interrupt handlers', s.shares.interruptHandlers, undefined],
    ['threads, work, timers', s.shares.threads, undefined],
  ];
  const classes = s.classes;
  const byClass = new Map<string, DriverRecord[]>();
  for (const d of r.drivers) byClass.set(d.class, [...(byClass.get(d.class) ?? []), d]);
  const classSections = classes
    .map((g) => {
      const ds = (byClass.get(g.name) ?? [])
        .slice()
        .sort((a, b) => b.loc - a.loc || (a.name < b.name ? -1 : 1));
      const subs = new Map<string, number>();
      for (const d of ds) subs.set(d.subclass, (subs.get(d.subclass) ?? 0) + 1);
      return `<section class="class-page" id="class-${slug(g.name)}"><h2>Class: ${esc(g.name)}</h2>
<p><span class="class-drivers">${g.drivers}</span> drivers, ${g.loc} LOC. Sub-classes: ${[...subs]
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${esc(k)} (${v})`)
        .join(', ')}</p>
${stackedBars([{ label: g.name, parts: g.codeShareByPurpose }], keys)}
<table class="sortable">${DRIVER_HEAD}<tbody>${driverRows(ds.slice(0, CLASS_ROWS))}</tbody></table>${ds.length > CLASS_ROWS ? `<p>${ds.length - CLASS_ROWS} smaller drivers not listed here: see <a href="#all">all drivers</a>.</p>` : ''}</section>`;
    })
    .join('\n');
  const busRows = s.buses.filter((b) => b.drivers >= 1).slice(0, 20);
  const body = `<header><h1>${esc(title)}</h1><div>${esc(r.roots.join(', '))}: <b id="driver-count">${s.driverCount}</b> drivers, ${s.fileCount} files, ${s.loc} LOC, ${s.functionCount} functions · schema v${r.version}</div></header>
<nav><a href="#headline">headline</a><a href="#purposes">code by purpose</a><a href="#classes">classes</a><a href="#buses">buses</a><a href="#all">all drivers</a> | ${classes
    .map((g) => `<a href="#class-${slug(g.name)}">${esc(g.name)}</a>`)
    .join('')}</nav>
<main>
<section id="headline"><h2>Headline figures</h2>
<table id="headline-table"><thead><tr><th>share of drivers</th><th>ours</th><th>paper (Linux 2.6.37)</th></tr></thead><tbody>${headline
    .map(
      ([k, v, p]) =>
        `<tr data-key="${esc(k)}"><td>${esc(k)}</td><td class="ours">${pct(v)}</td><td>${p === undefined ? '—' : pct(p)}</td></tr>`,
    )
    .join('')}</tbody></table>
<table id="purpose-table"><thead><tr><th>code share by purpose (LOC)</th><th>ours</th></tr></thead><tbody>${keys
    .map(
      (k) =>
        `<tr data-key="${k}"><td>${esc(PURPOSE_LABELS[k] ?? k)}</td><td class="ours">${pct(s.codeShareByPurpose[k as keyof typeof s.codeShareByPurpose])}</td></tr>`,
    )
    .join('')}</tbody></table>
<p>Class from registration APIs for ${s.classFromApi} drivers, from the tree location for ${s.driverCount - s.classFromApi}. Files that failed to parse: ${s.parseFailures}. Share of text in parse-error nodes: ${pct(s.errorCharsShare)}.</p></section>
<section id="purposes"><h2>Code share by purpose, per class</h2>${legend(keys)}
${stackedBars([{ label: 'all drivers', parts: s.codeShareByPurpose }, ...classes.slice(0, 30).map((g) => ({ label: `${g.name} (${g.drivers})`, parts: g.codeShareByPurpose }))], keys)}</section>
<section id="classes"><h2>Classes</h2>${groupTable(classes, 'class-table')}
<h3>Driver size distribution</h3>${locHistogram(r.drivers)}</section>
<section id="buses"><h2>Interactions per bus</h2>
<h3>Device-access calls per driver</h3>${bars(
    busRows.map((b) => ({
      label: `${b.name} (${b.drivers})`,
      value: b.interactions.perDriver.deviceAccess,
      text: b.interactions.perDriver.deviceAccess.toFixed(1),
    })),
    '#f28e2b',
  )}
<h3>Bus-API calls per driver</h3>${bars(
    busRows.map((b) => ({
      label: `${b.name} (${b.drivers})`,
      value: b.interactions.perDriver.busApis,
      text: b.interactions.perDriver.busApis.toFixed(1),
    })),
    '#59a14f',
  )}
${groupTable(s.buses, 'bus-table')}</section>
<section id="all"><h2>All drivers</h2><p>Search by name: <input id="search" type="search" placeholder="driver name" aria-label="search drivers by name"> <span id="match-count">${r.drivers.length}</span> match <span id="limit-note"></span></p>
<table id="drivers">${DRIVER_HEAD}<tbody></tbody></table>
<script type="application/json" id="driver-data">${driverData(r.drivers)}</script></section>
${classSections}
</main>`;
  return page(title, body);
}

export function renderCompareHtml(c: StudyComparison): string {
  const title = `Driver study: ${c.a.label} vs ${c.b.label}`;
  const drow = (d: { key: string; a: number; b: number; delta: number }) =>
    `<tr><td>${esc(d.key)}</td><td data-v="${d.a}">${pct(d.a)}</td><td data-v="${d.b}">${pct(d.b)}</td><td data-v="${d.delta}" class="${d.delta < 0 ? 'neg' : d.delta > 0 ? 'pos' : ''}">${d.delta >= 0 ? '+' : ''}${(d.delta * 100).toFixed(1)}</td></tr>`;
  const head = `<thead><tr><th>figure</th><th>${esc(c.a.label)}</th><th>${esc(c.b.label)}</th><th>change (points)</th></tr></thead>`;
  const list = (xs: string[]) =>
    `<details><summary>${xs.length}</summary><ul>${xs.map((x) => `<li>${esc(x)}</li>`).join('')}</ul></details>`;
  const body = `<header><h1>${esc(title)}</h1><div>${esc(c.a.label)}: ${c.a.driverCount} drivers, ${c.a.loc} LOC → ${esc(c.b.label)}: ${c.b.driverCount} drivers, ${c.b.loc} LOC</div></header>
<main>
<section><h2>Drivers</h2><p>In both: <b id="common">${c.common}</b>. Added: <b id="added">${c.added.length}</b>. Removed: <b id="removed">${c.removed.length}</b>.</p>
<h3>Added</h3>${list(c.added)}<h3>Removed</h3>${list(c.removed)}</section>
<section><h2>Shares of drivers</h2><table class="sortable" id="shares">${head}<tbody>${c.shares.map(drow).join('')}</tbody></table></section>
<section><h2>Code share by purpose</h2><table class="sortable" id="code-share">${head}<tbody>${c.codeShareByPurpose.map(drow).join('')}</tbody></table></section>
<section><h2>Classes</h2><table class="sortable" id="classes"><thead><tr><th>class</th><th>drivers ${esc(c.a.label)}</th><th>drivers ${esc(c.b.label)}</th><th>LOC ${esc(c.a.label)}</th><th>LOC ${esc(c.b.label)}</th><th>biggest change</th><th>from</th><th>to</th></tr></thead><tbody>${c.classes
    .map((k) => {
      const t = k.changes[0];
      return `<tr><td>${esc(k.class)}</td>${num(k.driversA)}${num(k.driversB)}${num(k.locA)}${num(k.locB)}<td>${esc(t?.key ?? '')}</td><td>${t ? pct(t.a) : ''}</td><td>${t ? pct(t.b) : ''}</td></tr>`;
    })
    .join('')}</tbody></table></section>
</main>`;
  return page(title, body);
}
