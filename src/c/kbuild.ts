/**
 * Kernel modules from Kbuild Makefiles: which .c files make up one driver.
 *
 * `obj-$(CONFIG_FOO) += foo.o` names a module `foo` (in that directory); `foo-y := a.o b.o`,
 * `foo-objs := ...` and `foo-$(CONFIG_BAR) += c.o` list its objects. An object with no `-y`/`-objs`
 * list is the single file `foo.c`. Files that no Makefile names form a module of their own (named
 * after the file), so every .c file belongs to exactly one module.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

export interface KbuildModule {
  /** Module name (`e1000e`), unique within its directory. */
  name: string;
  dir: string;
  /** Absolute paths of the module's .c files, sorted. */
  files: string[];
  /** The CONFIG_ symbol that builds it (`obj-$(CONFIG_E1000E)`), when known. */
  config?: string;
  /** Whether a Makefile names this module (false: grouped by file only). */
  fromMakefile: boolean;
}

interface MakefileFacts {
  /** object name → config symbol ('y' or 'm' for unconditional). */
  targets: Map<string, string>;
  /** composite object name → its member objects. */
  composites: Map<string, string[]>;
}

/**
 * Read the assignments we need from a Kbuild Makefile (joined continuation lines). Variables are
 * expanded where objects are listed (`msm-y += $(adreno-y)`, `foo-objs := $(foo-core)`), with
 * their final values (a Makefile's order of `:=` is not followed: a list only grows).
 */
export function parseKbuild(text: string): MakefileFacts {
  const targets = new Map<string, string>();
  const composites = new Map<string, string[]>();
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split('\n')
    .map((raw) => raw.replace(/#.*/, '').trim());
  // Every variable's words, to expand references in object lists.
  const vars = new Map<string, string[]>();
  for (const line of lines) {
    const v = /^([A-Za-z0-9_.$()-]+?)\s*(\+=|:=|\?=|=)\s*(.*)$/.exec(line);
    if (!v) continue;
    const words = v[3]!.split(/\s+/).filter(Boolean);
    vars.set(v[1]!, v[2] === '+=' ? [...(vars.get(v[1]!) ?? []), ...words] : words);
    // `adreno-$(CONFIG_X) += a.o` is part of `$(adreno-y)` when X is set, as every option is here.
    const conditional = /^(.+)-\$\(CONFIG_[A-Za-z0-9_]+(?::[^)]*)?\)$/.exec(v[1]!);
    if (conditional) vars.set(`${conditional[1]}-y`, [...(vars.get(`${conditional[1]}-y`) ?? []), ...words]);
  }
  const expand = (word: string, open: ReadonlySet<string>): string[] => {
    const ref = /^\$[({]([A-Za-z0-9_.-]+)[)}]$/.exec(word);
    if (!ref) return [word];
    const name = ref[1]!;
    const value = vars.get(name);
    // A variable met again inside its own expansion adds nothing (`x := $(x) a.o`).
    if (!value || open.has(name)) return [];
    const inner = new Set(open).add(name);
    return value.flatMap((w) => expand(w, inner));
  };
  for (const line of lines) {
    // `foo-$(CONFIG_X)`, and the substitution form `foo-$(CONFIG_X:m=y)`.
    const m = /^([A-Za-z0-9_.-]+?)-(y|m|objs|\$\((CONFIG_[A-Za-z0-9_]+)(?::[^)]*)?\))\s*[:+]?=\s*(.*)$/.exec(
      line,
    );
    if (!m) continue;
    const lhs = m[1]!;
    const config = m[3] ?? m[2]!;
    const objs = m[4]!
      .split(/\s+/)
      .flatMap((w) => expand(w, new Set()))
      .filter((o) => o.endsWith('.o'));
    if (lhs === 'obj') {
      for (const o of objs) targets.set(o.slice(0, -2), config);
    } else if (lhs !== 'subdir' && lhs !== 'ccflags' && lhs !== 'lib' && lhs !== 'extra') {
      const list = composites.get(lhs) ?? [];
      list.push(...objs.map((o) => o.slice(0, -2)));
      composites.set(lhs, list);
    }
  }
  return { targets, composites };
}

/**
 * Group `cFiles` (absolute paths) into modules using the Makefile (or Kbuild) in each file's
 * directory. Output is sorted by directory and name, so it is deterministic.
 */
export function discoverModules(cFiles: readonly string[]): KbuildModule[] {
  const byDir = new Map<string, string[]>();
  for (const f of cFiles) {
    const d = dirname(f);
    const list = byDir.get(d) ?? [];
    list.push(f);
    byDir.set(d, list);
  }
  const modules: KbuildModule[] = [];
  // Parents first: `ice-y += devlink/devlink.o` in a parent claims files of its subdirectories.
  const present = new Set(cFiles);
  const owned = new Set<string>();
  const dirs = [...byDir.keys()].sort(
    (a, b) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1),
  );
  const pending: KbuildModule[] = [];
  for (const dir of dirs) {
    const facts: MakefileFacts = { targets: new Map(), composites: new Map() };
    for (const mk of ['Kbuild', 'Makefile']) {
      const p = join(dir, mk);
      if (!existsSync(p)) continue;
      try {
        const f = parseKbuild(readFileSync(p, 'utf8'));
        for (const [k, v] of f.targets) facts.targets.set(k, v);
        for (const [k, v] of f.composites)
          facts.composites.set(k, [...(facts.composites.get(k) ?? []), ...v]);
      } catch {
        /* unreadable Makefile: fall back to one module per file */
      }
    }
    const expand = (obj: string, seen: Set<string>): string[] => {
      if (seen.has(obj)) return [];
      seen.add(obj);
      const parts = facts.composites.get(obj);
      if (!parts) return [join(dir, `${obj}.c`)];
      return parts.flatMap((p) => expand(p.replace(/^\.\//, ''), seen));
    };
    for (const [target, config] of [...facts.targets].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (target.includes('/')) continue;
      const members = [...new Set(expand(target, new Set()))].filter((f) => present.has(f) && !owned.has(f));
      if (members.length === 0) continue;
      members.forEach((m) => owned.add(m));
      pending.push({
        name: target,
        dir,
        files: members.sort(),
        config: config.startsWith('CONFIG_') ? config : undefined,
        fromMakefile: true,
      });
    }
  }
  for (const dir of dirs) {
    for (const f of byDir.get(dir)!.sort()) {
      if (owned.has(f)) continue;
      pending.push({ name: basename(f, '.c'), dir, files: [f], fromMakefile: false });
    }
  }
  modules.push(
    ...pending.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : a.name < b.name ? -1 : 1)),
  );
  return modules;
}

/** A short display name: the module's directory relative to `root`, then its name. */
export function moduleLabel(m: KbuildModule, root: string): string {
  const rel = relative(root, m.dir) || '.';
  return `${rel}/${m.name}`;
}
