/**
 * A check run over files and directories: find the C files, group them into Kbuild modules,
 * skip modules that cannot reach a device read, analyse the rest in a worker pool, and cache each
 * module's result by the hash of its contents so a re-run over an unchanged tree is near-instant.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { DeviceReadTable, type DeviceReadApi } from '../analysis/device-reads.js';
import { POLL_HELPER_CALL } from '../analysis/kernel-apis.js';
import { findAccessors } from '../analysis/module.js';
import { includedHeaders } from '../c/includes.js';
import { discoverModules, type KbuildModule } from '../c/kbuild.js';
import { cacheRoot } from '../kernel/fetch.js';
import type { CheckRunResult, FileStats, Finding, SkippedFile } from '../types.js';
import { compareFindings } from './order.js';
import { analyseModuleTask, readSource, type ModuleResult, type ModuleTask } from './analyse-module.js';
import { accessorsCalled, callOf, kernelAccessors, namesCalled } from './kernel-accessors.js';
import { addTime, mergeTimings } from './timings.js';

export interface CheckOptions {
  paths: string[];
  jobs?: number;
  checks?: string[];
  extraReads?: DeviceReadApi[];
  cache?: boolean;
  cacheDir?: string;
  maxFileBytes?: number;
  timeLimitMs?: number;
  /** Time the phases and checks (the result's `timings`). */
  timings?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Cached results are only valid for the analysis code that produced them: the cache key includes
 * a hash of the front end, analyses, checks and engine as installed (dist/ or, under tests, src/).
 */
let codeHash: string | undefined;
function analysisCodeHash(): string {
  if (codeHash) return codeHash;
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const h = createHash('sha256').update('driverscope-check-cache-3');
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      // Fixes (checks/*.fix.ts, checks/fixes.ts) do not change findings: not part of the key.
      else if (/\.(js|ts)$/.test(e.name) && !/\.d\.ts$|\.fix\.[jt]s$|^fixes\.[jt]s$/.test(e.name))
        h.update(p.slice(root.length)).update(readFileSync(p));
    }
  };
  for (const sub of ['c', 'analysis', 'checks', 'engine'])
    if (existsSync(join(root, sub))) walk(join(root, sub));
  codeHash = h.digest('hex');
  return codeHash;
}
const SKIP_DIRS = new Set(['.git', 'node_modules', '.pc', 'Documentation']);

/** The kernel tree that contains `p`, if any (a directory with MAINTAINERS, Kconfig and drivers/). */
export function kernelRootOf(p: string): string | undefined {
  let d = resolve(p);
  try {
    if (!statSync(d).isDirectory()) d = dirname(d);
  } catch {
    return undefined;
  }
  for (;;) {
    if (
      existsSync(join(d, 'MAINTAINERS')) &&
      existsSync(join(d, 'Kconfig')) &&
      existsSync(join(d, 'drivers'))
    )
      return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

/**
 * Expand the user's paths into C files. A kernel root means its drivers/ and sound/ (the paper's
 * scope). Sorted, so runs are deterministic.
 */
export function collectFiles(paths: string[]): { cFiles: string[]; missing: string[] } {
  const out = new Set<string>();
  const missing: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIP_DIRS.has(e.name)) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.c')) out.add(p);
    }
  };
  for (const raw of paths) {
    const p = resolve(raw);
    let st;
    try {
      st = statSync(p);
    } catch {
      missing.push(raw);
      continue;
    }
    if (st.isDirectory()) {
      if (kernelRootOf(p) === p) {
        for (const sub of ['drivers', 'sound']) if (existsSync(join(p, sub))) walk(join(p, sub));
      } else walk(p);
    } else out.add(p);
  }
  return { cFiles: [...out].sort(), missing };
}

/** Where paths in results are relative to: the kernel root, or else the common directory. */
export function resultRoot(paths: string[]): string {
  for (const p of paths) {
    const k = kernelRootOf(p);
    if (k) return k;
  }
  return process.cwd();
}

function localHeaders(mod: KbuildModule, cache: Map<string, string[]>): string[] {
  const dirs = new Set(mod.files.map((f) => dirname(f)));
  const out: string[] = [];
  for (const d of [...dirs].sort()) {
    let hs = cache.get(d);
    if (!hs) {
      try {
        hs = readdirSync(d)
          .filter((f) => f.endsWith('.h'))
          .sort()
          .map((f) => join(d, f));
      } catch {
        hs = [];
      }
      cache.set(d, hs);
    }
    out.push(...hs);
  }
  return out;
}

