/**
 * Piscina worker: signs one batch of files. Only the packed signature arrays and small metadata
 * are posted back (structured clone copies the typed arrays; syntax trees never leave the thread).
 */
import { signBatch, type BatchTask, type BatchResult } from './batch.js';

export default function run(task: BatchTask): Promise<BatchResult> {
  return signBatch(task);
}
