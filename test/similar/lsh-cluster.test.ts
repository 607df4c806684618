import { describe, expect, it } from 'vitest';
import { Clusterer, UnionFind } from '../../src/similar/cluster.js';
import { candidateProbability, chooseBanding, forEachBucket } from '../../src/similar/lsh.js';
import { hashString, jaccard, minhash } from '../../src/similar/signature.js';

describe('LSH banding', () => {
  it('finds pairs at the threshold with high probability and few far below it', () => {
    for (const t of [0.6, 0.8, 0.9]) {
      const b = chooseBanding(128, t);
      expect(b.bands * b.rows).toBeLessThanOrEqual(128);
      expect(candidateProbability(t, b)).toBeGreaterThanOrEqual(0.95);
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
  const OPTS = { threshold: 0.8, fullBucket: 24, window: 8, memoBits: 10 };
  const table = (sim: Record<string, number>) => (a: number, b: number) =>
    sim[`${Math.min(a, b)}-${Math.max(a, b)}`] ?? 0;

  it('union-find links roots', () => {
    const uf = new UnionFind(5);
    uf.link(0, 1);
    uf.link(3, 4);
    uf.link(0, 3);
    expect(uf.find(4)).toBe(0);
    expect(uf.find(2)).toBe(2);
  });

  it('joins pairs at or above the threshold and does not rescore joined pairs', () => {
    const c = new Clusterer(5, table({ '0-1': 0.9, '1-2': 0.85, '0-2': 0.8, '2-3': 0.5, '3-4': 0.79 }), OPTS);
    c.bucket([0, 1, 2]);
    c.bucket([2, 3, 4]);
    expect(c.groups()).toEqual([{ centre: 0, members: [0, 1, 2] }]);
    // 0-1; 0-2 (candidate) with the centre check of 2 against 0 answered by the pair itself;
    // 1-2 skipped (one group); then 2-3, 2-4, 3-4.
    expect(c.scored).toBe(5);
  });

  it('grows stars, not chains: a member must be close to the centre', () => {
    // 0 ~ 1 ~ 2 ~ 3 each 0.85 apart, but 0 and 2 only 0.7 similar: single linkage would chain all four.
    const c = new Clusterer(
      4,
      table({ '0-1': 0.85, '1-2': 0.85, '2-3': 0.85, '0-2': 0.7, '1-3': 0.7, '0-3': 0.5 }),
      OPTS,
    );
    c.bucket([0, 1]);
    c.bucket([1, 2]);
    c.bucket([2, 3]);
    expect(c.groups()).toEqual([
      { centre: 0, members: [0, 1] },
      { centre: 2, members: [2, 3] },
    ]);
    expect(c.refused).toBe(1);
  });

  it('keeps the larger group’s centre and checks the smaller group’s members against it', () => {
    const sim = { '0-1': 0.9, '0-2': 0.9, '3-4': 0.95, '2-3': 0.9, '0-3': 0.85, '0-4': 0.82 };
    const c = new Clusterer(5, table(sim), OPTS);
    c.bucket([0, 1]);
    c.bucket([0, 2]);
    c.bucket([3, 4]);
    c.bucket([2, 3]);
    expect(c.groups()).toEqual([{ centre: 0, members: [0, 1, 2, 3, 4] }]);
  });

  it('joins exact copies without scoring', () => {
    const c = new Clusterer(3, () => 0, OPTS);
    c.same(0, 2);
    expect(c.groups()).toEqual([{ centre: 0, members: [0, 2] }]);
    expect(c.scored).toBe(0);
  });

  it('scores large buckets against a window of neighbours only, and each pair once', () => {
    let calls = 0;
    const c = new Clusterer(
      100,
      () => {
        calls++;
        return 0;
      },
      { ...OPTS, fullBucket: 10, window: 3, memoBits: 16 },
    );
    const all = Array.from({ length: 100 }, (_, i) => i);
    c.bucket(all);
    c.bucket(all);
    expect(calls).toBe(97 * 3 + 2 + 1);
  });
});
