/**
 * Run the study over a tree: find the .c files, group them into Kbuild modules, study each module
 * (in worker threads when there are several cores), and put the records in module order, so the
 * output is the same whatever the number of workers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { discoverModules } from '../c/kbuild.js';
import { definesOf, extractFile, stripComments, type DefineFacts, type FileFacts } from './extract.js';
import { studyModule, type DriverRecord, type ModuleInput } from './record.js';
import { summarize, type StudyReport, STUDY_SCHEMA_VERSION } from './summary.js';

export interface StudyOptions {
  /** Worker threads; 0 or 1 studies in this thread. Default: available cores. */
  workers?: number;
  /** The compiled worker script; default `worker.js` next to this module (absent when running from .ts). */
  workerUrl?: URL;
  onProgress?: (done: number, total: number) => void;
}

/** The directory the study's paths are relative to, and the directories to scan. */
export function studyTargets(inputs: string[]): { root: string; dirs: string[] } {
  const abs = inputs.map((p) => resolve(p));
  if (abs.length === 1) {
    const d = abs[0]!;
    // A kernel root (or a tree shaped like one): study drivers/ and sound/.
    if (existsSync(join(d, 'drivers')) && statSync(join(d, 'drivers')).isDirectory()) {
      return { root: d, dirs: ['drivers', 'sound'].map((s) => join(d, s)).filter((s) => existsSync(s)) };
    }
  }
  // Inside a kernel tree: paths relative to the kernel root.
  const rootOf = (d: string): string | undefined => {
    for (let p = d; dirname(p) !== p; p = dirname(p)) {
      if ((basename(p) === 'drivers' || basename(p) === 'sound') && existsSync(join(dirname(p), 'drivers')))
        return dirname(p);
    }
    return undefined;
  };
  const roots = abs.map((d) => rootOf(d) ?? (statSync(d).isDirectory() ? d : dirname(d)));
  let root = roots[0]!;
  for (const r of roots.slice(1)) while (!(r === root || r.startsWith(root + '/'))) root = dirname(root);
  return { root, dirs: abs };
}

/** All .c files under `dirs`, sorted (symbolic links are not followed). */
export function findCFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let ents;
    try {
      ents = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.c')) out.push(p);
    }
  };
  for (const d of dirs) {
    if (existsSync(d) && statSync(d).isFile()) out.push(d);
    else walk(d);
  }
  return [...new Set(out)].sort();
}

const headerCache = new Map<string, DefineFacts[]>();

/** Function-like macros defined in the .h files of a directory (cached: modules share directories). */
export function headerDefines(dir: string): DefineFacts[] {
  let defs = headerCache.get(dir);
  if (defs) return defs;
  defs = [];
  try {
    for (const e of readdirSync(dir).sort()) {
      if (!e.endsWith('.h')) continue;
      try {
        defs.push(...definesOf(stripComments(readFileSync(join(dir, e), 'utf8')).text));
      } catch {
        /* unreadable header: ignore */
      }
    }
  } catch {
    /* no directory */
  }
  if (headerCache.size > 256) headerCache.clear();
  headerCache.set(dir, defs);
  return defs;
}

/** Study one module in this thread: each file is parsed, its facts kept and its tree freed. */
export async function studyOneModule(mod: ModuleInput, root: string): Promise<DriverRecord> {
  const facts: FileFacts[] = [];
  const failures: { file: string; message: string }[] = [];
  for (const f of mod.files) {
    try {
      facts.push(await extractFile(f, readFileSync(f, 'utf8')));
    } catch (e) {
      failures.push({ file: f, message: e instanceof Error ? e.message : String(e) });
    }
  }
  const dirs = [...new Set(mod.files.map((f) => dirname(f)))].sort();
  return studyModule(mod, facts, root, failures, dirs.flatMap(headerDefines));
}

function defaultWorkerUrl(): URL | undefined {
  const u = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(u)) ? u : undefined;
}

