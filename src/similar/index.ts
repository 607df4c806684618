/**
 * `driverscope similar` as a library: find driver functions that repeat code elsewhere.
 *
 * Pipeline: list the .c files → group them into Kbuild modules → sign every function (parse,
 * normalise, shingle, sketch; in worker threads) → drop exact normalised duplicates into their
 * first copy → LSH buckets → exact Jaccard of candidate pairs → union-find groups → classify each
 * group (procedural abstraction, multi-chipset copy, table-driven) → totals.
 *
 * Output is deterministic: functions are numbered in sorted file order and line order, every
 * later step walks them in that order, and the worker count only changes who signs which batch.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { discoverModules } from '../c/kbuild.js';
import { signBatch, type BatchResult } from './batch.js';
import { Clusterer, DEFAULT_CLUSTER_OPTIONS } from './cluster.js';
import { chooseBanding, forEachBucket } from './lsh.js';
import {
  DEFAULT_SIGNATURE_OPTIONS,
  diceSorted,
  namedTokens,
  sequenceSimilarity,
  type FunctionMeta,
  type SignatureOptions,
} from './signature.js';

export { sequenceSimilarity } from './signature.js';

/**
 * Two functions similar in shape must also agree on what they call: when both call something,
 * the Dice coefficient of their named tokens (kernel APIs, kept macros, `CALL:…` helpers) must
 * reach this. Without it
 * short generic idioms (`ret = f(x); if (ret) dev_err(...)`) group across unrelated drivers.
 */
export const NAMED_AGREEMENT = 0.6;

/** The share of driver code the Linux driver study (Kadav & Swift, 2.6.37) found similar. */
export const PAPER_SIMILAR_SHARE = 0.08;

export type OpportunityKind = 'procedural-abstraction' | 'multi-chipset' | 'table-driven';

export interface SimilarOptions {
  /** Functions shorter than this are not compared. */
  minLines: number;
  /** Minimum token-sequence similarity (2·LCS / total length of the normalised tokens) to group two functions. */
  threshold: number;
  /** Worker threads for parsing and signing; 0 signs in this thread. */
  workers: number;
  /** Files per work item. */
  batchSize: number;
  /** The worker module; defaults to `worker.js` next to this module (the built package). */
  workerUrl?: string | URL;
  /** Progress messages (stderr in the CLI). */
  onProgress?: (message: string) => void;
  signature?: Partial<Omit<SignatureOptions, 'minLines'>>;
}

export const DEFAULT_SIMILAR_OPTIONS: SimilarOptions = {
  minLines: 8,
  threshold: 0.8,
  workers: 2,
  batchSize: 40,
};

export interface GroupMember {
  /** Module (driver) label: directory relative to the tree root, then the Kbuild module name. */
  driver: string;
  class: string;
  bus?: string;
  /** File relative to the tree root. */
  file: string;
  function: string;
  startLine: number;
  endLine: number;
  lines: number;
  /** Token-sequence similarity to the group's centre (the first member, 1 for itself). */
  similarity: number;
}

export interface SimilarGroup {
  id: number;
  kind: OpportunityKind;
  /** Number of functions. */
  size: number;
  /** Lines of all members. */
  loc: number;
  /** Mean and minimum similarity of the members to the group's centre (its first member). */
  similarity: number;
  minSimilarity: number;
  /** All members are the same code after normalisation. */
  identical: boolean;
  drivers: number;
  members: GroupMember[];
}

export interface Breakdown {
  name: string;
  totalLoc: number;
  similarLoc: number;
  share: number;
  groups: number;
}

export interface SimilaritySummary {
  files: number;
  unparsedFiles: number;
  functions: number;
  comparedFunctions: number;
  totalLoc: number;
  similarLoc: number;
  similarLocShare: number;
  paperShare: number;
  groups: number;
  functionsInGroups: number;
  byKind: Record<OpportunityKind, { groups: number; functions: number; loc: number }>;
  byClass: Breakdown[];
  byBus: Breakdown[];
  /** Ids of the largest groups (by lines), largest first. */
  largest: number[];
}

