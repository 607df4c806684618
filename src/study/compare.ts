/** `driverscope study --compare a.json b.json`: two studies side by side. */
import type { GroupSummary, StudyReport } from './summary.js';

export interface Delta {
  key: string;
  a: number;
  b: number;
  delta: number;
}

export interface ClassChange {
  class: string;
  driversA: number;
  driversB: number;
  locA: number;
  locB: number;
  /** Shares and code shares of the class, biggest absolute change first. */
  changes: Delta[];
}

export interface StudyComparison {
  version: number;
  a: { label: string; driverCount: number; loc: number };
  b: { label: string; driverCount: number; loc: number };
  added: string[];
  removed: string[];
  common: number;
  shares: Delta[];
  codeShareByPurpose: Delta[];
  classes: ClassChange[];
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const deltas = (a: Record<string, number>, b: Record<string, number>, prefix = ''): Delta[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => ({
    key: prefix + k,
    a: a[k] ?? 0,
    b: b[k] ?? 0,
    delta: r4((b[k] ?? 0) - (a[k] ?? 0)),
  }));

const label = (r: StudyReport, fallback: string) => (r.kernel ? `Linux ${r.kernel}` : fallback);

export function compareStudies(a: StudyReport, b: StudyReport): StudyComparison {
  if (a.version !== b.version) throw new Error(`study versions differ (${a.version} vs ${b.version})`);
  const key = (d: { path: string; name: string }) => `${d.path}/${d.name}`;
  const ka = new Set(a.drivers.map(key));
  const kb = new Set(b.drivers.map(key));
  const classesA = new Map(a.summary.classes.map((g) => [g.name, g]));
  const classesB = new Map(b.summary.classes.map((g) => [g.name, g]));
  const names = [...new Set([...classesA.keys(), ...classesB.keys()])].sort();
  const empty = (name: string): GroupSummary => ({
    name,
    drivers: 0,
    loc: 0,
    shares: {} as GroupSummary['shares'],
    codeShareByPurpose: {} as GroupSummary['codeShareByPurpose'],
    interactions: {
      perDriver: {} as GroupSummary['interactions']['perDriver'],
      per1kLoc: {} as GroupSummary['interactions']['per1kLoc'],
    },
  });
  const classes: ClassChange[] = names.map((n) => {
    const ga = classesA.get(n) ?? empty(n);
    const gb = classesB.get(n) ?? empty(n);
    const changes = [
      ...deltas({ ...ga.shares }, { ...gb.shares }, 'share.'),
      ...deltas({ ...ga.codeShareByPurpose }, { ...gb.codeShareByPurpose }, 'code.'),
    ].sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || (x.key < y.key ? -1 : 1));
    return { class: n, driversA: ga.drivers, driversB: gb.drivers, locA: ga.loc, locB: gb.loc, changes };
  });
  classes.sort(
    (x, y) =>
      Math.abs(y.driversB - y.driversA) - Math.abs(x.driversB - x.driversA) || (x.class < y.class ? -1 : 1),
  );
  return {
    version: 1,
    a: { label: label(a, 'A'), driverCount: a.summary.driverCount, loc: a.summary.loc },
    b: { label: label(b, 'B'), driverCount: b.summary.driverCount, loc: b.summary.loc },
    added: [...kb].filter((k) => !ka.has(k)).sort(),
    removed: [...ka].filter((k) => !kb.has(k)).sort(),
    common: [...ka].filter((k) => kb.has(k)).length,
    shares: deltas({ ...a.summary.shares }, { ...b.summary.shares }),
    codeShareByPurpose: deltas({ ...a.summary.codeShareByPurpose }, { ...b.summary.codeShareByPurpose }),
    classes,
  };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;

export function formatCompareText(c: StudyComparison): string {
  const out = [
    `${c.a.label}: ${c.a.driverCount} drivers, ${c.a.loc} LOC  →  ${c.b.label}: ${c.b.driverCount} drivers, ${c.b.loc} LOC`,
    `drivers added ${c.added.length}, removed ${c.removed.length}, in both ${c.common}`,
    '',
    `${'share of drivers'.padEnd(26)} ${c.a.label.padStart(12)} ${c.b.label.padStart(12)}  change (points)`,
  ];
  for (const d of c.shares)
    out.push(`  ${d.key.padEnd(24)} ${pct(d.a).padStart(12)} ${pct(d.b).padStart(12)}  ${signed(d.delta)}`);
  out.push('', 'code share by purpose');
  for (const d of c.codeShareByPurpose)
    out.push(`  ${d.key.padEnd(24)} ${pct(d.a).padStart(12)} ${pct(d.b).padStart(12)}  ${signed(d.delta)}`);
  out.push('', 'classes: drivers, and the biggest change');
  for (const k of c.classes.slice(0, 20)) {
    const top = k.changes[0];
    out.push(
      `  ${k.class.padEnd(14)} ${String(k.driversA).padStart(5)} → ${String(k.driversB).padEnd(5)} ${top ? `${top.key} ${pct(top.a)} → ${pct(top.b)}` : ''}`,
    );
  }
  return out.join('\n');
}
