/**
 * Analyse one module: read and parse its files, build the model, run the taint analysis and the
 * checks. Pure with respect to its input (the same files give the same result), so results can be
 * cached by content hash and computed in any worker.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { DeviceReadTable, type DeviceReadApi } from '../analysis/device-reads.js';
import { POLL_HELPER_CALL } from '../analysis/kernel-apis.js';
import {
  findAccessors,
  findRegionFields,
  summariseModule,
  type ModuleSummaryPass,
} from '../analysis/module.js';
import { buildFileModel, type FileModel } from '../c/model.js';
import { errorExtent, parseC, type ParsedFile } from '../c/parser.js';
import { runChecks } from '../checks/check.js';
import { selectChecks } from '../checks/index.js';
import type { FileStats, Finding, SkippedFile } from '../types.js';
import { compareFindings } from './order.js';
import { emptyTimings, timed, timedAsync, type Timings } from './timings.js';

export interface ModuleTask {
  root: string;
  files: string[];
  headers: string[];
  /** For each file, whether it calls a device-read API (the scan has asked already). */
  readsDevice?: boolean[];
  /** Accessors of the kernel's own headers that the module calls (engine/kernel-accessors.ts). */
  kernelAccessors?: DeviceReadApi[];
  checks?: string[];
  extraReads?: DeviceReadApi[];
  maxFileBytes: number;
  /** Per-module time budget for analysis, ms (parsing each file is limited separately). */
  timeLimitMs: number;
  /** Time the phases and checks (`--timings`). */
  timings?: boolean;
}

