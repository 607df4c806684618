/**
 * The shared fixture tester, in the manner of ESLint's RuleTester: each check is tested with
 * `valid` code (no finding) and `invalid` code (findings on the given lines), run through the same
 * pipeline as `driverscope check` (parse, model, module analysis, checks).
 */
import { describe, expect, it } from 'vitest';
import { analyseSources } from '../../src/engine/analyse-module.js';
import type { Finding } from '../../src/types.js';

export interface ValidCase {
  name: string;
  code: string;
  /** Extra files of the same module (cross-file analysis). */
  others?: Record<string, string>;
  headers?: string[];
}

export interface InvalidCase extends ValidCase {
  /** Expected findings by line, in order; `message` must match when given. */
  errors: { line: number; message?: RegExp; traceLines?: number[] }[];
}

/** The prelude every fixture may use: kernel-looking declarations, written by us. */
export const PRELUDE = `#include <linux/io.h>
#include <linux/pci.h>
`;

export async function findingsFor(checkId: string, c: ValidCase): Promise<Finding[]> {
  const sources = [
    { path: 'drivers/test/fixture.c', text: PRELUDE + c.code, latin1: false },
    ...Object.entries(c.others ?? {}).map(([path, text]) => ({ path, text: PRELUDE + text, latin1: false })),
  ];
  const r = await analyseSources(sources, c.headers ?? [], { checks: [checkId] });
  expect(r.skipped).toEqual([]);
  return r.findings;
}

/** Line numbers in cases count from the first line of `code` (the prelude is added before). */
const PRELUDE_LINES = PRELUDE.split('\n').length - 1;

export function testCheck(checkId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(checkId, () => {
    for (const c of cases.valid) {
      it(`valid: ${c.name}`, async () => {
        const f = await findingsFor(checkId, c);
        expect(f.map((x) => `${x.line - PRELUDE_LINES}: ${x.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, async () => {
        const f = (await findingsFor(checkId, c)).filter((x) => x.file === 'drivers/test/fixture.c');
        expect(f.map((x) => x.line - PRELUDE_LINES)).toEqual(c.errors.map((e) => e.line));
        c.errors.forEach((e, i) => {
          const got = f[i]!;
          expect(got.checkId).toBe(checkId);
          if (e.message) expect(got.message).toMatch(e.message);
          if (e.traceLines) expect(got.trace.map((s) => s.line - PRELUDE_LINES)).toEqual(e.traceLines);
          expect(got.fingerprint).toMatch(/^[0-9a-f]{32}$/);
        });
      });
    }
  });
}
