/** All checks, in the order reports list them. */
import type { Check } from './check.js';
import { infinitePoll } from './infinite-poll.js';
import { panicOnDevice } from './panic-on-device.js';
import { silentFailure } from './silent-failure.js';
import { silentTimeout } from './silent-timeout.js';
import { taintedIndex } from './tainted-index.js';
import { taintedPointer } from './tainted-pointer.js';

export const ALL_CHECKS: readonly Check[] = [
  infinitePoll,
  taintedIndex,
  taintedPointer,
  panicOnDevice,
  silentFailure,
  silentTimeout,
];

export function selectChecks(ids: readonly string[] | undefined): Check[] {
  if (!ids || ids.length === 0) return [...ALL_CHECKS];
  const known = new Map(ALL_CHECKS.map((c) => [c.meta.id, c]));
  return ids.map((id) => {
    const c = known.get(id);
    if (!c) throw new Error(`unknown check '${id}' (known: ${[...known.keys()].join(', ')})`);
    return c;
  });
}
