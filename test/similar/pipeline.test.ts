import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/similar.js';
import { findSimilar, type SimilarResult } from '../../src/similar/index.js';
import { readSourceFile, renderHtml, renderText } from '../../src/similar/report.js';

const TREE = join(import.meta.dirname, '../fixtures/similar/tree');

function cFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? cFiles(p) : p.endsWith('.c') ? [p] : [];
  });
}

const groupOf = (r: SimilarResult, fn: string) =>
  r.report.groups.find((g) => g.members.some((m) => m.function === fn));

describe('similar on the fixture tree', () => {
  let r: SimilarResult;
  beforeAll(async () => {
    r = await findSimilar([TREE], { workers: 0 });
  });

  it('groups copies across drivers, per-chipset copies and register tables, each with its kind', () => {
    const xmit = groupOf(r, 'alpha_start_xmit');
    expect(xmit?.members.map((m) => m.function)).toEqual(['alpha_start_xmit', 'beta_xmit_frame']);
    expect(xmit?.kind).toBe('procedural-abstraction');
    expect(xmit?.drivers).toBe(2);

    const fmt = groupOf(r, 'chipa_set_format');
    expect(fmt?.members.map((m) => m.function)).toEqual(['chipa_set_format', 'chipb_set_format']);
    expect(fmt?.kind).toBe('multi-chipset');
    expect(fmt?.members.map((m) => m.driver)).toEqual([
      'drivers/media/chip/sensor8a',
      'drivers/media/chip/sensor8b',
    ]);

    const table = groupOf(r, 'chipa_init_sequence');
    expect(table?.members.map((m) => m.function)).toEqual(['chipa_init_sequence', 'chipb_init_sequence']);
    expect(table?.kind).toBe('table-driven');

    const irq = groupOf(r, 'lone_irq');
    expect(irq?.members.map((m) => [m.class, m.function])).toEqual([
      ['misc', 'lone_irq'],
      ['sound', 'snd_fixture_interrupt'],
    ]);
    expect(irq?.identical).toBe(false);
    expect(irq?.similarity).toBeGreaterThanOrEqual(0.8);
    expect(irq?.similarity).toBeLessThan(1);
  });

  it('tells families of modules (one driver per chipset) apart from unrelated drivers', async () => {
    const one = await findSimilar([join(TREE, 'drivers/media/chip')], { workers: 0, threshold: 0.8 });
    expect(groupOf(one, 'chipa_set_format')?.kind).toBe('multi-chipset');
    const { sameFamily } = await import('../../src/similar/index.js');
    const info = (moduleDir: string, moduleName: string) => ({
      abs: '',
      rel: '',
      class: '',
      driver: `${moduleDir}/${moduleName}`,
      moduleDir: moduleDir.split('/'),
      moduleName,
    });
    expect(
      sameFamily(
        info('drivers/net/ethernet/intel/igb', 'igb'),
        info('drivers/net/ethernet/intel/igc', 'igc'),
      ),
    ).toBe(true);
    expect(sameFamily(info('drivers/hwmon', 'lm85'), info('drivers/hwmon', 'adm1031'))).toBe(false);
    expect(
      sameFamily(info('drivers/net/wireless', 'rtl8192ce'), info('drivers/net/wireless', 'rtl8192de')),
    ).toBe(true);
    expect(sameFamily(info('drivers/net/alpha', 'alpha'), info('drivers/net/beta', 'beta'))).toBe(false);
    const { chipVariantFiles } = await import('../../src/similar/index.js');
    const file = (abs: string) => ({ ...info('drivers/gpu/drm/amd/amdgpu', 'amdgpu'), abs });
    expect(chipVariantFiles(file('/k/sdma_v4_0.c'), file('/k/sdma_v4_4_2.c'))).toBe(true);
    expect(chipVariantFiles(file('/k/rtw8851b_rfk.c'), file('/k/rtw8852b_rfk.c'))).toBe(true);
    expect(chipVariantFiles(file('/k/rx.c'), file('/k/tx.c'))).toBe(false);
    expect(chipVariantFiles(file('/k/main.c'), file('/k/mac.c'))).toBe(false);
  });

  it('calls runs of constant writes and switch tables table-driven, not ordinary code', async () => {
    const { isRegisterTable } = await import('../../src/similar/index.js');
    const meta = (statements: number, tableStatements: number, caseLabels: number) => ({
      name: 'f',
      startLine: 1,
      endLine: 20,
      tokens: 100,
      statements,
      writeRun: tableStatements,
      tableStatements,
      caseLabels,
      fullHash: 0,
    });
    expect(isRegisterTable(meta(13, 12, 0))).toBe(true); // 12 register writes and a return
    expect(isRegisterTable(meta(2, 0, 40))).toBe(true); // switch (reg) { case ...: return true; }
    expect(isRegisterTable(meta(30, 0, 10))).toBe(false); // case X: f(); g(); break;
    expect(isRegisterTable(meta(20, 4, 0))).toBe(false);
  });

  it('leaves out boilerplate and unrelated functions of similar size', () => {
    // alpha_suspend and beta_suspend are identical 8-line stubs: filtered, not grouped.
    expect(groupOf(r, 'alpha_suspend')).toBeUndefined();
    for (const fn of [
      'lone_probe',
      'lone_counters_show',
      'lone_parse_speed',
      'lone_poll_link',
      'lone_hash_table',
      'alpha_crc',
      'beta_parse_mac',
      'alpha_tx_clean',
    ])
      expect(groupOf(r, fn), fn).toBeUndefined();
    expect(r.report.groups).toHaveLength(4);
  });

  it('reports lines in groups against all driver lines', () => {
    const s = r.report.summary;
    const files = cFiles(TREE);
    const total = files.reduce((n, f) => n + (readFileSync(f, 'utf8').match(/\n/g)?.length ?? 0), 0);
    expect(s.files).toBe(files.length);
    expect(s.totalLoc).toBe(total);
    const similar = r.report.groups
      .flatMap((g) => g.members)
      .reduce((n, m) => n + m.endLine - m.startLine + 1, 0);
    expect(s.similarLoc).toBe(similar);
    expect(s.similarLocShare).toBeCloseTo(similar / total, 3);
    expect(s.byClass.reduce((n, c) => n + c.totalLoc, 0)).toBe(total);
    expect(s.byClass.reduce((n, c) => n + c.similarLoc, 0)).toBe(similar);
    expect(Object.values(s.byKind).reduce((n, k) => n + k.loc, 0)).toBe(similar);
    expect(s.byClass.map((c) => c.name).sort()).toEqual(['media', 'misc', 'net', 'sound']);
    expect(s.byBus.find((b) => b.name === 'pci')?.totalLoc).toBe(
      ['drivers/net/alpha/alpha.c', 'drivers/net/beta/beta.c'].reduce(
        (n, f) => n + readFileSync(join(TREE, f), 'utf8').match(/\n/g)!.length,
        0,
      ),
    );
    // Largest first.
    const locs = r.report.groups.map((g) => g.loc);
    expect(locs).toEqual([...locs].sort((a, b) => b - a));
    expect(r.report.groups.map((g) => g.id)).toEqual(locs.map((_, i) => i + 1));
  });

  it('is deterministic whatever the batching', async () => {
    const again = await findSimilar([TREE], { workers: 0, batchSize: 1 });
    const big = await findSimilar([TREE], { workers: 0, batchSize: 1000 });
    expect(JSON.stringify(again.report)).toBe(JSON.stringify(r.report));
    expect(JSON.stringify(big.report)).toBe(JSON.stringify(r.report));
  });

  it('takes directories as well as a kernel root', async () => {
    const net = await findSimilar([join(TREE, 'drivers/net')], { workers: 0 });
    expect(net.report.summary.files).toBe(2);
    expect(net.report.groups.map((g) => g.members[0]!.file)).toEqual(['drivers/net/alpha/alpha.c']);
  });

  it('honours --min-lines and --threshold', async () => {
    const long = await findSimilar([TREE], { workers: 0, minLines: 19 });
    expect(long.report.groups.map((g) => g.members[0]!.function).sort()).toEqual([
      'alpha_start_xmit',
      'chipa_set_format',
    ]);
    const strict = await findSimilar([TREE], { workers: 0, threshold: 1 });
    expect(groupOf(strict, 'lone_irq')).toBeUndefined();
    expect(groupOf(strict, 'alpha_start_xmit')).toBeDefined();
  });

  it('renders a text summary and a self-contained HTML page with differences highlighted', () => {
    const text = renderText(r.report);
    expect(text).toContain(`${r.report.summary.similarLoc} of ${r.report.summary.totalLoc} lines`);
    expect(text).toContain('the driver study found 8.0%');
    const html = renderHtml(r.report, {
      maxGroups: 100,
      maxMembers: 4,
      readSource: (f) => readSourceFile(r.absolutePath(f)),
    });
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script|<link/);
    for (const g of r.report.groups) expect(html).toContain(`id="g${g.id}"`);
    // lone_irq vs snd_fixture_interrupt: renamed names are marked on both sides.
    const irq = html.slice(html.indexOf(`id="g${groupOf(r, 'lone_irq')!.id}"`));
    expect(irq.slice(0, irq.indexOf('</details>'))).toMatch(/<del>ld<\/del>[\s\S]*<ins>chip<\/ins>/);
    expect(html).toContain('-&gt;');
    expect(html).not.toContain('->');
  });
});

