/**
 * The audio player: sets the mixer (and reads it back), streams a numbered sequence of stereo
 * frames through the PCM, refilling the ring buffer at every period; the listener on the DAC's
 * output checks the frames arrive in order and counts gaps and damaged frames.
 */
import { NS } from '../costs.js';
import type { AudioModel } from '../devices/audio.js';
import type { Rng } from '../rng.js';
import type { System } from '../system.js';
import { BaseWorkload } from './workload.js';

const PERIOD_FRAMES = 1024;
const PERIODS = 4;
const RATE = 48000;
const FRAME = 4;
const TAG = 0xa5a5;

function frames(from: number, count: number, total: number): Uint8Array {
  const out = new Uint8Array(count * FRAME);
  const v = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    const n = from + i;
    if (n >= total) break; // silence after the end
    v.setUint16(i * 4, n & 0xffff, true);
    v.setUint16(i * 4 + 2, (n >>> 16) ^ TAG, true);
  }
  return out;
}

export class AudioPlayer extends BaseWorkload {
  readonly name = 'player';
  readonly deadlineNs = 800 * NS.ms;
  readonly faultWindowNs = 280 * NS.ms;
  private readonly total = 12 * PERIOD_FRAMES;
  private appl = 0; // bytes written
  private consumed = 0; // bytes the hardware has taken, from the driver's pointer
  private lastHw = 0;
  private heard = 0;
  private gaps = 0;
  private damaged = 0;
  private closed = false;

  start(sys: System, _rng: Rng): void {
    this.sys = sys;
    const snd = sys.sound!;
    const dac = sys.device as AudioModel;
    dac.onPlay = (period) => this.listen(period);
    this.generation = sys.kernel.generation;
    for (const [name, value] of [
      ['Master Playback Volume', 50],
      ['PCM Playback Volume', 20],
    ] as const) {
      const r = snd.setControl(name, value);
      if (r !== 0) return this.sawError(`setting ${name} failed (${r})`);
      const g = snd.getControl(name);
      if (g.r !== 0) return this.sawError(`reading ${name} failed (${g.r})`);
      if (g.value !== value) this.sawCorruption(`${name} reads back ${g.value}, set ${value}`);
    }
    const bufferBytes = PERIOD_FRAMES * PERIODS * FRAME;
    let r = snd.openPlayback(bufferBytes, PERIOD_FRAMES * FRAME, RATE);
    if (r !== 0) return this.sawError(`open failed (${r})`);
    this.fill(bufferBytes);
    snd.onPeriod = () => this.period(bufferBytes);
    r = snd.trigger(true);
    if (r !== 0) return this.sawError(`start failed (${r})`);
    // a player blocked in write() is woken with an error when the device goes away
    const poll = () => {
      if (this.stale() || this.done()) return;
      sys.kernel.clock.schedule('kernel', 10 * NS.ms, poll);
    };
    poll();
  }

  private fill(bufferBytes: number): void {
    const free = bufferBytes - (this.appl - this.consumed);
    if (free <= 0) return;
    const count = Math.floor(free / FRAME);
    if (this.sys.sound!.write(this.appl % bufferBytes, frames(this.appl / FRAME, count, this.total)) !== 0)
      return this.sawError('write failed');
    this.appl += count * FRAME;
  }

  private period(bufferBytes: number): void {
    if (this.failed || this.closed || this.stale()) return;
    const hw = this.sys.sound!.hwPtrBytes;
    this.consumed += (hw - this.lastHw + bufferBytes) % bufferBytes;
    this.lastHw = hw;
    this.fill(bufferBytes);
  }

  private listen(period: Uint8Array): void {
    if (this.heard >= this.total) return;
    const v = new DataView(period.buffer, period.byteOffset, period.length);
    for (let i = 0; i + FRAME <= period.length && this.heard < this.total; i += FRAME) {
      const lo = v.getUint16(i, true);
      const hi = v.getUint16(i + 2, true) ^ TAG;
      const n = (hi << 16) | lo;
      if (n === this.heard) this.heard++;
      else if (hi === 0 && n < this.total) {
        this.gaps++; // a frame from the wrong place: skipped or repeated audio
        if (n > this.heard) this.heard = n + 1;
      } else this.damaged++;
    }
    if (this.heard >= this.total) this.sys.kernel.clock.schedule('kernel', 0, () => this.finish());
  }

  private finish(): void {
    if (this.failed || this.stale()) return;
    const snd = this.sys.sound!;
    let r = snd.trigger(false);
    if (r === 0) r = snd.close();
    if (r !== 0) return this.sawError(`stop failed (${r})`);
    this.closed = true;
  }

  done(): boolean {
    return this.failed || this.closed;
  }
  protected units(): number {
    return this.heard;
  }
  protected progress(): string {
    return `${this.heard}/${this.total} frames heard, ${this.gaps} gaps, ${this.damaged} damaged`;
  }
  override verdict(finished: boolean) {
    const v = super.verdict(finished);
    if (v.outcome === 'works' && (this.gaps || this.damaged))
      return { ...v, outcome: 'silent-corruption' as const };
    return v;
  }
}
