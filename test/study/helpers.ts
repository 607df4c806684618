import { join } from 'node:path';

/** The fixture tree: driver-shaped C files and Makefiles we wrote, laid out like a kernel. */
export const TREE = join(import.meta.dirname, '..', 'fixtures', 'study', 'tree');
