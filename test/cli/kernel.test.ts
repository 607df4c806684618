import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(__dirname, '../../dist/cli/main.js');

function run(args: string[], cache: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DRIVERSCOPE_CACHE: cache },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('driverscope kernel', () => {
  it('path: exit 1 with advice when the tree is not in the cache', () => {
    const r = run(['kernel', 'path', '6.12'], mkdtempSync(join(tmpdir(), 'ds-k-')));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/driverscope kernel fetch 6\.12/);
  });

  it('path: prints a completed tree, and ignores an interrupted extraction', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ds-k-'));
    mkdirSync(join(cache, 'linux-6.1'));
    expect(run(['kernel', 'path', '6.1'], cache).code).toBe(1); // no .complete stamp yet
    writeFileSync(join(cache, 'linux-6.1', '.complete'), 'x\n');
    const r = run(['kernel', 'path', '6.1'], cache);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(cache, 'linux-6.1'));
  });

  it('fetch: is idempotent (a complete tree is not downloaded again)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ds-k-'));
    mkdirSync(join(cache, 'linux-6.12'));
    writeFileSync(join(cache, 'linux-6.12', '.complete'), 'x\n');
    const r = run(['kernel', 'fetch', '6.12'], cache);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(join(cache, 'linux-6.12'));
    expect(r.stderr).toMatch(/already in the cache/);
  });

  it('rejects unknown versions and subcommands', () => {
    const cache = mkdtempSync(join(tmpdir(), 'ds-k-'));
    expect(run(['kernel', 'fetch', '5.10'], cache).code).toBe(2);
    expect(run(['kernel', 'frob', '6.12'], cache).code).toBe(2);
  });
});
