import { describe, expect, it } from 'vitest';
import { NicModel } from '../../src/runtime/devices/nic.js';
import {
  HARDWARE_FAULT_TYPES,
  HardwareFaults,
  parseHardwareFault,
} from '../../src/runtime/faults/hardware.js';
import {
  injectSoftwareFaults,
  SOFTWARE_FAULT_TYPES,
  type SoftwareFaultType,
} from '../../src/runtime/faults/swifi.js';
import { parseModule } from '../../src/runtime/faults/wasm.js';
import { Rng } from '../../src/runtime/rng.js';
import { DRIVER_KINDS, prepareDriver, runOnce } from '../../src/runtime/system.js';

function injector(spec: string, seed = 1) {
  const log: string[] = [];
  const hw = new HardwareFaults([parseHardwareFault(spec)], new Rng(seed), log);
  let now = 0;
  hw.bindClock(() => now);
  hw.arm(0, 0);
  const dev = new NicModel();
  return { hw, dev, log, setNow: (t: number) => (now = t) };
}

describe('hardware fault injection', () => {
  it('parses type, parameter and activation time', () => {
    expect(parseHardwareFault('force:123=0xffffffff@5')).toEqual({
      type: 'force',
      site: 123,
      value: 0xffffffff,
      atMs: 5,
    });
    expect(parseHardwareFault('bitflip:0.5')).toEqual({ type: 'bitflip', p: 0.5 });
    expect(() => parseHardwareFault('melt')).toThrow(/unknown hardware fault/);
  });

  it('bitflip flips exactly one bit of some reads', () => {
    const { hw, dev } = injector('bitflip:0.5');
    const diffs = Array.from({ length: 200 }, () => hw.onRead(dev, 0, 4, 4, 10, 0x1234) ^ 0x1234);
    expect(diffs.some((d) => d === 0)).toBe(true);
    const flipped = diffs.filter((d) => d !== 0);
    expect(flipped.length).toBeGreaterThan(50);
    for (const d of flipped) expect(d & (d - 1)).toBe(0); // a single bit
  });

  it('stuck bits, all-0 and all-1 reads hit one register the driver used', () => {
    for (const [type, check] of [
      ['stuck0', (v: number) => v !== 0xffffffff],
      ['stuck1', (v: number) => v !== 0],
      ['zeros', (v: number) => v === 0],
      ['ones', (v: number) => v === 0xffffffff],
    ] as const) {
      const { hw, dev } = injector(`${type}@1`);
      hw.onRead(dev, 0, 8, 4, 10, 0); // seen before activation: the only candidate register
      const { setNow } = { setNow: (t: number) => hw.bindClock(() => t) };
      setNow(2e6);
      const input = type === 'stuck0' || type === 'ones' ? 0xffffffff : 0;
      const v = hw.onRead(dev, 0, 8, 4, 10, type === 'zeros' ? 0x55 : input);
      expect(check(v), `${type} → ${v.toString(16)}`).toBe(true);
      expect(hw.onRead(dev, 0, 12, 4, 11, 0x55)).toBe(0x55); // other registers untouched
    }
  });

  it('force replaces the value at one read site only', () => {
    const { hw, dev } = injector('force:42=0xdead');
    expect(hw.onRead(dev, 0, 0, 4, 42, 7)).toBe(0xdead);
    expect(hw.onRead(dev, 0, 0, 4, 43, 7)).toBe(7);
  });

  it('dma-corrupt changes one byte of a DMA write and leaves the original buffer alone', () => {
    const { hw, dev } = injector('dma-corrupt:1');
    const data = new Uint8Array(64);
    const out = hw.onDmaWrite(dev, 4096, data);
    expect(out.filter((b) => b !== 0).length).toBe(1);
    expect(data.every((b) => b === 0)).toBe(true);
  });

  it('interrupt faults: missing masks, stuck asserts, extra asserts now and then', () => {
    expect(injector('missing-irq').hw.irqLine(new NicModel(), true)).toBe(false);
    expect(injector('stuck-irq').hw.irqLine(new NicModel(), false)).toBe(true);
    const extra = injector('extra-irq');
    const seen: boolean[] = [];
    for (let t = 0; t < 5e6; t += 1e5) {
      extra.setNow(t);
      seen.push(extra.hw.irqLine(extra.dev, false));
    }
    expect(seen.filter(Boolean).length).toBeGreaterThan(3);
    expect(seen.filter((x) => !x).length).toBeGreaterThan(10);
  });

  it('gone: the device drops off the bus', () => {
    const { hw, dev, log } = injector('gone');
    hw.onRead(dev, 0, 0, 4, 1, 0);
    expect(dev.gone).toBe(true);
    expect(log[0]).toMatch(/^hw:gone/);
  });

  it('every hardware fault type runs end to end against every driver, and nooks never crashes', async () => {
    for (const driver of DRIVER_KINDS) {
      const d = await prepareDriver(driver);
      for (const type of HARDWARE_FAULT_TYPES) {
        const r = runOnce(d, { driver, isolation: 'nooks', seed: 4, faults: [`hw:${type}@2`] });
        expect(r.injected.join(), `${driver} ${type}`).toMatch(new RegExp(`hw:${type}`));
        expect(r.outcome, `${driver} ${type}`).not.toBe('system-crash');
      }
    }
  });

  it('every hardware fault type runs end to end against the NIC under both isolations', async () => {
    const d = await prepareDriver('net');
    for (const type of HARDWARE_FAULT_TYPES) {
      for (const isolation of ['native', 'nooks'] as const) {
        const r = runOnce(d, { driver: 'net', isolation, seed: 2, faults: [`hw:${type}@10.2`] });
        expect(r.injected.join(), type).toMatch(new RegExp(`hw:${type}`));
        expect(['works', 'app-error', 'app-hang', 'silent-corruption', 'system-crash']).toContain(r.outcome);
      }
    }
    // a device that disappears mid-transfer never completes the copy
    const gone = runOnce(d, { driver: 'net', isolation: 'native', seed: 2, faults: ['hw:gone@10.5'] });
    expect(gone.outcome).not.toBe('works');
  });
});

