/**
 * Model of the driverscope PCI audio controller (dssound): I/O-port registers, an AC'97-style
 * codec behind a busy bit, and a playback DAC that fetches each period of the ring buffer by DMA,
 * plays it to a sink and interrupts.
 *
 * Modelled figures: codec ready 1 ms after a cold reset (AC'97 allows far longer); a codec
 * register access takes 25 µs (about one AC-link frame at 48 kHz); playback is 16-bit stereo at
 * the programmed rate, so a 1024-frame period lasts 21.3 ms at 48 kHz.
 */
import { DeviceModel, type Bar } from './device.js';

export const AUDIO_REG = {
  CTRL: 0x00,
  INT_STATUS: 0x04,
  INT_MASK: 0x08,
  CODEC_ADDR: 0x0c,
  CODEC_DATA: 0x10,
  CODEC_STATUS: 0x14,
  DAC_ADDR: 0x18,
  DAC_SIZE: 0x1c,
  DAC_PERIOD: 0x20,
  DAC_POS: 0x24,
  RATE: 0x28,
} as const;
export const AUDIO_TIMING = { codecReadyNs: 1_000_000, codecOpNs: 25_000 };
export const AUDIO_PORT = 0xc000;

export class AudioModel extends DeviceModel {
  readonly name = 'dssound';
  readonly bus = 'pci' as const;
  override readonly pciId = { vendor: 0x1d5c, device: 0x1371, revision: 1 };
  readonly bars: Bar[] = [{ kind: 'io', base: AUDIO_PORT, size: 64 }];
  readonly irq = 5;
  /** The sink: each period's bytes as the DAC plays them. */
  onPlay: (period: Uint8Array) => void = () => {};
  readonly codec = new Uint16Array(64);
  private regs = new Uint32Array(16);
  private codecReadyAt = 0;
  private codecBusyUntil = 0;
  private playing = false;
  periodsPlayed = 0;

  reset(): void {
    this.cancelAll();
    this.regs.fill(0);
    this.codec.fill(0);
    this.codec[0x7c >> 1] = 0x4144; // vendor ID
    this.codec[0x02 >> 1] = 0x8000; // muted
    this.codecReadyAt = this.host ? this.now + AUDIO_TIMING.codecReadyNs : 0;
    this.codecBusyUntil = 0;
    this.playing = false;
  }

  private reg(off: number): number {
    return this.regs[off >> 2]!;
  }

  irqAsserted(): boolean {
    return (this.reg(AUDIO_REG.INT_STATUS) & this.reg(AUDIO_REG.INT_MASK)) !== 0;
  }

  override stalled(): boolean {
    return (this.reg(AUDIO_REG.INT_STATUS) & 3) !== 0;
  }

  read(_bar: number, off: number, _width: number): number {
    if (off === AUDIO_REG.CODEC_STATUS)
      return (this.now < this.codecBusyUntil ? 1 : 0) | (this.now >= this.codecReadyAt ? 2 : 0);
    return off < 64 ? this.reg(off & ~3) : 0xffffffff;
  }

  write(_bar: number, off: number, _width: number, v: number): void {
    switch (off) {
      case AUDIO_REG.CTRL:
        if (v & 2) {
          this.codec.fill(0);
          this.codec[0x7c >> 1] = 0x4144;
          this.codecReadyAt = this.now + AUDIO_TIMING.codecReadyNs;
        }
        this.regs[0] = v & 1;
        if (v & 1) this.startPlayback();
        else this.playing = false;
        return;
      case AUDIO_REG.INT_STATUS:
        this.regs[1] = this.reg(off) & ~v;
        return;
      case AUDIO_REG.CODEC_ADDR: {
        if (this.now < this.codecReadyAt) return;
        const reg = v & 0x7e;
        if (v & 0x8000_0000) this.regs[AUDIO_REG.CODEC_DATA >> 2] = this.codec[reg >> 1]!;
        else this.codec[reg >> 1] = this.reg(AUDIO_REG.CODEC_DATA) & 0xffff;
        this.codecBusyUntil = this.now + AUDIO_TIMING.codecOpNs;
        return;
      }
      case AUDIO_REG.DAC_POS:
      case AUDIO_REG.CODEC_STATUS:
        return;
      case AUDIO_REG.DAC_ADDR:
        this.regs[off >> 2] = v;
        this.regs[AUDIO_REG.DAC_POS >> 2] = 0;
        return;
      default:
        if (off < 64) this.regs[off >> 2] = v;
    }
  }

  private periodNs(): number {
    const rate = this.reg(AUDIO_REG.RATE) || 48000;
    return ((this.reg(AUDIO_REG.DAC_PERIOD) / 4) * 1e9) / rate;
  }

  private startPlayback(): void {
    if (this.playing) return;
    const period = this.reg(AUDIO_REG.DAC_PERIOD);
    const size = this.reg(AUDIO_REG.DAC_SIZE);
    if (!period || !size || period > size) return;
    this.playing = true;
    const tick = () => {
      if (!this.playing || !(this.reg(AUDIO_REG.CTRL) & 1)) {
        this.playing = false;
        return;
      }
      const per = this.reg(AUDIO_REG.DAC_PERIOD);
      const sz = this.reg(AUDIO_REG.DAC_SIZE);
      const pos = this.reg(AUDIO_REG.DAC_POS);
      const data = this.host.dmaRead(this.reg(AUDIO_REG.DAC_ADDR) + pos, per);
      if (data) {
        this.periodsPlayed++;
        this.onPlay(data);
      } else this.regs[1] = this.reg(AUDIO_REG.INT_STATUS) | 2; // underrun: nothing to fetch
      this.regs[AUDIO_REG.DAC_POS >> 2] = (pos + per) % sz;
      this.regs[1] = this.reg(AUDIO_REG.INT_STATUS) | 1;
      this.after(this.periodNs(), tick);
    };
    this.after(this.periodNs(), tick);
  }

  /** Master volume as the codec holds it (0 = loudest, bit 15 = mute). */
  get masterAttenuation(): number {
    return this.codec[0x02 >> 1]!;
  }
}
