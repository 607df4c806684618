/** `npm run build:runtime`: compile the runtime's C drivers to wasm (cached by source hash). */
import { buildAll } from './build.js';

buildAll((m) => console.error(m)).catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
