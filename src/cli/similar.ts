/**
 * `driverscope similar <tree-or-dirs>... [--min-lines 8] [--threshold 0.8] [--json f] [--html f]`:
 * groups of driver functions that repeat code elsewhere. A kernel root means its drivers/ and sound/.
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { findSimilar } from '../similar/index.js';
import { readSourceFile, renderHtml, renderText } from '../similar/report.js';

const HELP = `usage: driverscope similar <tree-or-dirs>... [options]

Find driver functions that are substantially similar to code elsewhere (renamed identifiers,
changed constants and register names, small insertions and deletions) and group them by the kind
of opportunity: procedural abstraction, multi-chipset support, table-driven code.
A kernel source root stands for its drivers/ and sound/ directories.

options:
  --min-lines N     ignore functions shorter than N lines (default 8)
  --threshold X     minimum similarity (Jaccard of normalised token shingles) to group (default 0.8)
  --json FILE       write the full report as JSON
  --html FILE       write a self-contained HTML page with the groups side by side
  --html-groups N   groups shown in the HTML page (default 300)
  --workers N       worker threads for parsing (default: min(2, cores); 0 = none)
  --top N           groups listed in the text summary (default 10)
  -q, --quiet       no progress on stderr
  -h, --help        this help`;

function num(v: string | undefined, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isFinite(x) || x < min || x > max)
    throw new Error(`--${name} must be a number in [${min}, ${max}]`);
  return x;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'min-lines': { type: 'string' },
        threshold: { type: 'string' },
        json: { type: 'string' },
        html: { type: 'string' },
        'html-groups': { type: 'string' },
        workers: { type: 'string' },
        top: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    console.error(`similar: ${e instanceof Error ? e.message : String(e)}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`similar: name a kernel tree or driver directories\n\n${HELP}`);
    return 2;
  }
  let minLines: number, threshold: number, workers: number, top: number, htmlGroups: number;
  try {
    minLines = Math.floor(num(values['min-lines'], 'min-lines', 8, 1, 1e6));
    threshold = num(values.threshold, 'threshold', 0.8, 0.05, 1);
    workers = Math.floor(num(values.workers, 'workers', Math.min(2, availableParallelism()), 0, 64));
    top = Math.floor(num(values.top, 'top', 10, 0, 1e6));
    htmlGroups = Math.floor(num(values['html-groups'], 'html-groups', 300, 0, 1e6));
  } catch (e) {
    console.error(`similar: ${(e as Error).message}`);
    return 2;
  }
  const t0 = Date.now();
  const progress = values.quiet
    ? undefined
    : (m: string) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
  const { report, absolutePath } = await findSimilar(positionals, {
    minLines,
    threshold,
    workers,
    onProgress: progress,
  });
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 1) + '\n');
  if (values.html)
    writeFileSync(
      values.html,
      renderHtml(report, {
        maxGroups: htmlGroups,
        maxMembers: 4,
        readSource: (f) => readSourceFile(absolutePath(f)),
      }),
    );
  process.stdout.write(renderText(report, top));
  return 0;
}
