/** silent-failure fix: the failure branch logs, in the driver's idiom, before it returns the error. */
import { logInBranch } from '../fix/log-branch.js';
import type { Fixer } from '../fix/source.js';

export const silentFailureFix: Fixer = {
  checkId: 'silent-failure',
  fix: (f, src) =>
    logInBranch(
      f,
      src,
      'unexpected response from the device',
      'logs the device failure before returning the error',
    ),
};