async function runPool(
  tasks: ModuleInput[],
  root: string,
  workers: number,
  url: URL,
  onDone: (i: number, r: DriverRecord) => void,
): Promise<void> {
  // Largest modules first: the pool finishes together.
  const sizes = tasks.map((t) => t.files.reduce((s, f) => s + (existsSync(f) ? statSync(f).size : 0), 0));
  const order = tasks.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  let next = 0;
  const retried = new Set<number>();
  await new Promise<void>((resolvePool, rejectPool) => {
    let live = 0;
    let finished = 0;
    const start = () => {
      const w = new Worker(url, { workerData: { root } });
      live++;
      let current = -1;
      const feed = () => {
        if (next >= order.length) {
          current = -1;
          void w.terminate();
          return;
        }
        current = order[next++]!;
        w.postMessage({ index: current, module: tasks[current] });
      };
      w.on('message', (m: { index: number; record?: DriverRecord; error?: string }) => {
        if (m.record) onDone(m.index, m.record);
        else onDone(m.index, failedRecord(tasks[m.index]!, root, m.error ?? 'unknown error'));
        finished++;
        feed();
      });
      w.on('error', (e) => {
        // A crashed worker (wasm out of memory, ...): report the module, carry on with a new worker.
        if (current >= 0) {
          if (!retried.has(current)) {
            retried.add(current);
            order.push(current);
          } else {
            onDone(current, failedRecord(tasks[current]!, root, `worker crashed: ${e.message}`));
            finished++;
          }
        }
        current = -1;
      });
      w.on('exit', () => {
        live--;
        if (next < order.length) start();
        else if (live === 0) {
          if (finished >= tasks.length) resolvePool();
          else rejectPool(new Error(`study: ${tasks.length - finished} modules were not studied`));
        }
      });
      feed();
    };
    const n = Math.max(1, Math.min(workers, tasks.length));
    if (tasks.length === 0) resolvePool();
    else for (let i = 0; i < n; i++) start();
  });
}

function failedRecord(mod: ModuleInput, root: string, message: string): DriverRecord {
  return studyModule(
    mod,
    [],
    root,
    mod.files.map((file) => ({ file, message })),
  );
}

/** Kernel version from the root Makefile (`6.12.57`), when the root is a kernel tree. */
export function kernelVersionOf(root: string): string | undefined {
  const mk = join(root, 'Makefile');
  if (!existsSync(mk)) return undefined;
  const head = readFileSync(mk, 'utf8').slice(0, 2000);
  const v = (k: string) => new RegExp(`^${k}\\s*=\\s*(\\S*)`, 'm').exec(head)?.[1];
  const [a, b, c] = [v('VERSION'), v('PATCHLEVEL'), v('SUBLEVEL')];
  return a && b ? `${a}.${b}${c ? `.${c}` : ''}` : undefined;
}

export async function runStudy(inputs: string[], opts: StudyOptions = {}): Promise<StudyReport> {
  const { root, dirs } = studyTargets(inputs);
  const files = findCFiles(dirs);
  const modules: ModuleInput[] = discoverModules(files).map((m) => ({
    name: m.name,
    dir: m.dir,
    files: m.files,
    fromMakefile: m.fromMakefile,
    ...(m.config ? { config: m.config } : {}),
  }));
  const records: DriverRecord[] = new Array(modules.length);
  const workers = opts.workers ?? availableParallelism();
  const url = opts.workerUrl ?? defaultWorkerUrl();
  let done = 0;
  const onDone = (i: number, r: DriverRecord) => {
    records[i] = r;
    opts.onProgress?.(++done, modules.length);
  };
  if (workers > 1 && url && modules.length > 1) await runPool(modules, root, workers, url, onDone);
  else for (let i = 0; i < modules.length; i++) onDone(i, await studyOneModule(modules[i]!, root));
  const kernel = kernelVersionOf(root);
  return {
    version: STUDY_SCHEMA_VERSION,
    tool: 'driverscope study',
    ...(kernel ? { kernel } : {}),
    roots: dirs.map((d) => (d.startsWith(root) ? d.slice(root.length + 1) || '.' : d)),
    summary: summarize(records),
    drivers: records,
  };
}
