import { describe, expect, it } from 'vitest';
import { DriverFailure } from '../../src/runtime/errors.js';
import { bootedSystem } from './helpers.js';

function failureOf(fn: () => unknown): DriverFailure | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof DriverFailure) return e;
    throw e;
  }
  return undefined;
}

describe('Nooks wrappers', () => {
  it('reject pointers outside the driver domain and in the NULL page', async () => {
    const sys = await bootedSystem('net', 'nooks');
    const k = sys.kernel;
    expect(failureOf(() => k.imports.printk!(16, 0))?.kind).toBe('wrapper');
    expect(failureOf(() => k.imports.printk!(0x7fff_0000, 0))?.kind).toBe('wrapper');
    expect(failureOf(() => k.imports.mod_timer!(0xffff_fff0, 5))?.kind).toBe('wrapper');
    expect(failureOf(() => k.imports.dma_alloc_coherent!(0, 64, 8, 0))?.kind).toBe('wrapper');
  });

  it('reject a forged skb, a freed skb and an skb whose length exceeds its buffer', async () => {
    const sys = await bootedSystem('net', 'nooks');
    const k = sys.kernel;
    const dev = k.mem.u32(sys.bus['bindings'][0]!.devPtr + 4); // pci_get_drvdata → net_device
    const fake = k.mem.alloc(64, 'test');
    expect(failureOf(() => k.imports.netif_rx!(fake))?.kind).toBe('wrapper');
    const skb = k.imports.netdev_alloc_skb!(dev, 100) as number;
    expect(skb).toBeGreaterThan(1024);
    k.mem.setU32(skb + 4, 5000); // skb->len beyond skb->size
    expect(failureOf(() => k.imports.netif_rx!(skb))?.detail).toMatch(/exceeds/);
    k.mem.setU32(skb + 4, 10);
    expect(failureOf(() => k.imports.netif_rx!(skb))).toBeUndefined();
    expect(failureOf(() => k.imports.dev_kfree_skb_any!(skb))?.kind).toBe('wrapper'); // already consumed
  });

  it('reject kfree of something that is not a live allocation, and double frees', async () => {
    const sys = await bootedSystem('net', 'nooks');
    const k = sys.kernel;
    const p = k.imports.kmalloc!(32, 0) as number;
    expect(failureOf(() => k.imports.kfree!(p + 8))?.kind).toBe('wrapper');
    expect(failureOf(() => k.imports.kfree!(p))).toBeUndefined();
    expect(failureOf(() => k.imports.kfree!(p))?.kind).toBe('wrapper');
  });

  it('reject MMIO beyond the mapped BAR and unmapped cookies', async () => {
    const sys = await bootedSystem('net', 'nooks');
    const k = sys.kernel;
    expect(failureOf(() => k.imports.__ds_ioread!(0xf000_0000 + 0x100, 4, 1))?.kind).toBe('wrapper');
    expect(failureOf(() => k.imports.__ds_ioread!(0xf000_0000 + 0x04, 4, 1))).toBeUndefined();
    expect(failureOf(() => k.imports.__ds_ioread!(0xe000_0000, 4, 1))?.kind).toBe('wrapper');
  });

  it('native: the kernel trusts in-range values, and only wild or NULL pointers oops', async () => {
    const sys = await bootedSystem('net', 'native');
    const k = sys.kernel;
    const dev = k.mem.u32(sys.bus['bindings'][0]!.devPtr + 4);
    const skb = k.imports.netdev_alloc_skb!(dev, 100) as number;
    k.mem.setU32(skb + 4, 5000); // the native kernel copies 5000 bytes and does not notice
    expect(failureOf(() => k.imports.netif_rx!(skb))).toBeUndefined();
    expect(failureOf(() => k.imports.__ds_ioread!(0xf000_0000 + 0x100, 4, 1))).toBeUndefined();
    expect(failureOf(() => k.imports.printk!(16, 0))?.kind).toBe('trap');
  });
});
