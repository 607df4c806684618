/**
 * The sound core, in ALSA's shape: cards, one playback PCM per card, a DMA ring buffer the core
 * allocates in the driver's domain, hardware-pointer updates at each period, and mixer controls.
 * Applications write frames through the core, which copies them into the ring buffer.
 */
import { DriverFailure } from '../errors.js';
import { NS } from '../costs.js';
import type { ImportFn, Kernel, Subsystem } from '../kernel.js';

const CARD = { id: 0, priv: 16, handle: 20, size: 24 };
const PCM = { card: 0, ops: 4, priv: 8, handle: 12, size: 16 };
const SUB = {
  priv: 0,
  dmaArea: 4,
  dmaAddr: 8,
  bufferBytes: 12,
  periodBytes: 16,
  rate: 20,
  channels: 24,
  handle: 28,
  size: 32,
};
const OPS = { open: 0, close: 4, hwParams: 8, prepare: 12, trigger: 16, pointer: 20 };
const KCTL = { name: 0, min: 4, max: 8, get: 12, put: 16, size: 20 };
export const ENODEV = -19;
export const EPIPE = -32;

interface Control {
  name: string;
  min: number;
  max: number;
  get: number;
  put: number;
}

export class SoundSubsystem implements Subsystem {
  private card = 0;
  private pcm = 0;
  private registered = false;
  private sub = 0;
  private readonly controls = new Map<string, Control>();
  /** frames the device has consumed, as the driver's pointer callback reports */
  hwPtrBytes = 0;
  onPeriod: () => void = () => {};

  constructor(private readonly k: Kernel) {}

  driverGone(): void {
    this.card = 0;
    this.pcm = 0;
    this.registered = false;
    this.sub = 0;
    this.controls.clear();
  }

  get ready(): boolean {
    return this.registered && this.pcm !== 0 && !this.k.dead;
  }

  private op(field: number): number {
    const m = this.k.mem;
    return m.u32(m.u32(this.pcm + PCM.ops) + field);
  }

  /** open + hw_params + prepare, as an application's snd_pcm_open/hw_params/prepare. */
  openPlayback(bufferBytes: number, periodBytes: number, rate: number): number {
    const k = this.k;
    if (!this.ready) return ENODEV;
    const s = k.mem.alloc(SUB.size, 'substream');
    if (!s) return -12;
    k.mem.fill(s, SUB.size, 0);
    k.mem.setU32(s + SUB.priv, k.mem.u32(this.pcm + PCM.priv));
    k.mem.setU32(s + SUB.bufferBytes, bufferBytes);
    k.mem.setU32(s + SUB.periodBytes, periodBytes);
    k.mem.setU32(s + SUB.rate, rate);
    k.mem.setU32(s + SUB.channels, 2);
    k.mem.setU32(s + SUB.handle, 0x5b000001);
    this.sub = s;
    this.hwPtrBytes = 0;
    for (const [entry, field] of [
      ['pcm open', OPS.open],
      ['hw_params', OPS.hwParams],
      ['prepare', OPS.prepare],
    ] as const) {
      const r = k.call(entry, this.op(field), [s]);
      if (r === undefined) return ENODEV;
      if (r !== 0) return r | 0;
    }
    if (!k.mem.u32(s + SUB.dmaArea)) return -12;
    return 0;
  }

  trigger(start: boolean): number {
    if (!this.ready || !this.sub) return ENODEV;
    const r = this.k.call('trigger', this.op(OPS.trigger), [this.sub, start ? 1 : 0]);
    return r === undefined ? ENODEV : r | 0;
  }

  close(): number {
    if (!this.ready || !this.sub) return ENODEV;
    const r = this.k.call('pcm close', this.op(OPS.close), [this.sub]);
    return r === undefined ? ENODEV : r | 0;
  }

