/** The repair for each check, beside the check it repairs (src/checks/<id>.fix.ts). */
import type { Fixer } from '../fix/source.js';
import { infinitePollFix } from './infinite-poll.fix.js';
import { panicOnDeviceFix } from './panic-on-device.fix.js';
import { silentFailureFix } from './silent-failure.fix.js';
import { silentTimeoutFix } from './silent-timeout.fix.js';
import { taintedIndexFix } from './tainted-index.fix.js';
import { taintedPointerFix } from './tainted-pointer.fix.js';

export const FIXERS: ReadonlyMap<string, Fixer> = new Map(
  [
    infinitePollFix,
    taintedIndexFix,
    taintedPointerFix,
    panicOnDeviceFix,
    silentFailureFix,
    silentTimeoutFix,
  ].map((f) => [f.checkId, f]),
);
