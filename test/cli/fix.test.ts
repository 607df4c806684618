/**
 * The fix command as a user runs it (the built CLI): patches to a directory, to stdout for
 * `git apply --check`, JSON with fixStatus, --in-place refusing a dirty git tree, exit codes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';

const CLI = join(__dirname, '../../dist/cli/main.js');

interface Replacement {
  deletedRegion: { startLine: number; startColumn: number; endLine: number; endColumn: number };
  insertedContent: { text: string };
}
const FIXTURES = join(__dirname, '../fixtures/fix');

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, DRIVERSCOPE_CACHE: mkdtempSync(join(tmpdir(), 'ds-cache-')) },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A git work tree holding the fixtures, committed. */
function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ds-fixrepo-'));
  cpSync(FIXTURES, join(dir, 'drivers'), { recursive: true, filter: (p) => !p.endsWith('.patch') });
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'fixtures');
  return dir;
}

describe('driverscope fix (CLI)', () => {
  it('writes one patch per module to --out, with paths relative to the work tree, and a summary', () => {
    const dir = repo();
    const r = run(['fix', 'drivers', '--out', 'patches', '--no-progress'], dir);
    expect(r.code).toBe(1); // two findings cannot be fixed
    const files = readdirSync(join(dir, 'patches')).sort();
    expect(files).toEqual(['0001-bounds.patch', '0002-data.patch', '0003-poll.patch', '0004-silent.patch']);
    expect(readFileSync(join(dir, 'patches', files[2]!), 'utf8')).toMatch(
      /^diff --git a\/drivers\/poll\.c b\/drivers\/poll\.c$/m,
    );
    expect(r.stdout).toMatch(/^43 findings, 41 fixed \(95\.3%\), 4 patches/);
    expect(r.stdout).toMatch(
      /tainted-index: the array size is not known from its declaration or its allocation/,
    );
    for (const f of files) execFileSync('git', ['apply', '--check', join('patches', f)], { cwd: dir });
    // The source tree was not touched.
    expect(
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: dir, encoding: 'utf8' }),
    ).toBe('');
  });

  it('--stdout output goes straight into git apply --check', () => {
    const dir = repo();
    const r = run(['fix', '--stdout', 'drivers/silent.c'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/3 findings, 3 fixed/);
    execFileSync('git', ['apply', '--check', '-'], { cwd: dir, input: r.stdout });
  });

  it('--format json lists every finding with its fixStatus and the patches', () => {
    const dir = repo();
    const r = run(['fix', 'drivers/data.c', '--format', 'json', '--out', 'p'], dir);
    const j = JSON.parse(r.stdout);
    expect(j.summary).toMatchObject({ findings: 7, fixed: 5, patches: 1 });
    expect(j.findings.map((f: { fixStatus: string }) => f.fixStatus).sort()).toEqual([
      'fixed',
      'fixed',
      'fixed',
      'fixed',
      'fixed',
      'unfixed',
      'unfixed',
    ]);
    const f = j.findings.find((x: { function: string }) => x.function === 'dt_ring');
    expect(f).toMatchObject({ checkId: 'tainted-index', fixStatus: 'unfixed', reason: expect.any(String) });
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(j.patches).toEqual([{ module: 'data', file: '0001-data.patch', files: ['drivers/data.c'] }]);
  });

  it('--baseline fixes only what a change added since an earlier check report', () => {
    const dir = repo();
    expect(run(['check', 'drivers/poll.c', '--format', 'json', '-o', 'base.json'], dir).code).toBe(1);
    const before = JSON.parse(readFileSync(join(dir, 'base.json'), 'utf8')).findings.length;
    expect(before).toBeGreaterThan(1);
    // A patch adds one more unbounded polling loop to the driver.
    writeFileSync(
      join(dir, 'drivers/poll.c'),
      readFileSync(join(dir, 'drivers/poll.c'), 'utf8') +
        '\nstatic void poll_added(void __iomem *base)\n{\n\twhile (readl(base + 0x40) & 0x1)\n\t\tcpu_relax();\n}\n',
    );
    const r = run(['fix', 'drivers/poll.c', '--baseline', 'base.json', '--stdout'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^1 new findings, 1 fixed \(100\.0%\), 1 patches/);
    expect(r.stderr).toMatch(
      new RegExp(
        `compared with base\\.json: ${before} findings already there left alone, 0 no longer reported`,
      ),
    );
    // The patch touches only the new function (and adds the header its helper needs).
    const diff = r.stdout.slice(r.stdout.indexOf('\ndiff --git'));
    const removed = diff.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
    expect(removed).toEqual(['-\twhile (readl(base + 0x40) & 0x1)', '-\t\tcpu_relax();']);
    expect(r.stdout).toMatch(/readl_poll_timeout_atomic\(base \+ 0x40, /);
    execFileSync('git', ['apply', '--check', '-'], { cwd: dir, input: r.stdout });
    const j = JSON.parse(
      run(['fix', 'drivers/poll.c', '--baseline', 'base.json', '--format', 'json', '--out', 'p'], dir).stdout,
    );
    expect(j.findings.map((f: { function: string }) => f.function)).toEqual(['poll_added']);
    expect(j.baseline).toEqual({ path: 'base.json', unchanged: before, absent: 0 });
    expect(run(['fix', 'drivers/poll.c', '--baseline', 'missing.json'], dir).code).toBe(2);
  });

  it('--in-place edits the files, and refuses a dirty git tree unless --force', () => {
    const dir = repo();
    writeFileSync(join(dir, 'drivers/silent.c'), readFileSync(join(dir, 'drivers/silent.c'), 'utf8') + '\n');
    const refused = run(['fix', '--in-place', 'drivers/poll.c'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/uncommitted changes/);
    expect(readFileSync(join(dir, 'drivers/poll.c'), 'utf8')).toBe(
      readFileSync(join(FIXTURES, 'poll.c'), 'utf8'),
    );
    const forced = run(['fix', '--in-place', '--force', 'drivers/poll.c'], dir);
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'drivers/poll.c'), 'utf8')).toMatch(/readl_poll_timeout_atomic\(/);
    // Fixed code has nothing left to fix.
    const again = run(['fix', '--stdout', 'drivers/poll.c'], dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('');
  });

  it('writes the same bytes whatever --jobs (files fixed in a worker pool)', () => {
    const dir = repo();
    cpSync(join(dir, 'drivers'), join(dir, 'more'), { recursive: true });
    const one = run(['fix', '--stdout', '--jobs', '1', 'drivers', 'more'], dir);
    const two = run(['fix', '--stdout', '--jobs', '2', 'drivers', 'more'], dir);
    expect(one.stdout.match(/^diff --git/gm)).toHaveLength(8);
    expect(two.stdout).toBe(one.stdout);
  });

  it('--format sarif validates, and each fixed result carries its fix: applied, they give the patched file', () => {
    const dir = repo();
    const r = run(['fix', 'drivers/data.c', '--format', 'sarif', '-o', 'out.sarif', '--out', 'p'], dir);
    expect(r.code).toBe(1);
    const log = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(
      readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'),
    );
    const validate = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false }).compile(
      schema,
    );
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const results = log.runs[0].results as {
      fixes?: { artifactChanges: { replacements: Replacement[] }[] }[];
    }[];
    expect(results.filter((x) => x.fixes).length).toBe(5);
    // Apply every fix's replacements to the original text (last first) and compare with git apply.
    const original = readFileSync(join(dir, 'drivers/data.c'), 'utf8');
    const starts = [0];
    for (let i = original.indexOf('\n'); i >= 0; i = original.indexOf('\n', i + 1)) starts.push(i + 1);
    const at = (line: number, col: number) => starts[line - 1]! + col - 1;
    const reps = results
      .flatMap((x) => x.fixes ?? [])
      .flatMap((fx) => fx.artifactChanges.flatMap((c) => c.replacements))
      .map((rp) => ({
        start: at(rp.deletedRegion.startLine, rp.deletedRegion.startColumn),
        end: at(rp.deletedRegion.endLine, rp.deletedRegion.endColumn),
        text: rp.insertedContent.text,
      }))
      .sort((a, b) => b.start - a.start);
    let text = original;
    for (const rp of reps) text = text.slice(0, rp.start) + rp.text + text.slice(rp.end);
    execFileSync('git', ['apply', join('p', '0001-data.patch')], { cwd: dir });
    expect(text).toBe(readFileSync(join(dir, 'drivers/data.c'), 'utf8'));
  });

  it('exits 2 on usage errors', () => {
    expect(run(['fix'], FIXTURES).code).toBe(2);
    expect(run(['fix', '--format', 'xml', 'x.c'], FIXTURES).code).toBe(2);
    expect(run(['fix', '--stdout', '--in-place', 'x.c'], FIXTURES).code).toBe(2);
    expect(run(['fix', 'no/such/file.c'], FIXTURES).code).toBe(2);
  });
});
