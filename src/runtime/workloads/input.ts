/**
 * The pointer application: the user moves the mouse through a seeded sequence of motions and
 * button presses; the application checks that the events it receives are exactly the ones those
 * motions must produce, in order.
 */
import { NS } from '../costs.js';
import type { MouseModel, MouseMotion } from '../devices/mouse.js';
import type { Rng } from '../rng.js';
import type { InputEvent } from '../sys/input.js';
import type { System } from '../system.js';
import { BaseWorkload } from './workload.js';

const BTN = [0x110, 0x111, 0x112];

/** The events the input core delivers for a sequence of packets (keys only on change, no zero motion). */
export function expectedEvents(motions: MouseMotion[]): InputEvent[] {
  const out: InputEvent[] = [];
  let buttons = 0;
  for (const m of motions) {
    for (let b = 0; b < 3; b++) {
      const v = (m.buttons >> b) & 1;
      if (v !== ((buttons >> b) & 1)) out.push({ type: 1, code: BTN[b]!, value: v });
    }
    buttons = m.buttons;
    if (m.dx) out.push({ type: 2, code: 0, value: m.dx });
    if (m.dy) out.push({ type: 2, code: 1, value: -m.dy });
    out.push({ type: 0, code: 0, value: 0 });
  }
  return out;
}

export class PointerApp extends BaseWorkload {
  readonly name = 'pointer';
  readonly deadlineNs = 600 * NS.ms;
  readonly faultWindowNs = 250 * NS.ms;
  private readonly count = 24;
  private expected: InputEvent[] = [];
  private got = 0;

  start(sys: System, rng: Rng): void {
    this.sys = sys;
    const motions: MouseMotion[] = [];
    for (let i = 0; i < this.count; i++) {
      motions.push({
        buttons: rng.chance(0.2) ? rng.int(8) : i % 7 === 3 ? 1 : 0,
        dx: rng.int(81) - 40,
        dy: rng.int(81) - 40,
      });
    }
    this.expected = expectedEvents(motions);
    sys.input!.onEvent = (e) => {
      const want = this.expected[this.got];
      if (!want) return this.sawCorruption('more events than the user made');
      if (want.type !== e.type || want.code !== e.code || want.value !== e.value)
        this.sawCorruption(
          `event ${this.got}: expected ${want.type}/${want.code}=${want.value}, got ${e.type}/${e.code}=${e.value}`,
        );
      this.got++;
    };
    const r = sys.input!.open();
    this.generation = sys.kernel.generation;
    if (r !== 0) return this.sawError(`open failed (${r})`);
    (sys.device as MouseModel).move(motions);
    const poll = () => {
      if (this.stale() || this.done()) return;
      sys.kernel.clock.schedule('kernel', 5 * NS.ms, poll);
    };
    poll();
  }

  done(): boolean {
    return this.failed || this.got >= this.expected.length;
  }
  protected units(): number {
    return this.got;
  }
  protected progress(): string {
    return `${this.got}/${this.expected.length} events`;
  }
}
