/** silent-timeout fix: the timeout branch logs, in the driver's idiom, before it returns the error. */
import { logInBranch } from '../fix/log-branch.js';
import type { Fixer } from '../fix/source.js';

export const silentTimeoutFix: Fixer = {
  checkId: 'silent-timeout',
  fix: (f, src) =>
    logInBranch(f, src, 'timed out waiting for the device', 'logs the timeout before returning the error'),
};
