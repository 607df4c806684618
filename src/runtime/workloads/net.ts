/**
 * Network applications: remote copy (a file sent and another received through the NIC, every
 * byte verified by the receiving side) and a packet sniffer (promiscuous mode, every frame's
 * sequence and contents checked, drops counted).
 */
import { NS } from '../costs.js';
import type { NicModel } from '../devices/nic.js';
import type { Rng } from '../rng.js';
import type { System } from '../system.js';
import { BaseWorkload, equalBytes, pattern } from './workload.js';

const HDR = 8; // u32 stream id, u32 sequence number

function frame(stream: number, seq: number, payload: number): Uint8Array {
  const f = new Uint8Array(HDR + payload);
  const v = new DataView(f.buffer);
  v.setUint32(0, stream, true);
  v.setUint32(4, seq, true);
  f.set(pattern(stream, seq, payload), HDR);
  return f;
}

function parse(f: Uint8Array): { stream: number; seq: number } | undefined {
  if (f.length < HDR) return undefined;
  const v = new DataView(f.buffer, f.byteOffset, f.length);
  return { stream: v.getUint32(0, true), seq: v.getUint32(4, true) };
}

/** Frames sent by the peer at a steady rate, starting once the application is up. */
function peerSender(
  sys: System,
  nic: NicModel,
  stream: number,
  count: number,
  payload: number,
  gapNs: number,
): void {
  let seq = 0;
  const tick = () => {
    if (seq >= count) return;
    nic.receive(frame(stream, seq++, payload));
    sys.kernel.clock.schedule('device', gapNs, tick);
  };
  sys.kernel.clock.schedule('device', gapNs, tick);
}

export class RemoteCopy extends BaseWorkload {
  readonly name = 'copy';
  readonly deadlineNs = 400 * NS.ms;
  readonly faultWindowNs = 11 * NS.ms;
  private readonly txFrames = 48;
  private readonly rxFrames = 48;
  private readonly payload = 1024;
  private sent = 0;
  private peerGot = 0;
  private appGot = 0;

  start(sys: System): void {
    this.sys = sys;
    const net = sys.net!;
    const nic = sys.device as NicModel;
    nic.onWire = (f) => this.check(f, 1, this.peerGot, 'peer') && this.peerGot++;
    net.onRx = (f) => this.check(f, 2, this.appGot, 'application') && this.appGot++;
    const r = net.open();
    this.generation = sys.kernel.generation;
    if (r !== 0) return this.sawError(`open failed (${r})`);
    peerSender(sys, nic, 2, this.rxFrames, this.payload, 20 * NS.us);
    this.sendMore();
  }

  private check(f: Uint8Array, stream: number, expected: number, who: string): boolean {
    const h = parse(f);
    if (!h || h.stream !== stream) {
      this.sawCorruption(`${who} got a frame that is not ours`);
      return false;
    }
    if (h.seq !== expected) this.sawCorruption(`${who} expected frame ${expected}, got ${h.seq}`);
    else if (!equalBytes(f.subarray(0, HDR + this.payload), frame(stream, h.seq, this.payload)))
      this.sawCorruption(`${who}: frame ${h.seq} contents differ`);
    return true;
  }

  private sendMore(): void {
    if (this.failed || this.stale()) return;
    while (this.sent < this.txFrames) {
      const r = this.sys.net!.send(frame(1, this.sent, this.payload));
      if (r === -105) break; // socket buffer full: wait
      if (r !== 0) return this.sawError(`send failed (${r})`);
      this.sent++;
    }
    if (this.sent < this.txFrames || this.appGot < this.rxFrames)
      this.sys.kernel.clock.schedule('kernel', 50 * NS.us, () => this.sendMore());
  }

  done(): boolean {
    return this.failed || (this.peerGot >= this.txFrames && this.appGot >= this.rxFrames);
  }
  protected units(): number {
    return (this.peerGot + this.appGot) * this.payload;
  }
  protected progress(): string {
    return `sent ${this.peerGot}/${this.txFrames} frames, received ${this.appGot}/${this.rxFrames}`;
  }
}

export class PacketSniffer extends BaseWorkload {
  readonly name = 'sniffer';
  readonly deadlineNs = 400 * NS.ms;
  readonly faultWindowNs = 11 * NS.ms;
  private readonly frames = 96;
  private readonly payload = 256;
  private got = 0;
  private next = 0;
  private dropped = 0;

  start(sys: System, _rng: Rng): void {
    this.sys = sys;
    const net = sys.net!;
    net.onRx = (f) => {
      const h = parse(f);
      if (!h || h.stream !== 3) return this.sawCorruption('captured a frame that was never sent');
      if (h.seq < this.next) this.sawCorruption(`frame ${h.seq} captured out of order`);
      this.dropped += Math.max(0, h.seq - this.next);
      if (!equalBytes(f.subarray(0, HDR + this.payload), frame(3, h.seq, this.payload)))
        this.sawCorruption(`frame ${h.seq} contents differ`);
      this.next = h.seq + 1;
      this.got++;
    };
    let r = net.open();
    this.generation = sys.kernel.generation;
    if (r === 0) r = net.setPromisc(true);
    if (r !== 0) return this.sawError(`capture setup failed (${r})`);
    peerSender(sys, sys.device as NicModel, 3, this.frames, this.payload, 10 * NS.us);
    const poll = () => {
      if (this.stale() || this.done()) return;
      this.sys.kernel.clock.schedule('kernel', NS.ms, poll);
    };
    poll();
  }

  done(): boolean {
    return this.failed || this.next >= this.frames;
  }
  protected units(): number {
    return this.got * this.payload;
  }
  protected progress(): string {
    return `captured ${this.got}/${this.frames} frames, ${this.dropped} dropped`;
  }
  override verdict(finished: boolean) {
    const v = super.verdict(finished);
    // A sniffer that lost frames silently reports a wrong capture.
    if (v.outcome === 'works' && this.dropped > 0)
      return { ...v, outcome: 'silent-corruption' as const, detail: this.progress() };
    return v;
  }
}
