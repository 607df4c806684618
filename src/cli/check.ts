/** `driverscope check <path>...` — find code that trusts the hardware. */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ALL_CHECKS } from '../checks/index.js';
import { runCheck } from '../engine/run.js';
import { baselineSummary, compareWithBaseline } from '../report/baseline.js';
import { renderJson } from '../report/json.js';
import { renderSarif } from '../report/sarif.js';
import { renderText } from '../report/text.js';
import { renderTimings } from '../report/timings.js';
import { ANALYSIS_OPTIONS, parseBaseline, parseDeviceReads, parseJobs, parsePathsCommand } from './args.js';
import { ProgressBar } from './progress.js';

const HELP = `usage: driverscope check [options] <path>...

Finds code that trusts the hardware: polling loops with no timeout, device data used as an index or
pointer, panics on device data, and failures nobody logs. Paths are C files or directories; a kernel
tree's root means its drivers/ and sound/.

options:
  -f, --format <text|json|sarif>  output format (default: text)
  -o, --output <file>             write the report to a file instead of stdout
  -j, --jobs <n>                  worker threads (default: number of cores)
      --check <id,...>            run only these checks (${ALL_CHECKS.map((c) => c.meta.id).join(', ')})
      --device-reads <file.json>  extra device-read APIs (see docs/device-reads.md)
      --no-cache                  do not read or write the result cache
      --brief                     text: one line per finding, no traces
      --baseline <report>         compare with an earlier JSON or SARIF report: list only new
                                  findings (text), mark each new/unchanged (JSON, SARIF baselineState),
                                  report those gone; exit 1 only for new findings
      --timings                   print where the time went, by phase and check, to stderr
      --no-progress               no progress bar
  -h, --help

exit status: 0 no findings, 1 findings, 2 usage or fatal error`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parsePathsCommand(
    'check',
    argv,
    {
      ...ANALYSIS_OPTIONS,
      brief: { type: 'boolean' },
      timings: { type: 'boolean' },
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) {
    console.error(`driverscope check: unknown format '${format}' (text, json, sarif)`);
    return 2;
  }
  const jobs = parseJobs('check', values.jobs);
  if (jobs === null) return 2;
  const extraReads = parseDeviceReads('check', values['device-reads']);
  if (extraReads === null) return 2;
  const checks = values.check?.flatMap((c) => c.split(',')).filter(Boolean);
  const baseline = parseBaseline('check', values.baseline);
  if (baseline === null) return 2;
  const bar =
    !values['no-progress'] && process.stderr.isTTY ? new ProgressBar('analysing modules') : undefined;
  const result = await runCheck({
    paths: positionals,
    jobs,
    checks,
    extraReads,
    cache: !values['no-cache'],
    timings: values.timings,
    onProgress: bar ? (d, t) => bar.update(d, t) : undefined,
  });
  bar?.done();
  if (baseline) result.baseline = compareWithBaseline(result.findings, baseline, values.baseline!);
  const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  const text =
    format === 'json'
      ? renderJson(result)
      : format === 'sarif'
        ? renderSarif(result, version)
        : renderText(result, { color: !values.output && process.stdout.isTTY, brief: values.brief });
  const reported = result.baseline ? baselineSummary(result.baseline).new : result.findings.length;
  if (values.output) {
    writeFileSync(values.output, text);
    console.error(
      `driverscope check: ${result.findings.length} findings` +
        (result.baseline ? ` (${reported} new since ${values.baseline})` : '') +
        ` written to ${values.output}`,
    );
  } else process.stdout.write(text);
  if (result.timings) process.stderr.write(renderTimings(result.timings, result.wallMs));
  return reported > 0 ? 1 : 0;
}
