/**
 * Fix one file: each finding's fixer gives edits, edits that collide are refused, includes are
 * added, and the result must parse as well as the original. Runs in the main thread or in a
 * worker (src/fix/worker.ts); the findings' fix status comes back with the new text.
 */
import { buildFileModel } from '../c/model.js';
import { errorExtent, parseC } from '../c/parser.js';
import { FIXERS } from '../checks/fixes.js';
import { readSource } from '../engine/analyse-module.js';
import type { Finding } from '../types.js';
import { applyEdits, conflicts, type Edit } from './edit.js';
import type { PatchedChange } from './patch.js';
import { FixSource } from './source.js';

export interface FixedFinding extends Finding {
  fixStatus: 'fixed' | 'unfixed';
  /** Why no fix was written (unfixed only). */
  reason?: string;
  /** What the fix does (fixed only). */
  fix?: string;
  /** The patch file it is in (fixed only, when patches are written). */
  patch?: string;
  /** The fix's own edits as line/column regions of the original file (fixed only; for SARIF). */
  replacements?: Replacement[];
}

/** An edit as SARIF states it: the region replaced (empty: an insertion) and the new text. */
export interface Replacement {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  text: string;
}

export interface FileTask {
  abs: string;
  /** Path in the patch. */
  rel: string;
  /** The file as findings name it. */
  finding: string;
  findings: FixedFinding[];
}

export interface FileFix {
  /** The file as findings name it. */
  finding: string;
  rel: string;
  abs: string;
  before: string;
  after: string;
  changes: PatchedChange[];
}

/** Fix the findings of one file: edits per finding, conflicts refused, includes added, re-parsed. */
export async function fixFile({ abs, rel, finding, findings }: FileTask): Promise<FileFix | undefined> {
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
    const includes = new Map<string, FixedFinding>();
    const toRegion = (e: Edit): Replacement => {
      const a = parsed.lines.position(e.start);
      const b = parsed.lines.position(e.end);
      return { startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column, text: e.text };
    };
    const changes: PatchedChange[] = [];
    for (const f of findings) {
      const fixer = FIXERS.get(f.checkId);
      const mark = src.mark();
      let outcome;
      try {
        outcome = fixer ? fixer.fix(f, src) : { unfixed: 'no fix for this check' };
      } catch (e) {
        outcome = { unfixed: `fixer failed: ${e instanceof Error ? e.message : String(e)}` };
      }
      if ('unfixed' in outcome) {
        src.restore(mark);
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
        src.restore(mark);
        Object.assign(f, { fixStatus: 'unfixed', reason: 'another finding’s fix changes the same code' });
        continue;
      }
      accepted.push(...plan.edits);
      for (const i of plan.includes ?? []) if (!includes.has(i)) includes.set(i, f);
      Object.assign(f, { fixStatus: 'fixed', fix: plan.summary, replacements: plan.edits.map(toRegion) });
      changes.push({
        checkId: f.checkId,
        file: rel,
        line: f.line,
        function: f.function,
        summary: plan.summary,
      });
    }
    if (!accepted.length) return undefined;
    for (const [h, first] of [...includes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (h === 'linux/delay.h' && includes.has('linux/iopoll.h')) continue; // iopoll.h includes it
      const e = src.addInclude(h);
      if (!e) continue;
      accepted.push(e);
      first.replacements = [toRegion(e), ...(first.replacements ?? [])];
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
            replacements: undefined,
          });
      return undefined;
    }
    return { finding, rel, abs, before: read.text, after, changes };
  } finally {
    parsed.dispose();
  }
}

/** The task's result: the fixed file (if any) and the findings with their status. */
export async function runFileTask(task: FileTask): Promise<{ file?: FileFix; findings: FixedFinding[] }> {
  const file = await fixFile(task);
  return { file, findings: task.findings };
}