  /** The core copies application frames into the ring buffer at byte offset `at`. */
  write(at: number, data: Uint8Array): number {
    const k = this.k;
    if (!this.ready || !this.sub) return ENODEV;
    const area = k.mem.u32(this.sub + SUB.dmaArea);
    const size = k.mem.u32(this.sub + SUB.bufferBytes);
    for (let i = 0; i < data.length;) {
      const off = (at + i) % size;
      const n = Math.min(data.length - i, size - off);
      k.mem.write(area + off, data.subarray(i, i + n));
      i += n;
    }
    return 0;
  }

  setControl(name: string, value: number): number {
    const c = this.controls.get(name);
    if (!c || !this.ready) return ENODEV;
    if (value < c.min || value > c.max) return -22;
    const r = this.k.call('ctl put', c.put, [this.card, value]);
    return r === undefined ? ENODEV : r < 0 ? r | 0 : 0;
  }

  getControl(name: string): { r: number; value: number } {
    const k = this.k;
    const c = this.controls.get(name);
    if (!c || !this.ready) return { r: ENODEV, value: 0 };
    const out = k.mem.alloc(4, 'ctl');
    const r = k.call('ctl get', c.get, [this.card, out]);
    if (r === undefined) return { r: ENODEV, value: 0 };
    const value = k.mem.u32(out) | 0;
    k.mem.free(out);
    return { r: r | 0, value };
  }

  private checkCard(p: number, what: string): void {
    const k = this.k;
    if (k.isolated) {
      k.checkPtr(p, CARD.size, what);
      k.checkHandle(p >>> 0 === this.card && k.mem.u32(p + CARD.handle) === 0xca2d0001, what);
    } else k.checkHandle(p >>> 0 === this.card, what);
  }

  private checkSub(p: number, what: string): void {
    const k = this.k;
    if (k.isolated) {
      k.checkPtr(p, SUB.size, what);
      k.checkHandle(p >>> 0 === this.sub && k.mem.u32(p + SUB.handle) === 0x5b000001, what);
    } else k.checkHandle(p >>> 0 === this.sub, what);
  }

