import { describe, expect, it } from 'vitest';
import { NIC_MAC, NIC_REG, NIC_TIMING, NicModel } from '../../src/runtime/devices/nic.js';
import { fakeHost } from './fakehost.js';
import { DISK_REG, DISK_TIMING, DiskModel, SECTOR } from '../../src/runtime/devices/disk.js';
import { encodePacket, MOUSE_TIMING, MouseModel } from '../../src/runtime/devices/mouse.js';
import { AUDIO_REG, AUDIO_TIMING, AudioModel } from '../../src/runtime/devices/audio.js';

describe('NIC model', () => {
  function setup() {
    const host = fakeHost();
    const nic = new NicModel();
    nic.attach(host);
    return {
      host,
      nic,
      r: (off: number) => nic.read(0, off, 4),
      w: (off: number, v: number) => nic.write(0, off, 4, v),
    };
  }

  it('reset takes 50 µs and link comes up 10 ms later with a link interrupt', () => {
    const { host, r, w } = setup();
    w(NIC_REG.CTRL, 1);
    expect(r(NIC_REG.CTRL) & 1).toBe(1);
    host.run(NIC_TIMING.resetNs - 1000);
    expect(r(NIC_REG.CTRL) & 1).toBe(1);
    host.run(2000);
    expect(r(NIC_REG.CTRL) & 1).toBe(0);
    expect(r(NIC_REG.STATUS) & 1).toBe(0);
    host.run(NIC_TIMING.linkNs);
    expect(r(NIC_REG.STATUS) & 1).toBe(1);
    expect(r(NIC_REG.INT_STATUS) & 4).toBe(4);
    expect(r(NIC_REG.MAC_LO) & 0xff).toBe(NIC_MAC[0]);
  });

  it('transmits an owned descriptor over the wire, clears OWN, advances the head and interrupts', () => {
    const { host, nic, r, w } = setup();
    host.run(NIC_TIMING.linkNs + 1);
    const sent: Uint8Array[] = [];
    nic.onWire = (f) => sent.push(f);
    const ring = 0x4000;
    const buf = 0x8000;
    host.mem.set([1, 2, 3, 4, 5], buf);
    host.view.setUint32(ring, buf, true);
    host.view.setUint16(ring + 4, 5, true);
    host.view.setUint16(ring + 6, 0x8001, true);
    w(NIC_REG.INT_MASK, 0xf);
    w(NIC_REG.INT_STATUS, 0xf);
    w(NIC_REG.TX_RING, ring);
    w(NIC_REG.TX_SIZE, 8);
    w(NIC_REG.CTRL, 6);
    w(NIC_REG.TX_TAIL, 1);
    expect(nic.irqAsserted()).toBe(false);
    host.run(1000);
    expect(sent.map((f) => [...f])).toEqual([[1, 2, 3, 4, 5]]);
    expect(host.view.getUint16(ring + 6, true) & 0x8000).toBe(0);
    expect(r(NIC_REG.TX_HEAD)).toBe(1);
    expect(nic.irqAsserted()).toBe(true);
    w(NIC_REG.INT_STATUS, 2); // write 1 to clear
    expect(nic.irqAsserted()).toBe(false);
  });

  it('receives into the next owned descriptor by DMA, and counts a miss when none is owned', () => {
    const { host, nic, r, w } = setup();
    host.run(NIC_TIMING.linkNs + 1);
    const ring = 0x4000;
    host.view.setUint32(ring, 0x9000, true);
    host.view.setUint16(ring + 4, 1536, true);
    host.view.setUint16(ring + 6, 0x8000, true);
    w(NIC_REG.RX_RING, ring);
    w(NIC_REG.RX_SIZE, 2);
    w(NIC_REG.INT_MASK, 0xf);
    w(NIC_REG.CTRL, 2);
    nic.receive(new Uint8Array([9, 8, 7]));
    host.run(10_000);
    expect([...host.mem.subarray(0x9000, 0x9003)]).toEqual([9, 8, 7]);
    expect(host.view.getUint16(ring + 4, true)).toBe(3);
    expect(r(NIC_REG.RX_HEAD)).toBe(1);
    expect(r(NIC_REG.INT_STATUS) & 1).toBe(1);
    // descriptor 1 is not owned by the device: the frame waits, the device reports it is stalled
    nic.receive(new Uint8Array([1]));
    host.run(10_000);
    expect(nic.stalled()).toBe(true);
    expect(r(NIC_REG.RX_HEAD)).toBe(1);
  });
});

