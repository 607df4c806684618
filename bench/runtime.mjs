#!/usr/bin/env node
/**
 * Benchmark: the cost of Nooks isolation in the runtime.
 *
 *   npm run build && node bench/runtime.mjs [--reps 40]
 *
 * 1. Throughput: each driver's fault-free workloads, native and nooks interleaved in one process
 *    (after warm-up), host time per run, the fastest of the repetitions (the least disturbed by other processes); throughput = units moved per host second. The ratio is
 *    nooks/native of those throughputs (issue 6 target: ≥ 0.95).
 * 2. Cost per crossing: the NIC's interrupt handler called directly 200,000 times with nothing
 *    pending (one kernel→driver call, one MMIO read back into the kernel, IRQ_NONE), per mode.
 * Virtual time is identical in both modes by construction; only host time is measured here.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = join(here, '..', 'dist', 'runtime');
if (!existsSync(join(dist, 'system.js'))) {
  console.error('bench/runtime: build first (npm run build)');
  process.exit(2);
}
const { DRIVERS, driverSpec, prepareDriver, runOnce, System } = await import(join(dist, 'system.js'));
const ri = process.argv.indexOf('--reps');
const reps = ri > 0 ? Number(process.argv[ri + 1]) : 40;

console.log(
  `runtime overhead, fastest of ${reps} interleaved runs per mode after 3 warm-up runs (node ${process.version})`,
);
console.log('driver/workload      native units/s   nooks units/s   ratio   crossings/run');
const ratios = [];
for (const driver of Object.keys(DRIVERS)) {
  const d = await prepareDriver(driver);
  for (const workload of Object.keys(DRIVERS[driver].workloads)) {
    const times = { native: [], nooks: [] };
    let units = 0;
    let crossings = 0;
    for (let i = 0; i < reps + 3; i++) {
      for (const isolation of i % 2 ? ['native', 'nooks'] : ['nooks', 'native']) {
        const t0 = process.hrtime.bigint();
        const r = runOnce(d, { driver, workload, isolation, seed: 1 });
        const ns = Number(process.hrtime.bigint() - t0);
        if (r.outcome !== 'works')
          throw new Error(`${driver}/${workload} ${isolation}: ${r.outcome} ${r.detail}`);
        units = r.units;
        crossings = r.crossings;
        if (i >= 3) times[isolation].push(ns);
      }
    }
    const tn = (units / Math.min(...times.native)) * 1e9;
    const ti = (units / Math.min(...times.nooks)) * 1e9;
    ratios.push(ti / tn);
    console.log(
      `${`${driver}/${workload}`.padEnd(20)} ${tn.toExponential(3).padStart(14)} ${ti.toExponential(3).padStart(15)}   ${(ti / tn).toFixed(3)}   ${String(crossings).padStart(8)}`,
    );
  }
}
const geo = Math.exp(ratios.reduce((a, r) => a + Math.log(r), 0) / ratios.length);
console.log(`geometric mean throughput ratio nooks/native: ${geo.toFixed(3)}`);

console.log('\ncost per crossing (NIC interrupt handler, nothing pending: 1 call in + 1 MMIO read out)');
const N = 200_000;
const d = await prepareDriver('net');
const best = { native: Infinity, nooks: Infinity };
for (let round = 0; round < 8; round++) {
  for (const isolation of round % 2 ? ['native', 'nooks'] : ['nooks', 'native']) {
    const sys = new System(driverSpec('net').device(), isolation, 1);
    sys.kernel.load(() => d.module);
    if (sys.net.open() !== 0) throw new Error('open failed');
    const action = sys.kernel['irqs'].get(11);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      if (sys.kernel.call('irq', action.handler, [11, action.devId]) !== 0)
        throw new Error('handler claimed a spurious interrupt');
    }
    best[isolation] = Math.min(best[isolation], Number(process.hrtime.bigint() - t0) / N);
  }
}
for (const [isolation, ns] of Object.entries(best))
  console.log(`  ${isolation.padEnd(6)} ${ns.toFixed(0)} ns per handler call (best of 8 rounds of ${N})`);
console.log(`  isolation adds ${(best.nooks - best.native).toFixed(0)} ns per call`);