export interface SimilarityReport {
  tool: 'driverscope similar';
  inputs: string[];
  options: {
    minLines: number;
    threshold: number;
    k: number;
    sketch: number;
    seed: number;
    bands: number;
    rows: number;
  };
  summary: SimilaritySummary;
  groups: SimilarGroup[];
}

export interface SimilarResult {
  report: SimilarityReport;
  /** Absolute path of a member's `file`. */
  absolutePath(file: string): string;
}

// ---------------------------------------------------------------- inputs

/** A kernel source root: has drivers/ and MAINTAINERS. */
export function isKernelRoot(dir: string): boolean {
  return existsSync(join(dir, 'drivers')) && existsSync(join(dir, 'MAINTAINERS'));
}

function kernelRootAbove(path: string): string | undefined {
  for (let d = path; ; d = dirname(d)) {
    if (isKernelRoot(d)) return d;
    if (dirname(d) === d) return undefined;
  }
}

function listC(path: string, out: string[]): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isFile()) {
    if (path.endsWith('.c')) out.push(path);
    return;
  }
  if (!st.isDirectory()) return;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) listC(p, out);
    else if (e.isFile() && e.name.endsWith('.c')) out.push(p);
  }
}

export interface FileInfo {
  abs: string;
  /** Display path: relative to the kernel root, or to the input's parent directory. */
  rel: string;
  class: string;
  driver: string;
  /** Module directory as display path components. */
  moduleDir: string[];
  moduleName: string;
}

function classOf(rel: string[], kernel: boolean): string {
  if (kernel) {
    if (rel[0] === 'drivers' && rel.length > 2) return rel[1]!;
    if (rel[0] === 'sound') return 'sound';
    return rel[0] ?? '.';
  }
  return rel.length > 2 ? rel[1]! : (rel[0] ?? '.');
}

/** Expand the inputs (a kernel root means its drivers/ and sound/) into sorted .c files with labels. */
export function collectFiles(inputs: readonly string[]): FileInfo[] {
  const base = new Map<string, { base: string; kernel: boolean }>();
  const all: string[] = [];
  for (const input of inputs) {
    const abs = resolve(input);
    const roots = isKernelRoot(abs)
      ? ['drivers', 'sound'].map((d) => join(abs, d)).filter((d) => existsSync(d))
      : [abs];
    const kroot = kernelRootAbove(abs);
    for (const r of roots) {
      const files: string[] = [];
      listC(r, files);
      for (const f of files) {
        if (base.has(f)) continue;
        base.set(f, kroot ? { base: kroot, kernel: true } : { base: dirname(r), kernel: false });
        all.push(f);
      }
    }
  }
  all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const moduleOf = new Map<string, { dir: string; name: string }>();
  for (const m of discoverModules(all))
    for (const f of m.files) moduleOf.set(f, { dir: m.dir, name: m.name });
  return all.map((abs) => {
    const b = base.get(abs)!;
    const rel = relative(b.base, abs).split(sep);
    const m = moduleOf.get(abs) ?? { dir: dirname(abs), name: basename(abs, '.c') };
    const relDir = relative(b.base, m.dir);
    const moduleDir = relDir ? relDir.split(sep) : [];
    return {
      abs,
      rel: rel.join('/'),
      class: classOf(rel, b.kernel),
      driver: [...moduleDir, m.name].join('/'),
      moduleDir,
      moduleName: m.name,
    };
  });
}

// ---------------------------------------------------------------- signing

