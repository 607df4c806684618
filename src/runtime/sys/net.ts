/**
 * The network stack, as far as a NIC driver sees it: net_device allocation and registration,
 * sk_buffs, the transmit queue (qdisc) with stop/wake flow control, netif_rx, and the transmit
 * watchdog that calls ndo_tx_timeout when the queue stays stopped (Linux's dev_watchdog).
 */
import { DriverFailure } from '../errors.js';
import { NS } from '../costs.js';
import type { ImportFn, Kernel, Subsystem } from '../kernel.js';

const NETDEV = {
  name: 0,
  devAddr: 16,
  mtu: 24,
  flags: 28,
  watchdogTimeo: 32,
  ops: 36,
  stats: 40,
  priv: 72,
  handle: 76,
  size: 80,
};
const OPS = { open: 0, stop: 4, xmit: 8, txTimeout: 12, ioctl: 16, setRxMode: 20 };
const SKB = { data: 0, len: 4, size: 8, handle: 12, size_: 16 };
const NETDEV_TX_BUSY = 16;
/** Guard bytes after each skb buffer, checked by the Nooks wrappers (as SLUB red zones catch overruns). */
const REDZONE = 16;
const REDZONE_BYTE = 0xa5;
const QDISC_LIMIT = 64;
export const ENODEV = -19;
export const ENOBUFS = -105;

export class NetSubsystem implements Subsystem {
  private dev = 0;
  private registered = false;
  up = false;
  private wantUp = false;
  private stopped = false;
  private stoppedAt = 0;
  carrier = false;
  private readonly qdisc: Uint8Array[] = [];
  private readonly skbs = new Set<number>();
  private pumpScheduled = false;
  private watchdogArmed = false;
  txTimeouts = 0;
  /** Frames the driver passed up with netif_rx. */
  onRx: (frame: Uint8Array) => void = () => {};

  constructor(private readonly k: Kernel) {}

  driverGone(): void {
    this.dev = 0;
    this.registered = false;
    this.up = false;
    this.stopped = false;
    this.carrier = false;
    this.skbs.clear();
    this.qdisc.length = 0;
  }

  /** After a Nooks restart the recovery agent brings the interface back up, as ifup would. */
  driverLoaded(): void {
    if (this.wantUp && this.registered && !this.up) this.open();
  }

  get registeredDevice(): boolean {
    return this.registered;
  }

  get queued(): number {
    return this.qdisc.length;
  }

  private ops(field: number): number {
    const m = this.k.mem;
    return m.u32(m.u32(this.dev + NETDEV.ops) + field);
  }

  /** ifup: ndo_open. Returns 0 or a negative errno. */
  open(): number {
    if (!this.registered || this.k.dead) return ENODEV;
    this.wantUp = true;
    if (this.up) return 0;
    const r = this.k.call('ndo_open', this.ops(OPS.open), [this.dev]);
    if (r === undefined) return ENODEV;
    if (r !== 0) return r | 0;
    this.up = true;
    this.armWatchdog();
    return 0;
  }

  close(): number {
    if (!this.up) return 0;
    this.wantUp = false;
    this.up = false;
    const r = this.k.call('ndo_stop', this.ops(OPS.stop), [this.dev]);
    return r === undefined ? ENODEV : r | 0;
  }

  /** A socket write: queue a frame for transmission. */
  send(frame: Uint8Array): number {
    if (!this.up || this.k.dead) return ENODEV;
    if (this.qdisc.length >= QDISC_LIMIT) return ENOBUFS;
    this.qdisc.push(frame);
    this.schedulePump();
    return 0;
  }

  /** A private ioctl with a u32 argument, through ndo_do_ioctl. */
  ioctl(cmd: number, value: number): { r: number; value: number } {
    const k = this.k;
    if (!this.registered || k.dead) return { r: ENODEV, value };
    const arg = k.mem.alloc(4, 'ioctl');
    k.mem.setU32(arg, value);
    const r = k.call('ndo_do_ioctl', this.ops(OPS.ioctl), [this.dev, 0x89f0 + cmd, arg]);
    if (r === undefined) return { r: ENODEV, value };
    const out = k.mem.u32(arg);
    k.mem.free(arg);
    return { r: r | 0, value: out };
  }

