/**
 * Recall on planted clones: functions of the fixture tree are copied into a temporary tree with
 * renamed identifiers, changed constants and register names, an inserted statement, a deleted
 * statement, and all of these at once; every copy must land in its original's group. Unrelated
 * functions of similar size must not be grouped with each other.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFileModel, type CFunction } from '../../src/c/model.js';
import { parseC } from '../../src/c/parser.js';
import { findSimilar, type SimilarResult } from '../../src/similar/index.js';

const TREE = join(import.meta.dirname, '../fixtures/similar/tree');
const SOURCES = ['drivers/net/alpha/alpha.c', 'drivers/misc/lone/lone.c', 'drivers/media/chip/chip_a.c'];
const PLANTED = [
  'alpha_start_xmit',
  'alpha_tx_clean',
  'lone_irq',
  'lone_probe',
  'lone_poll_link',
  'lone_parse_speed',
  'lone_hash_table',
  'chipa_set_format',
];
const UNRELATED = [
  'lone_irq',
  'lone_probe',
  'lone_counters_show',
  'lone_parse_speed',
  'lone_poll_link',
  'lone_hash_table',
  'alpha_crc',
  'alpha_tx_clean',
  'alpha_start_xmit',
];

interface Fn {
  name: string;
  text: string;
  identifiers: string[];
}

async function functionsOf(rel: string): Promise<Fn[]> {
  const source = readFileSync(join(TREE, rel), 'utf8');
  const parsed = await parseC(rel, source);
  try {
    const lines = source.split('\n');
    return buildFileModel(parsed).functions.map((f: CFunction) => ({
      name: f.name,
      text: lines.slice(f.startLine - 1, f.endLine).join('\n'),
      identifiers: [f.name, ...f.locals.keys()],
    }));
  } finally {
    parsed.dispose();
  }
}

const word = (w: string) => new RegExp(`\\b${w}\\b`, 'g');

const MUTATIONS: Record<string, (f: Fn) => string> = {
  renamed: (f) => f.identifiers.reduce((t, id) => t.replace(word(id), `zz_${id}_renamed`), f.text),
  constants: (f) =>
    f.text
      .replace(/\b(0x[0-9a-fA-F]+|\d+)\b/g, (n) =>
        n.startsWith('0x') ? `0x${(Number(n) * 3 + 7).toString(16)}` : String(Number(n) * 3 + 7),
      )
      .replace(/\b([A-Z][A-Z0-9_]{2,})\b(?!\s*\()/g, 'OTHER_$1'),
  inserted: (f) => {
    const lines = f.text.split('\n');
    const at = lines.findIndex((l, i) => i > 2 && /;\s*$/.test(l) && !/^\s*return\b/.test(l));
    lines.splice(at + 1, 0, '\tudelay(20);');
    return lines.join('\n');
  },
  deleted: (f) => {
    const lines = f.text.split('\n');
    const candidates = lines
      .map((l, i) => ({ l, i }))
      .filter(
        ({ l, i }) =>
          i > 2 &&
          /^\s+[a-z_][\w>.-]*(\s*=|\s*\+\+|\()/.test(l) &&
          /;\s*$/.test(l) &&
          !/^\s*return\b/.test(l),
      );
    const pick = candidates[Math.floor(candidates.length / 2)]!;
    lines.splice(pick.i, 1);
    return lines.join('\n');
  },
};
MUTATIONS.all = (f) => {
  const renamed = { ...f, text: MUTATIONS.renamed!(f) };
  const constants = { ...renamed, text: MUTATIONS.constants!(renamed) };
  return MUTATIONS.inserted!(constants);
};

describe('recall on planted clones', () => {
  let dir: string;
  let r: SimilarResult;
  const groupOf = (file: string, fn: string) =>
    r.report.groups.find((g) => g.members.some((m) => m.file === file && m.function === fn));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ds-similar-recall-'));
    writeFileSync(join(dir, 'MAINTAINERS'), 'planted clones\n');
    const fns = (await Promise.all(SOURCES.map(functionsOf))).flat();
    const byName = new Map(fns.map((f) => [f.name, f]));
    // Originals, one file per function so nothing else interferes.
    for (const name of new Set([...PLANTED, ...UNRELATED])) {
      mkdirSync(join(dir, 'drivers/orig', name), { recursive: true });
      writeFileSync(join(dir, 'drivers/orig', name, `${name}.c`), `${byName.get(name)!.text}\n`);
    }
    for (const name of PLANTED) {
      for (const [mutation, mutate] of Object.entries(MUTATIONS)) {
        const copy = mutate(byName.get(name)!);
        expect(copy, `${mutation} changed ${name}`).not.toBe(byName.get(name)!.text);
        const d = join(dir, 'drivers/planted', `${name}_${mutation}`);
        mkdirSync(d, { recursive: true });
        writeFileSync(join(d, `${mutation}.c`), `${copy}\n`);
      }
    }
    r = await findSimilar([dir], { workers: 0 });
  });
  afterAll(() => {
    if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  });

  for (const name of PLANTED)
    it(`finds every planted copy of ${name}`, () => {
      const g = groupOf(`drivers/orig/${name}/${name}.c`, name);
      expect(g, `${name} is in a group`).toBeDefined();
      for (const mutation of Object.keys(MUTATIONS)) {
        const file = `drivers/planted/${name}_${mutation}/${mutation}.c`;
        expect(
          g!.members.some((m) => m.file === file),
          `${mutation} copy of ${name} grouped with it`,
        ).toBe(true);
      }
      // Nothing but the original and its copies.
      expect(g!.members.every((m) => m.file.includes(`/${name}`))).toBe(true);
    });

  it('does not group unrelated functions of similar size', () => {
    const seen = new Map<number, string>();
    for (const name of UNRELATED) {
      const g = groupOf(`drivers/orig/${name}/${name}.c`, name);
      if (!g) continue;
      expect(seen.get(g.id), `${name} grouped with ${seen.get(g.id)}`).toBeUndefined();
      seen.set(g.id, name);
    }
  });
});
