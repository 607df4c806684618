/**
 * Fault-injection campaigns (Nooks §6: 400 trials × 5 faults per extension, native vs Nooks):
 * every trial's faults are a pure function of (seed, driver, trial), so each configuration sees
 * exactly the same faults and the whole campaign is reproducible byte for byte.
 */
import type { Isolation } from './kernel.js';
import { hashString } from './rng.js';
import { driverSpec, prepareDriver, runOnce, type DriverKind, type RunResult } from './system.js';
import { OUTCOMES, type Outcome } from './workloads/workload.js';
import { HARDWARE_FAULT_TYPES } from './faults/hardware.js';

export interface CampaignOptions {
  drivers: DriverKind[];
  /** 'swifi' (random software faults), 'hw' (random hardware faults), or explicit fault specs */
  faults: string[];
  trials: number;
  perTrial: number;
  configs: Isolation[];
  seed: number;
  onProgress?: (done: number, total: number) => void;
}

export interface Trial {
  driver: DriverKind;
  workload: string;
  trial: number;
  seed: number;
  faults: string[];
  results: Partial<
    Record<
      Isolation,
      Pick<RunResult, 'outcome' | 'detail' | 'injected' | 'recoveries'> & { failures: number }
    >
  >;
}

export interface ConfigSummary {
  trials: number;
  works: number;
  systemCrashes: number;
  driverFailures: number;
  driverFailuresRecovered: number;
  appErrors: number;
  silentCorruptions: number;
  hangs: number;
}

export interface CampaignResult {
  options: Omit<CampaignOptions, 'onProgress'>;
  rows: { driver: DriverKind; workload: string; config: Isolation; outcomes: Record<Outcome, number> }[];
  summary: Partial<Record<Isolation, ConfigSummary>>;
  /** trials where native crashed, and how many of those the isolated config survived with a recovered failure */
  crashElimination?: { nativeCrashes: number; prevented: number; rate: number; config: Isolation };
  trials: Trial[];
}

export function trialSeed(seed: number, driver: string, trial: number): number {
  return hashString(`${seed}/${driver}/${trial}`);
}

function trialFaults(spec: string[], perTrial: number, seed: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < perTrial; i++) {
    const f = spec[(seed + i) % spec.length]!;
    if (f === 'swifi') out.push('sw:random');
    else if (f === 'hw')
      out.push(`hw:${HARDWARE_FAULT_TYPES[hashString(`${seed}:${i}`) % HARDWARE_FAULT_TYPES.length]}`);
    else out.push(f);
  }
  return out;
}

export async function runCampaign(opts: CampaignOptions): Promise<CampaignResult> {
  const trials: Trial[] = [];
  const total = opts.drivers.length * opts.trials * opts.configs.length;
  let done = 0;
  for (const driver of opts.drivers) {
    const spec = driverSpec(driver);
    const workloads = Object.keys(spec.workloads);
    const prepared = await prepareDriver(driver);
    for (let t = 0; t < opts.trials; t++) {
      const seed = trialSeed(opts.seed, driver, t);
      const workload = workloads[t % workloads.length]!;
      const faults = trialFaults(opts.faults, opts.perTrial, seed);
      const trial: Trial = { driver, workload, trial: t, seed, faults, results: {} };
      for (const isolation of opts.configs) {
        const r = runOnce(prepared, { driver, workload, isolation, seed, faults });
        trial.results[isolation] = {
          outcome: r.outcome,
          detail: r.detail,
          injected: r.injected,
          recoveries: r.recoveries,
          failures: r.failures.length,
        };
        opts.onProgress?.(++done, total);
      }
      trials.push(trial);
      // let the event loop breathe (progress output) between trials
      if (t % 16 === 15) await new Promise((r) => setImmediate(r));
    }
  }
  const { onProgress: _onProgress, ...options } = opts;
  return summarise(options, trials);
}

export function summarise(options: Omit<CampaignOptions, 'onProgress'>, trials: Trial[]): CampaignResult {
  const rows: CampaignResult['rows'] = [];
  const summary: CampaignResult['summary'] = {};
  for (const config of options.configs) {
    const s: ConfigSummary = {
      trials: 0,
      works: 0,
      systemCrashes: 0,
      driverFailures: 0,
      driverFailuresRecovered: 0,
      appErrors: 0,
      silentCorruptions: 0,
      hangs: 0,
    };
    for (const t of trials) {
      const r = t.results[config];
      if (!r) continue;
      s.trials++;
      if (r.outcome === 'works') s.works++;
      if (r.outcome === 'system-crash') s.systemCrashes++;
      if (r.outcome === 'app-error') s.appErrors++;
      if (r.outcome === 'silent-corruption') s.silentCorruptions++;
      if (r.outcome === 'app-hang') s.hangs++;
      if (r.failures > 0) s.driverFailures++;
      if (r.failures > 0 && r.recoveries > 0 && r.outcome !== 'system-crash') s.driverFailuresRecovered++;
    }
    summary[config] = s;
    const keys = [...new Set(trials.map((t) => `${t.driver}/${t.workload}`))];
    for (const key of keys) {
      const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
      for (const t of trials)
        if (`${t.driver}/${t.workload}` === key && t.results[config]) outcomes[t.results[config].outcome]++;
      const [driver, workload] = key.split('/') as [DriverKind, string];
      rows.push({ driver, workload, config, outcomes });
    }
  }
  const isolated = options.configs.find((c) => c !== 'native');
  let crashElimination: CampaignResult['crashElimination'];
  if (options.configs.includes('native') && isolated) {
    const crashed = trials.filter((t) => t.results.native?.outcome === 'system-crash');
    const prevented = crashed.filter((t) => {
      const r = t.results[isolated];
      return r && r.outcome !== 'system-crash' && r.recoveries > 0;
    }).length;
    crashElimination = {
      nativeCrashes: crashed.length,
      prevented,
      rate: crashed.length ? prevented / crashed.length : 1,
      config: isolated,
    };
  }
  return { options, rows, summary, crashElimination, trials };
}

