/**
 * Clustering: candidate pairs from LSH buckets are scored exactly, and similar pairs join their
 * functions' groups — as stars, not chains. Every group has a centre (its representative), and a
 * merge is accepted only when every member of the smaller group is at least `threshold` similar
 * to the larger group's centre. Single linkage (plain union-find) chains generic code into one
 * giant component: on Linux 6.12 one group reached 64,000 functions.
 */

export class UnionFind {
  private readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]!]!;
      x = p[x]!;
    }
    return x;
  }
  /** Make `root` the parent of `other` (both must be roots). */
  link(root: number, other: number): void {
    this.parent[other] = root;
  }
}

export interface ClusterOptions {
  threshold: number;
  /** Buckets up to this size are scored pair by pair; larger ones only against neighbours. */
  fullBucket: number;
  /** In a large bucket, each member is scored against this many following members. */
  window: number;
  /** log2 of the slots of the scored-pair memo (a pair colliding in several bands is scored once). */
  memoBits: number;
}

export const DEFAULT_CLUSTER_OPTIONS: ClusterOptions = {
  threshold: 0.8,
  fullBucket: 24,
  window: 8,
  memoBits: 22,
};

function pairKey(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ b;
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 13;
  return (h | 1) >>> 0;
}

export class Clusterer {
  readonly uf: UnionFind;
  /** Centre of each root's group. */
  private readonly centre: Int32Array;
  /** Members of each root's group (absent: the root alone). */
  private readonly members = new Map<number, number[]>();
  private readonly memo: Uint32Array;
  private readonly memoMask: number;
  /** Pairs scored (candidates and centre checks). */
  scored = 0;
  /** Merges refused because a member was too far from the other group's centre. */
  refused = 0;

  constructor(
    n: number,
    private readonly score: (a: number, b: number) => number,
    private readonly opts: ClusterOptions = DEFAULT_CLUSTER_OPTIONS,
    /** Optional class of exact copies (same value: same code), to score a class once per check. */
    private readonly copyOf?: Int32Array,
  ) {
    this.uf = new UnionFind(n);
    this.centre = new Int32Array(n);
    for (let i = 0; i < n; i++) this.centre[i] = i;
    this.memo = new Uint32Array(1 << opts.memoBits);
    this.memoMask = (1 << opts.memoBits) - 1;
  }

  private membersOf(root: number): number[] {
    return this.members.get(root) ?? [root];
  }

  private merge(x: number, y: number): void {
    const mx = this.membersOf(x);
    const my = this.membersOf(y);
    // The larger group keeps its centre (ties: the lower centre), so checks are amortised.
    const [big, small] =
      mx.length > my.length || (mx.length === my.length && this.centre[x]! < this.centre[y]!)
        ? [x, y]
        : [y, x];
    this.uf.link(big, small);
    const list = big === x ? mx : my;
    const other = big === x ? my : mx;
    if (!this.members.has(big)) this.members.set(big, list);
    for (const m of other) list.push(m);
    this.members.delete(small);
  }

  /** Whether every member of the smaller group is close enough to the larger group's centre. */
  private fits(x: number, y: number, a: number, b: number, s: number): boolean {
    const mx = this.membersOf(x);
    const my = this.membersOf(y);
    const bigX = mx.length > my.length || (mx.length === my.length && this.centre[x]! < this.centre[y]!);
    const centre = this.centre[bigX ? x : y]!;
    const small = bigX ? my : mx;
    const byCopy = new Map<number, number>();
    for (const m of small) {
      let sim: number;
      if ((m === a && centre === b) || (m === b && centre === a)) sim = s;
      else {
        const cls = this.copyOf ? this.copyOf[m]! : m;
        const known = byCopy.get(cls);
        if (known !== undefined) sim = known;
        else {
          this.scored++;
          sim = this.score(m, centre);
          byCopy.set(cls, sim);
        }
      }
      if (sim < this.opts.threshold) return false;
    }
    return true;
  }

  private centreAfter(x: number, y: number): number {
    const lx = this.membersOf(x).length;
    const ly = this.membersOf(y).length;
    return lx > ly || (lx === ly && this.centre[x]! < this.centre[y]!) ? this.centre[x]! : this.centre[y]!;
  }

  private tryPair(a: number, b: number): void {
    const x = this.uf.find(a);
    const y = this.uf.find(b);
    if (x === y) return;
    const key = pairKey(a, b);
    const slot = key & this.memoMask;
    if (this.memo[slot] === key) return;
    this.memo[slot] = key;
    this.scored++;
    const s = this.score(a, b);
    if (s < this.opts.threshold) return;
    if (!this.fits(x, y, a, b, s)) {
      this.refused++;
      return;
    }
    const c = this.centreAfter(x, y);
    this.merge(x, y);
    this.centre[this.uf.find(a)] = c;
  }

  bucket(members: ArrayLike<number>): void {
    const m = members.length;
    const w = m <= this.opts.fullBucket ? m : this.opts.window;
    for (let i = 0; i < m; i++)
      for (let j = i + 1; j < m && j <= i + w; j++) this.tryPair(members[i]!, members[j]!);
  }

  /** Join an exact copy `b` to the group of `a` (similarity 1 to its centre when `a` is the centre). */
  same(a: number, b: number): void {
    const x = this.uf.find(a);
    const y = this.uf.find(b);
    if (x === y) return;
    const c = this.centreAfter(x, y);
    this.merge(x, y);
    this.centre[this.uf.find(a)] = c;
  }

  /** Groups of two or more items: centre first, then the other members ascending; groups by centre. */
  groups(): { centre: number; members: number[] }[] {
    const out: { centre: number; members: number[] }[] = [];
    for (const [root, list] of this.members) {
      if (list.length < 2) continue;
      const centre = this.centre[root]!;
      const rest = list.filter((m) => m !== centre).sort((p, q) => p - q);
      out.push({ centre, members: [centre, ...rest] });
    }
    return out.sort((p, q) => p.centre - q.centre);
  }
}