export interface ModuleResult {
  findings: Finding[];
  /** Files of the module that cannot reach device data and were not parsed. */
  unparsed?: number;
  stats: FileStats[];
  skipped: SkippedFile[];
  /** Files read as Latin-1 because they are not valid UTF-8. */
  latin1: string[];
  /** Where the time went, when the task asked (never cached: see run.ts). */
  timings?: Timings;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

export type ReadOutcome = { text: string; latin1: boolean } | { skip: string };

/** Read a source file the way every command does: binary and huge files are refused with a reason. */
export function readSource(path: string, maxBytes: number): ReadOutcome {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    return { skip: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  if (buf.length > maxBytes) return { skip: `too large (${buf.length} bytes > ${maxBytes})` };
  if (buf.subarray(0, 8192).includes(0)) return { skip: 'binary (contains NUL bytes)' };
  try {
    return { text: utf8.decode(buf), latin1: false };
  } catch {
    return { text: latin1.decode(buf), latin1: true };
  }
}

let tableCache: { key: string; table: DeviceReadTable } | undefined;

function tableFor(extra?: DeviceReadApi[]): DeviceReadTable {
  const key = JSON.stringify(extra ?? []);
  if (tableCache?.key !== key)
    tableCache = { key, table: extra?.length ? new DeviceReadTable().extend(extra) : new DeviceReadTable() };
  return tableCache.table;
}

export async function analyseModuleTask(task: ModuleTask): Promise<ModuleResult> {
  const rel = (p: string) => relative(task.root, p) || p;
  const timings = task.timings ? emptyTimings() : undefined;
  const { sources, headers } = timed(timings, 'read', () => {
    const sources: ModuleSource[] = task.files.map((path, i) => ({
      path: rel(path),
      ...readSource(path, task.maxFileBytes),
      readsDevice: task.readsDevice?.[i],
    }));
    const headers: string[] = [];
    for (const h of task.headers) {
      const r = readSource(h, task.maxFileBytes);
      if ('text' in r) headers.push(r.text);
    }
    return { sources, headers };
  });
  return analyseSources(sources, headers, { ...task, timings });
}

export type ModuleSource = {
  path: string;
  /** Whether the text calls a device-read API, when already known (else asked here). */
  readsDevice?: boolean;
} & ReadOutcome;

/** A regex matching any of `names` as a word, or undefined for none. */
function alternation(names: string[]): RegExp | undefined {
  const uniq = [...new Set(names)].filter((n) => /^\w+$/.test(n));
  return uniq.length ? new RegExp(`\\b(?:${uniq.join('|')})\\b`) : undefined;
}

/** Analyse a module given its files' text (the fixture tester calls this directly). */
export async function analyseSources(
  sources: readonly ModuleSource[],
  headers: readonly string[],
  opts: {
    checks?: string[];
    extraReads?: DeviceReadApi[];
    kernelAccessors?: DeviceReadApi[];
    timeLimitMs?: number;
    timings?: Timings;
  },
): Promise<ModuleResult> {
  const timings = opts.timings;
  const result: ModuleResult = { findings: [], stats: [], skipped: [], latin1: [], timings };
  if (timings) timings.modules++;
  const files: { parsed: ParsedFile; model: FileModel }[] = [];
  const reads = tableFor(opts.extraReads);
  const checks = selectChecks(opts.checks);
  const timeLimitMs = opts.timeLimitMs ?? 30_000;
  // Asked twice of each file (which to parse, and its stats): the test is a long alternation.
  const reading = new Map<ModuleSource, boolean>();
  const readsDevice = (r: ModuleSource & { text: string }) => {
    let v = r.readsDevice ?? reading.get(r);
    if (v === undefined) reading.set(r, (v = reads.prefilter.test(r.text)));
    return v;
  };
  const parseOne = async (r: ModuleSource & { text: string; latin1: boolean }) => {
    const path = r.path;
    let parsed: ParsedFile;
    try {
      parsed = await timedAsync(timings, 'parse', () => parseC(path, r.text));
    } catch (e) {
      result.skipped.push({
        file: path,
        reason: `parse failed: ${e instanceof Error ? e.message : String(e)}`,
      });
      return;
    }
    const { errorBytes } = timed(timings, 'parse', () => errorExtent(parsed.tree.rootNode));
    result.stats.push({
      file: path,
      bytes: r.text.length,
      lines: parsed.lines.lineCount,
      errorBytes,
      readsDevice: readsDevice(r),
    });
    try {
      files.push({ parsed, model: timed(timings, 'model', () => buildFileModel(parsed)) });
    } catch (e) {
      result.skipped.push({
        file: path,
        reason: `model failed: ${e instanceof Error ? e.message : String(e)}`,
      });
      parsed.dispose();
    }
  };
  try {
    const readable: (ModuleSource & { text: string; latin1: boolean })[] = [];
    for (const r of sources) {
      if ('skip' in r) result.skipped.push({ file: r.path, reason: r.skip });
      else {
        if (r.latin1) result.latin1.push(r.path);
        readable.push(r);
      }
    }
    // Parse only what can matter: files that read the device (directly, through an accessor, a
    // poll helper or a DMA region field), then, round by round, files that mention a function the
    // analysis found carrying device data (callers of accessors, callees given device data).
    const texts = [...readable.map((r) => r.text), ...headers];
    const seeds = timed(timings, 'prefilter', () => {
      const known = new Map((opts.kernelAccessors ?? []).map((a) => [a.name!, a]));
      const accessors = new Map([...known, ...findAccessors(texts, reads, known)]);
      const regionFields = findRegionFields(texts, reads);
      const first = alternation([...accessors.keys(), ...regionFields.keys()]);
      const wanted = readable.filter(
        (r) => readsDevice(r) || POLL_HELPER_CALL.test(r.text) || (first !== undefined && first.test(r.text)),
      );
      return { accessors, regionFields, wanted };
    });
    const { accessors, regionFields } = seeds;
    let wanted = seeds.wanted;
    const done = new Set<string>();
    // The summary pass of the files parsed so far; the last one is completed into the analysis.
    let pass: ModuleSummaryPass | undefined;
    for (let round = 0; wanted.length > 0 && round < 4; round++) {
      for (const r of wanted) {
        done.add(r.path);
        await parseOne(r);
      }
      // Summaries are enough to decide which files to add; the full analysis runs once at the end.
      const previous = pass;
      const analysis = (pass = timed(timings, 'taint', () =>
        summariseModule({ files, headers, reads, accessors, regionFields, previous }),
      ));
      const carriers: string[] = [];
      for (const fn of analysis.functions) {
        const s = fn.summary;
        if (s.returns || s.returnsRegion || s.outParams.size > 0) carriers.push(fn.fn.name);
        for (const callee of fn.argTaints.keys()) carriers.push(callee);
      }
      const re = alternation(carriers);
      wanted = timed(timings, 'prefilter', () =>
        re ? readable.filter((r) => !done.has(r.path) && re.test(r.text)) : [],
      );
    }
    result.unparsed = readable.length - done.size;
    if (files.length === 0 || !pass) return result;
    // No file was added since the last summary pass (or the rounds ran out): it covers `files`.
    const complete = pass.complete;
    const analysis = timed(timings, 'taint', () =>
      complete(readable.filter((r) => !done.has(r.path)).map((r) => r.text)),
    );
    if (timings) {
      timings.functions += analysis.functions.length;
      for (const fn of analysis.functions) if (fn.touchesDevice) timings.deviceFunctions++;
    }
    // A per-file budget for the checks: a pathological file is reported and the rest goes on.
    const timeCheck = timings
      ? (id: string, run: () => void) => timed(timings, `check:${id}`, run)
      : undefined;
    const spent = new Map<string, number>();
    const overBudget = new Set<string>();
    for (const fn of analysis.functions) {
      const file = fn.file.path;
      if (overBudget.has(file)) continue;
      const t0 = Date.now();
      try {
        result.findings.push(...runChecks(checks, fn, analysis.context, timeCheck));
      } catch (e) {
        result.skipped.push({
          file: fn.file.path,
          reason: `check failed in ${fn.fn.name}(): ${e instanceof Error ? e.message : String(e)}`,
        });
      }
      const total = (spent.get(file) ?? 0) + Date.now() - t0;
      spent.set(file, total);
      if (total > timeLimitMs) {
        overBudget.add(file);
        result.skipped.push({ file, reason: `time limit (${timeLimitMs} ms) reached in its checks` });
      }
    }
  } finally {
    for (const f of files) f.parsed.dispose();
  }
  result.findings.sort(compareFindings);
  return result;
}
