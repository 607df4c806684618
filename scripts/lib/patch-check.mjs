// Pure helpers shared by scripts/fix-apply-check.mjs and scripts/fix-compile-check.mjs
// (no I/O here, so test/scripts/ can test them directly).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

/** The five driver classes of the Carburizer tables, in report order. */
export const CLASSES = ['net', 'scsi', 'sound', 'video', 'other'];

/** Driver class of a kernel-relative path: net, scsi, sound, video (gpu + video) or other. */
export function classOf(path) {
  const p = path.replace(/^\.\//, '');
  if (p.startsWith('drivers/net/')) return 'net';
  if (p.startsWith('drivers/scsi/')) return 'scsi';
  if (p.startsWith('sound/')) return 'sound';
  if (p.startsWith('drivers/gpu/') || p.startsWith('drivers/video/')) return 'video';
  return 'other';
}

/**
 * Kernel-relative paths a unified diff touches (the b/ side; the a/ side for deletions), in order of
 * appearance, without duplicates. Understands `diff --git` headers and plain `---`/`+++` pairs; text
 * before the first diff (a commit message) is ignored.
 */
export function patchFiles(text) {
  const files = [];
  const add = (p) => {
    if (p && p !== '/dev/null' && !files.includes(p)) files.push(p);
  };
  const strip = (p) => {
    const t = p.replace(/\t.*$/, '').trim();
    return t === '/dev/null' ? t : t.replace(/^[ab]\//, '');
  };
  const lines = text.split('\n');
  let oldLeft = 0; // lines of the current hunk still to read (old side / new side)
  let newLeft = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith('\\')) continue; // "\ No newline at end of file"
      if (line.startsWith('-')) oldLeft--;
      else if (line.startsWith('+')) newLeft--;
      else {
        oldLeft--;
        newLeft--;
      }
      continue;
    }
    const hunk = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/.exec(line);
    if (hunk) {
      oldLeft = hunk[1] === undefined ? 1 : Number(hunk[1]);
      newLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
      continue;
    }
    const git = /^diff --git a\/(\S+) b\/(\S+)$/.exec(line);
    if (git) add(git[2]);
    else if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      const minus = strip(line.slice(4));
      const plus = strip(lines[i + 1].slice(4));
      add(plus === '/dev/null' ? minus : plus);
      i++;
    }
  }
  return files;
}

/** The module name in a `NNNN-<module>.patch` file name (the whole base name when it has no number). */
export function moduleOfPatchName(name) {
  const base = name.replace(/^.*\//, '').replace(/\.patch$/, '');
  const m = /^\d+-(.+)$/.exec(base);
  return m ? m[1] : base;
}

/**
 * gcc / objtool `warning:` lines of a build log, normalised so that the same warning before and after a
 * patch compares equal: the source-tree prefix is removed, line and column numbers are dropped
 * (`file:12:5: warning: x` → `file: warning: x`), objtool offsets become `+0x?/0x?`, and
 * whitespace is squeezed. Returns them in log order (duplicates kept: they are counted as a multiset).
 */
export function normaliseWarnings(log, srcPrefixes = []) {
  const out = [];
  const prefixes = [...srcPrefixes].filter(Boolean).sort((a, b) => b.length - a.length);
  for (const raw of log.split('\n')) {
    if (!/\bwarning:/.test(raw)) continue;
    let line = raw.trim();
    for (const p of prefixes) {
      const withSlash = p.endsWith('/') ? p : `${p}/`;
      line = line.split(withSlash).join('');
    }
    line = line
      .replace(/^(\.\.\/)+/, '')
      .replace(/^([^\s:]+):\d+(?::\d+)?:/, '$1:')
      .replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/g, '+0x?/0x?')
      .replace(/\+0x[0-9a-f]+/g, '+0x?')
      .replace(/\s+/g, ' ');
    out.push(line);
  }
  return out;
}

/** Warnings in `after` that are not in `before`, counting duplicates (multiset difference). */
export function newWarnings(before, after) {
  const left = new Map();
  for (const w of before) left.set(w, (left.get(w) ?? 0) + 1);
  const fresh = [];
  for (const w of after) {
    const n = left.get(w) ?? 0;
    if (n > 0) left.set(w, n - 1);
    else fresh.push(w);
  }
  return fresh;
}

