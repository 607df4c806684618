/**
 * The repair both silent-* checks share: a failure branch that logs nothing gets a log line in the
 * driver's idiom before it leaves.
 */
import type { Finding } from '../types.js';
import { unfixed, type FixOutcome, type FixSource } from './source.js';

export function logInBranch(f: Finding, src: FixSource, message: string, summary: string): FixOutcome {
  const fn = src.functionOf(f);
  if (!fn) return unfixed('function not found in the parsed file');
  const kw = src.nodeAt(fn, ['if_statement'], f);
  const then = kw?.childForFieldName('consequence');
  if (!kw || !then) return unfixed('failure branch not found');
  if (then.type === 'compound_statement') {
    const first = then.namedChildren.find((c) => c && c.type !== 'comment');
    if (!first) return unfixed('empty branch');
    const stmt = first;
    const line = src.logLine(fn, stmt, message);
    const edits = src.insertBefore(stmt, [line]);
    return typeof edits === 'string' ? unfixed(edits) : { plan: { edits, summary } };
  }
  const line = src.logLine(fn, then, message);
  const edits = src.insertBefore(then, [line]);
  return typeof edits === 'string' ? unfixed(edits) : { plan: { edits, summary } };
}
