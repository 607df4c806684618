/**
 * The block layer: a request queue in front of the driver's queue_rq, bounce buffers in the
 * driver's domain, completion with blk_mq_end_request, and queue stop/start for back-pressure.
 * Requests handed to the driver are tracked; after a driver failure they complete with an error.
 */
import { DriverFailure } from '../errors.js';
import { NS } from '../costs.js';
import type { ImportFn, Kernel, Subsystem } from '../kernel.js';

const DISK = { name: 0, capacity: 16, fops: 20, priv: 24, depth: 28, handle: 32, size: 36 };
const FOPS = { queueRq: 0, ioctl: 4, open: 8, release: 12 };
const RQ = { sector: 0, nr: 4, op: 8, buffer: 12, tag: 16, handle: 20, size: 24 };
const BLK_STS_RESOURCE = 9;
export const EIO = -5;
export const ENODEV = -19;

export type BlockOp = 'read' | 'write' | 'flush';
export interface BlockRequest {
  op: BlockOp;
  sector: number;
  sectors: number;
  data?: Uint8Array;
  done: (status: number, data?: Uint8Array) => void;
}

interface InFlight {
  req: BlockRequest;
  ptr: number;
  id: number;
}

export class BlockSubsystem implements Subsystem {
  private disk = 0;
  private registered = false;
  private stopped = false;
  private readonly queue: BlockRequest[] = [];
  private readonly inflight = new Map<number, InFlight>();
  private nextId = 1;
  private dispatchScheduled = false;

  constructor(private readonly k: Kernel) {}

  driverGone(): void {
    this.disk = 0;
    this.registered = false;
    this.stopped = false;
  }

  get ready(): boolean {
    return this.registered && !this.k.dead;
  }

  get capacity(): number {
    return this.ready ? this.k.mem.u32(this.disk + DISK.capacity) : 0;
  }

  private fop(field: number): number {
    const m = this.k.mem;
    return m.u32(m.u32(this.disk + DISK.fops) + field);
  }

  open(): number {
    if (!this.ready) return ENODEV;
    const r = this.k.call('open', this.fop(FOPS.open), [this.disk]);
    return r === undefined ? ENODEV : r | 0;
  }

  ioctl(cmd: number, value: number): { r: number; value: number } {
    const k = this.k;
    if (!this.ready) return { r: ENODEV, value };
    const arg = k.mem.alloc(16, 'ioctl');
    k.mem.setU32(arg, value);
    const r = k.call('ioctl', this.fop(FOPS.ioctl), [this.disk, cmd, arg]);
    if (r === undefined) return { r: ENODEV, value };
    const out = k.mem.u32(arg);
    k.mem.free(arg);
    return { r: r | 0, value: out };
  }

  submit(req: BlockRequest): void {
    if (!this.ready) {
      req.done(ENODEV);
      return;
    }
    this.queue.push(req);
    this.scheduleDispatch();
  }

  private scheduleDispatch(): void {
    if (this.dispatchScheduled) return;
    this.dispatchScheduled = true;
    this.k.clock.schedule('kernel', 0, () => {
      this.dispatchScheduled = false;
      this.dispatch();
    });
  }

  private dispatch(): void {
    const k = this.k;
    while (this.queue.length && this.ready && !this.stopped) {
      const req = this.queue[0]!;
      const bytes = req.op === 'flush' ? 0 : req.sectors * 512;
      const ptr = k.mem.alloc(RQ.size + Math.max(bytes, 16), 'request');
      if (!ptr) return;
      const id = this.nextId++;
      const m = k.mem;
      m.setU32(ptr + RQ.sector, req.sector);
      m.setU32(ptr + RQ.nr, req.op === 'flush' ? 0 : req.sectors);
      m.setU32(ptr + RQ.op, req.op === 'read' ? 0 : req.op === 'write' ? 1 : 2);
      m.setU32(ptr + RQ.buffer, ptr + RQ.size);
      m.setU32(ptr + RQ.tag, id);
      m.setU32(ptr + RQ.handle, (ptr ^ 0x5e900000) >>> 0);
      if (req.op === 'write' && req.data) m.write(ptr + RQ.size, req.data.subarray(0, bytes));
      this.queue.shift();
      const f: InFlight = { req, ptr, id };
      this.inflight.set(ptr, f);
      // Tracked: after a driver failure the request completes with an error instead of hanging.
      k.tracker.add('request', ptr, () => {
        this.inflight.delete(ptr);
        req.done(EIO);
      });
      const r = k.call('queue_rq', this.fop(FOPS.queueRq), [this.disk, ptr]);
      if (r === undefined) return;
      if (r === BLK_STS_RESOURCE && this.inflight.has(ptr)) {
        this.inflight.delete(ptr);
        k.tracker.remove('request', ptr);
        m.free(ptr);
        this.queue.unshift(req);
        this.stopped = true;
        return;
      }
    }
  }