/** Whether a failed single-object build means "this object is not built by the configuration" rather than a compile error. */
export function isNotATarget(log) {
  return /No rule to make target|Nothing to be done for|is not a target/.test(log);
}

/**
 * Split a sample of `total` over the classes that have candidates: an equal share each, the
 * remainder to the first classes, and any share a class cannot fill passed on to the others.
 * `available` maps class → number of candidates. Returns class → quota.
 */
export function classQuotas(total, available) {
  const quotas = Object.fromEntries(CLASSES.map((c) => [c, 0]));
  let left = total;
  for (;;) {
    const open = CLASSES.filter((c) => (available[c] ?? 0) > quotas[c]);
    if (left <= 0 || open.length === 0) break;
    const share = Math.max(1, Math.floor(left / open.length));
    for (const c of open) {
      if (left <= 0) break;
      const take = Math.min(share, (available[c] ?? 0) - quotas[c], left);
      quotas[c] += take;
      left -= take;
    }
  }
  return quotas;
}

/**
 * Candidates per class in a deterministic, well-spread order: each class's patches sorted by a hash of
 * `seed` + module name (so the sample does not cluster in the alphabetically first directories, yet is
 * the same on every run), one patch per driver directory before any second one of a directory. `patches` are {name, files}; the class is that of the first .c file (else
 * the first file). Returns class → patches in trial order.
 */
export function candidateOrder(patches, seed = 'driverscope') {
  const byClass = Object.fromEntries(CLASSES.map((c) => [c, []]));
  const key = (p) =>
    createHash('sha1')
      .update(`${seed}\0${moduleOfPatchName(p.name)}`)
      .digest('hex');
  for (const p of patches) {
    const first = p.files.find((f) => f.endsWith('.c')) ?? p.files[0];
    if (!first) continue;
    byClass[classOf(first)].push({ ...p, key: key(p), first });
  }
  for (const c of CLASSES) {
    byClass[c].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.name < b.name ? -1 : 1));
    // One driver directory at a time: first the first patch of each directory (in hash order), then
    // the others, so a sample does not take three modules of the same driver family.
    const seen = new Set();
    const first = [];
    const later = [];
    for (const p of byClass[c]) {
      const dir = p.first.replace(/\/[^/]*$/, '');
      (seen.has(dir) ? later : first).push(p);
      seen.add(dir);
    }
    byClass[c] = [...first, ...later].map(({ key: _key, first: _first, ...p }) => p);
  }
  return byClass;
}

/** Minimal `--flag value` / `--switch` parser: returns {options, positional}. `flags` lists the switches without a value. */
export function parseArgs(argv, flags = []) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (eq > 0) options[name] = a.slice(eq + 1);
      else if (flags.includes(name)) options[name] = true;
      else if (i + 1 < argv.length) options[name] = argv[++i];
      else throw new Error(`option --${name} needs a value`);
    } else positional.push(a);
  }
  return { options, positional };
}

/** Seconds with one decimal, for the timing lines. */
export function secs(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Object targets of a Kbuild dry run (`make -n`): for each compile command `... -c -o OBJ SRC.c`, the
 * kernel-relative source path (with `..` resolved and the source-tree prefix removed) → the object
 * target exactly as Kbuild names it (e.g. `drivers/gpu/drm/amd/amdgpu/../display/dc/x.o`, which is the
 * only path that builds with amdgpu's flags). Host programs under scripts/ and tools/ are left out.
 * Adds to `into` (a Map) and returns it, so a long dry run can be parsed line by line.
 */
export function addObjectTargets(text, srcPrefix, into = new Map()) {
  const prefix = srcPrefix.endsWith('/') ? srcPrefix : `${srcPrefix}/`;
  for (const m of text.matchAll(/ -c -o (\S+\.o) (\S+\.c)(?=[\s;'"]|$)/g)) {
    const obj = m[1];
    let source = m[2].startsWith(prefix) ? m[2].slice(prefix.length) : m[2];
    source = posix.normalize(source);
    if (source.startsWith('/') || source.startsWith('../')) continue;
    if (/^(scripts|tools)\//.test(source)) continue;
    if (!into.has(source)) into.set(source, obj);
  }
  return into;
}
