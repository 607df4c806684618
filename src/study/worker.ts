/** Worker thread for the study pool: one module per message, its record (or error) back. */
import { parentPort, workerData } from 'node:worker_threads';
import { studyOneModule } from './run.js';
import type { ModuleInput } from './record.js';

const { root } = workerData as { root: string };
parentPort!.on('message', (m: { index: number; module: ModuleInput }) => {
  studyOneModule(m.module, root).then(
    (record) => parentPort!.postMessage({ index: m.index, record }),
    (e: unknown) =>
      parentPort!.postMessage({ index: m.index, error: e instanceof Error ? e.message : String(e) }),
  );
});
