/**
 * `driverscope fix`: run the checks, then, file by file, ask each finding's fixer for edits, keep
 * the ones that do not collide, make sure the result still parses, and write one patch per Kbuild
 * module. Data flows one way: findings → fixes → edits → new text → diffs.
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { buildFileModel } from '../c/model.js';
import { discoverModules } from '../c/kbuild.js';
import { errorExtent, parseC } from '../c/parser.js';
import { FIXERS } from '../checks/fixes.js';
import { readSource } from '../engine/analyse-module.js';
import { kernelRootOf, runCheck, type CheckOptions } from '../engine/run.js';
import type { CheckRunResult, Finding } from '../types.js';
import { applyEdits, conflicts, type Edit } from './edit.js';
import { commitMessage, fileDiff, type PatchedChange } from './patch.js';
import { FixSource } from './source.js';

export interface FixedFinding extends Finding {
  fixStatus: 'fixed' | 'unfixed';
  /** Why no fix was written (unfixed only). */
  reason?: string;
  /** What the fix does (fixed only). */
  fix?: string;
  /** The patch file it is in (fixed only, when patches are written). */
  patch?: string;
}

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
}

interface FileFix {
  /** The file as findings name it. */
  finding: string;
  rel: string;
  abs: string;
  before: string;
  after: string;
  changes: PatchedChange[];
}

/** Fix the findings of one file: edits per finding, conflicts refused, includes added, re-parsed. */
async function fixFile(
  abs: string,
  rel: string,
  finding: string,
  findings: FixedFinding[],
): Promise<FileFix | undefined> {
  const read = readSource(abs, 8 * 1024 * 1024);
  const refuse = (reason: string) => {
    for (const f of findings) Object.assign(f, { fixStatus: 'unfixed', reason });
    return undefined;
  };
  if ('skip' in read) return refuse(read.skip);
  if (read.latin1) return refuse('the file is not UTF-8');
  const parsed = await parseC(abs, read.text);
  try {
    const src = new FixSource(parsed, buildFileModel(parsed));
    const accepted: Edit[] = [];
    const includes = new Set<string>();
    const changes: PatchedChange[] = [];
    for (const f of findings) {
      const fixer = FIXERS.get(f.checkId);
      let outcome;
      try {
        outcome = fixer ? fixer.fix(f, src) : { unfixed: 'no fix for this check' };
      } catch (e) {
        outcome = { unfixed: `fixer failed: ${e instanceof Error ? e.message : String(e)}` };
      }
      if ('unfixed' in outcome) {
        Object.assign(f, { fixStatus: 'unfixed', reason: outcome.unfixed });
        continue;
      }
      const { plan } = outcome;
      const clash = accepted.find((a) => plan.edits.some((e) => conflicts(a, e)));
      // Two findings on one statement often want the same edit (one guard): keep it once.
      const same = plan.edits.every((e) =>
        accepted.some((a) => a.start === e.start && a.end === e.end && a.text === e.text),
      );
      if (same) {
        Object.assign(f, { fixStatus: 'fixed', fix: plan.summary });
        continue;
      }
      if (clash) {
        Object.assign(f, { fixStatus: 'unfixed', reason: 'another finding’s fix changes the same code' });
        continue;
      }
      accepted.push(...plan.edits);
      for (const i of plan.includes ?? []) includes.add(i);
      Object.assign(f, { fixStatus: 'fixed', fix: plan.summary });
      changes.push({
        checkId: f.checkId,
        file: rel,
        line: f.line,
        function: f.function,
        summary: plan.summary,
      });
    }
    if (!accepted.length) return undefined;
    for (const h of [...includes].sort()) {
      if (h === 'linux/delay.h' && includes.has('linux/iopoll.h')) continue; // iopoll.h includes it
      const e = src.addInclude(h);
      if (e) accepted.push(e);
    }
    const after = applyEdits(read.text, accepted);
    // The fixed file must parse as well as the original did.
    const again = await parseC(abs, after);
    const grew = errorExtent(again.tree.rootNode).errorBytes > errorExtent(parsed.tree.rootNode).errorBytes;
    again.dispose();
    if (grew) {
      for (const f of findings)
        if (f.fixStatus === 'fixed')
          Object.assign(f, {
            fixStatus: 'unfixed',
            reason: 'the fixed file would not parse',
            fix: undefined,
          });
      return undefined;
    }
    return { finding, rel, abs, before: read.text, after, changes };
  } finally {
    parsed.dispose();
  }
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

export async function runFix(opts: CheckOptions & { version: string; root?: string }): Promise<FixRunResult> {
  const check = await runCheck(opts);
  const findings: FixedFinding[] = check.findings.map((f) => ({ ...f, fixStatus: 'unfixed' as const }));
  const byFile = new Map<string, FixedFinding[]>();
  for (const f of findings) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
  const fixedFiles: FileFix[] = [];
  const root = opts.root ?? patchRoot(opts.paths);
  for (const file of [...byFile.keys()].sort()) {
    const abs = isAbsolute(file) ? file : join(check.root, file);
    const rel = relative(root, abs).split(sep).join('/');
    if (rel.startsWith('..')) {
      for (const f of byFile.get(file)!)
        Object.assign(f, { reason: `outside ${root}, where the patch paths start` });
      continue;
    }
    const ff = await fixFile(abs, rel, file, byFile.get(file)!);
    if (ff) fixedFiles.push(ff);
  }
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
  return { check, findings, patches, changed };
}
