/**
 * Accessors defined in the kernel's own headers (`include/`): `#define saa7146_read(sxy, adr)
 * readl(...)` in include/media/drv-intf/saa7146.h, `ufshcd_readl()` in include/ufs/ufshcd.h,
 * `vp_ioread32()` in include/linux/virtio_pci_modern.h. A module's local headers are searched for
 * accessors already (c/includes.ts); without these, every driver of a subsystem whose accessors live
 * in a kernel-wide header read the device unseen.
 *
 * The whole include/ tree is searched once per run (4,300 headers, 31 MB in 6.12: about 0.8 s), and
 * the table is kept in the cache directory under a key of the headers' names, sizes and times, so a
 * warm run only stats them. A module is given the accessors whose names it calls; its own
 * accessors of the same name win (a static function in the driver shadows the header's).
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { DeviceReadApi, DeviceReadTable } from '../analysis/device-reads.js';
import { findAccessors } from '../analysis/module.js';
import { readSource } from './analyse-module.js';

/** Headers that cannot define a driver's accessors: user-space ABI and device-tree constants. */
const SKIP = new Set(['uapi', 'dt-bindings']);

function headersUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP.has(e.name)) walk(p);
      } else if (e.isFile() && e.name.endsWith('.h')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/**
 * The accessors of the kernel tree at `root` (none if it has no include/). `cacheKey` identifies
 * the analysis code and device-read table; `cacheDir`, when given, keeps the table between runs;
 * headers are read as every command reads a source (`readSource`, refusing files over `maxFileBytes`).
 */
export function kernelAccessors(
  root: string,
  reads: DeviceReadTable,
  opts: { cacheKey: string; cacheDir?: string; maxFileBytes?: number },
): Map<string, DeviceReadApi> {
  const { cacheKey, cacheDir, maxFileBytes = 4 * 1024 * 1024 } = opts;
  const include = join(root, 'include');
  if (!existsSync(include)) return new Map();
  const headers = headersUnder(include);
  const h = createHash('sha256').update('kernel-accessors-1').update(cacheKey);
  for (const p of headers) {
    const st = statSync(p, { throwIfNoEntry: false });
    h.update(`${p.slice(include.length)}\0${st?.size ?? -1}\0${st?.mtimeMs ?? -1}\n`);
  }
  const key = h.digest('hex');
  const file = cacheDir ? join(cacheDir, 'kernel-accessors', `${key}.json`) : undefined;
  if (file && existsSync(file)) {
    try {
      return new Map(JSON.parse(readFileSync(file, 'utf8')) as [string, DeviceReadApi][]);
    } catch {
      /* corrupt cache entry: recompute */
    }
  }
  const texts = headers.map((p) => {
    const r = readSource(p, maxFileBytes);
    return 'text' in r ? r.text : '';
  });
  const found = findAccessors(texts, reads);
  const sorted = new Map([...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (file) {
    mkdirSync(join(cacheDir!, 'kernel-accessors'), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify([...sorted]));
    renameSync(tmp, file);
  }
  return sorted;
}

/** The names of `call`'s table ({@link callOf}) that `text` calls, each once. */
export function namesCalled(call: RegExp | undefined, text: string): string[] {
  return call ? [...new Set(Array.from(text.matchAll(call), (m) => m[1]!))] : [];
}

/**
 * The accessors of `table` among `called` that `texts` do not define themselves (a driver's own
 * `static u32 ssc_readl(...)` or `#define ssc_readl(...)` shadows the header's), in the table's order.
 */
export function accessorsCalled(
  table: ReadonlyMap<string, DeviceReadApi>,
  called: ReadonlySet<string>,
  texts: readonly string[],
): DeviceReadApi[] {
  if (called.size === 0) return [];
  const defines = (name: string) => {
    const re = new RegExp(
      `^[ \\t]*#[ \\t]*define[ \\t]+${name}\\b|^[ \\t]*(?:[A-Za-z_]\\w*[ \\t*]+)*${name}\\s*\\([^;{}]*\\)\\s*\\{`,
      'm',
    );
    return texts.some((t) => re.test(t));
  };
  return [...table.values()].filter((a) => called.has(a.name!) && !defines(a.name!));
}

/** One regular expression for calls of the table's names (global; group 1 is the name). */
export function callOf(table: ReadonlyMap<string, DeviceReadApi>): RegExp | undefined {
  return table.size ? new RegExp(`\\b(${[...table.keys()].join('|')})\\s*\\(`, 'g') : undefined;
}