  private complete(ptr: number, status: number): void {
    const k = this.k;
    const f = this.inflight.get(ptr >>> 0);
    if (k.isolated) {
      k.checkPtr(ptr, RQ.size, 'blk_mq_end_request');
      k.checkHandle(!!f && k.mem.u32(ptr + RQ.handle) === (ptr ^ 0x5e900000) >>> 0, 'blk_mq_end_request');
      if (k.mem.u32(ptr + RQ.buffer) !== ptr + RQ.size)
        throw new DriverFailure('wrapper', 'blk_mq_end_request: rq->buffer was changed');
    } else k.checkHandle(!!f, 'blk_mq_end_request');
    this.inflight.delete(ptr >>> 0);
    k.tracker.remove('request', ptr >>> 0);
    const req = f!.req;
    let data: Uint8Array | undefined;
    // the native kernel trusts rq->buffer as the driver left it
    if (req.op === 'read' && status === 0)
      data = k.mem.read(
        k.checkPtr(k.mem.u32(ptr + RQ.buffer), req.sectors * 512, 'request buffer'),
        req.sectors * 512,
      );
    k.mem.free(ptr >>> 0);
    // completion runs in softirq context, after the driver returns
    k.clock.schedule('kernel', 0, () => req.done(status === 0 ? 0 : EIO, data));
  }

  private checkDisk(p: number, what: string): void {
    const k = this.k;
    if (k.isolated) {
      k.checkPtr(p, DISK.size, what);
      k.checkHandle(p >>> 0 === this.disk && k.mem.u32(p + DISK.handle) === 0xd15c0001, what);
    } else k.checkHandle(p >>> 0 === this.disk, what);
  }

  imports(): Record<string, ImportFn> {
    const k = this.k;
    const crossing = () => k.advanceInDriver(NS.crossing);
    return {
      blk_mq_alloc_disk: (depth, priv) => {
        crossing();
        if (this.disk) return 0;
        const p = k.mem.alloc(DISK.size, 'gendisk');
        if (!p) return 0;
        k.mem.fill(p, DISK.size, 0);
        k.mem.write(p, new TextEncoder().encode('dsblk0'));
        k.mem.setU32(p + DISK.depth, depth);
        k.mem.setU32(p + DISK.priv, priv);
        k.mem.setU32(p + DISK.handle, 0xd15c0001);
        this.disk = p;
        k.tracker.add('gendisk-alloc', p, () => {
          this.disk = 0;
        });
        return p;
      },
      add_disk: (p) => {
        crossing();
        this.checkDisk(p, 'add_disk');
        if (k.isolated) k.checkPtr(k.mem.u32(p + DISK.fops), 16, 'add_disk fops');
        this.registered = true;
        k.tracker.add('disk', p >>> 0, () => {
          this.registered = false;
        });
        return 0;
      },
      del_gendisk: (p) => {
        crossing();
        this.checkDisk(p, 'del_gendisk');
        this.registered = false;
        k.tracker.remove('disk', p >>> 0);
      },
      put_disk: (p) => {
        crossing();
        this.checkDisk(p, 'put_disk');
        k.mem.free(p >>> 0);
        k.tracker.remove('gendisk-alloc', p >>> 0);
        this.disk = 0;
      },
      blk_mq_end_request: (rq, status) => {
        crossing();
        this.complete(rq, status & 0xff);
      },
      blk_mq_stop_hw_queues: (p) => {
        crossing();
        this.checkDisk(p, 'blk_mq_stop_hw_queues');
        this.stopped = true;
      },
      blk_mq_start_hw_queues: (p) => {
        crossing();
        this.checkDisk(p, 'blk_mq_start_hw_queues');
        this.stopped = false;
        if (this.queue.length) this.scheduleDispatch();
      },
    };
  }
}