async function signAll(
  files: FileInfo[],
  opts: SimilarOptions,
  sigOpts: SignatureOptions,
): Promise<BatchResult[]> {
  const batches: string[][] = [];
  for (let i = 0; i < files.length; i += opts.batchSize)
    batches.push(files.slice(i, i + opts.batchSize).map((f) => f.abs));
  let done = 0;
  const progress = (r: BatchResult) => {
    done += r.files.length;
    if (opts.onProgress && (done === files.length || done % (opts.batchSize * 25) === 0))
      opts.onProgress(`signed ${done}/${files.length} files`);
    return r;
  };
  const workerUrl = opts.workerUrl ?? new URL('./worker.js', import.meta.url);
  const workerPath = workerUrl instanceof URL ? fileURLToPath(workerUrl) : workerUrl;
  if (opts.workerUrl && !existsSync(workerPath)) throw new Error(`worker module ${workerPath} not found`);
  if (opts.workers > 0 && existsSync(workerPath)) {
    opts.onProgress?.(`signing with ${opts.workers} worker threads`);
    const { Piscina } = await import('piscina');
    const pool = new Piscina({ filename: workerPath, minThreads: opts.workers, maxThreads: opts.workers });
    try {
      return await Promise.all(
        batches.map((b) => (pool.run({ files: b, opts: sigOpts }) as Promise<BatchResult>).then(progress)),
      );
    } finally {
      await pool.destroy();
    }
  }
  if (opts.workers > 0) opts.onProgress?.('worker module not built; signing in this thread');
  const out: BatchResult[] = [];
  for (const b of batches) out.push(progress(await signBatch({ files: b, opts: sigOpts })));
  return out;
}

// ---------------------------------------------------------------- classification

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

function sharedNamePrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/**
 * Two modules are one family (one driver copied per chipset) when they live under a common
 * vendor/driver directory at least four levels deep (drivers/net/ethernet/intel), or sit in one
 * directory with names sharing five or more leading characters (rtl8192ce, rtl8192de). A group
 * is multi-chipset when it spans two or more modules of one family, or per-chip variant files of
 * one module ({@link chipVariantFiles}); other copies inside one module are duplication within a
 * driver (procedural abstraction).
 */
export function sameFamily(a: FileInfo, b: FileInfo): boolean {
  if (a.driver === b.driver) return true;
  const common = commonPrefix(a.moduleDir, b.moduleDir);
  if (common >= 4) return true;
  if (common === a.moduleDir.length && common === b.moduleDir.length)
    return sharedNamePrefix(a.moduleName, b.moduleName) >= 5;
  return false;
}

/**
 * Files of one module that are per-chip variants of each other: the same file or names sharing
 * four or more leading characters, both with a digit (sdma_v4_0.c / sdma_v4_4_2.c,
 * rtw8851b_rfk.c / rtw8852b_rfk.c; not rx.c / tx.c).
 */
export function chipVariantFiles(a: FileInfo, b: FileInfo): boolean {
  if (a.abs === b.abs) return true;
  const x = basename(a.abs, '.c');
  const y = basename(b.abs, '.c');
  return sharedNamePrefix(x, y) >= 4 && /\d/.test(x) && /\d/.test(y);
}

/**
 * A function that is mostly a table written as code: at least half of its statements and `case`
 * labels (and six or more) are statements in runs of four or more consecutive statements of the
 * same shape that write constants, or `case` labels (`switch (reg) { case A: case B: ... return true; }`).
 */
export function isRegisterTable(m: FunctionMeta): boolean {
  const table = m.tableStatements + m.caseLabels;
  return table >= 6 && table >= 0.5 * (m.statements + m.caseLabels);
}

function classify(members: { info: FileInfo; meta: FunctionMeta }[]): OpportunityKind {
  const tables = members.filter((m) => isRegisterTable(m.meta)).length;
  if (tables * 2 >= members.length) return 'table-driven';
  const drivers = new Set(members.map((m) => m.info.driver));
  if (drivers.size > 1 && members.every((m) => sameFamily(members[0]!.info, m.info))) return 'multi-chipset';
  const files = new Set(members.map((m) => m.info.abs));
  if (
    drivers.size === 1 &&
    files.size > 1 &&
    members.every((m) => chipVariantFiles(members[0]!.info, m.info))
  )
    return 'multi-chipset';
  return 'procedural-abstraction';
}

// ---------------------------------------------------------------- the pipeline