describe('software fault injection (SWIFI on the compiled wasm)', () => {
  const opOf = (wasm: Uint8Array, func: number, at: number) => parseModule(wasm).bodies[func]!.instrs[at];

  it('each fault type yields a valid module that differs from the original', async () => {
    const d = await prepareDriver('net');
    for (const type of SOFTWARE_FAULT_TYPES) {
      const r = injectSoftwareFaults(d.wasm, [{ type }], new Rng(7));
      expect(r.injected[0], type).toMatch(new RegExp(`^sw:${type} func \\d+ instr \\d+$`));
      expect(WebAssembly.validate(r.wasm)).toBe(true);
      expect(Buffer.compare(Buffer.from(r.wasm), Buffer.from(d.wasm)), type).not.toBe(0);
    }
  });

  it('inverted branch inserts i32.eqz before the branch; off-by-one swaps < and <=', async () => {
    const d = await prepareDriver('net');
    const m = parseModule(d.wasm);
    const site = (s: string) =>
      s
        .match(/func (\d+) instr (\d+)/)!
        .slice(1)
        .map(Number) as [number, number];
    const inv = injectSoftwareFaults(d.wasm, [{ type: 'inverted-branch' }], new Rng(3));
    const [f, at] = site(inv.injected[0]!);
    const body = f - m.importNames.length;
    const before = m.bodies[body]!.instrs[at]!;
    expect([0x0d, 0x04]).toContain(before.op);
    expect(opOf(inv.wasm, body, at)!.op).toBe(0x45);
    expect(opOf(inv.wasm, body, at + 1)!.op).toBe(before.op);
    const obo = injectSoftwareFaults(d.wasm, [{ type: 'off-by-one' }], new Rng(3));
    const [f2, at2] = site(obo.injected[0]!);
    const was = m.bodies[f2 - m.importNames.length]!.instrs[at2]!.op;
    const now = opOf(obo.wasm, f2 - m.importNames.length, at2)!.op;
    expect(Math.abs(was - now)).toBe(4); // lt_s 0x48 <-> le_s 0x4c, etc.
  });

  it('an injected endless loop is stopped by fuel: native hangs (crash), nooks recovers', async () => {
    const d = await prepareDriver('net');
    let checked = 0;
    for (let seed = 1; seed < 80 && checked < 2; seed++) {
      const native = runOnce(d, { driver: 'net', isolation: 'native', seed, faults: ['sw:endless-loop'] });
      if (native.failures[0]?.kind !== 'hang') continue;
      expect(native.outcome).toBe('system-crash');
      const nooks = runOnce(d, { driver: 'net', isolation: 'nooks', seed, faults: ['sw:endless-loop'] });
      expect(nooks.failures[0]!.kind).toBe('hang');
      expect(nooks.outcome).not.toBe('system-crash');
      expect(nooks.recoveries).toBeGreaterThan(0);
      checked++;
    }
    expect(checked).toBe(2);
  });

  it('faults of every type take effect: the run changes, or a failure is detected', async () => {
    const d = await prepareDriver('net');
    const triggered = new Set<SoftwareFaultType>();
    for (const type of SOFTWARE_FAULT_TYPES) {
      for (let seed = 1; seed <= 30 && !triggered.has(type); seed++) {
        const workload = seed % 2 ? 'copy' : 'sniffer';
        const clean = runOnce(d, { driver: 'net', workload, isolation: 'native', seed });
        const r = runOnce(d, { driver: 'net', workload, isolation: 'native', seed, faults: [`sw:${type}`] });
        const isolated = runOnce(d, {
          driver: 'net',
          workload,
          isolation: 'nooks',
          seed,
          faults: [`sw:${type}`],
        });
        const changed =
          r.outcome !== clean.outcome || r.units !== clean.units || r.virtualNs !== clean.virtualNs;
        if (changed || r.failures.length || isolated.failures.length) triggered.add(type);
      }
    }
    expect([...triggered].sort()).toEqual([...SOFTWARE_FAULT_TYPES].sort());
  });
});
