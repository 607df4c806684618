/**
 * The worker-thread path gives the same bytes as signing in one thread. Vitest runs TypeScript
 * sources, which worker threads cannot load, so the worker module is bundled with esbuild first.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { findSimilar } from '../../src/similar/index.js';

const ROOT = join(import.meta.dirname, '../..');
const TREE = join(ROOT, 'test/fixtures/similar/tree');
const OUT = join(ROOT, 'node_modules/.cache/driverscope-similar-test');

describe('worker threads', () => {
  let workerUrl: string;
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    workerUrl = join(OUT, `worker-${process.pid}.mjs`);
    await build({
      entryPoints: [join(ROOT, 'src/similar/worker.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: workerUrl,
      external: ['web-tree-sitter', 'tree-sitter-c', 'piscina', 'diff'],
      logLevel: 'error',
    });
  });

  it('refuses a worker module that does not exist', async () => {
    await expect(findSimilar([TREE], { workers: 2, workerUrl: join(OUT, 'missing.mjs') })).rejects.toThrow(
      /not found/,
    );
  });

  it('produces the same report with 0, 1 and 2 workers', async () => {
    const inline = await findSimilar([TREE], { workers: 0 });
    const one = await findSimilar([TREE], { workers: 1, workerUrl, batchSize: 2 });
    const progress: string[] = [];
    const two = await findSimilar([TREE], {
      workers: 2,
      workerUrl,
      batchSize: 1,
      onProgress: (m) => progress.push(m),
    });
    expect(progress).toContain('signing with 2 worker threads');
    expect(inline.report.groups.length).toBeGreaterThan(0);
    expect(JSON.stringify(one.report)).toBe(JSON.stringify(inline.report));
    expect(JSON.stringify(two.report)).toBe(JSON.stringify(inline.report));
  });
});
