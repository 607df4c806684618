/**
 * Where a check run spends its time (`driverscope check --timings`, like ESLint's `TIMING=1`): the
 * thread time of each phase of the module analysis, summed over the workers, and of each check.
 * Kept out of the report itself (times are never the same twice, reports must be), and off unless
 * asked for: the clock is read a few times per function.
 */
import { performance } from 'node:perf_hooks';
import type { Timings } from '../types.js';

export type { Timings };

/** The phases, in the order they run: the scan on the main thread, the rest in the workers. */
export const PHASES = ['scan', 'read', 'prefilter', 'parse', 'model', 'taint'] as const;

export function emptyTimings(): Timings {
  return { ms: {}, functions: 0, deviceFunctions: 0, modules: 0 };
}

/** Add `ms` to `key`. */
export function addTime(t: Timings, key: string, ms: number): void {
  t.ms[key] = (t.ms[key] ?? 0) + ms;
}

/** Run `f`, adding its time to `key` (when timing). */
export function timed<T>(t: Timings | undefined, key: string, f: () => T): T {
  if (!t) return f();
  const t0 = performance.now();
  try {
    return f();
  } finally {
    addTime(t, key, performance.now() - t0);
  }
}

/** The same, for a function that returns a promise. */
export async function timedAsync<T>(t: Timings | undefined, key: string, f: () => Promise<T>): Promise<T> {
  if (!t) return f();
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    addTime(t, key, performance.now() - t0);
  }
}

/** Sum of several runs' timings. */
export function mergeTimings(all: readonly (Timings | undefined)[]): Timings {
  const out = emptyTimings();
  for (const t of all) {
    if (!t) continue;
    for (const [k, v] of Object.entries(t.ms)) addTime(out, k, v);
    out.functions += t.functions;
    out.deviceFunctions += t.deviceFunctions;
    out.modules += t.modules;
  }
  return out;
}
