/**
 * `driverscope study <tree-or-dirs...> [--json f] [--html f] [--csv f] [--workers n]`
 * `driverscope study --compare a.json b.json [--html f] [--json f]`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { runStudy } from '../study/run.js';
import { formatText } from '../study/text.js';
import type { StudyReport } from '../study/summary.js';

const HELP = `usage: driverscope study <kernel-tree | dirs...> [--json FILE] [--html FILE] [--csv FILE] [--workers N] [--quiet]
       driverscope study --compare A.json B.json [--html FILE] [--json FILE]

Studies every driver (Kbuild module) of a tree: class, bus, entry points and their purposes,
non-class behaviour, chipsets, interactions with the kernel and the device (docs/study.md).
For a kernel root, drivers/ and sound/ are studied. Without output options a text summary is printed.`;

interface Args {
  inputs: string[];
  json?: string;
  html?: string;
  csv?: string;
  workers?: number;
  compare?: [string, string];
  quiet: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): Args {
  const a: Args = { inputs: [], quiet: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i]!;
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    if (x === '--json') a.json = val();
    else if (x === '--html') a.html = val();
    else if (x === '--csv') a.csv = val();
    else if (x === '--workers' || x === '-j') {
      const n = Number(val());
      if (!Number.isInteger(n) || n < 0) throw new Error('--workers needs a whole number');
      a.workers = n;
    } else if (x === '--compare') a.compare = [val(), val()];
    else if (x === '--quiet' || x === '-q') a.quiet = true;
    else if (x === '-h' || x === '--help') a.help = true;
    else if (x.startsWith('-')) throw new Error(`unknown option ${x}`);
    else a.inputs.push(x);
  }
  return a;
}

export async function run(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    console.error(`study: ${(e as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (args.compare) {
    const { compareStudies, formatCompareText } = await import('../study/compare.js');
    const load = (f: string) => JSON.parse(readFileSync(f, 'utf8')) as StudyReport;
    const cmp = compareStudies(load(args.compare[0]), load(args.compare[1]));
    if (args.json) writeFileSync(args.json, JSON.stringify(cmp, null, 1) + '\n');
    if (args.html) {
      const { renderCompareHtml } = await import('../study/html.js');
      writeFileSync(args.html, renderCompareHtml(cmp));
    }
    if (!args.quiet) console.log(formatCompareText(cmp));
    return 0;
  }
  if (args.inputs.length === 0) {
    console.error(`study: give a kernel tree or driver directories\n\n${HELP}`);
    return 2;
  }
  const started = Date.now();
  const tty = process.stderr.isTTY && !args.quiet;
  const report = await runStudy(args.inputs, {
    workers: args.workers,
    onProgress: tty
      ? (done, total) => {
          if (done % 50 === 0 || done === total) process.stderr.write(`\rstudied ${done}/${total} modules`);
        }
      : undefined,
  });
  if (tty) process.stderr.write('\n');
  if (args.json) writeFileSync(args.json, JSON.stringify(report, null, 1) + '\n');
  if (args.csv) {
    const { toCsv } = await import('../study/csv.js');
    writeFileSync(args.csv, toCsv(report));
  }
  if (args.html) {
    const { renderHtml } = await import('../study/html.js');
    writeFileSync(args.html, renderHtml(report));
  }
  if (!args.quiet && (!(args.json || args.csv || args.html) || process.stdout.isTTY))
    console.log(formatText(report));
  if (!args.quiet)
    console.error(
      `study: ${report.summary.driverCount} drivers in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  return 0;
}
