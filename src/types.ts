/** Shared result types: what checks produce and reporters consume. */
import type { BaselineComparison } from './report/baseline.js';

export type Severity = 'error' | 'warning' | 'note';

/** Where a check run's time went (`check --timings`; engine/timings.ts). */
export interface Timings {
  /** Thread milliseconds per phase (`scan`, `read`, `prefilter`, `parse`, `model`, `taint`) and per check (`check:<id>`). */
  ms: Record<string, number>;
  /** Functions analysed, and those that see device data (reads, accessors, regions, tainted arguments). */
  functions: number;
  deviceFunctions: number;
  /** Modules analysed and timed (modules taken from the cache are not). */
  modules: number;
}

/** One step of the path from a device read to the use that trusts it. */
export interface TraceStep {
  file: string;
  line: number;
  column: number;
  /** What happens here: "readl() reads the device", "assigned to status", "used as index". */
  message: string;
}

export interface Finding {
  checkId: string;
  severity: Severity;
  message: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  function: string;
  /** Device-read category of the source (mmio, pio, pci-config, regmap, i2c, spi, usb, dma). */
  sourceCategory?: string;
  trace: TraceStep[];
  /**
   * Stable across kernel versions: hash of check id, function, normalised expression and the
   * line offset of the finding within its function (not the absolute line).
   */
  fingerprint: string;
  /**
   * The same without the line offset: matches the finding when lines were added above it in its
   * function (report/baseline.ts tries it after the exact fingerprint).
   */
  exprFingerprint: string;
}

/** A file that was not analysed, and why. */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface FileStats {
  file: string;
  bytes: number;
  lines: number;
  /** Bytes of the file inside ERROR nodes (after kernel-aware preprocessing). */
  errorBytes: number;
  /** Whether the file calls any known device-read API (cheap text pre-filter). */
  readsDevice: boolean;
}

export interface CheckRunResult {
  root: string;
  findings: Finding[];
  skipped: SkippedFile[];
  files: number;
  lines: number;
  bytes: number;
  errorBytes: number;
  /** Files parsed and analysed (now or, for cached modules, in an earlier run). */
  analysedFiles: number;
  /** Of those, files whose module result came from the cache. */
  cachedFiles: number;
  /** Files that cannot reach device data (no device read, accessor or carrier function of their module): not parsed. */
  prefilteredFiles: number;
  /** Files that are not valid UTF-8, read as Latin-1. */
  latin1Files: number;
  modules: number;
  wallMs: number;
  /** Where the time went (`--timings`): never part of a rendered report. */
  timings?: Timings;
  /** The comparison with an earlier report (`--baseline`). */
  baseline?: BaselineComparison;
}
