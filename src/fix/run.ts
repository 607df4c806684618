/**
 * `driverscope fix`: run the checks, then, file by file, ask each finding's fixer for edits, keep
 * the ones that do not collide, make sure the result still parses, and write one patch per Kbuild
 * module. Data flows one way: findings → fixes → edits → new text → diffs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { discoverModules } from '../c/kbuild.js';
import { kernelRootOf, runCheck, type CheckOptions } from '../engine/run.js';
import { baselineSummary, compareWithBaseline, type BaselineFinding } from '../report/baseline.js';
import type { CheckRunResult } from '../types.js';
import { runFileTask, type FileFix, type FileTask, type FixedFinding } from './fix-file.js';
import { commitMessage, fileDiff } from './patch.js';

export type { FixedFinding } from './fix-file.js';

export interface ModulePatch {
  module: string;
  /** `0001-e1000e.patch` */
  name: string;
  /** Root-relative source paths the patch changes. */
  files: string[];
  text: string;
}

export interface FixRunResult {
  check: CheckRunResult;
  findings: FixedFinding[];
  patches: ModulePatch[];
  /** New contents of every changed file, by absolute path (for --in-place). */
  changed: Map<string, string>;
  /** With `--baseline`: the report compared with, and its findings left alone or gone. */
  baseline?: { path: string; unchanged: number; absent: number };
}

/**
 * What patch paths are relative to: the kernel root; else the git work tree of the input; else the
 * working directory — so `git apply` / `patch -p1` at that root applies them.
 */
export function patchRoot(paths: readonly string[]): string {
  const first = resolve(paths[0] ?? '.');
  const kernel = kernelRootOf(first);
  if (kernel) return kernel;
  let dir = first;
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
    return execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return process.cwd();
  }
}

/** Fix files in a worker pool (each worker parses with its own tree-sitter), in task order. */
async function runTasks(
  tasks: FileTask[],
  jobs: number,
): Promise<{ file?: FileFix; findings: FixedFinding[] }[]> {
  if (jobs <= 1 || tasks.length < 4) {
    const out = [];
    for (const t of tasks) out.push(await runFileTask(t));
    return out;
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const workerFile = existsSync(join(here, 'worker.js'))
    ? join(here, 'worker.js')
    : join(here, '../../dist/fix/worker.js');
  const pool = new Piscina({ filename: workerFile, maxThreads: jobs, minThreads: jobs, idleTimeout: 1000 });
  try {
    return await Promise.all(
      tasks.map((t) => pool.run(t) as Promise<{ file?: FileFix; findings: FixedFinding[] }>),
    );
  } finally {
    await pool.destroy();
  }
}

export async function runFix(
  opts: CheckOptions & {
    version: string;
    root?: string;
    /** Fix only the findings this earlier report does not have (`--baseline`). */
    baseline?: { path: string; findings: BaselineFinding[] };
  },
): Promise<FixRunResult> {
  const check = await runCheck(opts);
  let baseline: FixRunResult['baseline'];
  if (opts.baseline) {
    const c = compareWithBaseline(check.findings, opts.baseline.findings, opts.baseline.path);
    const { path, unchanged, absent } = baselineSummary(c);
    baseline = { path, unchanged, absent };
    // Only the new findings are fixed and reported (their states stay aligned: all new).
    check.findings = check.findings.filter((_, i) => c.states[i] === 'new');
    check.baseline = { ...c, states: check.findings.map(() => 'new' as const) };
  }
  const findings: FixedFinding[] = check.findings.map((f) => ({ ...f, fixStatus: 'unfixed' as const }));
  const byFile = new Map<string, FixedFinding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const fixedFiles: FileFix[] = [];
  const root = opts.root ?? patchRoot(opts.paths);
  const tasks: FileTask[] = [];
  for (const file of [...byFile.keys()].sort()) {
    const abs = isAbsolute(file) ? file : join(check.root, file);
    const rel = relative(root, abs).split(sep).join('/');
    if (rel.startsWith('..')) {
      for (const f of byFile.get(file)!)
        Object.assign(f, { reason: `outside ${root}, where the patch paths start` });
      continue;
    }
    tasks.push({ abs, rel, finding: file, findings: byFile.get(file)! });
  }
  const results = await runTasks(tasks, opts.jobs ?? availableParallelism());
  results.forEach((r, i) => {
    // Findings come back from workers as copies: carry their status over.
    tasks[i]!.findings.forEach((f, k) => Object.assign(f, r.findings[k]));
    if (r.file) fixedFiles.push(r.file);
  });
  // One patch per Kbuild module (a file in two modules goes with the first).
  const modules = discoverModules(fixedFiles.map((f) => f.abs));
  const moduleOf = new Map<string, string>();
  for (const m of modules) for (const file of m.files) if (!moduleOf.has(file)) moduleOf.set(file, m.name);
  const groups = new Map<string, FileFix[]>();
  for (const f of fixedFiles) {
    const dir = f.rel.includes('/') ? f.rel.slice(0, f.rel.lastIndexOf('/')) : '.';
    const key = `${dir}\0${moduleOf.get(f.abs) ?? f.rel.replace(/^.*\//, '').replace(/\.c$/, '')}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const patches: ModulePatch[] = [];
  const changed = new Map<string, string>();
  for (const [key, files] of [...groups].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const module = key.split('\0')[1]!;
    const name = `${String(patches.length + 1).padStart(4, '0')}-${module.replace(/[^\w.-]/g, '_')}.patch`;
    const changes = files
      .flatMap((f) => f.changes)
      .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    const text =
      commitMessage(module, changes, opts.version) +
      '\n' +
      files.map((f) => fileDiff(f.rel, f.before, f.after)).join('');
    patches.push({ module, name, files: files.map((f) => f.rel), text });
    for (const f of files) {
      changed.set(f.abs, f.after);
      for (const x of byFile.get(f.finding)!) if (x.fixStatus === 'fixed') x.patch = name;
    }
  }
  return { check, findings, patches, changed, baseline };
}
