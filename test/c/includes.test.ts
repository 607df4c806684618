/** Which local headers a module's files include (c/includes.ts), and what the check then sees. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { includedHeaders, quotedIncludes } from '../../src/c/includes.js';
import { runCheck } from '../../src/engine/run.js';

describe('includedHeaders', () => {
  const headers: Record<string, string> = {
    '/k/drivers/foo/foo.h': '#include "foo_regs.h"\n#include <linux/io.h>\n',
    '/k/drivers/foo/foo_regs.h': '#define FOO_CTRL 0x10\n',
    '/k/drivers/foo/bar.h': '#define BAR_CTRL 0x10\n',
    '/k/drivers/foo/sub/hw.h': '#define HW 1\n',
    '/k/drivers/foo/common.h': '',
  };
  const candidates = Object.keys(headers).sort();
  const asked: string[] = [];
  const textOf = (h: string) => (asked.push(h), headers[h]!);

  it('follows quoted includes from the files and through the headers, not system includes', () => {
    asked.length = 0;
    const got = includedHeaders(
      [{ path: '/k/drivers/foo/foo.c', text: '#include <linux/pci.h>\n  #  include "foo.h"\nint x;\n' }],
      candidates,
      textOf,
    );
    expect(got).toEqual(['/k/drivers/foo/foo.h', '/k/drivers/foo/foo_regs.h']);
    // Headers not reached are never read.
    expect(asked.sort()).toEqual(['/k/drivers/foo/foo.h', '/k/drivers/foo/foo_regs.h']);
  });

  it('resolves paths against the including file, and by their tail for an -I include path', () => {
    const got = includedHeaders(
      [
        { path: '/k/drivers/foo/sub/a.c', text: '#include "hw.h"\n#include "../common.h"\n' },
        // Built with -I$(src)/sub: "hw.h" from foo/ names sub/hw.h.
        { path: '/k/drivers/foo/b.c', text: '#include "sub/hw.h"\n' },
      ],
      candidates,
      textOf,
    );
    expect(got).toEqual(['/k/drivers/foo/common.h', '/k/drivers/foo/sub/hw.h']);
    expect(
      includedHeaders([{ path: '/k/drivers/foo/c.c', text: '#include "hw.h"\n' }], candidates, textOf),
    ).toEqual(['/k/drivers/foo/sub/hw.h']);
  });

  it('reads the quoted includes of a text, commented-out directives aside', () => {
    expect(quotedIncludes('#include "a.h"\n// #include "b.h"\n#include <c.h>\n#include"d/e.h"\n')).toEqual([
      'a.h',
      'd/e.h',
    ]);
  });
});

describe('a module sees the headers it includes, not its neighbours', () => {
  it('an accessor macro of another driver in the same directory does not make a register read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ds-inc-'));
    writeFileSync(join(dir, 'Makefile'), 'obj-m += alpha.o beta.o\n');
    // Both drivers name their register helper RD(); only alpha's reads the device.
    writeFileSync(join(dir, 'alpha.h'), '#define RD(p, r) readl((p)->base + (r))\n');
    writeFileSync(join(dir, 'beta.h'), '#define RD(p, r) ((p)->shadow[(r) / 4])\n');
    const body = (m: string) =>
      `#include "${m}.h"\n#include <linux/io.h>\n\nu32 ${m}_id(struct ${m} *p)\n{\n\treturn readl(p->base);\n}\n\n` +
      `void ${m}_wait(struct ${m} *p)\n{\n\twhile (RD(p, 0x10) & 1)\n\t\tcpu_relax();\n}\n`;
    writeFileSync(join(dir, 'alpha.c'), body('alpha'));
    writeFileSync(join(dir, 'beta.c'), body('beta'));
    const r = await runCheck({ paths: [dir], cache: false, jobs: 1 });
    expect(r.findings.map((f) => `${f.function}:${f.checkId}`)).toEqual(['alpha_wait:infinite-poll']);
  });
});
