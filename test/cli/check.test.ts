/**
 * The check command as a user runs it: the built CLI (`dist/cli/main.js`, built by `npm test`'s
 * pretest step), its formats, exit codes, cache and determinism.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';

const CLI = join(__dirname, '../../dist/cli/main.js');
const FIX = join(__dirname, '../fixtures/check');

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DRIVERSCOPE_CACHE: mkdtempSync(join(tmpdir(), 'ds-cache-')), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('driverscope check (CLI)', () => {
  it('exits 0 with no findings on clean code', () => {
    const r = run(['check', join(FIX, 'clean')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/0 findings/);
  });

  it('exits 1 and prints findings grouped by file, with traces and the summary table', () => {
    const r = run(['check', join(FIX, 'mixed'), '--no-progress']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/core\.c\n\s+8:2\s+error\s+loop waits on device data from ioread32\(\)/);
    expect(r.stdout).toMatch(/hw\.c:6:\d+\s+ioread32\(\) reads the device/);
    expect(r.stdout).toMatch(/^class\s+infinite-poll/m);
  });

  it('reports binary files with their reason and reads Latin-1 files', () => {
    const r = run(['check', join(FIX, 'mixed'), '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.skipped).toEqual([
      { file: expect.stringMatching(/blob\.c$/), reason: 'binary (contains NUL bytes)' },
    ]);
    expect(j.stats.latin1Files).toBe(1);
    expect(j.findings.some((f: { file: string }) => f.file.endsWith('latin.c'))).toBe(true);
  });

  it('exits 2 on usage errors and missing paths', () => {
    expect(run(['check']).code).toBe(2);
    expect(run(['check', '--format', 'xml', FIX]).code).toBe(2);
    const missing = run(['check', join(FIX, 'does-not-exist')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory/);
    expect(run(['frobnicate']).code).toBe(2);
  });

  it('writes JSON with findings, traces, fingerprints and the summary', () => {
    const r = run(['check', join(FIX, 'mixed'), '--format', 'json']);
    const j = JSON.parse(r.stdout);
    expect(j.version).toBe(1);
    const f = j.findings.find((x: { file: string }) => x.file.endsWith('core.c'));
    expect(f).toMatchObject({
      checkId: 'infinite-poll',
      line: 8,
      function: 'mixed_wait',
      sourceCategory: 'mmio',
    });
    expect(f.trace.length).toBeGreaterThanOrEqual(2);
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(j.summary.byCheck['infinite-poll']).toBe(2);
  });

  it('writes SARIF 2.1.0 that validates against the schema, with codeFlows and fingerprints', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'ds-sarif-')), 'out.sarif');
    const r = run(['check', '--format', 'sarif', '-o', out, join(FIX, 'mixed')]);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    const schema = JSON.parse(
      readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    const validate = ajv.compile(schema);
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules.map((x: { id: string }) => x.id)).toContain('infinite-poll');
    const res = run0.results[0];
    expect(res.codeFlows[0].threadFlows[0].locations.length).toBeGreaterThanOrEqual(2);
    expect(res.partialFingerprints['driverscope/v1']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives byte-identical output for any --jobs', () => {
    const a = run([
      'check',
      '--no-cache',
      '--jobs',
      '1',
      '--format',
      'json',
      FIX,
      join(__dirname, '../../examples'),
    ]);
    const b = run([
      'check',
      '--no-cache',
      '--jobs',
      '2',
      '--format',
      'json',
      FIX,
      join(__dirname, '../../examples'),
    ]);
    expect(a.stdout.length).toBeGreaterThan(100);
    expect(b.stdout).toBe(a.stdout);
  });

  it('serves an unchanged module from the cache on the second run', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ds-cache-'));
    const first = JSON.parse(
      run(['check', '--format', 'json', join(FIX, 'mixed')], { DRIVERSCOPE_CACHE: cache }).stdout,
    );
    const second = JSON.parse(
      run(['check', '--format', 'json', join(FIX, 'mixed')], { DRIVERSCOPE_CACHE: cache }).stdout,
    );
    expect(first.stats.cachedFiles).toBe(0);
    expect(second.stats.cachedFiles).toBeGreaterThan(0);
    expect(second.findings).toEqual(first.findings);
  });

  it('--timings prints where the time went to stderr and leaves the report alone', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ds-cache-'));
    const args = ['check', '--format', 'json', '--no-progress', join(FIX, 'mixed')];
    const plain = run(args, { DRIVERSCOPE_CACHE: cache });
    const timed = run([...args, '--no-cache', '--timings'], { DRIVERSCOPE_CACHE: cache });
    expect(timed.code).toBe(1);
    expect(timed.stdout).toBe(plain.stdout);
    expect(plain.stderr).not.toMatch(/phase/);
    const ms = (label: string) => {
      const m = new RegExp(`^${label}.*?\\s([\\d,]+)\\s+[\\d.]+$`, 'm').exec(timed.stderr);
      expect(m, `${label} row in:\n${timed.stderr}`).not.toBeNull();
      return Number(m![1]!.replace(/,/g, ''));
    };
    for (const phase of ['scan', 'read', 'prefilter', 'model', 'taint']) ms(phase);
    expect(ms('parse')).toBeGreaterThan(0);
    for (const id of [
      'infinite-poll',
      'tainted-index',
      'tainted-pointer',
      'panic-on-device',
      'silent-failure',
    ])
      ms(`check ${id}`);
    const m = /(\d+) modules? timed.*?(\d+) functions analysed, (\d+) of them see device data/.exec(
      timed.stderr,
    );
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    expect(Number(m![3])).toBeGreaterThan(0);
    expect(Number(m![3])).toBeLessThanOrEqual(Number(m![2]));
    // A module served from the cache is not timed (its times belong to the run that made it).
    const cached = run([...args, '--timings'], { DRIVERSCOPE_CACHE: cache });
    expect(JSON.parse(cached.stdout).findings).toEqual(JSON.parse(plain.stdout).findings);
    expect(cached.stderr).toMatch(/^0 modules timed.* 0 functions analysed/m);
    const entries = readdirSync(cache, { recursive: true }).map(String);
    for (const e of entries.filter((x) => x.endsWith('.json')))
      expect(readFileSync(join(cache, e), 'utf8')).not.toMatch(/"timings"/);
  });

  it('--baseline lists only new findings, marks states in JSON and SARIF, exits 1 only for new ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-base-'));
    cpSync(join(FIX, 'mixed'), join(dir, 'mixed'), { recursive: true });
    const base = join(dir, 'base.json');
    expect(run(['check', '--format', 'json', '-o', base, join(dir, 'mixed')]).code).toBe(1);
    // Unchanged tree: nothing new, exit 0, the earlier findings counted, not listed.
    const same = run(['check', '--baseline', base, '--no-progress', join(dir, 'mixed')]);
    expect(same.code).toBe(0);
    expect(same.stdout).not.toMatch(/infinite-poll\s+in mixed_wait/);
    expect(same.stdout).toMatch(
      /compared with .*base\.json: 0 new \(listed above\), 2 unchanged \(not listed\), 0 no longer reported/,
    );
    // A second polling loop below the first, and lines added above it: one new finding.
    const core = join(dir, 'mixed/core.c');
    writeFileSync(
      core,
      readFileSync(core, 'utf8').replace(
        /\twhile \(mixed_status\(base\) & 0x1\)\n\t\tcpu_relax\(\);\n/,
        '\tudelay(1);\n\n$&\twhile (mixed_status(base) & 0x4)\n\t\tcpu_relax();\n',
      ),
    );
    const text = run(['check', '--baseline', base, '--no-progress', join(dir, 'mixed')]);
    expect(text.code).toBe(1);
    expect(text.stdout.match(/infinite-poll\s+in mixed_wait/g)).toHaveLength(1);
    expect(text.stdout).toMatch(/: 1 new \(listed above\), 2 unchanged/);
    const json = JSON.parse(
      run(['check', '--format', 'json', '--baseline', base, join(dir, 'mixed')]).stdout,
    );
    expect(json.findings.map((f: { baselineState: string }) => f.baselineState).sort()).toEqual([
      'new',
      'unchanged',
      'unchanged',
    ]);
    expect(json.baseline).toMatchObject({ new: 1, unchanged: 2, absent: 0 });
    // Removing the accessor's user: its finding is reported gone, in SARIF as an absent result.
    writeFileSync(core, '// nothing left\n');
    const out = join(dir, 'gone.sarif');
    const gone = run(['check', '--format', 'sarif', '-o', out, '--baseline', base, join(dir, 'mixed')]);
    expect(gone.code).toBe(0);
    const log = JSON.parse(readFileSync(out, 'utf8'));
    const schema = JSON.parse(
      readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(
      schema,
    );
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const states = log.runs[0].results.map((r: { baselineState: string }) => r.baselineState);
    expect(states.filter((s: string) => s === 'absent')).toHaveLength(1);
    expect(states.filter((s: string) => s === 'unchanged')).toHaveLength(1);
    // A SARIF report is a baseline too; the absent result it carries is not one of its findings.
    const again = run(['check', '--baseline', out, '--no-progress', join(dir, 'mixed')]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 new \(listed above\), 1 unchanged \(not listed\), 0 no longer reported/);
    // A baseline that is missing or not a report: exit 2 and why.
    const missing = run(['check', '--baseline', join(dir, 'nope.json'), join(dir, 'mixed')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot use .*nope\.json as a baseline: no such file/);
    writeFileSync(join(dir, 'junk.json'), '{"results": []}');
    const junk = run(['check', '--baseline', join(dir, 'junk.json'), join(dir, 'mixed')]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/neither a driverscope JSON report/);
  });

  it('prints the help and the version', () => {
    expect(run(['check', '--help']).stdout).toMatch(/usage: driverscope check/);
    expect(execFileSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' })).toMatch(
      /^\d+\.\d+\.\d+/,
    );
  });
});

describe('cache (library)', () => {
  it('a changed local header invalidates the cached result of every module that sees it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-hdr-'));
    const cacheDir = join(dir, 'cache');
    // Two modules in one directory share an accessor header.
    writeFileSync(join(dir, 'Makefile'), 'obj-m += a.o b.o\n');
    writeFileSync(join(dir, 'regs.h'), '#define dev_rd(p, r) readl((p) + (r))\n');
    for (const m of ['a', 'b'])
      writeFileSync(
        join(dir, `${m}.c`),
        `#include "regs.h"\nu32 ${m}_id(void __iomem *p)\n{\n\treturn readl(p);\n}\n\n` +
          `void ${m}_wait(void __iomem *p)\n{\n\twhile (dev_rd(p, 0x10) & 1)\n\t\tcpu_relax();\n}\n`,
      );
    const opts = { paths: [dir], jobs: 1, cacheDir };
    const first = await runCheck(opts);
    expect(first.findings.map((f) => f.function)).toEqual(['a_wait', 'b_wait']);
    expect((await runCheck(opts)).cachedFiles).toBe(2);
    // The accessor no longer reads the device (the files, which still do, are unchanged): both
    // cached results must go.
    writeFileSync(join(dir, 'regs.h'), '#define dev_rd(p, r) ((p)->shadow[r])\n');
    const after = await runCheck(opts);
    expect(after.cachedFiles).toBe(0);
    expect(after.analysedFiles).toBe(2);
    expect(after.findings).toEqual([]);
  });
});

describe('robustness (library)', () => {
  it('skips a file larger than the limit, with its reason, and goes on', async () => {
    const r = await runCheck({ paths: [join(FIX, 'mixed')], cache: false, jobs: 1, maxFileBytes: 200 });
    const big = r.skipped.find((s) => s.file.endsWith('core.c'));
    expect(big?.reason).toMatch(/too large/);
  });
});
