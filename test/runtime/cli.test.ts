import { afterEach, describe, expect, it, vi } from 'vitest';
import { run as runCommand } from '../../src/cli/run.js';
import { run as campaignCommand } from '../../src/cli/campaign.js';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const code = await fn();
  vi.restoreAllMocks();
  return { code, out: out.join('\n'), err: err.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

describe('driverscope run', () => {
  it('exit 0 when the workload works, with virtual and host time in the text report', async () => {
    const r = await capture(() => runCommand(['--driver', 'block', '--workload', 'database']));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/outcome: works/);
    expect(r.out).toMatch(/virtual time: [\d.]+ ms/);
    expect(r.out).toMatch(/host time: [\d.]+ ms/);
  });

  it('--json is byte-identical for the same seed and says what was injected', async () => {
    const args = [
      '--driver',
      'net',
      '--isolation',
      'nooks',
      '--inject',
      'sw:random',
      '--inject',
      'hw:dma-corrupt',
      '--seed',
      '9',
      '--json',
    ];
    const a = await capture(() => runCommand(args));
    const b = await capture(() => runCommand(args));
    expect(a.out).toBe(b.out);
    const rec = JSON.parse(a.out) as { injected: string[]; outcome: string };
    expect(rec.injected.some((x) => x.startsWith('sw:'))).toBe(true);
    expect(a.code).toBe(rec.outcome === 'works' ? 0 : 1);
  });

  it('usage errors exit 2', async () => {
    expect((await capture(() => runCommand([]))).code).toBe(2);
    expect((await capture(() => runCommand(['--driver', 'net', '--isolation', 'xen']))).code).toBe(2);
    await expect(runCommand(['--driver', 'net', '--inject', 'hw:melt'])).rejects.toThrow(
      /unknown hardware fault/,
    );
  });
});

describe('driverscope campaign', () => {
  it('--json has the raw trials and a summary per config, identical across runs', async () => {
    const args = ['--driver', 'net,input', '--trials', '5', '--per-trial', '2', '--json', '--no-progress'];
    const a = await capture(() => campaignCommand(args));
    const b = await capture(() => campaignCommand(args));
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const c = JSON.parse(a.out) as { trials: unknown[]; summary: Record<string, Record<string, number>> };
    expect(c.trials).toHaveLength(10);
    for (const config of ['native', 'nooks']) {
      expect(Object.keys(c.summary[config]!).sort()).toEqual(
        [
          'appErrors',
          'driverFailures',
          'driverFailuresRecovered',
          'hangs',
          'silentCorruptions',
          'systemCrashes',
          'trials',
          'works',
        ].sort(),
      );
      expect(c.summary[config]!.trials).toBe(10);
    }
    expect(c.summary.nooks!.systemCrashes).toBe(0);
  });

  it('prints the outcome table and the crash-elimination rate', async () => {
    const r = await capture(() =>
      campaignCommand(['--driver', 'block', '--trials', '4', '--per-trial', '3', '--no-progress']),
    );
    expect(r.out).toMatch(/driver\/workload\s+native\s+nooks/);
    expect(r.out).toMatch(/block\/copy\s+(W|E|H|S|C)\d+/);
    expect(r.out).toMatch(/crash elimination: native crashed \d+ times/);
  });
});

describe('campaign HTML', () => {
  it('is one self-contained page with the outcome, summary and hardware tables', async () => {
    const { runCampaign, runHardwareTable } = await import('../../src/runtime/campaign.js');
    const { campaignHtml } = await import('../../src/runtime/html.js');
    const c = await runCampaign({
      drivers: ['sound'],
      faults: ['swifi'],
      trials: 3,
      perTrial: 2,
      configs: ['native', 'nooks'],
      seed: 2,
    });
    const hw = await runHardwareTable({ drivers: ['sound'], trials: 1, configs: ['native'], seed: 2 });
    const html = campaignHtml(c, hw);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|src=|https?:/);
    expect(html).toMatch(/<caption>Outcomes \(rows: driver\/workload; columns: configurations\)<\/caption>/);
    expect(html).toMatch(/<caption>Summary<\/caption>/);
    expect(html).toMatch(/sound\/player/);
    expect(html.match(/<tr><td>stuck-irq<\/td>/g)).toHaveLength(1);
  });
});
