/**
 * Text edits in original-file offsets, and how a set of them becomes the new file. Fixes only ever
 * describe edits; applying them, and refusing two fixes that touch the same text, happens here.
 */

export interface Edit {
  /** Original-text offsets; `start === end` inserts. */
  start: number;
  end: number;
  text: string;
}

/** Do two edits conflict? Replacements may not intersect; an insertion may not fall inside a replacement. */
export function conflicts(a: Edit, b: Edit): boolean {
  if (a.start === a.end && b.start === b.end) return false; // two insertions: both go in, in order
  if (a.start === a.end) return a.start > b.start && a.start < b.end;
  if (b.start === b.end) return b.start > a.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/**
 * Apply edits (non-conflicting) to `source`. At one offset, insertions come first in the order
 * given, then the replacement that starts there.
 */
export function applyEdits(source: string, edits: readonly Edit[]): string {
  const ordered = edits
    .map((e, i) => ({ e, i }))
    .sort(
      (x, y) =>
        x.e.start - y.e.start || Number(x.e.start !== x.e.end) - Number(y.e.start !== y.e.end) || x.i - y.i,
    );
  let out = '';
  let at = 0;
  for (const { e } of ordered) {
    if (e.start < at) throw new Error(`overlapping edits at offset ${e.start}`);
    out += source.slice(at, e.start) + e.text;
    at = e.end;
  }
  return out + source.slice(at);
}
