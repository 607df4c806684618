/**
 * What a check is: an id, metadata for reporters and docs, and `detect`, which reads one
 * function's analysis and reports findings. One check per module (src/checks/<id>.ts), each with
 * docs/checks/<id>.md; tested through the shared fixture tester (test/checks/tester.ts).
 */
import { createHash } from 'node:crypto';
import type { ModuleContext, FunctionTaint, Taint } from '../analysis/taint.js';
import type { Node } from '../c/parser.js';
import type { Finding, Severity, TraceStep } from '../types.js';

export interface CheckMeta {
  id: string;
  /** One line, for rule lists and SARIF shortDescription. */
  title: string;
  /** A paragraph: what the device could do and what goes wrong. */
  description: string;
  severity: Severity;
  /** The Carburizer bug class this belongs to (Table 2 of the paper). */
  category:
    | 'infinite polling'
    | 'unsafe array reference'
    | 'unsafe pointer'
    | 'system panic'
    | 'missing error reporting';
}

export interface Report {
  node: Node;
  message: string;
  /** The device data that reaches `node`, for the trace. */
  taint?: Taint;
  /** The final step's text ("used as an index into table[16]"). */
  use: string;
  extraSteps?: TraceStep[];
}

export interface CheckContext {
  fn: FunctionTaint;
  module: ModuleContext;
  report(r: Report): void;
  /** Taint of `expr` at the point it is evaluated. */
  taintOf(expr: Node): Taint | undefined;
}

export interface Check {
  meta: CheckMeta;
  detect(ctx: CheckContext): void;
}

/**
 * Data read from DMA-coherent memory at a place the driver itself writes (its own ring indices, a
 * command length it filled in, a correlator it stored in a submission entry: `rx_add.correlator`,
 * or the whole `rx_add`) is the driver's data as much as the device's: the index and pointer checks
 * leave it out. Polling and panics on it are still reported.
 */
export function driverOwned(t: Taint, ctx: CheckContext): boolean {
  const field = t.source.field;
  if (t.source.kind !== 'region' || t.source.category !== 'dma' || !field) return false;
  const written = ctx.module.driverWritten;
  const parts = field.split('.');
  return parts.some((_, i) => written.has(parts.slice(0, i + 1).join('.')));
}

/** How a message names where device data came from: `readl()`, or `rx_ring (device memory)`. */
export function sourceText(t: Taint): string {
  return t.source.kind === 'region' ? t.source.api : `${t.source.api}()`;
}

/** Whitespace-normalised text of an expression, for fingerprints. */
export function normalise(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Stable across kernel versions: the check, the function, the normalised expression and the line
 * offset within the function — not the absolute line, which moves when code above it changes.
 * Without the offset: the expression fingerprint (`exprFingerprint`), for a function that grew.
 */
export function fingerprint(checkId: string, fn: string, expr: string, lineInFunction?: number): string {
  return createHash('sha256')
    .update(
      `${checkId}\0${fn}\0${normalise(expr)}${lineInFunction === undefined ? '' : `\0${lineInFunction}`}`,
    )
    .digest('hex')
    .slice(0, 32);
}

/** Run checks over one function's analysis; `around` wraps each check's run (to time it). */
export function runChecks(
  checks: readonly Check[],
  fn: FunctionTaint,
  module: ModuleContext,
  around?: (checkId: string, run: () => void) => void,
): Finding[] {
  const findings: Finding[] = [];
  // The checks ask about the same expressions (a loop's condition, an index): each answer is
  // worked out once per function (the analysis is final here; null is "not tainted").
  const taints = new Map<number, Taint | null>();
  const taintOf = (expr: Node): Taint | undefined => {
    let t = taints.get(expr.id);
    if (t === undefined) {
      const st = fn.stateBefore(expr);
      t = (st ? fn.evaluate(expr, st) : undefined) ?? null;
      taints.set(expr.id, t);
    }
    return t ?? undefined;
  };
  for (const check of checks) {
    const ctx: CheckContext = {
      fn,
      module,
      taintOf,
      report: (r) => {
        const start = fn.file.pos(r.node);
        const end = fn.file.endPos(r.node);
        const use: TraceStep = { file: fn.file.path, line: start.line, column: start.column, message: r.use };
        const trace = [...(r.taint?.steps ?? []), ...(r.extraSteps ?? []), use];
        // Drop repeated steps (a value re-assigned in a loop shows each place once).
        const seen = new Set<string>();
        const dedup = trace.filter((s) => {
          const k = `${s.file}:${s.line}:${s.column}:${s.message}`;
          if (seen.has(k)) return false;
          seen.add(k);
          return true;
        });
        const exprText = r.node.text.length > 200 ? r.node.text.slice(0, 200) : r.node.text;
        findings.push({
          checkId: check.meta.id,
          severity: check.meta.severity,
          message: r.message,
          file: fn.file.path,
          line: start.line,
          column: start.column,
          endLine: end.line,
          endColumn: end.column,
          function: fn.fn.name,
          sourceCategory: r.taint?.source.category,
          trace: dedup,
          fingerprint: fingerprint(check.meta.id, fn.fn.name, exprText, start.line - fn.fn.startLine),
          exprFingerprint: fingerprint(check.meta.id, fn.fn.name, exprText),
        });
      },
    };
    if (around) around(check.meta.id, () => check.detect(ctx));
    else check.detect(ctx);
  }
  return findings;
}
