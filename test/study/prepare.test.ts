/** The study's fast preparation gives exactly what the shared prepareKernelC gives. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareKernelC } from '../../src/c/preprocess.js';
import { kernelPath } from '../../src/kernel/fetch.js';
import { findCFiles } from '../../src/study/run.js';
import { prepareKernelCFast } from '../../src/study/prepare.js';
import { TREE } from './helpers.js';

const same = (src: string) => {
  const a = prepareKernelC(src);
  const b = prepareKernelCFast(src);
  expect(b.text).toBe(a.text);
  for (const o of [0, 10, 100, 1000, src.length >> 1, src.length])
    expect(b.map.toOriginal(o)).toBe(a.map.toOriginal(o));
};

describe('prepareKernelCFast', () => {
  it('matches prepareKernelC on the fixture tree and on tricky snippets', () => {
    for (const f of findCFiles([TREE])) same(readFileSync(f, 'utf8'));
    same(
      '#if 0\nint a;\n#else\nint b;\n#endif\nstatic int __init f(void __iomem *p) { list_for_each_entry(x, y, z) { g(); } }\n',
    );
    same(
      '#ifdef A\n#define X \\\n  1\n#elif B\nint c;\n#endif\nswitch (x) { case 1 ... 5: break; }\nu8 *p = container_of(a, struct foo, m);\n',
    );
    same('\r\n#if 1\r\nint x;\r\n#endif\r\n__aligned(8) int y; scoped_guard(mutex, &m) { z(); }\n');
  });
  const K = kernelPath('6.12');
  it.skipIf(!K)('matches prepareKernelC on real 6.12 drivers', () => {
    const files = findCFiles([
      join(K!, 'drivers/net/ethernet/intel/e1000e'),
      join(K!, 'sound/pci/hda'),
      join(K!, 'drivers/usb/core'),
    ]);
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) same(readFileSync(f, 'utf8'));
  });
});
