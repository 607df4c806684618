/** Command-line parsing the analysis commands share: usage errors exit 2, --help exits 0. */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { validateDeviceReads, type DeviceReadApi } from '../analysis/device-reads.js';
import { readBaseline, type BaselineFinding } from '../report/baseline.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every analysis command takes (check, fix). */
export const ANALYSIS_OPTIONS = {
  format: { type: 'string', short: 'f', default: 'text' },
  output: { type: 'string', short: 'o' },
  jobs: { type: 'string', short: 'j' },
  check: { type: 'string', multiple: true },
  'device-reads': { type: 'string' },
  baseline: { type: 'string' },
  'no-cache': { type: 'boolean' },
  'no-progress': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Parse `argv` for command `cmd`: the values and paths, or the exit code when there is nothing
 * to run (--help: 0; a bad option or no paths: 2, with the usage).
 */
export function parsePathsCommand<O extends Options>(
  cmd: string,
  argv: string[],
  options: O,
  help: string,
):
  | {
      values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values'];
      positionals: string[];
    }
  | number {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options });
  } catch (e) {
    console.error(`driverscope ${cmd}: ${e instanceof Error ? e.message : String(e)}\n\n${help}`);
    return 2;
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(help);
    return 0;
  }
  if (parsed.positionals.length === 0) {
    console.error(`driverscope ${cmd}: no paths given\n\n${help}`);
    return 2;
  }
  return parsed;
}

/** `--baseline REPORT`: the findings of an earlier report; null after reporting a bad file. */
export function parseBaseline(cmd: string, file: string | undefined): BaselineFinding[] | undefined | null {
  if (file === undefined) return undefined;
  try {
    return readBaseline(readFileSync(file, 'utf8'));
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    console.error(`driverscope ${cmd}: cannot use ${file} as a baseline: ${why}`);
    return null;
  }
}

/** `--jobs N`: a positive whole number, or undefined (the default); null after reporting a bad value. */
export function parseJobs(cmd: string, raw: string | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  const jobs = Number(raw);
  if (!Number.isInteger(jobs) || jobs < 1) {
    console.error(`driverscope ${cmd}: --jobs needs a positive whole number, got '${raw}'`);
    return null;
  }
  return jobs;
}

/** `--device-reads FILE`: the extra device-read APIs; null after reporting a bad file. */
export function parseDeviceReads(cmd: string, file: string | undefined): DeviceReadApi[] | undefined | null {
  if (!file) return undefined;
  try {
    return validateDeviceReads(JSON.parse(readFileSync(file, 'utf8')));
  } catch (e) {
    console.error(
      `driverscope ${cmd}: --device-reads ${file}: ${e instanceof Error ? e.message : String(e)}`,
    );
    return null;
  }
}
