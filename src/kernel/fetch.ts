/**
 * Fetch a real Linux source tree from Debian's `linux-source-<version>` package into a cache
 * directory outside the repository. Kernel source is never committed: tests and benchmarks that
 * need a kernel call {@link kernelPath} and say so when it is absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const SUPPORTED_KERNELS = ['6.1', '6.12'] as const;
export type KernelVersion = (typeof SUPPORTED_KERNELS)[number];

/** Root of the cache: $DRIVERSCOPE_CACHE, else $XDG_CACHE_HOME/driverscope, else ~/.cache/driverscope. */
export function cacheRoot(): string {
  if (process.env.DRIVERSCOPE_CACHE) return process.env.DRIVERSCOPE_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'driverscope');
}

export function isKernelVersion(v: string): v is KernelVersion {
  return (SUPPORTED_KERNELS as readonly string[]).includes(v);
}

/** Where an extracted tree lives; the `.complete` stamp marks a finished extraction. */
export function kernelDir(version: KernelVersion): string {
  return join(cacheRoot(), `linux-${version}`);
}

/** The path of a fetched tree, or undefined when it has not been fetched (or extraction was interrupted). */
export function kernelPath(version: KernelVersion): string | undefined {
  const dir = kernelDir(version);
  return existsSync(join(dir, '.complete')) ? dir : undefined;
}

function run(cmd: string, args: string[], cwd: string, log: (m: string) => void): void {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    const err = r.error ? String(r.error) : r.stderr.toString().trim();
    throw new Error(`${cmd} failed (exit ${r.status}): ${err}`);
  }
}

/**
 * Download and extract; idempotent (a complete tree is returned at once). Progress goes to `log`.
 * Steps: `apt-get download linux-source-X` → `dpkg-deb --fsys-tarfile` → the inner
 * `/usr/src/linux-source-X.tar.xz` → extracted with `--strip-components=1` into a temporary
 * sibling directory that is renamed into place only when complete.
 */
export function fetchKernel(version: KernelVersion, log: (m: string) => void = () => {}): string {
  const done = kernelPath(version);
  if (done) {
    log(`linux ${version} already in the cache`);
    return done;
  }
  const dest = kernelDir(version);
  mkdirSync(cacheRoot(), { recursive: true });
  const work = join(tmpdir(), `driverscope-fetch-${version}-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const pkg = `linux-source-${version}`;
    log(`downloading Debian package ${pkg} ...`);
    try {
      run('apt-get', ['download', pkg], work, log);
    } catch (e) {
      log('apt-get download failed; refreshing package lists (apt-get update) and retrying');
      run('apt-get', ['update', '-q'], work, log);
      run('apt-get', ['download', pkg], work, log);
      void e;
    }
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download produced no .deb for ${pkg}`);
    log(`unpacking ${deb} ...`);
    execFileSync('sh', ['-c', `dpkg-deb --fsys-tarfile "${deb}" | tar -x ./usr/src`], { cwd: work });
    const srcDir = join(work, 'usr', 'src');
    const tarball = readdirSync(srcDir).find((f) => /^linux-source-.*\.tar\.(xz|bz2|gz)$/.test(f));
    if (!tarball) throw new Error(`no kernel tarball inside ${deb}`);
    const staging = `${dest}.partial`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    log(`extracting ${tarball} into ${dest} (about 1.5 GB, takes a minute) ...`);
    run('tar', ['-x', '--strip-components=1', '-f', join(srcDir, tarball), '-C', staging], work, log);
    writeFileSync(join(staging, '.complete'), `${deb}\n`);
    rmSync(dest, { recursive: true, force: true });
    renameSync(staging, dest);
    log(`done: ${dest}`);
    return dest;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
