/** `driverscope fix <path>...` — write repair patches for what `check` finds. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { ALL_CHECKS } from '../checks/index.js';
import { runFix, type FixRunResult } from '../fix/run.js';
import { renderFixJson, renderFixText } from '../report/fix.js';
import { renderSarif } from '../report/sarif.js';
import { ANALYSIS_OPTIONS, parseBaseline, parseDeviceReads, parseJobs, parsePathsCommand } from './args.js';
import { ProgressBar } from './progress.js';

const HELP = `usage: driverscope fix [options] <path>...

Writes repair patches for the findings of \`driverscope check\`: time limits for polling loops,
bounds and NULL checks for device data, WARN_ON instead of BUG_ON, log lines for silent failures.
One patch per Kbuild module, in git's format, paths relative to the kernel root.

options:
      --out <dir>                 where patches go (default: ./driverscope-patches)
      --stdout                    print the patches instead of writing files
      --in-place                  edit the source files (refused on a dirty git tree)
      --force                     with --in-place: edit even if the git tree has changes
  -f, --format <text|json|sarif>  the report (default: text); json lists every finding with fixStatus,
                                  sarif gives each fixed result its fix (artifactChanges)
  -o, --output <file>             write the report to a file
  -j, --jobs <n>                  worker threads for the analysis (default: number of cores)
      --check <id,...>            only these checks (${ALL_CHECKS.map((c) => c.meta.id).join(', ')})
      --device-reads <file.json>  extra device-read APIs (see docs/device-reads.md)
      --baseline <report>         fix only the findings that are not in this earlier check report
                                  (JSON or SARIF): a patch series' new findings
      --no-cache                  do not read or write the result cache
      --no-progress               no progress bar
  -h, --help

exit status: 0 every finding fixed (or none), 1 some findings left unfixed, 2 usage or fatal error`;

/** Uncommitted changes in the git work tree around `dir`, or undefined outside git. */
function gitDirty(dir: string): string | undefined {
  try {
    const out = execFileSync('git', ['-C', dir, 'status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.trim();
  } catch {
    return undefined;
  }
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parsePathsCommand(
    'fix',
    argv,
    {
      out: { type: 'string' },
      stdout: { type: 'boolean' },
      'in-place': { type: 'boolean' },
      force: { type: 'boolean' },
      ...ANALYSIS_OPTIONS,
    },
    HELP,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) {
    console.error(`driverscope fix: unknown format '${format}' (text, json, sarif)`);
    return 2;
  }
  if (values.stdout && values['in-place']) {
    console.error('driverscope fix: --stdout and --in-place exclude each other');
    return 2;
  }
  const jobs = parseJobs('fix', values.jobs);
  if (jobs === null) return 2;
  const extraReads = parseDeviceReads('fix', values['device-reads']);
  if (extraReads === null) return 2;
  const baseline = parseBaseline('fix', values.baseline);
  if (baseline === null) return 2;
  if (values['in-place'] && !values.force) {
    const dirs = new Set(
      positionals.map((p) => resolve(existsSync(p) && !p.endsWith('.c') ? p : dirname(p))),
    );
    for (const d of dirs) {
      const dirty = gitDirty(d);
      if (dirty) {
        console.error(
          `driverscope fix: the git tree at ${d} has uncommitted changes; commit or stash them, or use --force\n${dirty}`,
        );
        return 2;
      }
    }
  }
  const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  const bar =
    !values['no-progress'] && process.stderr.isTTY ? new ProgressBar('analysing modules') : undefined;
  let result: FixRunResult;
  try {
    result = await runFix({
      paths: positionals,
      jobs,
      checks: values.check?.flatMap((c) => c.split(',')).filter(Boolean),
      extraReads,
      cache: !values['no-cache'],
      onProgress: bar ? (d, t) => bar.update(d, t) : undefined,
      version,
      baseline: baseline ? { path: values.baseline!, findings: baseline } : undefined,
    });
  } catch (e) {
    bar?.done();
    console.error(`driverscope fix: ${e instanceof Error ? e.message : String(e)}`);
    return 2;
  }
  bar?.done();

  let where: string;
  if (values.stdout) {
    process.stdout.write(result.patches.map((p) => p.text).join('\n'));
    where = 'stdout';
  } else if (values['in-place']) {
    for (const [file, text] of result.changed) writeFileSync(file, text);
    where = `${result.changed.size} files edited in place`;
  } else {
    const out = resolve(values.out ?? 'driverscope-patches');
    mkdirSync(out, { recursive: true });
    // A re-run replaces the patches of the previous one (numbering may have changed).
    for (const f of readdirSync(out)) if (/^\d{4}-.*\.patch$/.test(f)) rmSync(join(out, f));
    for (const p of result.patches) writeFileSync(join(out, p.name), p.text);
    where = out;
  }
  const report =
    format === 'json'
      ? renderFixJson(result)
      : format === 'sarif'
        ? renderSarif({ ...result.check, findings: result.findings }, version)
        : renderFixText(result, where);
  if (values.output) writeFileSync(values.output, report);
  else if (values.stdout) process.stderr.write(report);
  else process.stdout.write(report);
  return result.findings.some((f) => f.fixStatus === 'unfixed') ? 1 : 0;
}