  imports(): Record<string, ImportFn> {
    const k = this.k;
    const crossing = () => k.advanceInDriver(NS.crossing);
    return {
      snd_card_new: (_parent, _idx, _id, extra, out) => {
        crossing();
        k.checkPtr(out, 4, 'snd_card_new');
        if (this.card) return -16;
        const size = CARD.size + k.checkLen(extra >>> 0, 64 * 1024, 'snd_card_new extra');
        const p = k.mem.alloc(size, 'card');
        if (!p) return -12;
        k.mem.fill(p, size, 0);
        k.mem.write(p, new TextEncoder().encode('dssound'));
        k.mem.setU32(p + CARD.priv, p + CARD.size);
        k.mem.setU32(p + CARD.handle, 0xca2d0001);
        k.mem.setU32(out, p);
        this.card = p;
        k.tracker.add('card-alloc', p, () => {
          this.card = 0;
        });
        return 0;
      },
      snd_card_register: (p) => {
        crossing();
        this.checkCard(p, 'snd_card_register');
        this.registered = true;
        k.tracker.add('card', p >>> 0, () => {
          this.registered = false;
        });
        return 0;
      },
      snd_card_free: (p) => {
        crossing();
        this.checkCard(p, 'snd_card_free');
        this.registered = false;
        for (const c of this.controls.keys()) k.tracker.remove('control', c);
        this.controls.clear();
        k.tracker.remove('card', p >>> 0);
        if (this.pcm) {
          k.tracker.remove('pcm', this.pcm);
          k.mem.free(this.pcm);
          this.pcm = 0;
        }
        k.tracker.remove('card-alloc', p >>> 0);
        k.mem.free(p >>> 0);
        this.card = 0;
        return 0;
      },
      snd_pcm_new: (card, _id, _dev, out) => {
        crossing();
        this.checkCard(card, 'snd_pcm_new');
        k.checkPtr(out, 4, 'snd_pcm_new');
        if (this.pcm) return -16;
        const p = k.mem.alloc(PCM.size, 'pcm');
        if (!p) return -12;
        k.mem.fill(p, PCM.size, 0);
        k.mem.setU32(p + PCM.card, card);
        k.mem.setU32(p + PCM.handle, 0x9c300001);
        k.mem.setU32(out, p);
        this.pcm = p;
        k.tracker.add('pcm', p, () => {
          this.pcm = 0;
        });
        return 0;
      },
      snd_pcm_set_ops: (pcm, ops) => {
        crossing();
        if (k.isolated) {
          k.checkPtr(pcm, PCM.size, 'snd_pcm_set_ops');
          k.checkHandle(
            pcm >>> 0 === this.pcm && k.mem.u32(pcm + PCM.handle) === 0x9c300001,
            'snd_pcm_set_ops',
          );
          k.checkPtr(ops, 24, 'snd_pcm_set_ops ops');
        } else k.checkHandle(pcm >>> 0 === this.pcm, 'snd_pcm_set_ops');
        k.mem.setU32(pcm + PCM.ops, ops);
      },
      snd_pcm_lib_malloc_pages: (s, size) => {
        crossing();
        this.checkSub(s, 'snd_pcm_lib_malloc_pages');
        if (size >>> 0 > 256 * 1024) return -12;
        const p = k.mem.alloc(size >>> 0, 'pcm-buffer');
        if (!p) return -12;
        k.mem.fill(p, size >>> 0, 0);
        k.mem.setU32(s + SUB.dmaArea, p);
        k.mem.setU32(s + SUB.dmaAddr, p);
        k.tracker.add('pcm-buffer', p, () => {});
        return 0;
      },
      snd_pcm_lib_free_pages: (s) => {
        crossing();
        this.checkSub(s, 'snd_pcm_lib_free_pages');
        const p = k.mem.u32(s + SUB.dmaArea);
        if (!p) return 0;
        if (!k.mem.allocation(p))
          throw new DriverFailure(
            k.isolated ? 'wrapper' : 'trap',
            'snd_pcm_lib_free_pages: buffer pointer corrupted',
          );
        k.mem.free(p);
        k.tracker.remove('pcm-buffer', p);
        k.mem.setU32(s + SUB.dmaArea, 0);
        return 0;
      },
      snd_pcm_period_elapsed: (s) => {
        crossing();
        this.checkSub(s, 'snd_pcm_period_elapsed');
        // snd_pcm_update_hw_ptr: ask the driver where the hardware is (a nested call, as in ALSA)
        const frames = k.call('pointer', this.op(OPS.pointer), [s]);
        if (frames === undefined) return;
        const size = k.mem.u32(s + SUB.bufferBytes);
        const bytes = (frames >>> 0) * 4;
        // ALSA rejects a pointer beyond the buffer ("invalid position") and keeps the old one
        if (bytes < size) this.hwPtrBytes = bytes;
        else k.printk(`snd: invalid position ${frames >>> 0} frames`);
        k.clock.schedule('kernel', 0, () => this.onPeriod());
      },
      snd_ctl_add: (card, ctl) => {
        crossing();
        this.checkCard(card, 'snd_ctl_add');
        k.checkPtr(ctl, KCTL.size, 'snd_ctl_add');
        const m = k.mem;
        const name = m.cstring(k.checkPtr(m.u32(ctl + KCTL.name), 1, 'snd_ctl_add name'), 44);
        if (this.controls.has(name)) return -16;
        this.controls.set(name, {
          name,
          min: m.u32(ctl + KCTL.min) | 0,
          max: m.u32(ctl + KCTL.max) | 0,
          get: m.u32(ctl + KCTL.get),
          put: m.u32(ctl + KCTL.put),
        });
        k.tracker.add('control', name, () => this.controls.delete(name));
        return 0;
      },
    };
  }
}
