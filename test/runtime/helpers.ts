import type { Isolation } from '../../src/runtime/kernel.js';
import { driverSpec, prepareDriver, System, type DriverKind } from '../../src/runtime/system.js';

/** A machine with the driver loaded (init_module + probe run), no workload. */
export async function bootedSystem(kind: DriverKind, isolation: Isolation, seed = 1): Promise<System> {
  const d = await prepareDriver(kind);
  const sys = new System(driverSpec(kind).device(), isolation, seed);
  sys.kernel.load(() => d.module);
  return sys;
}
