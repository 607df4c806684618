// The scratch git repository of a fetched kernel that the patch checks apply patches in, and the
// generation of `driverscope fix` patches. The fetched tree in the cache is only ever read (copied).
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { patchFiles, secs } from './patch-check.mjs';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(REPO, 'dist/cli/main.js');

async function fetchModule() {
  const mod = join(REPO, 'dist/kernel/fetch.js');
  if (!existsSync(mod)) throw new Error('dist/ is missing: run `npm run build` first');
  return import(mod);
}

/** Run a command; returns {status, stdout, stderr, ms}. Never throws on a non-zero exit. */
export function sh(cmd, args, opts = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', ms: Date.now() - t0 };
}

/** Run a command that must succeed (throws with its stderr otherwise). */
export function must(cmd, args, opts = {}) {
  const r = sh(cmd, args, opts);
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} failed (exit ${r.status}):\n${(r.stderr || r.stdout).trim().slice(-4000)}`,
    );
  return r;
}

/** The fetched kernel tree for `version` (throws with advice when it has not been fetched) and the cache root. */
export async function kernelTree(version) {
  const { kernelPath, cacheRoot, isKernelVersion } = await fetchModule();
  if (!isKernelVersion(version)) throw new Error(`unsupported kernel version ${version}`);
  const tree = kernelPath(version);
  if (!tree)
    throw new Error(`Linux ${version} is not fetched: run \`node dist/cli/main.js kernel fetch ${version}\``);
  return { tree, cache: cacheRoot() };
}

const STAMP = 'driverscope-scratch-complete';

/**
 * A git repository holding a copy of the fetched tree, at <cache>/scratch-linux-<version>, with one
 * commit of the whole tree. Made once (a stamp in .git marks it complete; an unfinished copy is made
 * again), then reused: on reuse it is reset to that commit (tracked changes and untracked files left by
 * an interrupted check are removed). Returns its path.
 */
export async function scratchRepo(version, log = console.log) {
  const { tree, cache } = await kernelTree(version);
  const dir = join(cache, `scratch-linux-${version}`);
  const source = readFileSync(join(tree, '.complete'), 'utf8').trim();
  const stampFile = join(dir, '.git', STAMP);
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === source) {
    const dirty = sh('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir });
    if (dirty.status === 0 && dirty.stdout.trim()) {
      log(`scratch repo ${dir}: resetting leftover changes`);
      must('git', ['reset', '-q', '--hard', 'HEAD'], { cwd: dir });
      must('git', ['clean', '-q', '-fdx'], { cwd: dir });
    }
    return dir;
  }
  log(`making the scratch git repo of Linux ${version} at ${dir} (once; copies ${tree})`);
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
  let t = Date.now();
  // A real copy (not hard links): the compile check writes patched files into this tree.
  must('cp', ['-a', tree, staging]);
  log(`  copy: ${secs(Date.now() - t)}`);
  t = Date.now();
  const git = (...args) => must('git', args, { cwd: staging });
  git('init', '-q');
  git('config', 'user.name', 'driverscope');
  git('config', 'user.email', 'driverscope@localhost');
  git('config', 'core.looseCompression', '1');
  git('config', 'gc.auto', '0');
  // -f: the tree is committed exactly as fetched, even files the kernel's .gitignore names.
  git('add', '-A', '-f', '.');
  git('commit', '-q', '--no-verify', '-m', `Linux ${version} as fetched (${source})`);
  writeFileSync(join(staging, '.git', STAMP), `${source}\n`);
  renameSync(staging, dir);
  log(`  git init + add + commit: ${secs(Date.now() - t)}`);
  return dir;
}

/** A simple exclusive lock on the scratch repo (the apply check and compile check must not overlap). */
export function lockScratch(dir) {
  const file = join(dir, '.git', 'driverscope.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      const release = () => {
        try {
          unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return release;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(file, 'utf8').trim());
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
      if (alive) throw new Error(`the scratch repo ${dir} is in use by process ${pid}`);
      unlinkSync(file); // stale lock
    }
  }
  throw new Error(`cannot lock ${dir}`);
}

/** The patches of a directory (*.patch, sorted by name) with the kernel-relative files each touches. */
export function readPatches(patchDir) {
  const names = readdirSync(patchDir)
    .filter((f) => f.endsWith('.patch') && statSync(join(patchDir, f)).isFile())
    .sort();
  return names.map((name) => {
    const path = join(patchDir, name);
    return { name, path, files: patchFiles(readFileSync(path, 'utf8')) };
  });
}

/**
 * Without --patches: run `driverscope fix --out <tmp> <tree>` and return the directory it wrote.
 * `fix` exits 1 when it found (and patched) something, like `check`; only a missing output is an error.
 */
export function generatePatches(tree, log = console.log) {
  const out = mkdtempSync(join(tmpdir(), 'ds-fix-patches-'));
  log(`generating patches: node dist/cli/main.js fix --out ${out} ${tree}`);
  const r = sh(process.execPath, [CLI, 'fix', '--out', out, tree], { stdio: ['ignore', 'ignore', 'pipe'] });
  log(`  fix: exit ${r.status}, ${secs(r.ms)}`);
  if (r.status !== 0 && r.status !== 1) {
    rmSync(out, { recursive: true, force: true });
    throw new Error(`driverscope fix failed (exit ${r.status}):\n${r.stderr.trim().slice(-4000)}`);
  }
  log(`  patches kept in ${out}`);
  return out;
}
