import { describe, expect, it } from 'vitest';
import { Clusterer, UnionFind } from '../../src/similar/cluster.js';
import { candidateProbability, chooseBanding, forEachBucket } from '../../src/similar/lsh.js';
import { hashString, jaccard, minhash } from '../../src/similar/signature.js';

describe('LSH banding', () => {
  it('finds pairs at the threshold with high probability and few far below it', () => {
    for (const t of [0.6, 0.8, 0.9]) {
      const b = chooseBanding(128, t);
      expect(b.bands * b.rows).toBeLessThanOrEqual(128);
      expect(candidateProbability(t, b)).toBeGreaterThanOrEqual(0.98);
      expect(candidateProbability(t - 0.35, b)).toBeLessThan(0.5);
    }
    expect(chooseBanding(128, 0.9).rows).toBeGreaterThan(chooseBanding(128, 0.6).rows);
  });

  it('puts near-duplicate sketches in one bucket and unrelated ones in none', () => {
    const set = (from: number, n: number) =>
      Uint32Array.from({ length: n }, (_, i) => hashString(`t${from + i}`)).sort();
    const sets = [set(0, 300), set(5, 300), set(1000, 300), set(2000, 300)];
    const S = 128;
    const sk = new Uint32Array(sets.length * S);
    sets.forEach((s, i) => sk.set(minhash(s, S, 3), i * S));
    const pairs = new Set<string>();
    forEachBucket(sk, sets.length, S, chooseBanding(S, 0.8), (m) => {
      for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) pairs.add(`${m[i]}-${m[j]}`);
    });
    expect(jaccard(sets[0]!, sets[1]!)).toBeGreaterThan(0.9);
    expect([...pairs]).toEqual(['0-1']);
  });
});

describe('clustering', () => {
  it('union-find joins sets', () => {
    const uf = new UnionFind(5);
    expect(uf.union(0, 1)).toBe(true);
    expect(uf.union(1, 0)).toBe(false);
    uf.union(3, 4);
    expect(uf.find(0)).toBe(uf.find(1));
    expect(uf.find(2)).not.toBe(uf.find(0));
    expect(uf.find(3)).toBe(uf.find(4));
  });

  it('joins only pairs at or above the threshold and does not rescore joined pairs', () => {
    const sim: Record<string, number> = { '0-1': 0.9, '1-2': 0.85, '0-2': 0.8, '2-3': 0.5, '3-4': 0.79 };
    const c = new Clusterer(5, (a, b) => sim[`${Math.min(a, b)}-${Math.max(a, b)}`] ?? 0, {
      threshold: 0.8,
      fullBucket: 24,
      window: 8,
    });
    c.bucket([0, 1, 2]);
    c.bucket([2, 3, 4]);
    expect(c.groups(5)).toEqual([[0, 1, 2]]);
    // 0-1 and 0-2 scored, 1-2 skipped (already joined), then 2-3, 2-4, 3-4.
    expect(c.scored).toBe(5);
    expect(c.edges.map((e) => e.similarity)).toEqual([0.9, 0.8]);
  });

  it('scores large buckets against a window of neighbours only', () => {
    let calls = 0;
    const c = new Clusterer(
      100,
      () => {
        calls++;
        return 0;
      },
      { threshold: 0.8, fullBucket: 10, window: 3 },
    );
    c.bucket(Array.from({ length: 100 }, (_, i) => i));
    expect(calls).toBe(97 * 3 + 2 + 1);
  });
});
