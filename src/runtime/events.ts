/**
 * Virtual time. Two queues: device events (the hardware doing things on its own: a packet arriving,
 * a DMA finishing) may run at any moment, even while the driver is executing and time advances
 * under it (an MMIO read, a udelay); kernel work (interrupt handlers, timers, application steps)
 * calls into the driver, so it only runs from the top-level loop when the driver is not running.
 * Ties are broken by insertion order, so a run is a pure function of its seed.
 */
export type EventKind = 'device' | 'kernel';

interface Ev {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

class Heap {
  private items: Ev[] = [];
  get size(): number {
    return this.items.length;
  }
  peek(): Ev | undefined {
    while (this.items.length && this.items[0]!.cancelled) this.pop();
    return this.items[0];
  }
  push(e: Ev): void {
    const a = this.items;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Ev | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
  clear(): void {
    this.items = [];
  }
}

function less(a: Ev, b: Ev): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export interface EventHandle {
  cancel(): void;
}

/** Nanosecond virtual clock with its event queues. */
export class VirtualClock {
  now = 0;
  private seq = 0;
  private readonly device = new Heap();
  private readonly kernel = new Heap();

  schedule(kind: EventKind, delayNs: number, fn: () => void): EventHandle {
    const e: Ev = { at: this.now + Math.max(0, Math.round(delayNs)), seq: this.seq++, fn, cancelled: false };
    (kind === 'device' ? this.device : this.kernel).push(e);
    return {
      cancel: () => {
        e.cancelled = true;
      },
    };
  }

  /** Advance time while the driver runs: only device events fire. */
  advanceDevicesOnly(dtNs: number): void {
    const target = this.now + dtNs;
    for (let e = this.device.peek(); e && e.at <= target; e = this.device.peek()) {
      this.device.pop();
      this.now = Math.max(this.now, e.at);
      e.fn();
    }
    this.now = target;
  }

  /** Run the earliest pending event of either kind, if any is due by `limit`; false when none is. */
  step(limit: number): boolean {
    const d = this.device.peek();
    const k = this.kernel.peek();
    let e: Ev | undefined;
    if (d && (!k || !less(k, d))) e = d;
    else e = k;
    if (!e || e.at > limit) return false;
    (e === d ? this.device : this.kernel).pop();
    this.now = Math.max(this.now, e.at);
    e.fn();
    return true;
  }

  idleUntil(t: number): void {
    if (Number.isFinite(t) && t > this.now) this.now = t;
  }

  pendingCount(): number {
    return this.device.size + this.kernel.size;
  }
}
