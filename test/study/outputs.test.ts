/** CSV, JSON schema fields, --compare and the command line, on the fixture tree. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/cli/study.js';
import { compareStudies, formatCompareText } from '../../src/study/compare.js';
import { CSV_COLUMNS, toCsv } from '../../src/study/csv.js';
import { renderHtml } from '../../src/study/html.js';
import { runStudy } from '../../src/study/run.js';
import { STUDY_SCHEMA_VERSION, summarize, type StudyReport } from '../../src/study/summary.js';
import { TREE } from './helpers.js';

let report: StudyReport;
let dir: string;
beforeAll(async () => {
  report = await runStudy([TREE], { workers: 1 });
  dir = mkdtempSync(join(tmpdir(), 'study-out-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON', () => {
  it('has the documented top-level fields', () => {
    expect(report.version).toBe(STUDY_SCHEMA_VERSION);
    expect(Object.keys(report.summary.shares)).toEqual(
      expect.arrayContaining([
        'moduleParams',
        'procSysfs',
        'ioctl',
        'nonClass',
        'multiChipset',
        'significantComputation',
        'powerManagement',
      ]),
    );
    expect(Object.keys(report.summary.codeShareByPurpose)).toEqual(
      expect.arrayContaining(['init', 'cleanup', 'coreIo', 'config', 'pm', 'ioctl', 'error']),
    );
    for (const v of [
      ...Object.values(report.summary.shares),
      ...Object.values(report.summary.codeShareByPurpose),
    ]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
  });
  it('can be re-summarised from its records alone', () => {
    const copy = JSON.parse(JSON.stringify(report)) as StudyReport;
    expect(summarize(copy.drivers)).toEqual(report.summary);
  });
});

describe('CSV', () => {
  it('has a header and one row per driver with the same number of fields', () => {
    const lines = toCsv(report).trimEnd().split('\n');
    expect(lines[0]!.split(',')).toEqual(CSV_COLUMNS);
    expect(lines).toHaveLength(report.drivers.length + 1);
    for (const l of lines.slice(1)) expect(l.split(',')).toHaveLength(CSV_COLUMNS.length);
    const acme = lines.find((l) => l.startsWith('acme,'))!.split(',');
    expect(acme[CSV_COLUMNS.indexOf('chipsets')]).toBe('3');
    expect(acme[CSV_COLUMNS.indexOf('bus')]).toBe('PCI');
  });
});

describe('HTML', () => {
  it('is self-contained: no external scripts, styles or images', () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)=/i);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    for (const d of report.drivers) expect(html).toContain(`data-name="${d.name}"`);
    for (const g of report.summary.classes) expect(html).toContain(`id="class-${g.name}"`);
  });
});

describe('compare', () => {
  it('lists added and removed drivers and how shares moved', () => {
    const without = report.drivers.filter((d) => d.name !== 'gizmo');
    const a: StudyReport = { ...report, summary: summarize(without), drivers: without };
    const c = compareStudies(a, report);
    expect(c.added).toEqual(['drivers/usb/misc/gizmo']);
    expect(c.removed).toEqual([]);
    expect(c.common).toBe(report.drivers.length - 1);
    const ioctl = c.shares.find((s) => s.key === 'ioctl')!;
    expect(ioctl.a).toBeCloseTo(1 / 4, 4);
    expect(ioctl.b).toBeCloseTo(2 / 5, 4);
    expect(ioctl.delta).toBeCloseTo(2 / 5 - 1 / 4, 4);
    const char = c.classes.find((k) => k.class === 'char')!;
    expect([char.driversA, char.driversB]).toEqual([1, 2]);
    expect(formatCompareText(c)).toContain('drivers added 1, removed 0');
  });
  it('refuses studies of different schema versions', () => {
    expect(() => compareStudies({ ...report, version: 999 }, report)).toThrow(/versions differ/);
  });
});

describe('command line', () => {
  it('writes JSON, CSV and HTML and prints a text summary', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const code = await run([
        TREE,
        '--workers',
        '1',
        '--json',
        join(dir, 's.json'),
        '--csv',
        join(dir, 's.csv'),
        '--html',
        join(dir, 's.html'),
      ]);
      expect(code).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')) as StudyReport;
      expect(json.summary.driverCount).toBe(report.drivers.length);
      expect(readFileSync(join(dir, 's.csv'), 'utf8').split('\n')[0]).toContain('name,path');
      expect(readFileSync(join(dir, 's.html'), 'utf8')).toContain('<!DOCTYPE html>');
      log.mockClear();
      expect(await run([TREE, '--workers', '1'])).toBe(0);
      const text = log.mock.calls.map((c) => String(c[0])).join('\n');
      expect(text).toContain(`${report.drivers.length} drivers`);
      expect(text).toContain('module parameters');
    } finally {
      log.mockRestore();
      err.mockRestore();
    }
  });
  it('compares two JSON files', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      writeFileSync(join(dir, 'a.json'), JSON.stringify(report));
      expect(
        await run(['--compare', join(dir, 'a.json'), join(dir, 'a.json'), '--html', join(dir, 'd.html')]),
      ).toBe(0);
      expect(readFileSync(join(dir, 'd.html'), 'utf8')).toContain('id="added">0<');
    } finally {
      log.mockRestore();
    }
  });
  it('rejects bad usage with exit code 2', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(await run([])).toBe(2);
      expect(await run(['--bogus'])).toBe(2);
      expect(await run([TREE, '--workers', 'x'])).toBe(2);
    } finally {
      err.mockRestore();
    }
  });
});
