/**
 * Virtual-time costs of the simulated machine. Figures are typical of a PC of the drivers' era;
 * they make polling loops, udelay and interrupts take time without tying a run to the host.
 */
export const NS = {
  /** a kernel↔driver call (trap-free direct call on a native kernel) */
  crossing: 50,
  /** an uncached MMIO read: a PCIe round trip */
  mmioRead: 300,
  /** a posted MMIO write */
  mmioWrite: 50,
  /** an x86 port I/O instruction on the legacy bus */
  portIo: 1000,
  /** one basic block between log_execution hooks (a loop iteration, a function entry) */
  block: 5,
  /** interrupt entry and exit */
  irqEntry: 1000,
  ms: 1_000_000,
  us: 1000,
} as const;

/** Hang detection: each driver entry point may run at most this many blocks or this long. */
export const FUEL_PER_CALL = 1_000_000;
export const MAX_CALL_NS = 1_000 * NS.ms;
/** After this many failures within RESTART_WINDOW_NS the kernel gives up on the driver (a restart loop). */
export const MAX_RESTARTS = 8;
export const RESTART_WINDOW_NS = 1000 * NS.ms;
/** Linux's spurious-interrupt rule, scaled: disable a line when this many in a row go unhandled. */
export const SPURIOUS_LIMIT = 1000;
/** An interrupt storm: a line keeps its handler running back to back for this long (a livelock). */
export const STORM_NS = 50 * NS.ms;
/** Soft lockup: this many kernel→driver calls without virtual time reaching the next millisecond. */
export const LOCKUP_CALLS = 20_000;
