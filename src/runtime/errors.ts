/** How a driver failure was detected (Nooks: traps, wrapper checks, hangs; plus a device-side watchdog). */
export type FailureKind = 'trap' | 'wrapper' | 'hang' | 'panic' | 'watchdog';

/** Thrown inside a kernel↔driver crossing when the driver has failed. */
export class DriverFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly detail: string,
  ) {
    super(`driver failure (${kind}): ${detail}`);
  }
}

/** The whole simulated system is down: the run ends here. */
export class SystemCrash extends Error {
  constructor(
    readonly reason: string,
    override readonly cause?: DriverFailure,
  ) {
    super(`system crash: ${reason}`);
  }
}
