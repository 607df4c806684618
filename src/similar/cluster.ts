/**
 * Clustering: candidate pairs from LSH buckets are scored exactly; pairs at or above the threshold
 * join their functions' groups (union-find, i.e. single linkage).
 */

export class UnionFind {
  private readonly parent: Int32Array;
  private readonly rank: Uint8Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
    this.rank = new Uint8Array(n);
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }
  /** Join the sets of a and b; false when they were already one set. */
  union(a: number, b: number): boolean {
    let x = this.find(a);
    let y = this.find(b);
    if (x === y) return false;
    // Deterministic: the smaller root wins ties, so the result does not depend on call order details.
    if (this.rank[x]! < this.rank[y]! || (this.rank[x] === this.rank[y] && y < x)) [x, y] = [y, x];
    this.parent[y] = x;
    if (this.rank[x] === this.rank[y]) this.rank[x]!++;
    return true;
  }
}

export interface Edge {
  a: number;
  b: number;
  similarity: number;
}

export interface ClusterOptions {
  threshold: number;
  /** Buckets up to this size are scored pair by pair; larger ones only against neighbours. */
  fullBucket: number;
  /** In a large bucket, each member is scored against this many following members. */
  window: number;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = { threshold: 0.8, fullBucket: 24, window: 8 };

/**
 * Feeds buckets into a union-find. A pair already in one group is not scored again (its
 * similarity is implied by the chain that joined it), which keeps huge buckets of identical code
 * cheap. Returns the accepted edges (a spanning forest of the groups).
 */
export class Clusterer {
  readonly uf: UnionFind;
  readonly edges: Edge[] = [];
  scored = 0;
  constructor(
    n: number,
    private readonly score: (a: number, b: number) => number,
    private readonly opts: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
  ) {
    this.uf = new UnionFind(n);
  }

  private tryPair(a: number, b: number): void {
    if (this.uf.find(a) === this.uf.find(b)) return;
    this.scored++;
    const s = this.score(a, b);
    if (s >= this.opts.threshold) {
      this.uf.union(a, b);
      this.edges.push({ a, b, similarity: s });
    }
  }

  bucket(members: ArrayLike<number>): void {
    const m = members.length;
    const w = m <= this.opts.fullBucket ? m : this.opts.window;
    for (let i = 0; i < m; i++)
      for (let j = i + 1; j < m && j <= i + w; j++) this.tryPair(members[i]!, members[j]!);
  }

  /** Join two items known to be identical (similarity 1). */
  same(a: number, b: number): void {
    if (this.uf.union(a, b)) this.edges.push({ a, b, similarity: 1 });
  }

  /** Groups of two or more items: members ascending, groups by first member. */
  groups(n: number): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const r = this.uf.find(i);
      const list = byRoot.get(r);
      if (list) list.push(i);
      else byRoot.set(r, [i]);
    }
    return [...byRoot.values()].filter((g) => g.length >= 2).sort((x, y) => x[0]! - y[0]!);
  }
}