describe('block device model', () => {
  it('is ready 2 ms after reset, serves a write then a read by DMA and posts completions', () => {
    const host = fakeHost();
    const disk = new DiskModel(64);
    disk.attach(host);
    const w = (off: number, v: number) => disk.write(0, off, 4, v);
    const r = (off: number) => disk.read(0, off, 4);
    expect(r(DISK_REG.STATUS)).toBe(0);
    host.run(DISK_TIMING.readyNs);
    expect(r(DISK_REG.STATUS)).toBe(1);
    expect(r(DISK_REG.CAPACITY)).toBe(64);
    const sq = 0x4000;
    const cq = 0x5000;
    const buf = 0x8000;
    host.mem.fill(0x5a, buf, buf + 1024);
    const sqe = (i: number, sector: number, n: number, addr: number, op: number, tag: number) => {
      host.view.setUint32(sq + i * 16, sector, true);
      host.view.setUint32(sq + i * 16 + 4, n, true);
      host.view.setUint32(sq + i * 16 + 8, addr, true);
      host.view.setUint16(sq + i * 16 + 12, op, true);
      host.view.setUint16(sq + i * 16 + 14, tag, true);
    };
    sqe(0, 3, 2, buf, 1, 7);
    sqe(1, 3, 2, 0x9000, 0, 9);
    w(DISK_REG.SQ_ADDR, sq);
    w(DISK_REG.CQ_ADDR, cq);
    w(DISK_REG.Q_SIZE, 16);
    w(DISK_REG.INT_MASK, 1);
    w(DISK_REG.CTRL, 2);
    w(DISK_REG.SQ_TAIL, 2);
    host.run(DISK_TIMING.accessNs); // not yet: 1 KiB also costs transfer time
    expect(r(DISK_REG.CQ_HEAD)).toBe(0);
    host.run(1_000_000);
    expect(r(DISK_REG.CQ_HEAD)).toBe(2);
    expect(disk.image[3 * SECTOR]).toBe(0x5a);
    expect(host.mem[0x9000 + 1023]).toBe(0x5a);
    expect([host.view.getUint16(cq, true), host.view.getUint16(cq + 2, true)]).toEqual([7, 0]);
    expect([host.view.getUint16(cq + 4, true), host.view.getUint16(cq + 6, true)]).toEqual([9, 0]);
    expect(disk.irqAsserted()).toBe(true);
    // a request past the end completes with an error status
    sqe(2, 63, 2, buf, 0, 3);
    w(DISK_REG.SQ_TAIL, 3);
    host.run(1_000_000);
    expect(host.view.getUint16(cq + 10, true)).toBe(1);
  });
});

describe('PS/2 mouse model', () => {
  it('acknowledges commands, reports self-test after reset, streams packets when enabled', () => {
    const host = fakeHost();
    const mouse = new MouseModel();
    mouse.attach(host);
    const drain = () => {
      const out: number[] = [];
      while (mouse.read(1, 0, 1) & 1) out.push(mouse.read(0, 0, 1));
      return out;
    };
    const cmd = (b: number) => {
      mouse.write(1, 0, 1, 0xd4);
      expect(mouse.read(1, 0, 1) & 2).toBe(2); // controller busy accepting
      mouse.write(0, 0, 1, b);
    };
    cmd(0xff);
    host.run(MOUSE_TIMING.byteNs);
    expect(mouse.irqAsserted()).toBe(true);
    expect(drain()).toEqual([0xfa]);
    host.run(MOUSE_TIMING.batNs + 3 * MOUSE_TIMING.byteNs);
    expect(drain()).toEqual([0xaa, 0x00]);
    cmd(0xf2);
    host.run(3 * MOUSE_TIMING.byteNs);
    expect(drain()).toEqual([0xfa, 0x00]);
    mouse.move([{ buttons: 1, dx: -3, dy: 5 }]);
    cmd(0xf4);
    host.run(20 * MOUSE_TIMING.byteNs);
    expect(drain()).toEqual([0xfa, ...encodePacket({ buttons: 1, dx: -3, dy: 5 })]);
    expect(encodePacket({ buttons: 1, dx: -3, dy: 5 })).toEqual([0x08 | 1 | 0x10, 0xfd, 5]);
    expect(mouse.irqAsserted()).toBe(false);
  });
});

describe('audio model', () => {
  it('codec is ready 1 ms after reset and busy 25 µs per access; the DAC plays periods by DMA and interrupts', () => {
    const host = fakeHost();
    const dac = new AudioModel();
    dac.attach(host);
    const w = (off: number, v: number) => dac.write(0, off, 4, v);
    const r = (off: number) => dac.read(0, off, 4);
    expect(r(AUDIO_REG.CODEC_STATUS) & 2).toBe(0);
    host.run(AUDIO_TIMING.codecReadyNs);
    expect(r(AUDIO_REG.CODEC_STATUS) & 2).toBe(2);
    w(AUDIO_REG.CODEC_DATA, 0x1234);
    w(AUDIO_REG.CODEC_ADDR, 0x02);
    expect(r(AUDIO_REG.CODEC_STATUS) & 1).toBe(1);
    host.run(AUDIO_TIMING.codecOpNs);
    w(AUDIO_REG.CODEC_ADDR, 0x8000_0002);
    host.run(AUDIO_TIMING.codecOpNs);
    expect(r(AUDIO_REG.CODEC_DATA)).toBe(0x1234);
    const played: number[] = [];
    dac.onPlay = (p) => played.push(p[0]!);
    host.mem[0x4000] = 1;
    host.mem[0x4000 + 4096] = 2;
    w(AUDIO_REG.DAC_ADDR, 0x4000);
    w(AUDIO_REG.DAC_SIZE, 8192);
    w(AUDIO_REG.DAC_PERIOD, 4096);
    w(AUDIO_REG.RATE, 48000);
    w(AUDIO_REG.INT_MASK, 1);
    w(AUDIO_REG.CTRL, 1);
    const periodNs = (1024 / 48000) * 1e9;
    host.run(periodNs - 1000);
    expect(played).toEqual([]);
    host.run(2000);
    expect(played).toEqual([1]);
    expect(r(AUDIO_REG.DAC_POS)).toBe(4096);
    expect(dac.irqAsserted()).toBe(true);
    host.run(periodNs * 2);
    expect(played).toEqual([1, 2, 1]);
  });
});
