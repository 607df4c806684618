/** Piscina worker: analyses one module per task (each worker keeps its own tree-sitter parser). */
import { analyseModuleTask, type ModuleTask } from './analyse-module.js';

export default function analyse(task: ModuleTask) {
  return analyseModuleTask(task);
}
