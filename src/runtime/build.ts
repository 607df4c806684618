/**
 * Builds the runtime's C drivers into WebAssembly with @yowasp/clang (clang + wasm-ld compiled to
 * wasm, so no system toolchain is needed), then instruments them with binaryen's `log-execution`
 * pass so that every function entry and loop header calls the imported `log_execution`: the
 * kernel counts those calls as fuel, which stops an endless loop deterministically.
 *
 * Output is cached by a hash of the sources, flags and tool versions under
 * node_modules/.cache/driverscope/runtime (or $DRIVERSCOPE_RUNTIME_CACHE), never in the repo.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RUNTIME_DIR = join(REPO_ROOT, 'runtime');
export const DRIVER_NAMES = ['dsnic', 'dssound', 'dsmouse', 'dsblk'] as const;
export type DriverName = (typeof DRIVER_NAMES)[number];

const CFLAGS = [
  '--target=wasm32',
  '-O2',
  '-std=gnu11',
  '-ffreestanding',
  '-nostdlib',
  '-mbulk-memory',
  '-Wall',
  '-Wno-unused-function',
  '-Werror',
  '-Iinclude',
  '-Wl,--no-entry',
  '-Wl,--allow-undefined',
  '-Wl,--export-table',
  '-Wl,--export=__heap_base',
  '-Wl,--initial-memory=1048576',
  '-Wl,--max-memory=1048576',
  '-Wl,--stack-first',
  '-Wl,-z,stack-size=65536',
];

function cacheDir(): string {
  return (
    process.env.DRIVERSCOPE_RUNTIME_CACHE ??
    join(REPO_ROOT, 'node_modules', '.cache', 'driverscope', 'runtime')
  );
}

/** A dependency's version, found from wherever Node resolves it (its package.json is not exported). */
function packageVersion(name: string): string {
  let dir = dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      const meta = JSON.parse(readFileSync(pj, 'utf8')) as { name?: string; version: string };
      if (meta.name === name) return meta.version;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the version of ${name}`);
    dir = up;
  }
}

function toolVersions(): string {
  return `clang ${packageVersion('@yowasp/clang')} binaryen ${packageVersion('binaryen')}`;
}

function sources(name: DriverName): Record<string, string> {
  const files: Record<string, string> = {};
  const inc = join(RUNTIME_DIR, 'include');
  for (const f of readdirSync(inc).sort())
    if (f.endsWith('.h')) files[`include/${f}`] = readFileSync(join(inc, f), 'utf8');
  files[`${name}.c`] = readFileSync(join(RUNTIME_DIR, 'drivers', `${name}.c`), 'utf8');
  return files;
}

export function sourceHash(name: DriverName): string {
  const h = createHash('sha256');
  h.update(toolVersions()).update('\0').update(CFLAGS.join(' ')).update('\0');
  for (const [path, text] of Object.entries(sources(name)))
    h.update(path).update('\0').update(text).update('\0');
  return h.digest('hex').slice(0, 16);
}

type Tree = { [name: string]: Tree | string | Uint8Array };

async function compile(name: DriverName): Promise<Uint8Array> {
  const { commands, runLLVM } = (await import('@yowasp/clang')) as unknown as {
    commands: { clang: (args: string[], files: Tree, opts: object) => Promise<Tree> };
    runLLVM: (args: null, files: Tree, opts: object) => Promise<unknown>;
  };
  // Load the toolchain's resources first, quietly: clang's driver step would print progress to stdout.
  await runLLVM(null, {}, { fetchProgress: () => {} });
  const files = sources(name);
  const tree: Tree = { include: {} };
  for (const [p, text] of Object.entries(files)) {
    if (p.startsWith('include/')) (tree.include as Tree)[p.slice(8)] = text;
    else tree[p] = text;
  }
  let stderr = '';
  const decoder = new TextDecoder();
  const onErr = (b: Uint8Array | null) => {
    if (b) stderr += decoder.decode(b);
  };
  let out: Tree;
  try {
    out = await commands.clang([...CFLAGS, '-o', `${name}.wasm`, `${name}.c`], tree, {
      stdout: onErr,
      stderr: onErr,
    });
  } catch (e) {
    throw new Error(`compiling runtime/drivers/${name}.c failed:\n${stderr || String(e)}`);
  }
  const wasm = out[`${name}.wasm`];
  if (!(wasm instanceof Uint8Array)) throw new Error(`compiling ${name}.c produced no wasm:\n${stderr}`);
  return instrument(wasm);
}

/** Adds the fuel hook: a call to env.log_execution at each function entry and loop header. */
export async function instrument(wasm: Uint8Array): Promise<Uint8Array> {
  const binaryen = (await import('binaryen')).default;
  const mod = binaryen.readBinary(wasm);
  try {
    mod.runPasses(['log-execution']);
    if (!mod.validate()) throw new Error('binaryen: instrumented module does not validate');
    return mod.emitBinary();
  } finally {
    mod.dispose();
  }
}

const memo = new Map<DriverName, Promise<Uint8Array>>();

/** The instrumented driver module, compiled on first use and cached by source hash. */
export function driverWasm(name: DriverName): Promise<Uint8Array> {
  let p = memo.get(name);
  if (!p) {
    p = loadOrBuild(name);
    memo.set(name, p);
  }
  return p;
}

async function loadOrBuild(name: DriverName): Promise<Uint8Array> {
  const dir = cacheDir();
  const file = join(dir, `${name}-${sourceHash(name)}.wasm`);
  if (existsSync(file)) return new Uint8Array(readFileSync(file));
  const wasm = await compile(name);
  mkdirSync(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, wasm);
  renameSync(tmp, file);
  return wasm;
}

export async function buildAll(log: (m: string) => void = () => {}): Promise<void> {
  for (const name of DRIVER_NAMES) {
    if (!existsSync(join(RUNTIME_DIR, 'drivers', `${name}.c`))) continue;
    const t0 = Date.now();
    const wasm = await driverWasm(name);
    log(`runtime: ${name}.wasm ${wasm.length} bytes (${Date.now() - t0} ms)`);
  }
}
