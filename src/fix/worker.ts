/** Piscina worker for `driverscope fix`: fixes one file per task. */
import { runFileTask, type FileTask } from './fix-file.js';

export default function fix(task: FileTask) {
  return runFileTask(task);
}
