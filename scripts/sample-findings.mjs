#!/usr/bin/env node
/**
 * Draw the random sample of findings for the precision review (docs/evaluation.md):
 *
 *   node scripts/sample-findings.mjs findings.json SEED check=n ...
 *
 * For each check in the order given, its findings sorted by fingerprint; indexes drawn with the LCG
 * s = s * 1664525 + 1013904223 (mod 2^32), started from SEED and continued from check to check,
 * index = s mod (number of findings), repeats skipped. Prints one line per finding.
 */
import { readFileSync } from 'node:fs';

const [file, seedText, ...quotas] = process.argv.slice(2);
if (!file || !seedText || quotas.length === 0) {
  console.error('usage: sample-findings.mjs findings.json SEED check=n ...');
  process.exit(2);
}
const { findings } = JSON.parse(readFileSync(file, 'utf8'));
let s = Number(seedText) >>> 0;
const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
let n = 0;
for (const q of quotas) {
  const [check, count] = q.split('=');
  const pool = findings
    .filter((f) => f.checkId === check)
    .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
  const want = Math.min(Number(count), pool.length);
  const taken = new Set();
  while (taken.size < want) {
    const i = next() % pool.length;
    if (taken.has(i)) continue;
    taken.add(i);
    const f = pool[i];
    console.log(`${++n}\t${check}\t${f.file}:${f.line}\t${f.function}\t${f.message}`);
  }
}
