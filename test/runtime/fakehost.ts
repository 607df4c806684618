import type { DeviceHost } from '../../src/runtime/devices/device.js';
import { VirtualClock } from '../../src/runtime/events.js';

/** A device host over a plain byte array, for testing device models without a driver. */
export function fakeHost(
  size = 1 << 20,
): DeviceHost & { mem: Uint8Array; view: DataView; clock: VirtualClock; run(ns: number): void } {
  const mem = new Uint8Array(size);
  const clock = new VirtualClock();
  return {
    mem,
    view: new DataView(mem.buffer),
    clock,
    dmaRead: (a, n) => (a >= 1024 && a + n <= size ? mem.slice(a, a + n) : undefined),
    dmaWrite: (a, d) => {
      if (a < 1024 || a + d.length > size) return false;
      mem.set(d, a);
      return true;
    },
    run(ns: number) {
      clock.advanceDevicesOnly(ns);
    },
  };
}
