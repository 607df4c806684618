/** `driverscope campaign`: fault-injection campaigns over the runtime's drivers, native vs Nooks. */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  formatCampaign,
  formatHardwareTable,
  runCampaign,
  runHardwareTable,
  type CampaignResult,
  type HardwareTable,
} from '../runtime/campaign.js';
import { campaignHtml } from '../runtime/html.js';
import type { Isolation } from '../runtime/kernel.js';
import { DRIVER_KINDS, driverSpec, type DriverKind } from '../runtime/system.js';

const HELP = `usage: driverscope campaign [--driver net,sound,block,input] [--faults swifi|hw|FAULT,...]
                           [--trials 400] [--per-trial 5] [--configs native,nooks] [--seed 1]
                           [--hw-table] [--json] [--html FILE] [--no-progress]

Runs every trial under each configuration with the same seeded faults and prints the outcome
table (rows driver/workload, columns outcomes per config) and the crash-elimination rate.

  --faults swifi       random software faults (default); hw: random hardware faults; or explicit
                       specs such as sw:panic,hw:stuck-irq
  --hw-table           instead: each hardware fault type × each driver (--trials per cell)
  --json               raw trials plus a summary per config
  --html FILE          also write a self-contained HTML page`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      driver: { type: 'string', short: 'd', default: DRIVER_KINDS.join(',') },
      faults: { type: 'string', default: 'swifi' },
      trials: { type: 'string', default: '400' },
      'per-trial': { type: 'string', default: '5' },
      configs: { type: 'string', default: 'native,nooks' },
      seed: { type: 'string', default: '1' },
      'hw-table': { type: 'boolean' },
      json: { type: 'boolean' },
      html: { type: 'string' },
      'no-progress': { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const drivers = values.driver.split(',').filter(Boolean) as DriverKind[];
  for (const d of drivers) driverSpec(d);
  const configs = values.configs.split(',').filter(Boolean) as Isolation[];
  if (!configs.length || configs.some((c) => c !== 'native' && c !== 'nooks')) {
    console.error('driverscope campaign: --configs takes native and/or nooks');
    return 2;
  }
  const trials = Number(values.trials);
  const perTrial = Number(values['per-trial']);
  const seed = Number(values.seed);
  if (![trials, perTrial, seed].every((n) => Number.isInteger(n) && n >= 0) || trials === 0) {
    console.error('driverscope campaign: --trials, --per-trial and --seed take non-negative integers');
    return 2;
  }
  const showProgress = !values['no-progress'] && process.stderr.isTTY;
  const onProgress = showProgress ? progressBar() : undefined;
  let campaign: CampaignResult | undefined;
  let hw: HardwareTable | undefined;
  if (values['hw-table']) {
    hw = await runHardwareTable({ drivers, trials, configs, seed, onProgress });
  } else {
    campaign = await runCampaign({
      drivers,
      faults: values.faults.split(',').filter(Boolean),
      trials,
      perTrial,
      configs,
      seed,
      onProgress,
    });
  }
  if (showProgress) process.stderr.write('\n');
  if (values.json) console.log(JSON.stringify(hw ?? campaign, null, 2));
  else console.log(hw ? formatHardwareTable(hw) : formatCampaign(campaign!));
  if (values.html) writeFileSync(values.html, campaignHtml(campaign, hw));
  return 0;
}

function progressBar(): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const pct = Math.floor((done / total) * 100);
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const fill = Math.round((done / total) * width);
    process.stderr.write(`\r[${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${done}/${total}`);
  };
}
