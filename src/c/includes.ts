/**
 * Which of a module's local headers its files include. A module sees the headers of its own
 * directories (accessor macros, register masks, array sizes), but a directory of many drivers
 * (sound/soc/codecs: 401 modules, 4.6 MB of headers) holds every driver's headers: each module
 * should see its own, not its neighbours' `#define`s of the same register names, and reading all of
 * them for each module cost more than the analysis itself.
 *
 * `#include "x.h"` is followed from the files and, transitively, from the headers reached; a path
 * is resolved against the including file's directory and, failing that (an `-I` flag in the
 * Makefile), matched by its last components among the candidates. System includes (`<...>`) name
 * kernel-wide headers, which are not candidates.
 */
import { basename, dirname, join, normalize } from 'node:path';

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;

/** The quoted include paths of a C text. */
export function quotedIncludes(text: string): string[] {
  if (!text.includes('include')) return [];
  return [...text.matchAll(INCLUDE)].map((m) => m[1]!);
}

/**
 * The candidates (absolute header paths) that `files` include, directly or through each other, in
 * the candidates' order. `textOf` reads a header (it is asked only for headers reached).
 */
export function includedHeaders(
  files: readonly { path: string; text: string }[],
  candidates: readonly string[],
  textOf: (header: string) => string,
): string[] {
  if (candidates.length === 0) return [];
  const known = new Set(candidates);
  const byName = new Map<string, string[]>();
  for (const c of candidates) {
    const b = basename(c);
    byName.set(b, [...(byName.get(b) ?? []), c]);
  }
  const reached = new Set<string>();
  const queue: string[] = [];
  const resolve = (from: string, inc: string) => {
    const direct = normalize(join(dirname(from), inc));
    if (known.has(direct)) return [direct];
    // Found through an include path: the candidates whose path ends with the include's.
    const tail = normalize(inc).replace(/^(\.\.\/)+/, '');
    return (byName.get(basename(inc)) ?? []).filter((c) => c === tail || c.endsWith(`/${tail}`));
  };
  const visit = (from: string, text: string) => {
    for (const inc of quotedIncludes(text))
      for (const h of resolve(from, inc))
        if (!reached.has(h)) {
          reached.add(h);
          queue.push(h);
        }
  };
  for (const f of files) visit(f.path, f.text);
  while (queue.length) {
    const h = queue.pop()!;
    visit(h, textOf(h));
  }
  return candidates.filter((c) => reached.has(c));
}
