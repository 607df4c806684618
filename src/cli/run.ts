/** `driverscope run`: one driver, one workload, one machine, optionally with injected faults. */
import { parseArgs } from 'node:util';
import { DRIVER_KINDS, driverSpec, prepareDriver, runOnce, type DriverKind } from '../runtime/system.js';
import { HARDWARE_FAULT_TYPES } from '../runtime/faults/hardware.js';
import { SOFTWARE_FAULT_TYPES } from '../runtime/faults/swifi.js';
import type { Isolation } from '../runtime/kernel.js';
import { formatRun } from '../runtime/report.js';

const HELP = `usage: driverscope run --driver <${DRIVER_KINDS.join('|')}> [--workload W] [--isolation native|nooks]
                      [--inject FAULT]... [--seed N] [--json] [--log]

Runs a real C driver (compiled to WebAssembly) against its device model in a deterministic
virtual-time kernel. Exit 0 when the workload works, 1 for any other outcome.

  --isolation native   the driver runs trusted: a driver failure crashes the system (default)
  --isolation nooks    wrappers check and copy, failures are caught and the driver restarted
  --inject hw:TYPE[:param][@ms]   ${HARDWARE_FAULT_TYPES.join(', ')}
  --inject sw:TYPE                ${SOFTWARE_FAULT_TYPES.join(', ')}, random
  --seed N             seed for fault sites, timing and traffic (default 1)
  --json               the run record as JSON (no host timings, so byte-identical per seed)
  --log                print the kernel log`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      help: { type: 'boolean', short: 'h' },
      driver: { type: 'string', short: 'd' },
      workload: { type: 'string', short: 'w' },
      isolation: { type: 'string', short: 'i', default: 'native' },
      inject: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string', short: 's', default: '1' },
      json: { type: 'boolean' },
      log: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const driver = values.driver as DriverKind | undefined;
  if (!driver || !DRIVER_KINDS.includes(driver)) {
    console.error(HELP);
    return 2;
  }
  driverSpec(driver);
  const isolation = values.isolation as Isolation;
  if (isolation !== 'native' && isolation !== 'nooks') {
    console.error(`driverscope run: --isolation must be native or nooks`);
    return 2;
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    console.error(`driverscope run: --seed must be a non-negative integer`);
    return 2;
  }
  const prepared = await prepareDriver(driver);
  const t0 = performance.now();
  const r = runOnce(prepared, { driver, workload: values.workload, isolation, seed, faults: values.inject });
  const hostMs = performance.now() - t0;
  if (values.json) {
    console.log(JSON.stringify(values.log ? r : { ...r, log: undefined }, null, 2));
  } else {
    console.log(formatRun(r, hostMs));
    if (values.log) console.log(['', 'kernel log:', ...r.log.map((l) => `  ${l}`)].join('\n'));
  }
  return r.outcome === 'works' ? 0 : 1;
}
