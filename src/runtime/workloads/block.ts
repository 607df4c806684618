/**
 * Disk applications: a file copy (write a source file, copy it block by block to another region,
 * read the copy back and compare) and a small database (random single-sector reads and writes
 * against a shadow copy, every read checked against the last write: read-after-write).
 */
import { NS } from '../costs.js';
import type { Rng } from '../rng.js';
import type { BlockRequest } from '../sys/block.js';
import type { System } from '../system.js';
import { BaseWorkload, equalBytes, pattern } from './workload.js';

const CHUNK = 8; // sectors per request (4 KiB)

abstract class DiskApp extends BaseWorkload {
  protected outstanding = 0;

  protected io(
    op: BlockRequest['op'],
    sector: number,
    sectors: number,
    data: Uint8Array | undefined,
    then: (d?: Uint8Array) => void,
  ): void {
    if (this.failed || this.stale()) return;
    this.outstanding++;
    this.sys.block!.submit({
      op,
      sector,
      sectors,
      data,
      done: (status, d) => {
        this.outstanding--;
        if (this.failed) return;
        if (status !== 0) return this.sawError(`${op} of sector ${sector} failed (${status})`);
        then(d);
      },
    });
  }

  protected openDisk(sys: System): boolean {
    this.sys = sys;
    const r = sys.block!.open();
    this.generation = sys.kernel.generation;
    if (r !== 0) {
      this.sawError(`open failed (${r})`);
      return false;
    }
    return true;
  }
}

export class DiskCopy extends DiskApp {
  readonly name = 'copy';
  readonly deadlineNs = 400 * NS.ms;
  readonly faultWindowNs = 12 * NS.ms;
  private readonly chunks = 24;
  private readonly dest = 1024;
  private phase: 'write' | 'copy' | 'verify' | 'done' = 'write';
  private next = 0;
  private finishedChunks = 0;
  private moved = 0;

  start(sys: System, _rng: Rng): void {
    if (!this.openDisk(sys)) return;
    this.pump();
  }

  /** keep up to 4 requests in flight per phase */
  private pump(): void {
    while (!this.failed && this.phase !== 'done' && this.outstanding < 4 && this.next < this.chunks) {
      const i = this.next++;
      const src = i * CHUNK;
      if (this.phase === 'write')
        this.io('write', src, CHUNK, pattern(7, i, CHUNK * 512), () => this.chunkDone());
      else if (this.phase === 'copy')
        this.io('read', src, CHUNK, undefined, (d) => {
          this.io('write', this.dest + src, CHUNK, d, () => this.chunkDone());
        });
      else
        this.io('read', this.dest + src, CHUNK, undefined, (d) => {
          if (!d || !equalBytes(d, pattern(7, i, CHUNK * 512)))
            this.sawCorruption(`copied block ${i} differs from the source`);
          this.chunkDone();
        });
    }
  }

  private chunkDone(): void {
    this.moved += CHUNK * 512;
    if (++this.finishedChunks === this.chunks) {
      this.finishedChunks = 0;
      this.next = 0;
      this.phase = this.phase === 'write' ? 'copy' : this.phase === 'copy' ? 'verify' : 'done';
    }
    this.pump();
  }

  done(): boolean {
    return this.failed || this.phase === 'done';
  }
  protected units(): number {
    return this.moved;
  }
  protected progress(): string {
    if (this.phase === 'done')
      return `wrote, copied and verified ${this.chunks} blocks of ${CHUNK * 512} bytes`;
    return `phase ${this.phase}, ${this.finishedChunks}/${this.chunks} blocks`;
  }
}

export class Database extends DiskApp {
  readonly name = 'database';
  readonly deadlineNs = 400 * NS.ms;
  readonly faultWindowNs = 12 * NS.ms;
  private readonly ops = 160;
  private readonly records = 64;
  private readonly base = 1536;
  private issued = 0;
  private completed = 0;
  private version = new Map<number, number>();
  private busy = new Set<number>();
  private rng!: Rng;
  private flushed = false;

  start(sys: System, rng: Rng): void {
    this.rng = rng;
    if (!this.openDisk(sys)) return;
    this.pump();
  }

  private record(rec: number, version: number): Uint8Array {
    return version ? pattern(1000 + rec, version, 512) : new Uint8Array(512);
  }

  private pump(): void {
    while (!this.failed && this.outstanding < 4 && this.issued < this.ops) {
      const rec = this.rng.int(this.records);
      if (this.busy.has(rec)) break; // one operation per record at a time
      this.issued++;
      this.busy.add(rec);
      const finish = () => {
        this.busy.delete(rec);
        this.completed++;
        this.pump();
      };
      if (this.rng.chance(0.5)) {
        const v = (this.version.get(rec) ?? 0) + 1;
        this.io('write', this.base + rec, 1, this.record(rec, v), () => {
          this.version.set(rec, v);
          finish();
        });
      } else {
        this.io('read', this.base + rec, 1, undefined, (d) => {
          if (!d || !equalBytes(d, this.record(rec, this.version.get(rec) ?? 0)))
            this.sawCorruption(`record ${rec} does not hold its last write`);
          finish();
        });
      }
    }
    if (this.completed === this.ops && !this.flushed) {
      this.flushed = true;
      this.io('flush', 0, 0, undefined, () => {
        this.completed++;
      });
    }
  }

  done(): boolean {
    return this.failed || this.completed > this.ops;
  }
  protected units(): number {
    return this.completed * 512;
  }
  protected progress(): string {
    return `${Math.min(this.completed, this.ops)}/${this.ops} transactions`;
  }
}
