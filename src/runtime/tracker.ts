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
  private readonly objects = new Map<string, Tracked>();

  private static slot(type: string, key: string | number): string {
    return `${type}:${key}`;
  }

  add(type: string, key: string | number, release: () => void): Tracked {
    const slot = ObjectTracker.slot(type, key);
    if (this.objects.has(slot)) throw new Error(`object tracker: ${slot} already tracked`);
    const t: Tracked = { id: this.nextId++, type, key: String(key), release };
    this.objects.set(slot, t);
    return t;
  }

  has(type: string, key: string | number): boolean {
    return this.objects.has(ObjectTracker.slot(type, key));
  }

  /** The driver released it itself. */
  remove(type: string, key: string | number): boolean {
    return this.objects.delete(ObjectTracker.slot(type, key));
  }

  get size(): number {
    return this.objects.size;
  }

  countByType(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.objects.values()) out[t.type] = (out[t.type] ?? 0) + 1;
    return out;
  }

  /** Release everything, newest first (the reverse of acquisition, as an unwinding driver would). */
  releaseAll(): number {
    const all = [...this.objects.values()].sort((a, b) => b.id - a.id);
    this.objects.clear();
    for (const t of all) t.release();
    return all.length;
  }
}
