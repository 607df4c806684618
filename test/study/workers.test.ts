/**
 * Output is the same whatever the number of workers; a file that cannot be read or parsed is
 * reported and the run goes on. The worker script is bundled from source with esbuild (vitest runs
 * TypeScript; worker threads need JavaScript).
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStudy, studyOneModule } from '../../src/study/run.js';
import { TREE } from './helpers.js';

const outDir = join(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  `study-worker-test-${process.pid}`,
);
let workerUrl: URL;

beforeAll(async () => {
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'worker.mjs');
  await build({
    entryPoints: [join(import.meta.dirname, '..', '..', 'src', 'study', 'worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'silent',
  });
  workerUrl = pathToFileURL(outfile);
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('worker pool', () => {
  it('gives identical JSON with 1, 2 and 3 workers', async () => {
    const one = JSON.stringify(await runStudy([TREE], { workers: 1 }));
    const two = JSON.stringify(await runStudy([TREE], { workers: 2, workerUrl }));
    const three = JSON.stringify(await runStudy([TREE], { workers: 3, workerUrl }));
    expect(two).toBe(one);
    expect(three).toBe(one);
  });

  it('reports progress for every module', async () => {
    const seen: number[] = [];
    const r = await runStudy([TREE], { workers: 2, workerUrl, onProgress: (d) => seen.push(d) });
    expect(seen).toEqual(r.drivers.map((_, i) => i + 1));
  });
});

describe('robustness', () => {
  it('reports a file that cannot be read and studies the rest of the driver', async () => {
    const dir = join(TREE, 'drivers/net/ethernet/acme');
    const rec = await studyOneModule(
      { name: 'acme', dir, files: [join(dir, 'acme_main.c'), join(dir, 'missing.c')], fromMakefile: true },
      TREE,
    );
    expect(rec.parseFailures).toHaveLength(1);
    expect(rec.parseFailures[0]!.file).toBe('drivers/net/ethernet/acme/missing.c');
    expect(rec.entryPoints.length).toBeGreaterThan(5);
  });

  it('survives files that are not C at all', async () => {
    const { extractFile } = await import('../../src/study/extract.js');
    const garbage = String.fromCharCode(...Array.from({ length: 4000 }, (_, i) => ((i * 7919) % 94) + 32));
    const f = await extractFile('garbage.c', `${garbage}\n}}}{{{ static struct x = {;\n#if\n`);
    expect(f.errorChars).toBeGreaterThan(0);
    expect(f.lines).toBe(3);
  });
});
