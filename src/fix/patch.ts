/**
 * Patches as maintainers take them: a commit-message header (subject `module: fix ...`, what the
 * device could do, why the driver hangs or corrupts memory, what each change does), then unified
 * diffs with a/ b/ paths relative to the kernel root — `git apply`, `git am` and `patch -p1` read it.
 */
import { structuredPatch } from 'diff';

/** One file's diff in git's format (no index line: the tree need not be a git repository). */
export function fileDiff(path: string, before: string, after: string): string {
  const p = structuredPatch(`a/${path}`, `b/${path}`, before, after, '', '', { context: 3 });
  let out = `diff --git a/${path} b/${path}\n--- a/${path}\n+++ b/${path}\n`;
  for (const h of p.hunks) {
    out += `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n`;
    for (const l of h.lines) out += `${l}\n`;
  }
  return out;
}

/** What each check's bug lets the device do, and why it hurts (the paper's words, today's kernel). */
const WHY: Record<string, { subject: string; why: string }> = {
  'infinite-poll': {
    subject: 'unbounded device polling',
    why: 'A loop waits for the device with no limit. A device that is stuck, has been removed, or reads all ones keeps the loop spinning, and the CPU or the task hangs.',
  },
  'tainted-index': {
    subject: 'unchecked device index',
    why: 'A value read from the device selects an array element with no check. A faulty device can return any value and make the driver read or corrupt memory out of bounds.',
  },
  'tainted-pointer': {
    subject: 'unchecked device pointer',
    why: 'An address or offset read from the device is dereferenced with no check. A faulty device can make the driver read or write arbitrary memory.',
  },
  'panic-on-device': {
    subject: 'kernel panic on device data',
    why: 'The kernel is crashed because of a value the device returned. A transient device fault should fail one operation, not the machine.',
  },
  'silent-failure': {
    subject: 'silent device failure',
    why: 'The driver sees the device fail and returns an error without logging anything, so the failure reaches the user with no trace of the device that caused it.',
  },
  'silent-timeout': {
    subject: 'silent device timeout',
    why: 'A bounded wait for the device gives up and fails with nothing logged, so no one learns that the device stopped answering.',
  },
};

export interface PatchedChange {
  checkId: string;
  file: string;
  line: number;
  function: string;
  summary: string;
}

/** The commit message: subject, then why, then one line per change. */
export function commitMessage(module: string, changes: readonly PatchedChange[], version: string): string {
  const checks = [...new Set(changes.map((c) => c.checkId))].sort(
    (a, b) => Object.keys(WHY).indexOf(a) - Object.keys(WHY).indexOf(b),
  );
  const subjects = checks.map((c) => WHY[c]?.subject ?? c);
  const subject =
    subjects.length <= 2
      ? subjects.join(' and ')
      : `${subjects.slice(0, -1).join(', ')} and ${subjects.at(-1)}`;
  const lines = [`Subject: [PATCH] ${module}: fix ${subject}`, ''];
  for (const c of checks) {
    lines.push(...wrap(WHY[c]?.why ?? c, 72), '');
  }
  lines.push('Changes:');
  for (const ch of changes)
    lines.push(...wrap(`- ${ch.file}:${ch.line} ${ch.function}(): ${ch.summary}.`, 72, '  '));
  lines.push(
    '',
    ...wrap(
      `Found and fixed by driverscope ${version} (driverscope check / driverscope fix); review before applying.`,
      72,
    ),
  );
  return `From: driverscope <driverscope@users.noreply.invalid>\n${lines.join('\n')}\n---\n`;
}

function wrap(text: string, width: number, cont = ''): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = cont + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
