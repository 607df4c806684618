/**
 * Signing a batch of files: the unit of work a worker thread does. Results are packed into a few
 * typed arrays (sketches and shingles) plus small metadata, so little crosses the thread boundary
 * and nothing of the syntax trees does.
 */
import { readFileSync } from 'node:fs';
import { physicalLines, signFile, type FunctionMeta, type SignatureOptions } from './signature.js';

export interface BatchTask {
  files: string[];
  opts: SignatureOptions;
}

export interface BatchFile {
  lines: number;
  /** Functions of the file with a signature (the next `functions` entries of the batch). */
  functions: number;
  seen: number;
  bus?: string;
  /** Why the file could not be read or parsed, if it could not. */
  error?: string;
}

export interface BatchResult {
  files: BatchFile[];
  meta: FunctionMeta[];
  /** `meta.length` sketches of `opts.sketch` values. */
  sketches: Uint32Array;
  /** Function i's normalised tokens are tokens[offsets[i] .. offsets[i+1]). */
  offsets: Uint32Array;
  tokens: Uint32Array;
}

export async function signBatch(task: BatchTask): Promise<BatchResult> {
  const files: BatchFile[] = [];
  const meta: FunctionMeta[] = [];
  const sketches: Uint32Array[] = [];
  const sets: Uint32Array[] = [];
  for (const path of task.files) {
    let source: string;
    try {
      source = readFileSync(path, 'latin1');
    } catch (e) {
      files.push({ lines: 0, functions: 0, seen: 0, error: e instanceof Error ? e.message : String(e) });
      continue;
    }
    try {
      const s = await signFile(path, source, task.opts);
      files.push({ lines: s.lines, functions: s.functions.length, seen: s.seen, bus: s.bus });
      for (const f of s.functions) {
        const { sequence, minhash, ...m } = f;
        meta.push(m);
        sketches.push(minhash);
        sets.push(sequence);
      }
    } catch (e) {
      files.push({
        lines: physicalLines(source),
        functions: 0,
        seen: 0,
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }
  const sk = new Uint32Array(sketches.length * task.opts.sketch);
  sketches.forEach((s, i) => sk.set(s, i * task.opts.sketch));
  const offsets = new Uint32Array(sets.length + 1);
  for (let i = 0; i < sets.length; i++) offsets[i + 1] = offsets[i]! + sets[i]!.length;
  const sh = new Uint32Array(offsets[sets.length]!);
  sets.forEach((s, i) => sh.set(s, offsets[i]!));
  return { files, meta, sketches: sk, offsets, tokens: sh };
}
