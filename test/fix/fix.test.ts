/**
 * `driverscope fix` on fixtures we wrote: the exact patch for each fix kind (iopoll rewrites,
 * counters, atomic context, void functions, goto-cleanup, do-while, index, pointer, panic and
 * log lines), the reasons for what is left unfixed, that the patch applies with git, and that
 * `check` no longer reports what was fixed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/engine/run.js';
import { runFix, type FixRunResult } from '../../src/fix/run.js';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '../fixtures/fix');
const tmp = mkdtempSync(join(tmpdir(), 'ds-fix-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const runs = new Map<string, Promise<FixRunResult>>();
function fixOf(name: string): Promise<FixRunResult> {
  if (!runs.has(name))
    runs.set(
      name,
      runFix({ paths: [join(fixtures, name)], cache: false, jobs: 1, version: 'test', root: fixtures }),
    );
  return runs.get(name)!;
}

/** The diff part of a patch (the header carries the version). */
const diffOf = (text: string) => text.slice(text.indexOf('diff --git'));

describe('fix: exact patches', () => {
  for (const name of ['poll.c', 'data.c', 'silent.c', 'bounds.c']) {
    it(`${name} gets the expected patch`, async () => {
      const r = await fixOf(name);
      expect(r.patches).toHaveLength(1);
      const expected = readFileSync(join(fixtures, name.replace(/\.c$/, '.expected.patch')), 'utf8');
      expect(diffOf(r.patches[0]!.text)).toBe(expected);
    });
  }
});

