import { describe, expect, it } from 'vitest';
import { NIC_MAC, NIC_REG, NIC_TIMING, NicModel } from '../../src/runtime/devices/nic.js';
import { fakeHost } from './fakehost.js';

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
