/** Applications that drive a device and judge their own outcome, as the seeds' applications did. */
import type { Rng } from '../rng.js';
import type { System } from '../system.js';

export type Outcome = 'works' | 'app-error' | 'app-hang' | 'silent-corruption' | 'system-crash';
export const OUTCOMES: readonly Outcome[] = [
  'works',
  'app-error',
  'app-hang',
  'silent-corruption',
  'system-crash',
];

export interface Verdict {
  outcome: Exclude<Outcome, 'system-crash'>;
  detail: string;
  /** payload bytes (or samples, events) the application moved */
  units: number;
}

export interface Workload {
  readonly name: string;
  /** virtual time the application gets before it counts as hung */
  readonly deadlineNs: number;
  /** hardware faults activate at a seeded time in [0, faultWindowNs) after the start: about a fault-free run's length */
  readonly faultWindowNs: number;
  start(sys: System, rng: Rng): void;
  done(): boolean;
  verdict(finished: boolean): Verdict;
}

/** Common bookkeeping: the first error the application saw, and the driver generation it opened. */
export abstract class BaseWorkload implements Workload {
  abstract readonly name: string;
  abstract readonly deadlineNs: number;
  abstract readonly faultWindowNs: number;
  protected error: string | undefined;
  protected corruption: string | undefined;
  protected generation = 0;
  protected sys!: System;

  abstract start(sys: System, rng: Rng): void;
  abstract done(): boolean;
  protected abstract units(): number;
  protected abstract progress(): string;

  protected sawError(msg: string): void {
    this.error ??= msg;
  }
  protected sawCorruption(msg: string): void {
    this.corruption ??= msg;
  }
  /** The device the application opened was torn down under it (driver restarted or gone). */
  protected stale(): boolean {
    if (this.sys.kernel.generation !== this.generation || this.sys.kernel.dead) {
      this.sawError('device went away (driver restarted)');
      return true;
    }
    return false;
  }
  protected get failed(): boolean {
    return this.error !== undefined;
  }

  verdict(finished: boolean): Verdict {
    const units = this.units();
    if (this.error) return { outcome: 'app-error', detail: this.error, units };
    if (!finished) return { outcome: 'app-hang', detail: `no completion: ${this.progress()}`, units };
    if (this.corruption) return { outcome: 'silent-corruption', detail: this.corruption, units };
    return { outcome: 'works', detail: this.progress(), units };
  }
}

/** Deterministic payload bytes for stream `id`, unit `seq`. */
export function pattern(id: number, seq: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let x = (Math.imul(id + 1, 0x9e3779b1) ^ Math.imul(seq + 1, 0x85ebca6b)) >>> 0;
  for (let i = 0; i < len; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