export function formatCampaign(c: CampaignResult): string {
  const o = c.options;
  const lines = [
    `campaign: drivers ${o.drivers.join(',')}, faults ${o.faults.join(',')}, ${o.trials} trials × ${o.perTrial} faults, seed ${o.seed}`,
    '',
  ];
  // rows: driver/workload; columns: configurations, each cell the outcome counts
  lines.push('W works, E app error, H app hang, S silent corruption, C system crash', '');
  const head = ['driver/workload', ...o.configs];
  const keys = [...new Set(c.rows.map((r) => `${r.driver}/${r.workload}`))];
  const body = keys.map((key) => [
    key,
    ...o.configs.map((config) =>
      cellText(c.rows.find((r) => `${r.driver}/${r.workload}` === key && r.config === config)?.outcomes),
    ),
  ]);
  lines.push(...table([head, ...body], head.length));
  lines.push('');
  for (const [config, s] of Object.entries(c.summary)) {
    lines.push(
      `${config.padEnd(6)} trials ${s.trials}: system crashes ${s.systemCrashes}, driver failures ${s.driverFailures} (recovered ${s.driverFailuresRecovered}), app errors ${s.appErrors}, hangs ${s.hangs}, silent corruptions ${s.silentCorruptions}, works ${s.works}`,
    );
  }
  if (c.crashElimination) {
    const e = c.crashElimination;
    lines.push(
      `crash elimination: native crashed ${e.nativeCrashes} times; ${e.config} turned ${e.prevented} of them into recovered driver failures (${(e.rate * 100).toFixed(1)}%)`,
    );
  }
  return lines.join('\n');
}

export function table(rows: string[][], leftColumns = 2): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export interface HardwareTable {
  options: { drivers: DriverKind[]; trials: number; configs: Isolation[]; seed: number };
  /** cells[faultType][driver][config] = outcome counts */
  cells: Record<string, Record<string, Partial<Record<Isolation, Record<Outcome, number>>>>>;
}

/** Each hardware fault type × each driver, `trials` seeded trials each, unmodified drivers. */
export async function runHardwareTable(opts: {
  drivers: DriverKind[];
  trials: number;
  configs: Isolation[];
  seed: number;
  onProgress?: (done: number, total: number) => void;
}): Promise<HardwareTable> {
  const cells: HardwareTable['cells'] = {};
  const total = HARDWARE_FAULT_TYPES.length * opts.drivers.length * opts.trials * opts.configs.length;
  let base = 0;
  for (const type of HARDWARE_FAULT_TYPES) {
    const c = await runCampaign({
      drivers: opts.drivers,
      faults: [`hw:${type}`],
      trials: opts.trials,
      perTrial: 1,
      configs: opts.configs,
      seed: opts.seed,
      onProgress: (d) => opts.onProgress?.(base + d, total),
    });
    base += opts.drivers.length * opts.trials * opts.configs.length;
    cells[type] = {};
    for (const t of c.trials) {
      for (const config of opts.configs) {
        const r = t.results[config]!;
        const byDriver = (cells[type][t.driver] ??= {});
        const counts = (byDriver[config] ??= Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<
          Outcome,
          number
        >);
        counts[r.outcome]++;
      }
    }
  }
  return {
    options: { drivers: opts.drivers, trials: opts.trials, configs: opts.configs, seed: opts.seed },
    cells,
  };
}

const SHORT: Record<Outcome, string> = {
  works: 'W',
  'app-error': 'E',
  'app-hang': 'H',
  'silent-corruption': 'S',
  'system-crash': 'C',
};

export function cellText(counts: Record<Outcome, number> | undefined): string {
  if (!counts) return '-';
  return OUTCOMES.filter((o) => counts[o] > 0)
    .map((o) => `${SHORT[o]}${counts[o]}`)
    .join(' ');
}

export function formatHardwareTable(t: HardwareTable): string {
  const head = ['fault', 'config', ...t.options.drivers];
  const rows: string[][] = [];
  for (const [type, byDriver] of Object.entries(t.cells)) {
    for (const config of t.options.configs)
      rows.push([type, config, ...t.options.drivers.map((d) => cellText(byDriver[d]?.[config]))]);
  }
  return [
    `hardware faults, unmodified drivers: ${t.options.trials} trials per cell, seed ${t.options.seed}`,
    'W works, E app error, H app hang, S silent corruption, C system crash',
    '',
    ...table([head, ...rows]),
  ].join('\n');
}