/** Every signed function of the input, numbered in file and line order. */
export interface Corpus {
  inputs: string[];
  files: FileInfo[];
  fileLines: number[];
  /** The bus of each file's module. */
  fileBus: (string | undefined)[];
  /** Functions seen (before the boilerplate filter) and files that failed. */
  seen: number;
  unparsed: number;
  fileOf: Int32Array;
  metas: FunctionMeta[];
  sequences: Uint32Array[];
  /** `metas.length` sketches of `signature.sketch` values. */
  sketches: Uint32Array;
  signature: SignatureOptions;
}

/** Parse and sign every function of the inputs (in worker threads when asked). */
export async function signCorpus(
  inputs: readonly string[],
  options: Partial<SimilarOptions> = {},
): Promise<Corpus> {
  const opts: SimilarOptions = { ...DEFAULT_SIMILAR_OPTIONS, ...options };
  const sigOpts: SignatureOptions = {
    ...DEFAULT_SIGNATURE_OPTIONS,
    ...opts.signature,
    minLines: opts.minLines,
  };
  const files = collectFiles(inputs);
  if (files.length === 0) throw new Error(`no .c files under ${inputs.join(', ')}`);
  opts.onProgress?.(`${files.length} files`);
  const batches = await signAll(files, opts, sigOpts);
  const S = sigOpts.sketch;
  const n = batches.reduce((k, b) => k + b.meta.length, 0);
  const fileOf = new Int32Array(n);
  const metas: FunctionMeta[] = [];
  const sequences: Uint32Array[] = [];
  const sketches = new Uint32Array(n * S);
  const fileLines: number[] = [];
  const fileBus: (string | undefined)[] = [];
  let seen = 0;
  let unparsed = 0;
  let fi = 0;
  for (const b of batches) {
    let fn = 0;
    for (const f of b.files) {
      fileLines.push(f.lines);
      fileBus.push(f.bus);
      seen += f.seen;
      if (f.error) unparsed++;
      for (let j = 0; j < f.functions; j++, fn++) {
        const i = metas.length;
        fileOf[i] = fi;
        metas.push(b.meta[fn]!);
        sequences.push(b.tokens.subarray(b.offsets[fn]!, b.offsets[fn + 1]!));
        sketches.set(b.sketches.subarray(fn * S, (fn + 1) * S), i * S);
      }
      fi++;
    }
  }
  // A module's bus is the one any of its files registers on.
  const moduleBus = new Map<string, string>();
  files.forEach((f, i) => {
    const b = fileBus[i];
    if (b && !moduleBus.has(f.driver)) moduleBus.set(f.driver, b);
  });
  files.forEach((f, i) => (fileBus[i] = moduleBus.get(f.driver)));
  return {
    inputs: [...inputs],
    files,
    fileLines,
    fileBus,
    seen,
    unparsed,
    fileOf,
    metas,
    sequences,
    sketches,
    signature: sigOpts,
  };
}