export async function runCheck(opts: CheckOptions): Promise<CheckRunResult> {
  const t0 = Date.now();
  const { cFiles, missing } = collectFiles(opts.paths);
  if (missing.length) throw new Error(`no such file or directory: ${missing.join(', ')}`);
  const root = resultRoot(opts.paths);
  const modules = discoverModules(cFiles);
  const reads = opts.extraReads?.length
    ? new DeviceReadTable().extend(opts.extraReads)
    : new DeviceReadTable();
  const maxFileBytes = opts.maxFileBytes ?? 4 * 1024 * 1024;
  const timeLimitMs = opts.timeLimitMs ?? 60_000;
  const useCache = opts.cache !== false;
  const cacheDir = opts.cacheDir ?? join(cacheRoot(), 'check-cache');
  if (useCache) mkdirSync(cacheDir, { recursive: true });

  const headerCache = new Map<string, string[]>();
  const headerText = new Map<string, string>();
  const headerTextOf = (h: string) => {
    let t = headerText.get(h);
    if (t === undefined) {
      const r = readSource(h, maxFileBytes);
      t = 'text' in r ? r.text : '';
      headerText.set(h, t);
    }
    return t;
  };
  // A header goes into the key of every module that includes it (a directory's common header into
  // dozens): each is hashed once, its digest is what the module keys hash.
  const headerDigest = new Map<string, string>();
  const digestOf = (h: string) => {
    let d = headerDigest.get(h);
    if (d === undefined) {
      d = createHash('sha256').update(headerTextOf(h)).digest('hex');
      headerDigest.set(h, d);
    }
    return d;
  };
  const accessorCache = new Map<string, RegExp | undefined>();
  const configKey = JSON.stringify({
    v: analysisCodeHash(),
    checks: opts.checks ?? [],
    extra: opts.extraReads ?? [],
  });

  // Accessors of the kernel's own headers (include/), when the paths are in a kernel tree.
  const kernelT0 = performance.now();
  const kernelAcc =
    kernelRootOf(root) === root
      ? kernelAccessors(root, reads, {
          cacheKey: configKey,
          cacheDir: useCache ? cacheDir : undefined,
          maxFileBytes,
        })
      : new Map<string, DeviceReadApi>();
  const kernelCall = callOf(kernelAcc);
  const kernelMs = performance.now() - kernelT0;
  // The kernel accessors each header calls, found once: a directory's common header is included
  // by dozens of modules.
  const headerCalls = new Map<string, string[]>();
  const headerCallsOf = (h: string) => {
    let c = headerCalls.get(h);
    if (c === undefined) headerCalls.set(h, (c = namesCalled(kernelCall, headerTextOf(h))));
    return c;
  };

  interface Job {
    task: ModuleTask;
    key?: string;
  }
  const jobs: Job[] = [];
  const results: ModuleResult[] = [];
  let cachedFiles = 0;
  let prefiltered = 0;
  const stats: FileStats[] = [];
  const skipped: SkippedFile[] = [];
  const rel = (p: string) => (p.startsWith(root + sep) ? p.slice(root.length + 1) : p);

  // Workers start on the big modules while this thread is still reading and hashing the rest;
  // small modules wait for the end of the scan and go biggest first, so the pool ends together.
  const jobsN = Math.max(1, opts.jobs ?? availableParallelism());
  const store = (job: Job, r: ModuleResult) => {
    if (!job.key) return;
    const dir = join(cacheDir, job.key.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${job.key}.${process.pid}.tmp`);
    // Times belong to this run, not to the module's result.
    writeFileSync(tmp, JSON.stringify({ ...r, timings: undefined }));
    renameSync(tmp, join(dir, `${job.key}.json`));
  };
  const fresh: ModuleResult[] = [];
  let pool: Piscina | undefined;
  const running: Promise<void>[] = [];
  let done = 0;
  let scanned = false;
  const dispatch = (i: number) => {
    if (!pool) {
      // Built code runs dist/engine/worker.js; tests running the TypeScript sources use the build too.
      const here = dirname(fileURLToPath(import.meta.url));
      const workerFile = existsSync(join(here, 'worker.js'))
        ? join(here, 'worker.js')
        : join(here, '../../dist/engine/worker.js');
      pool = new Piscina({ filename: workerFile, maxThreads: jobsN, minThreads: jobsN, idleTimeout: 1000 });
    }
    const p = pool;
    const task = (async () => {
      fresh[i] = (await p.run(jobs[i]!.task)) as ModuleResult;
      store(jobs[i]!, fresh[i]!);
      done++;
      if (scanned) opts.onProgress?.(done, jobs.length);
    })();
    // A failure is reported by the Promise.all below, not as an unhandled rejection mid-scan.
    task.catch(() => {});
    running.push(task);
  };
  const EARLY_FILES = 8;

  /**
   * Read a module, decide whether it can reach a device read, look its result up in the cache:
   * true when it was queued as a job.
   */
  const scanModule = (mod: KbuildModule): boolean => {
    let reaches = false;
    const texts: string[] = [];
    const readsDevice: boolean[] = [];
    for (const f of mod.files) {
      const r = readSource(f, maxFileBytes);
      const text = 'text' in r ? r.text : `\0skip:${r.skip}`;
      texts.push(text);
      const direct = 'text' in r && reads.prefilter.test(text);
      readsDevice.push(direct);
      if (direct || ('text' in r && POLL_HELPER_CALL.test(text))) reaches = true;
    }
    // The local headers the module's files include (c/includes.ts); accessor macros there
    // (`#define er32(r) readl(...)`) make a file a device reader.
    const headers = includedHeaders(
      mod.files.map((path, i) => ({ path, text: texts[i]! })),
      localHeaders(mod, headerCache),
      headerTextOf,
    );
    const called = new Set([
      ...texts.flatMap((t) => namesCalled(kernelCall, t)),
      ...headers.flatMap(headerCallsOf),
    ]);
    const kernelUsed = accessorsCalled(kernelAcc, called, [...texts, ...headers.map(headerTextOf)]);
    if (kernelUsed.length) reaches = true;
    if (!reaches) {
      const headersKey = headers.join('\n');
      let re = accessorCache.get(headersKey);
      if (!accessorCache.has(headersKey)) {
        const acc = findAccessors(headers.map(headerTextOf), reads);
        re = acc.size ? new RegExp(`\\b(?:${[...acc.keys()].join('|')})\\s*\\(`) : undefined;
        accessorCache.set(headersKey, re);
      }
      if (re && texts.some((t) => re!.test(t))) reaches = true;
    }
    if (!reaches) {
      // Cannot reach a device read: no check can fire. Counted, not parsed.
      prefiltered += mod.files.length;
      mod.files.forEach((f, i) => {
        const t = texts[i]!;
        if (t.startsWith('\0skip:')) skipped.push({ file: rel(f), reason: t.slice(6) });
      });
      return false;
    }
    // Hashed only now: most modules cannot reach a device read and are never looked up.
    const hash = createHash('sha256').update(configKey);
    mod.files.forEach((f, i) => hash.update(f).update('\0').update(texts[i]!).update('\0'));
    for (const h of headers) hash.update(digestOf(h));
    if (kernelUsed.length) hash.update(JSON.stringify(kernelUsed));
    const key = hash.digest('hex');
    if (useCache) {
      const p = join(cacheDir, key.slice(0, 2), `${key}.json`);
      if (existsSync(p)) {
        try {
          results.push(JSON.parse(readFileSync(p, 'utf8')) as ModuleResult);
          cachedFiles += mod.files.length;
          return false;
        } catch {
          /* corrupt cache entry: recompute */
        }
      }
    }
    jobs.push({
      task: {
        root,
        files: mod.files,
        headers,
        readsDevice,
        kernelAccessors: kernelUsed.length ? kernelUsed : undefined,
        checks: opts.checks,
        extraReads: opts.extraReads,
        maxFileBytes,
        timeLimitMs,
        timings: opts.timings,
      },
      key: useCache ? key : undefined,
    });
    return true;
  };

  // This thread's own time in the scan (listing, reading, prefilter, hashing, cache lookups).
  let scanMs = kernelMs;
  try {
    for (const mod of modules) {
      const modT0 = performance.now();
      const queued = scanModule(mod);
      scanMs += performance.now() - modT0;
      if (queued && jobsN > 1 && mod.files.length >= EARLY_FILES) {
        dispatch(jobs.length - 1);
        // Let the pool hand out work and take results while the scan goes on.
        await new Promise((r) => setImmediate(r));
      }
    }

    scanned = true;
    const total = jobs.length;
    opts.onProgress?.(done, total);
    if (jobsN === 1 || (total <= 1 && !pool)) {
      for (let i = 0; i < jobs.length; i++) {
        fresh[i] = await analyseModuleTask(jobs[i]!.task);
        store(jobs[i]!, fresh[i]!);
        opts.onProgress?.(++done, total);
      }
    } else {
      // The rest, biggest first: the pool ends together instead of waiting on one large driver.
      const order = jobs
        .map((_, i) => i)
        .filter((i) => jobs[i]!.task.files.length < EARLY_FILES)
        .sort((a, b) => jobs[b]!.task.files.length - jobs[a]!.task.files.length || a - b);
      for (const i of order) dispatch(i);
      await Promise.all(running);
    }
  } finally {
    // Settle every task before the pool goes (a failed scan must not leave workers running).
    await Promise.allSettled(running);
    await pool?.destroy();
  }
  for (let i = 0; i < jobs.length; i++) results.push(fresh[i]!);

  const findings: Finding[] = [];
  let latin1 = 0;
  for (const r of results) {
    findings.push(...r.findings);
    stats.push(...r.stats);
    skipped.push(...r.skipped);
    latin1 += r.latin1.length;
    prefiltered += r.unparsed ?? 0;
  }
  findings.sort(compareFindings);
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  let timings;
  if (opts.timings) {
    timings = mergeTimings(fresh.map((r) => r.timings));
    addTime(timings, 'scan', scanMs);
  }
  const lines = stats.reduce((s, f) => s + f.lines, 0);
  const bytes = stats.reduce((s, f) => s + f.bytes, 0);
  const errorBytes = stats.reduce((s, f) => s + f.errorBytes, 0);
  return {
    root,
    findings,
    skipped,
    files: cFiles.length,
    lines,
    bytes,
    errorBytes,
    analysedFiles: stats.length,
    cachedFiles,
    prefilteredFiles: prefiltered,
    latin1Files: latin1,
    modules: modules.length,
    wallMs: Date.now() - t0,
    timings,
  };
}
