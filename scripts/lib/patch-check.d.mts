// Types for scripts/lib/patch-check.mjs (imported by test/scripts/patch-check.test.ts).
export type DriverClass = 'net' | 'scsi' | 'sound' | 'video' | 'other';
export interface PatchInfo {
  name: string;
  files: string[];
  [key: string]: unknown;
}
export const CLASSES: DriverClass[];
export function classOf(path: string): DriverClass;
export function patchFiles(text: string): string[];
export function moduleOfPatchName(name: string): string;
export function normaliseWarnings(log: string, srcPrefixes?: string[]): string[];
export function newWarnings(before: string[], after: string[]): string[];
export function isNotATarget(log: string): boolean;
export function classQuotas(
  total: number,
  available: Partial<Record<DriverClass, number>>,
): Record<DriverClass, number>;
export function candidateOrder<P extends PatchInfo>(patches: P[], seed?: string): Record<DriverClass, P[]>;
export function parseArgs(
  argv: string[],
  flags?: string[],
): { options: Record<string, string | true>; positional: string[] };
export function secs(ms: number): string;
export function addObjectTargets(
  text: string,
  srcPrefix: string,
  into?: Map<string, string>,
): Map<string, string>;