describe('side-by-side differences', () => {
  const strip = (h: string) => h.replace(/<\/?(ins|del)>/g, '');
  it('marks what differs and keeps all the text, also when the texts are long and different', async () => {
    const { diffPair } = await import('../../src/similar/report.js');
    const d = diffPair('a = f(1);\nb = g(x->y);', 'a = f(2);\nb = g(x->y);');
    expect(d.base).toContain('<del>1</del>');
    expect(d.other).toContain('<ins>2</ins>');
    expect(strip(d.other)).toBe('a = f(2);\nb = g(x-&gt;y);');
    const long = (p: string) => Array.from({ length: 2000 }, (_, i) => `${p}${i} = ${p}(${i});`).join('\n');
    const far = diffPair(long('x'), long('y'));
    expect(strip(far.base)).toBe(long('x'));
    expect(strip(far.other)).toBe(long('y'));
  });
});

describe('similar CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ds-similar-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes JSON and HTML and prints the summary', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const code = await run([
        TREE,
        '--json',
        join(dir, 's.json'),
        '--html',
        join(dir, 's.html'),
        '--workers',
        '0',
        '-q',
      ]);
      expect(code).toBe(0);
      expect(String(out.mock.calls[0]?.[0])).toContain('similar code:');
    } finally {
      out.mockRestore();
    }
    const json = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8'));
    expect(json.groups).toHaveLength(4);
    expect(json.summary.similarLocShare).toBeGreaterThan(0);
    expect(json.summary).toHaveProperty('similarLoc');
    expect(json.summary).toHaveProperty('totalLoc');
    expect(readFileSync(join(dir, 's.html'), 'utf8')).toContain('<!doctype html>');
  });

  it('rejects bad usage with exit code 2', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await run([])).toBe(2);
      expect(await run([TREE, '--threshold', '2'])).toBe(2);
      expect(await run([TREE, '--bogus'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});
