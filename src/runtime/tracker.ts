/**
 * Nooks' object tracker: every kernel resource held on the driver's behalf (IRQ handlers, timers,
 * DMA regions, registered devices, queued requests, ...) is recorded with the function that
 * releases it, so that after a failure the kernel can take everything back without the driver.
 */
export interface Tracked {
  readonly id: number;
  readonly type: string;
  readonly key: string;
  readonly release: () => void;
}

export class ObjectTracker {
  private nextId = 1;
  private count = 0;
  /** type → key → object (two levels, so the hot path builds no strings) */
  private readonly objects = new Map<string, Map<string | number, Tracked>>();

  private table(type: string): Map<string | number, Tracked> {
    let t = this.objects.get(type);
    if (!t) {
      t = new Map();
      this.objects.set(type, t);
    }
    return t;
  }

  add(type: string, key: string | number, release: () => void): Tracked {
    const table = this.table(type);
    if (table.has(key)) throw new Error(`object tracker: ${type}:${key} already tracked`);
    const t: Tracked = { id: this.nextId++, type, key: String(key), release };
    table.set(key, t);
    this.count++;
    return t;
  }

  has(type: string, key: string | number): boolean {
    return this.objects.get(type)?.has(key) ?? false;
  }

  /** The driver released it itself. */
  remove(type: string, key: string | number): boolean {
    const removed = this.objects.get(type)?.delete(key) ?? false;
    if (removed) this.count--;
    return removed;
  }

  get size(): number {
    return this.count;
  }

  countByType(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [type, table] of [...this.objects].sort(([a], [b]) => (a < b ? -1 : 1)))
      if (table.size) out[type] = table.size;
    return out;
  }

  /** Release everything, newest first (the reverse of acquisition, as an unwinding driver would). */
  releaseAll(): number {
    const all = [...this.objects.values()].flatMap((t) => [...t.values()]).sort((a, b) => b.id - a.id);
    this.objects.clear();
    this.count = 0;
    for (const t of all) t.release();
    return all.length;
  }
}