describe('fix: what each finding gets', () => {
  it('fixes every polling loop, choosing iopoll helpers, counters and exits by context', async () => {
    const r = await fixOf('poll.c');
    const byFn = new Map(r.findings.map((f) => [f.function, f]));
    expect(r.findings.every((f) => f.fixStatus === 'fixed')).toBe(true);
    expect(byFn.get('pl_wait_idle')!.fix).toMatch(
      /readl_poll_timeout_atomic\(\) with a 10 ms limit; on timeout it logs and returns -ETIMEDOUT/,
    );
    expect(byFn.get('pl_wait_ready')!.fix).toMatch(/readl_poll_timeout\(\) with a 1 s limit/);
    // Under a spinlock it took, the function releases it before failing.
    expect(byFn.get('pl_flush')!.fix).toMatch(
      /counter \(at most 10000 rounds\); on timeout it logs and releases the lock it took, then returns -ETIMEDOUT/,
    );
    expect(byFn.get('pl_wait_done')!.fix).toMatch(
      /stops waiting \(it cannot return: its int value cannot carry an error\)/,
    );
    expect(byFn.get('pl_start')!.fix).toMatch(/through the error path/);
    expect(byFn.get('pl_helper')!.fix).toMatch(/1 s limit instead of 0/);
    // Event loops are bounded by rounds and not slowed down; pure spins wait on time.
    expect(byFn.get('pl_irq')!.fix).toMatch(/at most 10000 rounds\); on timeout it logs and stops waiting/);
    // A counter's check goes after the body's own declarations.
    expect((await fixOf('poll.c')).patches[0]!.text).toMatch(
      /\t\tu32 s = readl\(priv->base \+ PL_STATUS\);\n \n\+\t\tif \(--timeout == 0\) \{/,
    );
    // Under an odd indentation the new lines are tabs then spaces: never a space before a tab.
    expect((await fixOf('poll.c')).patches[0]!.text).not.toMatch(/^\+.* \t/m);
    // A loop that only yields has no time to count: it is bounded in rounds.
    expect(byFn.get('pl_yield')!.fix).toMatch(/at most 10000 rounds/);
    // Two rewrites in one function share the polled value.
    const two = (await fixOf('poll.c')).patches[0]!.text.split('pl_two_waits(struct')[1]!;
    expect(two.match(/^\+\tu32 val;$/gm)).toHaveLength(1);
    expect(byFn.get('pl_drain_wait')!.fix).toMatch(
      /10000 iterations of udelay\(1\), about 10 ms\); on timeout it logs and returns/,
    );
  });

  it('says why a finding is left unfixed', async () => {
    const r = await fixOf('data.c');
    const ring = r.findings.find((f) => f.function === 'dt_ring')!;
    expect(ring).toMatchObject({
      fixStatus: 'unfixed',
      reason: 'the array size is not known from its declaration or its allocation',
    });
    const deref = r.findings.find((f) => f.function === 'dt_deref')!;
    expect(deref.fixStatus).toBe('unfixed');
    expect(deref.reason).toMatch(/cannot carry an error/);
    expect(r.findings.filter((f) => f.fixStatus === 'fixed').map((f) => f.patch)).toEqual(
      Array(5).fill(r.patches[0]!.name),
    );
  });

  it('bounds indexes by what the driver allocated, reads a device index once, and fails as callbacks do', async () => {
    const r = await fixOf('bounds.c');
    const byFn = (name: string) => r.findings.filter((f) => f.function === name);
    expect(r.findings.every((f) => f.fixStatus === 'fixed')).toBe(true);
    // A member assigned a local allocated with a size from the same owner.
    expect(byFn('bd_cfg')[0]!.fix).toMatch(/against the allocated count priv->pdev->cfg_size/);
    // A member assigned the return of the driver's function that allocates a constant size.
    expect(byFn('bd_rom')[0]!.fix).toMatch(/against the allocated count 65536/);
    // The second use is covered by the first check: one check for both.
    expect(byFn('bd_rom')[1]!.fix).toMatch(/is covered by the check of ptr/);
    expect(r.patches[0]!.text.match(/ptr >= 65536/g)).toHaveLength(1);
    // A signed index is also checked against 0.
    expect(r.patches[0]!.text).toMatch(/if \(slot < 0 \|\| slot >= priv->nslots\)/);
    expect(byFn('bd_error')[0]!.fix).toMatch(/read once into idx/);
    // A buffer struct's one byte pointer beside its `size`: the stated size bounds the offset.
    expect(byFn('bd_append')[0]!.fix).toMatch(/used against the buffer's size buf->size/);
    // A byte alias of a whole mapped BAR: the BAR's length.
    expect(byFn('bd_card_desc')[0]!.fix).toMatch(
      /off against the allocated count pci_resource_len\(card->pci, 0\)/,
    );
    // An int used as yes/no answers no, never a truthy -EIO.
    expect(byFn('bd_rom_flag')[0]!.fix).toMatch(/returns 0 \(its int is a yes\/no answer \(done\)/);
    // ... and a loop stops, keeping the answer so far and what the function does after the loop.
    expect(byFn('bd_handle_events')[0]!.fix).toMatch(
      /stops waiting \(it cannot return: its int is a yes\/no answer in handled, which stopping keeps\)/,
    );
    // A region carved from a DMA area by a cursor (`ring->rg_stat = cur; cur += sizeof(u32) * RG_NTX;`)
    // has the count the cursor moved by; the frame slot `slot * RG_FRAME` of `RG_FRAME * RG_NTX`
    // bytes is checked as `slot >= RG_NTX`, and the one check covers the four uses.
    const rg = byFn('rg_xmit');
    expect(rg.map((f) => f.checkId)).toEqual([
      'tainted-index',
      'tainted-index',
      'tainted-pointer',
      'tainted-index',
    ]);
    expect(rg[0]!.fix).toMatch(/checks slot against the allocated count RG_NTX/);
    expect(rg[2]!.fix).toMatch(/is covered by the check of slot against the slot count RG_NTX/);
    expect(rg[3]!.fix).toMatch(/is covered by the check of slot against ARRAY_SIZE\(ring->rg_len\)/);
    expect(r.patches[0]!.text.match(/slot >= RG_NTX/g)).toHaveLength(1);
    // An element of a BAR array mapped in a loop over the array (`pci_ioremap_bar(pdev, i * 2)`):
    // that BAR's length, the probe's `pdev` read through the member it was stored in.
    expect(byFn('vk_read_log')[0]!.fix).toMatch(
      /off against the allocated count pci_resource_len\(vk->pdev, VK_BAR_LOG \* 2\)/,
    );
    expect(byFn('bd_recalc_rate')[0]!.fix).toMatch(/returns 0/);
    expect(byFn('bd_xmit')[0]!.fix).toMatch(
      /releases the lock it took, then drops the packet and returns NETDEV_TX_OK/,
    );
  });

  it('writes a commit message that says what the device could do and what changed', async () => {
    const r = await fixOf('silent.c');
    const text = r.patches[0]!.text;
    expect(text).toMatch(/^From: driverscope/);
    expect(text).toMatch(/^Subject: \[PATCH\] silent: fix silent device failure and silent device timeout$/m);
    expect(text).toMatch(/- silent\.c:31 sl_wait\(\): logs the timeout before returning the error\./);
    expect(text).toMatch(/\n---\n\ndiff --git a\/silent\.c b\/silent\.c\n/);
  });
});

describe('fix: the patches apply and remove the findings', () => {
  it('applies with git apply and check no longer reports what was fixed', async () => {
    const dir = join(tmp, 'apply');
    cpSync(fixtures, dir, { recursive: true });
    execFileSync('git', ['init', '-q'], { cwd: dir });
    const before = await runCheck({ paths: [dir], cache: false, jobs: 1 });
    const unfixed: string[] = [];
    for (const name of ['poll.c', 'data.c', 'silent.c', 'bounds.c']) {
      const r = await fixOf(name);
      const patch = join(tmp, `${name}.patch`);
      writeFileSync(patch, r.patches[0]!.text);
      execFileSync('git', ['apply', '--check', patch], { cwd: dir });
      execFileSync('git', ['apply', patch], { cwd: dir });
      unfixed.push(
        ...r.findings.filter((f) => f.fixStatus === 'unfixed').map((f) => `${f.checkId} ${f.function}`),
      );
    }
    const after = await runCheck({ paths: [dir], cache: false, jobs: 1 });
    expect(before.findings.length).toBe(43);
    // Only the unfixed findings remain, and the fixes introduced none.
    expect(after.findings.map((f) => `${f.checkId} ${f.function}`).sort()).toEqual(unfixed.sort());
  });
});

describe('fix: no bound where the code states none', () => {
  it('leaves a BAR array mapped in a loop over part of it, and a region carved by a typed cursor', async () => {
    const dir = join(tmp, 'nobound');
    cpSync(join(here, '../fixtures/fix-nobound'), dir, { recursive: true });
    const r = await runFix({ paths: [dir], cache: false, jobs: 1, version: 'test', root: dir });
    const byFn = (name: string) => r.findings.filter((f) => f.function === name);
    // `for (i = 0; i < 2; i++)` maps two of the three BARs: the third has no known mapping.
    expect(byFn('nb_read_log')[0]!.fixStatus).toBe('unfixed');
    // `ring->nb_stat = cur; cur += NB_N;` with `u32 *cur`: the advance counts u32s, not bytes,
    // and the rule does not guess; the driver's own ARRAY_SIZE bound still applies to nb_len.
    expect(byFn('nb_xmit').map((f) => `${f.line} ${f.fixStatus}`)).toEqual(['58 unfixed', '59 fixed']);
  });
});
