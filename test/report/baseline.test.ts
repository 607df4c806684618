/**
 * `check --baseline`: two versions of a small driver, checked as a user would, compared the way a
 * reviewer compares a patched tree with its base (report/baseline.ts).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import { compareWithBaseline, readBaseline } from '../../src/report/baseline.js';
import { renderJson } from '../../src/report/json.js';
import { renderSarif } from '../../src/report/sarif.js';

const V1 = `// foo: a made-up NIC
#include <linux/io.h>
#include <linux/pci.h>

#define FOO_CTRL 0x10
#define FOO_STAT 0x14

static void foo_reset(void __iomem *regs)
{
	writel(1, regs + FOO_CTRL);
	while (readl(regs + FOO_CTRL) & 1)
		cpu_relax();
}

static void foo_stop(void __iomem *regs)
{
	while (!(readl(regs + FOO_STAT) & 0x8))
		cpu_relax();
}
`;

// v2: a patch grows foo_reset above its loop, fixes foo_stop with a timeout, adds foo_start.
const V2 = `// foo: a made-up NIC
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/pci.h>

#define FOO_CTRL 0x10
#define FOO_STAT 0x14

static void foo_reset(void __iomem *regs)
{
	/* the reset bit self-clears */
	writel(0, regs + FOO_STAT);
	writel(1, regs + FOO_CTRL);
	while (readl(regs + FOO_CTRL) & 1)
		cpu_relax();
}

static int foo_stop(void __iomem *regs)
{
	u32 v;

	return readl_poll_timeout(regs + FOO_STAT, v, v & 0x8, 10, 1000);
}

static void foo_start(void __iomem *regs)
{
	writel(2, regs + FOO_CTRL);
	while (readl(regs + FOO_CTRL) & 2)
		cpu_relax();
}
`;

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ds-baseline-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const check = (dir: string) => runCheck({ paths: [dir], cache: false, jobs: 1 });

describe('baseline comparison', () => {
  it('tells new, unchanged and gone findings apart, across lines added above a finding', async () => {
    const dir = tree({ 'foo/foo.c': V1, 'foo/Makefile': 'obj-m += foo.o\n' });
    const before = await check(dir);
    writeFileSync(join(dir, 'foo/foo.c'), V2);
    const after = await check(dir);
    expect(before.findings.map((f) => f.function)).toEqual(['foo_reset', 'foo_stop']);
    expect(after.findings.map((f) => f.function)).toEqual(['foo_reset', 'foo_start']);
    const reset = [before, after].map((r) => r.findings.find((f) => f.function === 'foo_reset')!);
    // Two lines were added above the loop: the exact fingerprint moves, the expression one does not.
    expect(reset[1]!.fingerprint).not.toBe(reset[0]!.fingerprint);
    expect(reset[1]!.exprFingerprint).toBe(reset[0]!.exprFingerprint);

    const base = readBaseline(renderJson(before));
    const c = compareWithBaseline(after.findings, base, 'before.json');
    expect(after.findings.map((f, i) => `${f.function}:${c.states[i]}`)).toEqual([
      'foo_reset:unchanged',
      'foo_start:new',
    ]);
    expect(c.absent.map((a) => a.function)).toEqual(['foo_stop']);

    // The same from a SARIF baseline.
    const fromSarif = compareWithBaseline(after.findings, readBaseline(renderSarif(before, '0')), 'b.sarif');
    expect(fromSarif.states).toEqual(c.states);
    expect(fromSarif.absent.map((a) => [a.function, a.file, a.line])).toEqual(
      c.absent.map((a) => [a.function, a.file, a.line]),
    );
  });

  it('matches each earlier finding once, the one in the same file first', async () => {
    // The same function in two drivers: same fingerprints, told apart by file.
    const two = {
      'a/foo.c': V1,
      'a/Makefile': 'obj-m += foo.o\n',
      'b/foo.c': V1,
      'b/Makefile': 'obj-m += foo.o\n',
    };
    const dir = tree(two);
    const before = await check(dir);
    expect(before.findings).toHaveLength(4);
    // a changes; b does not. Matched in baseline order alone, b's foo_stop would take a's.
    writeFileSync(join(dir, 'a/foo.c'), V2);
    const after = await check(dir);
    const c = compareWithBaseline(after.findings, readBaseline(renderJson(before)), 'x');
    const rel = (f: string) => f.slice(f.indexOf('/ds-baseline-') + 1).replace(/^[^/]+\//, '');
    const byFile = after.findings.map((f, i) => `${rel(f.file)}:${f.function}:${c.states[i]}`);
    expect(byFile).toEqual([
      'a/foo.c:foo_reset:unchanged',
      'a/foo.c:foo_start:new',
      'b/foo.c:foo_reset:unchanged',
      'b/foo.c:foo_stop:unchanged',
    ]);
    expect(c.absent.map((a) => `${rel(a.file)}:${a.function}`)).toEqual(['a/foo.c:foo_stop']);
  });

  it('refuses what is not a driverscope report, saying why', () => {
    expect(() => readBaseline('not json')).toThrow(/not JSON/);
    expect(() => readBaseline('{"hello": 1}')).toThrow(/neither a driverscope JSON report/);
    expect(() => readBaseline('{"findings": [{"file": "x.c"}]}')).toThrow(/finding 1 has no fingerprint/);
    expect(() =>
      readBaseline('{"version": "2.1.0", "runs": [{"results": [{"ruleId": "infinite-poll"}]}]}'),
    ).toThrow(/result 1 has no driverscope\/v1 fingerprint/);
  });
});