  setPromisc(on: boolean): number {
    const k = this.k;
    if (!this.registered || k.dead) return ENODEV;
    const f = k.mem.u32(this.dev + NETDEV.flags);
    k.mem.setU32(this.dev + NETDEV.flags, on ? f | 0x100 : f & ~0x100);
    return k.call('ndo_set_rx_mode', this.ops(OPS.setRxMode), [this.dev]) === undefined ? ENODEV : 0;
  }

  stats(): { rxPackets: number; txPackets: number; rxErrors: number; rxDropped: number } {
    const m = this.k.mem;
    const s = this.dev + NETDEV.stats;
    return {
      rxPackets: m.u32(s),
      txPackets: m.u32(s + 4),
      rxErrors: m.u32(s + 16),
      rxDropped: m.u32(s + 24),
    };
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    this.k.clock.schedule('kernel', 0, () => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    const k = this.k;
    while (this.qdisc.length && this.up && !this.stopped && !k.dead) {
      const frame = this.qdisc[0]!;
      const skb = this.allocSkb(frame.length);
      if (!skb) return;
      k.mem.write(skb + SKB.size_, frame);
      k.mem.setU32(skb + SKB.len, frame.length);
      const r = k.call('ndo_start_xmit', this.ops(OPS.xmit), [skb, this.dev]);
      if (r === undefined) return;
      if (r === NETDEV_TX_BUSY) {
        this.freeSkb(skb);
        this.stop();
        return;
      }
      this.qdisc.shift();
    }
  }

  private stop(): void {
    if (!this.stopped) this.stoppedAt = this.k.clock.now;
    this.stopped = true;
  }

  /** dev_watchdog: every second, a queue stopped longer than watchdog_timeo gets ndo_tx_timeout. */
  private armWatchdog(): void {
    if (this.watchdogArmed) return;
    this.watchdogArmed = true;
    const gen = this.k.generation;
    this.k.clock.schedule('kernel', 1000 * NS.ms, () => {
      this.watchdogArmed = false;
      const k = this.k;
      if (gen !== k.generation || !this.up || k.dead) return;
      const timeo = Math.max(1, k.mem.u32(this.dev + NETDEV.watchdogTimeo)) * NS.ms;
      if (this.stopped && k.clock.now - this.stoppedAt > timeo) {
        this.txTimeouts++;
        k.printk('NETDEV WATCHDOG: transmit queue timed out');
        this.stoppedAt = k.clock.now;
        if (k.call('ndo_tx_timeout', this.ops(OPS.txTimeout), [this.dev, 0]) === undefined) return;
      }
      this.armWatchdog();
    });
  }

  private allocSkb(len: number): number {
    const k = this.k;
    const p = k.mem.alloc(SKB.size_ + Math.max(len, 1) + REDZONE, 'skb');
    if (!p) return 0;
    k.mem.fill(p + SKB.size_ + len, REDZONE, REDZONE_BYTE);
    k.mem.setU32(p + SKB.data, p + SKB.size_);
    k.mem.setU32(p + SKB.len, 0);
    k.mem.setU32(p + SKB.size, len);
    k.mem.setU32(p + SKB.handle, (p ^ 0x5cb00000) >>> 0);
    this.skbs.add(p);
    if (k.isolated) k.tracker.add('skb', p, () => this.skbs.delete(p));
    return p;
  }

  private freeSkb(p: number): void {
    this.skbs.delete(p);
    this.k.tracker.remove('skb', p);
    this.k.mem.free(p);
  }

  /** Nooks checks an skb the driver hands back: one we allocated, handle intact, length within capacity. */
  private checkSkb(p: number, what: string): void {
    const k = this.k;
    p >>>= 0;
    if (!k.isolated) {
      k.checkHandle(this.skbs.has(p), what);
      return;
    }
    k.checkPtr(p, SKB.size_, what);
    k.checkHandle(this.skbs.has(p) && k.mem.u32(p + SKB.handle) === (p ^ 0x5cb00000) >>> 0, what);
    if (k.mem.u32(p + SKB.data) !== p + SKB.size_)
      throw new DriverFailure('wrapper', `${what}: skb->data was changed`);
    const size = k.mem.u32(p + SKB.size);
    k.checkLen(k.mem.u32(p + SKB.len), size, `${what}: skb->len`);
    const red = k.mem.read(p + SKB.size_ + size, REDZONE);
    if (red.some((b) => b !== REDZONE_BYTE))
      throw new DriverFailure('wrapper', `${what}: write past the end of the skb buffer`);
  }

  private checkDev(p: number, what: string): void {
    const k = this.k;
    if (k.isolated) {
      k.checkPtr(p, NETDEV.size, what);
      k.checkHandle(p >>> 0 === this.dev && k.mem.u32(p + NETDEV.handle) === 0xde000001, what);
    } else k.checkHandle(p >>> 0 === this.dev, what);
  }

  imports(): Record<string, ImportFn> {
    const k = this.k;
    const crossing = () => k.advanceInDriver(NS.crossing);
    return {
      alloc_etherdev: (privSize) => {
        crossing();
        if (this.dev) return 0;
        const size = NETDEV.size + k.checkLen(privSize >>> 0, 64 * 1024, 'alloc_etherdev');
        const p = k.mem.alloc(size, 'netdev');
        if (!p) return 0;
        k.mem.fill(p, size, 0);
        k.mem.write(p + NETDEV.name, new TextEncoder().encode('eth0'));
        k.mem.setU32(p + NETDEV.mtu, 1500);
        k.mem.setU32(p + NETDEV.priv, p + NETDEV.size);
        k.mem.setU32(p + NETDEV.handle, 0xde000001);
        this.dev = p;
        k.tracker.add('netdev-alloc', p, () => {
          this.dev = 0;
        });
        return p;
      },
      free_netdev: (p) => {
        crossing();
        this.checkDev(p, 'free_netdev');
        k.mem.free(p >>> 0);
        k.tracker.remove('netdev-alloc', p >>> 0);
        this.dev = 0;
      },
      register_netdev: (p) => {
        crossing();
        this.checkDev(p, 'register_netdev');
        if (k.isolated) k.checkPtr(k.mem.u32(p + NETDEV.ops), 24, 'register_netdev ops');
        this.registered = true;
        k.tracker.add('netdev', p >>> 0, () => {
          this.registered = false;
          this.up = false;
        });
        return 0;
      },
      unregister_netdev: (p) => {
        crossing();
        this.checkDev(p, 'unregister_netdev');
        if (this.up) this.close();
        this.registered = false;
        k.tracker.remove('netdev', p >>> 0);
      },
      netdev_alloc_skb: (p, len) => {
        crossing();
        this.checkDev(p, 'netdev_alloc_skb');
        if (len >>> 0 > 65536) return 0;
        return this.allocSkb(len >>> 0);
      },
      dev_kfree_skb_any: (skb) => {
        crossing();
        this.checkSkb(skb, 'dev_kfree_skb');
        this.freeSkb(skb >>> 0);
      },
      netif_rx: (skb) => {
        crossing();
        this.checkSkb(skb, 'netif_rx');
        const m = k.mem;
        const data = m.u32(skb + SKB.data);
        const len = m.u32(skb + SKB.len);
        const frame = m.read(k.checkPtr(data, len, 'netif_rx data'), len);
        this.freeSkb(skb >>> 0);
        this.onRx(frame);
        return 0;
      },
      netif_stop_queue: (p) => {
        crossing();
        this.checkDev(p, 'netif_stop_queue');
        this.stop();
      },
      netif_wake_queue: (p) => {
        crossing();
        this.checkDev(p, 'netif_wake_queue');
        this.stopped = false;
        if (this.qdisc.length) this.schedulePump();
      },
      netif_carrier_on: (p) => {
        crossing();
        this.checkDev(p, 'netif_carrier_on');
        this.carrier = true;
      },
      netif_carrier_off: (p) => {
        crossing();
        this.checkDev(p, 'netif_carrier_off');
        this.carrier = false;
      },
    };
  }
}
