/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core. Skips with a
 * message when /usr/bin/chromium is absent (install it with scripts/install-chromium.sh).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCompareHtml, renderHtml } from '../../src/study/html.js';
import { compareStudies } from '../../src/study/compare.js';
import { runStudy } from '../../src/study/run.js';
import type { StudyReport } from '../../src/study/summary.js';
import { TREE } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium)
  console.warn(`html-browser: ${CHROMIUM} not found; skipping (run scripts/install-chromium.sh)`);

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;

describe.skipIf(!haveChromium)('HTML report in headless chromium', () => {
  let browser: Browser;
  let dir: string;
  let report: StudyReport;
  const errors: string[] = [];
  const external: string[] = [];

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    report = await runStudy([TREE], { workers: 1 });
    dir = mkdtempSync(join(tmpdir(), 'study-html-'));
    writeFileSync(join(dir, 'study.html'), renderHtml(report));
    const smaller: StudyReport = { ...report, drivers: report.drivers.filter((d) => d.name !== 'odd') };
    writeFileSync(join(dir, 'diff.html'), renderCompareHtml(compareStudies(smaller, report)));
    // A big tree: 600 copies of the fixture's drivers, more than the table draws at once.
    const many = Array.from({ length: 600 }, (_, i) => ({
      ...report.drivers[i % report.drivers.length]!,
      name: `drv${i}`,
      loc: i,
    }));
    writeFileSync(join(dir, 'big.html'), renderHtml({ ...report, drivers: many }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = async (file: string): Promise<Page> => {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) external.push(r.url());
    });
    await page.goto(pathToFileURL(join(dir, file)).href);
    return page;
  };

  it('loads with no console errors and no network requests', async () => {
    const page = await open('study.html');
    await expect(page.title()).resolves.toContain('Driver study');
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.close();
  });

  it('shows the fixture tree’s numbers', async () => {
    const page = await open('study.html');
    expect(await page.textContent('#driver-count')).toBe(String(report.drivers.length));
    const params = await page.textContent('#headline-table tr[data-key="module parameters"] td.ours');
    expect(params).toBe(`${(report.summary.shares.moduleParams * 100).toFixed(1)}%`);
    expect(await page.locator('#drivers tbody tr').count()).toBe(report.drivers.length);
    for (const g of report.summary.classes) {
      expect(await page.textContent(`#class-${g.name} .class-drivers`)).toBe(String(g.drivers));
    }
    expect(await page.locator('svg rect').count()).toBeGreaterThan(5);
    await page.close();
  });

  it('searches drivers by name', async () => {
    const page = await open('study.html');
    await page.fill('#search', 'acm');
    expect(await page.locator('#drivers tbody tr:visible').count()).toBe(1);
    expect(await page.textContent('#match-count')).toBe('1');
    await page.fill('#search', '');
    expect(await page.locator('#drivers tbody tr:visible').count()).toBe(report.drivers.length);
    await page.close();
  });

  it('sorts a table by a column', async () => {
    const page = await open('study.html');
    const locs = () =>
      page.$$eval('#drivers tbody tr', (rows) =>
        rows.map((r) => Number(r.children[4]!.getAttribute('data-v'))),
      );
    await page.click('#drivers thead th:nth-child(5)');
    const asc = await locs();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await page.click('#drivers thead th:nth-child(5)');
    const desc = await locs();
    expect(desc).toEqual([...asc].sort((a, b) => b - a));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('draws at most 500 rows of a big table, and finds the others by search and sort', async () => {
    const page = await open('big.html');
    expect(await page.locator('#drivers tbody tr').count()).toBe(500);
    expect(await page.textContent('#match-count')).toBe('600');
    await page.fill('#search', 'drv599');
    expect(await page.locator('#drivers tbody tr').count()).toBe(1);
    await page.fill('#search', '');
    await page.click('#drivers thead th:nth-child(5)'); // LOC ascending
    await page.click('#drivers thead th:nth-child(5)'); // descending: the last copies first
    expect(await page.textContent('#drivers tbody tr:first-child td:first-child')).toBe('drv599');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows a comparison', async () => {
    const page = await open('diff.html');
    expect(await page.textContent('#added')).toBe('1');
    expect(await page.textContent('#removed')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });
});
