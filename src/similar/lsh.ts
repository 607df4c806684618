/**
 * Locality-sensitive hashing over MinHash sketches: the sketch is cut into `bands` bands of `rows`
 * values; functions whose sketches agree on every value of some band share a bucket and become
 * candidates. A pair with Jaccard s is a candidate with probability 1 − (1 − s^rows)^bands.
 *
 * Buckets are found by sorting (band hash, index) keys rather than with hash maps: one Float64Array
 * sort per band keeps memory flat at a few bytes per function.
 */
import { mix32 } from './signature.js';

export interface Banding {
  bands: number;
  rows: number;
}

/** Probability that a pair with Jaccard similarity `s` shares at least one bucket. */
export function candidateProbability(s: number, b: Banding): number {
  return 1 - Math.pow(1 - Math.pow(s, b.rows), b.bands);
}

/**
 * The banding for a sketch length and similarity threshold: the most rows per band (fewest false
 * candidates) that still finds a pair at the threshold with probability ≥ `recall`.
 */
export function chooseBanding(sketch: number, threshold: number, recall = 0.95): Banding {
  let best: Banding = { bands: sketch, rows: 1 };
  for (let rows = 1; rows <= sketch; rows++) {
    const b = { bands: Math.floor(sketch / rows), rows };
    if (candidateProbability(threshold, b) >= recall) best = b;
  }
  return best;
}

/** The largest index the sort keys can hold: keys are bandHash · 2^21 + index, exact in a double. */
export const MAX_ITEMS = 1 << 21;

/**
 * Call `onBucket` with the (ascending) indices of each bucket of two or more items, band by band,
 * buckets in key order: deterministic for a given input. `sketches` holds `n` sketches of length
 * `sketch`, one after the other.
 */
export function forEachBucket(
  sketches: Uint32Array,
  n: number,
  sketch: number,
  banding: Banding,
  onBucket: (members: Int32Array) => void,
): void {
  if (n > MAX_ITEMS) throw new Error(`too many functions for LSH keys (${n} > ${MAX_ITEMS})`);
  const keys = new Float64Array(n);
  const members = new Int32Array(n);
  for (let band = 0; band < banding.bands; band++) {
    const from = band * banding.rows;
    for (let i = 0; i < n; i++) {
      let h = mix32(band + 0x51ed27);
      const base = i * sketch + from;
      for (let r = 0; r < banding.rows; r++)
        h = mix32((Math.imul(h, 0x9e3779b1) ^ sketches[base + r]!) >>> 0);
      keys[i] = h * MAX_ITEMS + i;
    }
    keys.sort();
    let start = 0;
    while (start < n) {
      const bucket = Math.floor(keys[start]! / MAX_ITEMS);
      let end = start + 1;
      while (end < n && Math.floor(keys[end]! / MAX_ITEMS) === bucket) end++;
      if (end - start >= 2) {
        for (let j = start; j < end; j++) members[j - start] = keys[j]! % MAX_ITEMS;
        onBucket(members.subarray(0, end - start));
      }
      start = end;
    }
  }
}
