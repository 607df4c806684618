import { describe, expect, it } from 'vitest';
import { DRIVER_KINDS } from '../../src/runtime/system.js';
import { bootedSystem } from './helpers.js';

describe('driver entry points beyond the workloads', () => {
  for (const kind of DRIVER_KINDS) {
    it(`${kind}: probe binds the device; suspend and resume succeed without a failure`, async () => {
      for (const isolation of ['native', 'nooks'] as const) {
        const sys = await bootedSystem(kind, isolation);
        expect(sys.bus.boundDevices).toBe(1);
        if (kind === 'net') expect(sys.net!.open()).toBe(0);
        if (kind === 'input') expect(sys.input!.open()).toBe(0);
        expect(sys.bus.suspendResume()).toBe(true);
        expect(sys.kernel.failures).toEqual([]);
      }
    });
  }

  it('net ioctls: private commands answer, unknown ones are -ENOTTY', async () => {
    const sys = await bootedSystem('net', 'nooks');
    expect(sys.net!.open()).toBe(0);
    expect(sys.net!.ioctl(1, 0)).toEqual({ r: 0, value: 0 }); // rx missed counter
    expect(sys.net!.ioctl(0, 1).r).toBe(0); // set filter
    expect(sys.net!.ioctl(7, 0).r).toBe(-25);
    expect(sys.net!.setPromisc(true)).toBe(0);
  });

  it('block ioctls: capacity, write cache, statistics', async () => {
    const sys = await bootedSystem('block', 'nooks');
    expect(sys.block!.ioctl(0x1260, 0)).toEqual({ r: 0, value: 2048 });
    expect(sys.block!.ioctl(0x4401, 0).r).toBe(0);
    expect(sys.block!.ioctl(0x4402, 0)).toEqual({ r: 0, value: 0 });
    expect(sys.block!.ioctl(0x9999, 0).r).toBe(-25);
  });

  it('sound mixer: put then get round-trips through the codec', async () => {
    const sys = await bootedSystem('sound', 'native');
    expect(sys.sound!.setControl('Master Playback Volume', 40)).toBe(0);
    expect(sys.sound!.getControl('Master Playback Volume')).toEqual({ r: 0, value: 40 });
    expect(sys.sound!.setControl('Master Playback Volume', 99)).toBe(-22); // outside the control's range
  });

  it('rmmod: remove and cleanup_module give back everything the driver took', async () => {
    for (const kind of DRIVER_KINDS) {
      const sys = await bootedSystem(kind, 'nooks');
      const k = sys.kernel;
      if (kind === 'net') expect(sys.net!.open()).toBe(0); // remove must also close the interface
      expect(k.tracker.size).toBeGreaterThan(0);
      k.unload();
      expect(k.failures).toEqual([]);
      expect(k.unloadLeaks, kind).toEqual({});
      expect(k.tracker.size).toBe(0);
      expect(k.irqHandlers).toBe(0);
    }
  });
});