/** Group the corpus's similar functions and total them up. */
export function clusterCorpus(corpus: Corpus, options: Partial<SimilarOptions> = {}): SimilarResult {
  const opts: SimilarOptions = { ...DEFAULT_SIMILAR_OPTIONS, ...options };
  const { files, fileLines, fileBus, fileOf, metas, sketches } = corpus;
  const seqs = corpus.sequences;
  const sigOpts = corpus.signature;
  const n = metas.length;
  const S = sigOpts.sketch;
  const t = opts.threshold;

  // Exact normalised copies join their first occurrence; only distinct functions go through LSH.
  const firstOf = new Map<string, number>();
  const copyOf = new Int32Array(n);
  const reps: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = `${metas[i]!.fullHash}:${metas[i]!.tokens}`;
    const first = firstOf.get(key);
    if (first !== undefined && equalArrays(seqs[first]!, seqs[i]!)) copyOf[i] = first;
    else {
      if (first === undefined) firstOf.set(key, i);
      copyOf[i] = i;
      reps.push(i);
    }
  }
  const repSketches = new Uint32Array(reps.length * S);
  reps.forEach((i, r) => repSketches.set(sketches.subarray(i * S, (i + 1) * S), r * S));
  // Candidates come from shingle sketches at a lower Jaccard than the threshold: one inserted or
  // deleted statement costs a short function more shingles than tokens.
  const lshThreshold = Math.max(0.25, t - 0.25);
  // Scored exactly: candidates whose sketches agree on at least `sketchCut` of the bins (scattered
  // small edits lower the shingle Jaccard much more than the token-sequence similarity). A pair at
  // the cut agrees on fewer than `quarterCut` of the first quarter's bins with probability < 10⁻².
  const sketchCut = Math.max(0.15, t - 0.45);
  const quarterCut = Math.floor(
    (S >>> 2) * (sketchCut - 2.5 * Math.sqrt((sketchCut * (1 - sketchCut)) / (S >>> 2))),
  );
  const score = (a: number, b: number) => {
    const x = seqs[a]!;
    const y = seqs[b]!;
    const bound = (2 * Math.min(x.length, y.length)) / (x.length + y.length);
    if (bound < t) return bound;
    if (copyOf[a] === copyOf[b]) return 1;
    const ra = a * S;
    const rb = b * S;
    // Sketch agreement estimates the shingle Jaccard; look at a quarter first, most candidates are noise.
    const quarter = S >>> 2;
    let agree = 0;
    for (let k = 0; k < quarter; k++) if (sketches[ra + k] === sketches[rb + k]) agree++;
    if (agree < quarterCut) return agree / quarter;
    for (let k = quarter; k < S; k++) if (sketches[ra + k] === sketches[rb + k]) agree++;
    if (agree / S < sketchCut) return agree / S;
    exact++;
    const sim = sequenceSimilarity(x, y);
    if (sim < t) return sim;
    // Same shape is not enough: the two must mostly call the same things.
    const na = namedOf(a);
    const nb = namedOf(b);
    if (na.length > 0 && nb.length > 0 && diceSorted(na, nb) < NAMED_AGREEMENT) {
      unnamed++;
      return 0;
    }
    return sim;
  };
  const named = new Map<number, Uint32Array>();
  const namedOf = (i: number) => {
    let v = named.get(copyOf[i]!);
    if (!v) named.set(copyOf[i]!, (v = namedTokens(seqs[i]!)));
    return v;
  };
  let unnamed = 0;
  let exact = 0;
  const clusterer = new Clusterer(n, score, { ...DEFAULT_CLUSTER_OPTIONS, threshold: t }, copyOf);
  for (let i = 0; i < n; i++) if (copyOf[i] !== i) clusterer.same(copyOf[i]!, i);
  const banding = chooseBanding(S, lshThreshold);
  opts.onProgress?.(
    `${n} functions compared (${reps.length} distinct), ${banding.bands} bands × ${banding.rows} rows`,
  );
  const mapped = new Int32Array(reps.length);
  forEachBucket(repSketches, reps.length, S, banding, (members) => {
    for (let j = 0; j < members.length; j++) mapped[j] = reps[members[j]!]!;
    clusterer.bucket(mapped.subarray(0, members.length));
  });
  opts.onProgress?.(
    `${clusterer.scored} pairs scored (${exact} exactly, ${unnamed} alike in shape only), ${clusterer.refused} merges refused`,
  );

  // Groups: the centre first, each member's similarity to it.
  const raw = clusterer.groups().map(({ members: idx }) => {
    const centre = idx[0]!;
    const members = idx.map((i) => ({ i, info: files[fileOf[i]!]!, meta: metas[i]! }));
    const memberOut: GroupMember[] = members.map((m) => ({
      driver: m.info.driver,
      class: m.info.class,
      ...(fileBus[fileOf[m.i]!] ? { bus: fileBus[fileOf[m.i]!] } : {}),
      file: m.info.rel,
      function: m.meta.name,
      startLine: m.meta.startLine,
      endLine: m.meta.endLine,
      lines: m.meta.endLine - m.meta.startLine + 1,
      similarity: copyOf[m.i] === copyOf[centre] ? 1 : round(sequenceSimilarity(seqs[centre]!, seqs[m.i]!)),
    }));
    const sims = memberOut.slice(1).map((m) => m.similarity);
    return {
      kind: classify(members),
      size: members.length,
      loc: memberOut.reduce((k, m) => k + m.lines, 0),
      similarity: round(sims.reduce((k, x) => k + x, 0) / sims.length),
      minSimilarity: Math.min(...sims),
      identical: sims.every((x) => x === 1),
      drivers: new Set(memberOut.map((m) => m.driver)).size,
      members: memberOut,
    };
  });
  raw.sort(
    (a, b) =>
      b.loc - a.loc ||
      b.size - a.size ||
      cmp(a.members[0]!.file, b.members[0]!.file) ||
      a.members[0]!.startLine - b.members[0]!.startLine,
  );
  const groups: SimilarGroup[] = raw.map((g, k) => ({ id: k + 1, ...g }));

  // Totals.
  const totalLoc = fileLines.reduce((s, x) => s + x, 0);
  const similarLoc = groups.reduce((s, g) => s + g.loc, 0);
  const byKind: SimilaritySummary['byKind'] = {
    'procedural-abstraction': { groups: 0, functions: 0, loc: 0 },
    'multi-chipset': { groups: 0, functions: 0, loc: 0 },
    'table-driven': { groups: 0, functions: 0, loc: 0 },
  };
  for (const g of groups) {
    byKind[g.kind].groups++;
    byKind[g.kind].functions += g.size;
    byKind[g.kind].loc += g.loc;
  }
  const breakdown = (
    keyOfFile: (i: number) => string,
    keyOfMember: (m: GroupMember) => string,
  ): Breakdown[] => {
    const acc = new Map<string, { total: number; similar: number; groups: Set<number> }>();
    const get = (k: string) => {
      let a = acc.get(k);
      if (!a) acc.set(k, (a = { total: 0, similar: 0, groups: new Set() }));
      return a;
    };
    files.forEach((_, i) => (get(keyOfFile(i)).total += fileLines[i]!));
    for (const g of groups)
      for (const m of g.members) {
        const a = get(keyOfMember(m));
        a.similar += m.lines;
        a.groups.add(g.id);
      }
    return [...acc]
      .map(([name, a]) => ({
        name,
        totalLoc: a.total,
        similarLoc: a.similar,
        share: round(a.total ? a.similar / a.total : 0),
        groups: a.groups.size,
      }))
      .sort((x, y) => y.similarLoc - x.similarLoc || y.totalLoc - x.totalLoc || cmp(x.name, y.name));
  };
  const summary: SimilaritySummary = {
    files: files.length,
    unparsedFiles: corpus.unparsed,
    functions: corpus.seen,
    comparedFunctions: n,
    totalLoc,
    similarLoc,
    similarLocShare: round(totalLoc ? similarLoc / totalLoc : 0),
    paperShare: PAPER_SIMILAR_SHARE,
    groups: groups.length,
    functionsInGroups: groups.reduce((s, g) => s + g.size, 0),
    byKind,
    byClass: breakdown(
      (i) => files[i]!.class,
      (m) => m.class,
    ),
    byBus: breakdown(
      (i) => fileBus[i] ?? 'none',
      (m) => m.bus ?? 'none',
    ),
    largest: groups.slice(0, 10).map((g) => g.id),
  };
  const report: SimilarityReport = {
    tool: 'driverscope similar',
    inputs: corpus.inputs,
    options: {
      minLines: opts.minLines,
      threshold: opts.threshold,
      k: sigOpts.k,
      sketch: sigOpts.sketch,
      seed: sigOpts.seed,
      bands: banding.bands,
      rows: banding.rows,
    },
    summary,
    groups,
  };
  const absByRel = new Map(files.map((f) => [f.rel, f.abs]));
  return { report, absolutePath: (file) => absByRel.get(file) ?? file };
}

/** The whole pipeline: {@link signCorpus} then {@link clusterCorpus}. */
export async function findSimilar(
  inputs: readonly string[],
  options: Partial<SimilarOptions> = {},
): Promise<SimilarResult> {
  return clusterCorpus(await signCorpus(inputs, options), options);
}

function equalArrays(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
