/** Summary tables of a check run: findings per check and per driver class (Carburizer Table 2's shape). */
import { ALL_CHECKS } from '../checks/index.js';
import type { Finding } from '../types.js';

export const CLASSES = ['net', 'scsi', 'sound', 'video', 'other'] as const;
export type DriverClass = (typeof CLASSES)[number];

/** The paper's coarse classes, from the path in the tree. */
export function classOf(file: string): DriverClass {
  const f = file.replace(/\\/g, '/');
  if (/(^|\/)drivers\/net\//.test(f) || /(^|\/)drivers\/(atm|infiniband|isdn)\//.test(f)) return 'net';
  if (/(^|\/)drivers\/(scsi|ata|target|nvme|block|md|mmc|ufs)\//.test(f)) return 'scsi';
  if (/(^|\/)sound\//.test(f)) return 'sound';
  if (/(^|\/)drivers\/(gpu|video|media)\//.test(f)) return 'video';
  return 'other';
}

export interface SummaryTable {
  checks: string[];
  rows: { cls: DriverClass; counts: number[]; total: number }[];
  totals: number[];
  total: number;
  /** Distinct modules (by directory of the file) with at least one finding. */
  affectedDirs: number;
}

export function summarise(findings: readonly Finding[]): SummaryTable {
  const checks = ALL_CHECKS.map((c) => c.meta.id);
  const rows = CLASSES.map((cls) => ({ cls, counts: checks.map(() => 0), total: 0 }));
  const totals = checks.map(() => 0);
  const dirs = new Set<string>();
  for (const f of findings) {
    const ci = checks.indexOf(f.checkId);
    const row = rows[CLASSES.indexOf(classOf(f.file))]!;
    if (ci >= 0) {
      row.counts[ci]!++;
      totals[ci]!++;
    }
    row.total++;
    dirs.add(f.file.replace(/\/[^/]*$/, ''));
  }
  return { checks, rows, totals, total: findings.length, affectedDirs: dirs.size };
}
