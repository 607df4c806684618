import { describe, expect, it } from 'vitest';
import { ObjectTracker } from '../../src/runtime/tracker.js';
import { bootedSystem } from './helpers.js';

describe('object tracker', () => {
  it('releases newest first and forgets what the driver released itself', () => {
    const t = new ObjectTracker();
    const order: string[] = [];
    t.add('irq', 11, () => order.push('irq'));
    t.add('timer', 100, () => order.push('timer'));
    t.add('dma', 200, () => order.push('dma'));
    expect(t.remove('timer', 100)).toBe(true);
    expect(t.add.bind(t, 'irq', 11, () => {})).toThrow(/already tracked/);
    expect(t.releaseAll()).toBe(2);
    expect(order).toEqual(['dma', 'irq']);
    expect(t.size).toBe(0);
  });

  it('nothing leaks across 1,000 Nooks restarts of the NIC driver with the interface up', async () => {
    const sys = await bootedSystem('net', 'nooks');
    const k = sys.kernel;
    expect(sys.net!.open()).toBe(0);
    const baseline = {
      objects: k.tracker.countByType(),
      irqs: k.irqHandlers,
      timers: k.pendingTimers,
      heap: k.mem.liveAllocations,
    };
    expect(baseline.irqs).toBe(1);
    expect(baseline.objects.irq).toBe(1);
    expect(baseline.objects.dma).toBe(4);
    for (let i = 0; i < 1000; i++) {
      k.injectFailure('wrapper', `restart ${i}`);
      k.runUntil(k.clock.now + 1e9, () => !k.recovering);
      expect(k.dead).toBe(false);
      k.runUntil(k.clock.now + 200e6, () => false); // spaced out, so the restart-loop limit does not trip
    }
    expect(k.recoveries).toBe(1000);
    expect(k.tracker.countByType()).toEqual(baseline.objects);
    expect(k.irqHandlers).toBe(baseline.irqs);
    expect(k.pendingTimers).toBe(baseline.timers);
    expect(k.mem.liveAllocations).toBe(baseline.heap);
    expect(k.clock.pendingCount()).toBeLessThan(50);
    expect(sys.net!.up).toBe(true);
  });
});
