import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DeviceReadTable } from '../../src/analysis/device-reads.js';
import { accessorsCalled, callOf, kernelAccessors, namesCalled } from '../../src/engine/kernel-accessors.js';
import { runCheck } from '../../src/engine/run.js';

// A kernel tree in miniature: the accessor lives in a kernel-wide header (include/media/), as
// saa7146_read() does, and two drivers call it — one as the header defines it, one that shadows
// the name with its own function reading a cached copy.
const TREE: Record<string, string> = {
  MAINTAINERS: '',
  Kconfig: '',
  'include/media/drv-intf/sbridge.h': `#ifndef SBRIDGE_H
#define SBRIDGE_H
struct sbridge { void __iomem *mem; u32 shadow[64]; };
#define sbridge_read(s, adr)	readl((s)->mem + (adr))
static inline u32 sbridge_status(struct sbridge *s)
{
	return sbridge_read(s, 0x10);
}
#endif
`,
  'include/uapi/media/sbridge.h': '#define sbridge_uapi_read(x) readl(x)\n',
  'drivers/media/sb/Makefile': 'obj-$(CONFIG_SB) += sb_core.o\nobj-$(CONFIG_SB_CACHED) += sb_cached.o\n',
  'drivers/media/sb/sb_core.c': `#include <media/drv-intf/sbridge.h>
int sb_wait_idle(struct sbridge *s)
{
	while (sbridge_status(s) & 0x1)
		cpu_relax();
	return 0;
}
`,
  'drivers/media/sb/sb_cached.c': `#include <media/drv-intf/sbridge.h>
#undef sbridge_read
static u32 sbridge_read(struct sbridge *s, int adr)
{
	return s->shadow[adr / 4];
}
int sb_cached_wait(struct sbridge *s)
{
	while (sbridge_read(s, 0x10) & 0x1)
		cpu_relax();
	return 0;
}
`,
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function tree(): string {
  const root = mkdtempSync(join(tmpdir(), 'ds-kacc-'));
  dirs.push(root);
  for (const [p, text] of Object.entries(TREE)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

describe('accessors of the kernel-wide headers', () => {
  it('finds macros and inline functions of include/, not of include/uapi', () => {
    const root = tree();
    const table = kernelAccessors(root, new DeviceReadTable(), { cacheKey: 'test' });
    expect([...table.keys()]).toEqual(['sbridge_read', 'sbridge_status']);
    expect(table.get('sbridge_status')).toMatchObject({ kind: 'return', category: 'mmio' });
  });

  it('gives a module the accessors it calls, unless it defines the name itself', () => {
    const root = tree();
    const table = kernelAccessors(root, new DeviceReadTable(), { cacheKey: 'test' });
    const call = callOf(table);
    const names = (text: string) =>
      accessorsCalled(table, new Set(namesCalled(call, text)), [text]).map((a) => a.name);
    expect(names(TREE['drivers/media/sb/sb_core.c']!)).toEqual(['sbridge_status']);
    expect(names(TREE['drivers/media/sb/sb_cached.c']!)).toEqual([]);
    expect(names('int f(void) { return 0; }')).toEqual([]);
  });

  it('makes a poll on a kernel-wide accessor a finding, and not one on a driver function of that name', async () => {
    const root = tree();
    const cacheDir = mkdtempSync(join(tmpdir(), 'ds-kacc-cache-'));
    dirs.push(cacheDir);
    const run = () => runCheck({ paths: [join(root, 'drivers')], jobs: 1, cacheDir });
    const first = await run();
    const polls = first.findings.filter((f) => f.checkId === 'infinite-poll');
    expect(polls.map((f) => `${f.file}:${f.function}`)).toEqual(['drivers/media/sb/sb_core.c:sb_wait_idle']);
    // The table is kept between runs, and the second run gives the same findings.
    expect(readdirSync(join(cacheDir, 'kernel-accessors')).filter((f) => f.endsWith('.json'))).toHaveLength(
      1,
    );
    const second = await run();
    expect(second.findings).toEqual(first.findings);
  });

  it('has no kernel-wide accessors outside a kernel tree', async () => {
    const root = tree();
    rmSync(join(root, 'MAINTAINERS'));
    const cacheDir = mkdtempSync(join(tmpdir(), 'ds-kacc-cache-'));
    dirs.push(cacheDir);
    const r = await runCheck({ paths: [join(root, 'drivers')], jobs: 1, cacheDir });
    expect(r.findings.filter((f) => f.checkId === 'infinite-poll')).toEqual([]);
    expect(existsSync(join(cacheDir, 'kernel-accessors'))).toBe(false);
  });
});
