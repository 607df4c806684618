/**
 * What every fix needs to know about the file and function it edits: where a finding's node is,
 * how the file indents, how the function logs, how it fails (its return type, its goto-cleanup
 * path, a lock it holds), which names are free, and where a statement or declaration can go.
 * Fixes (src/checks/<id>.fix.ts) describe their change with these; they never splice text themselves.
 */
import { callArgs, callName } from '../analysis/taint.js';
import { descendants, type CFunction, type FileModel } from '../c/model.js';
import type { Node, ParsedFile } from '../c/parser.js';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Finding } from '../types.js';
import { blankCommentsAndStrings, matchBrace, matchParen, splitArgs } from '../c/preprocess.js';
import type { Edit } from './edit.js';

/** A fix's result: the edits, the includes they need, and a sentence for the patch description. */
export interface FixPlan {
  edits: Edit[];
  includes?: string[];
  /** What the fix does, for the commit message ("gives up after 10 ms and returns -ETIMEDOUT"). */
  summary: string;
}

export type FixOutcome = { plan: FixPlan } | { unfixed: string };

export interface Fixer {
  checkId: string;
  fix(finding: Finding, src: FixSource): FixOutcome;
}

export const unfixed = (reason: string): FixOutcome => ({ unfixed: reason });

/**
 * What an exit does, for patch descriptions: "returns -EIO", "releases its lock and returns
 * -ETIMEDOUT", "fails with -EIO through the error path (goto err)", `stopped` ("stops waiting").
 */
export function describeExit(exit: FailureExit, stopped: string): string {
  const why = exit.explain ? ` (${exit.explain})` : '';
  if (!exit.lines.length) return `goes on${why}`;
  if (exit.kind === 'goto')
    return `fails with ${exit.lines[0]!.replace(/^.*= (.*);$/, '$1')} through the error path (${exit.lines.at(-1)!.replace(/;$/, '')})`;
  if (exit.kind === 'break') return `${stopped}${exit.explain ? ` (it cannot return: ${exit.explain})` : ''}`;
  const ret = exit.lines
    .at(-1)!
    .replace(/^return\s*/, '')
    .replace(/;$/, '');
  const release = exit.lines.slice(0, -1).some((l) => UNLOCK.test(l.replace(/\(.*$/, '')))
    ? 'releases the lock it took, then '
    : '';
  const drop = exit.lines.some((l) => /^dev_kfree_skb_any\(/.test(l)) ? 'drops the packet and ' : '';
  return `${release}${drop}returns${ret ? ` ${ret}` : ''}${why}`;
}

/** How a failure leaves the function at some point: the statements to write, and why this way. */
export interface FailureExit {
  /** Statements, one per line, with `\t` for one more level of nesting. */
  lines: string[];
  kind: 'return' | 'goto' | 'break' | 'continue-after-log';
  /** Said in the patch when the action is not the obvious `return -E...;`. */
  explain?: string;
}

const ERRNO_TYPES = /^(?:static\s+)?(?:inline\s+)?(?:int|long|ssize_t|s32|int32_t|s64|long long|signed int)$/;
const LOCK =
  /^(spin_lock(_irqsave|_irq|_bh|_nested|_irqsave_nested)?|raw_spin_lock(_irqsave|_irq|_bh)?|read_lock(_irqsave|_irq|_bh)?|write_lock(_irqsave|_irq|_bh)?|mutex_lock(_nested|_interruptible|_killable)?|down(_read|_write|_interruptible|_killable)?|local_irq_save|local_irq_disable|rcu_read_lock(_bh)?|preempt_disable|spin_lock_irqsave_nested)$/;
const UNLOCK =
  /^(spin_unlock(_irqrestore|_irq|_bh)?|raw_spin_unlock(_irqrestore|_irq|_bh)?|read_unlock(_irqrestore|_irq|_bh)?|write_unlock(_irqrestore|_irq|_bh)?|mutex_unlock|up(_read|_write)?|local_irq_restore|local_irq_enable|rcu_read_unlock(_bh)?|preempt_enable)$/;
/** Logging families whose first argument names the device, and their error-level call. */
const LOG_FAMILIES: [RegExp, string][] = [
  [/^dev_(err|warn|info|notice|dbg|crit|alert|emerg)(_ratelimited|_once)?$|^dev_err_probe$/, 'dev_err'],
  [/^netdev_(err|warn|info|notice|dbg|crit|alert|emerg)(_once)?$/, 'netdev_err'],
  [/^pci_(err|warn|info|notice|dbg)$/, 'pci_err'],
  [/^drm_(err|warn|info|dbg)(_once|_ratelimited)?$/, 'drm_err'],
  [/^ata_dev_(err|warn|info|dbg)$/, 'ata_dev_err'],
  [/^ata_port_(err|warn|info|dbg)$/, 'ata_port_err'],
  [/^ata_link_(err|warn|info|dbg)$/, 'ata_link_err'],
  [/^wiphy_(err|warn|info|dbg)$/, 'wiphy_err'],
  [/^hid_(err|warn|info|dbg)$/, 'hid_err'],
  [/^ibdev_(err|warn|info|dbg)$/, 'ibdev_err'],
  [/^v4l2_(err|warn|info)$/, 'v4l2_err'], // not v4l2_dbg(level, debug, sd, ...)
];
/**
 * Kernel objects that lead to a device to log against: `ptr` is an expression for a pointer to
 * the object, `acc` the prefix for its members (`port->` or `priv->port.`).
 */
const DEVICE_TYPES: [string, (ptr: string, acc: string) => string][] = [
  ['device', (ptr) => `dev_err(${ptr}, `],
  ['pci_dev', (_, acc) => `dev_err(&${acc}dev, `],
  ['platform_device', (_, acc) => `dev_err(&${acc}dev, `],
  ['i2c_client', (_, acc) => `dev_err(&${acc}dev, `],
  ['spi_device', (_, acc) => `dev_err(&${acc}dev, `],
  ['usb_interface', (_, acc) => `dev_err(&${acc}dev, `],
  ['usb_device', (_, acc) => `dev_err(&${acc}dev, `],
  ['serio', (_, acc) => `dev_err(&${acc}dev, `],
  ['acpi_device', (_, acc) => `dev_err(&${acc}dev, `],
  ['i2c_adapter', (_, acc) => `dev_err(&${acc}dev, `],
  ['spi_controller', (_, acc) => `dev_err(&${acc}dev, `],
  ['spi_master', (_, acc) => `dev_err(&${acc}dev, `],
  ['mii_bus', (_, acc) => `dev_err(&${acc}dev, `],
  ['input_dev', (_, acc) => `dev_err(&${acc}dev, `],
  ['uart_port', (_, acc) => `dev_err(${acc}dev, `],
  ['snd_soc_component', (_, acc) => `dev_err(${acc}dev, `],
  ['snd_card', (_, acc) => `dev_err(${acc}dev, `],
  ['phy_device', (ptr) => `phydev_err(${ptr}, `],
  ['ata_port', (ptr) => `ata_port_err(${ptr}, `],
  ['drm_device', (ptr) => `drm_err(${ptr}, `],
  ['mmc_host', (ptr) => `dev_err(mmc_dev(${ptr}), `],
  ['net_device', (ptr) => `netdev_err(${ptr}, `],
  ['fb_info', (_, acc) => `dev_err(${acc}device, `],
  ['iio_dev', (_, acc) => `dev_err(&${acc}dev, `],
  ['mtd_info', (_, acc) => `dev_err(&${acc}dev, `],
  ['video_device', (_, acc) => `dev_err(&${acc}dev, `],
  ['v4l2_subdev', (_, acc) => `dev_err(${acc}dev, `],
  ['rtc_device', (_, acc) => `dev_err(&${acc}dev, `],
  ['phy', (_, acc) => `dev_err(&${acc}dev, `],
  ['watchdog_device', (_, acc) => `dev_err(${acc}parent, `],
  ['gpio_chip', (_, acc) => `dev_err(${acc}parent, `],
  ['usb_hcd', (_, acc) => `dev_err(${acc}self.controller, `],
  ['sdhci_host', (_, acc) => `dev_err(mmc_dev(${acc}mmc), `],
  ['hid_device', (ptr) => `hid_err(${ptr}, `],
  ['regulator_dev', (_, acc) => `dev_err(&${acc}dev, `],
  ['Scsi_Host', (ptr) => `shost_printk(KERN_ERR, ${ptr}, `],
  ['scsi_device', (ptr) => `sdev_printk(KERN_ERR, ${ptr}, `],
  ['ieee80211_hw', (_, acc) => `wiphy_err(${acc}wiphy, `],
];

/** The log call head for a variable or member of `struct type` (pointer or embedded), if it leads to a device. */
function deviceLog(type: string, expr: string, pointer: boolean): string | undefined {
  const t = DEVICE_TYPES.find(([name]) => name === type);
  if (!t) return undefined;
  return pointer ? t[1](expr, `${expr}->`) : t[1](`&${expr}`, `${expr}.`);
}

/** The last directory's files by extension: fixes go directory by directory, so one is enough. */
const besideCache = new Map<string, { path: string; text: string }[]>();

function filesBeside(file: string, ext: string): { path: string; text: string }[] {
  const dir = dirname(file);
  const key = `${dir}\0${ext}`;
  let files = besideCache.get(key);
  if (!files) {
    try {
      files = readdirSync(dir)
        .filter((f) => f.endsWith(ext))
        .sort()
        .map((f) => ({ path: join(dir, f), text: readFileSync(join(dir, f), 'latin1') }));
    } catch {
      files = [];
    }
    for (const k of besideCache.keys()) if (!k.startsWith(`${dir}\0`)) besideCache.delete(k);
    besideCache.set(key, files);
  }
  return files;
}

/** Calls that only compute a value from their argument: byte-order conversions. */
const PURE_CALLS = /^(?:(?:le|be)(?:16|32|64)_to_cpu|cpu_to_(?:le|be)(?:16|32|64)|swab(?:16|32|64))$/;

function isPure(n: Node, conversions: boolean): boolean {
  for (const d of descendants(
    n,
    new Set(['call_expression', 'update_expression', 'assignment_expression']),
  )) {
    if (d.type !== 'call_expression') return false;
    const name = callName(d);
    if (!/^[A-Z][A-Z0-9_]*$/.test(name) && !(conversions && PURE_CALLS.test(name))) return false;
  }
  return true;
}

/** `name[SIZE];` (or `name[SIZE][...`): a declaration of `name` as an array with a size. */
function sizedArrayDeclaration(name: string): RegExp {
  return new RegExp(`\\b${name}\\s*\\[\\s*[^\\]\\s][^\\]]*\\]\\s*[;\\[]`);
}

/** The variables an expression reads: its identifiers, less member names (`p` of `p->dev`, not `dev`). */
function rootIdentifiers(expr: Node): Node[] {
  return descendants(expr, new Set(['identifier'])).filter(
    (id) => id.parent?.type !== 'field_expression' || id.parent.childForFieldName('argument')?.id === id.id,
  );
}

/** Is `stmt` the braceless body of an `if`, `else` or loop (not in a block, `case` or label)? */
function loneBody(stmt: Node): boolean {
  const t = stmt.parent?.type;
  return !!t && t !== 'compound_statement' && t !== 'case_statement' && t !== 'labeled_statement';
}

/** The call that releases a lock call (`spin_lock_irqsave(&l, f)` → `spin_unlock_irqrestore(&l, f);`). */
function unlockFor(lock: { name: string; args: string[] }): string | undefined {
  const pairs: [RegExp, string, number][] = [
    [/^(raw_)?spin_lock_irqsave(_nested)?$/, '$1spin_unlock_irqrestore', 2],
    [/^(raw_)?spin_lock_irq$/, '$1spin_unlock_irq', 1],
    [/^(raw_)?spin_lock_bh$/, '$1spin_unlock_bh', 1],
    [/^(raw_)?spin_lock(_nested)?$/, '$1spin_unlock', 1],
    [/^(read|write)_lock_irqsave$/, '$1_unlock_irqrestore', 2],
    [/^(read|write)_lock(_irq|_bh)?$/, '$1_unlock$2', 1],
    [/^mutex_lock(_nested)?$/, 'mutex_unlock', 1],
    [/^down(_read|_write)?$/, 'up$1', 1],
    [/^local_irq_save$/, 'local_irq_restore', 1],
    [/^local_irq_disable$/, 'local_irq_enable', 0],
    [/^rcu_read_lock(_bh)?$/, 'rcu_read_unlock$1', 0],
    [/^preempt_disable$/, 'preempt_enable', 0],
  ];
  for (const [re, unlock, n] of pairs) {
    if (!re.test(lock.name) || lock.args.length < n) continue;
    return `${lock.name.replace(re, unlock)}(${lock.args.slice(0, n).join(', ')});`;
  }
  return undefined;
}

/** One file being fixed: its text, tree and model, and the layout facts fixes share. */
export class FixSource {
  readonly source: string;
  /** One level of indentation in this file ('\t' in kernel code). */
  readonly unit: string;
  /** Names each fix has taken, per function, so two fixes in one function do not collide. */
  private readonly taken = new Map<CFunction, Set<string>>();
  private readonly declaredAt = new Set<number>();
  private readonly scratches = new Map<CFunction, { type: string; name: string; block: Node }[]>();
  private readonly members = new Map<string, { type: string; name: string; pointer: boolean }[]>();
  /** Bound checks the fixes have put before statements, so that later uses in the same run of statements share one. */
  readonly guards: { test: string; stmt: Node; line: number }[] = [];

  constructor(
    readonly parsed: ParsedFile,
    readonly model: FileModel,
  ) {
    this.source = parsed.source;
    const tabs = (this.source.match(/^\t/gm) ?? []).length;
    const spaces = (this.source.match(/^ {2,}\S/gm) ?? []).length;
    this.unit = tabs >= spaces ? '\t' : (/^( {2,8})\S/m.exec(this.source)?.[1] ?? '\t');
  }

  /** What fixes have claimed so far (names, scratch variables, declaration sites)... */
  mark(): unknown {
    return {
      taken: new Map([...this.taken].map(([k, v]) => [k, new Set(v)])),
      declaredAt: new Set(this.declaredAt),
      scratches: new Map([...this.scratches].map(([k, v]) => [k, [...v]])),
      guards: this.guards.length,
    };
  }

  /** ...and forgetting what a fix claimed when its edits are not used. */
  restore(mark: unknown): void {
    const m = mark as {
      taken: FixSource['taken'];
      declaredAt: Set<number>;
      scratches: FixSource['scratches'];
      guards: number;
    };
    this.guards.length = m.guards;
    this.taken.clear();
    for (const [k, v] of m.taken) this.taken.set(k, v);
    this.declaredAt.clear();
    for (const o of m.declaredAt) this.declaredAt.add(o);
    this.scratches.clear();
    for (const [k, v] of m.scratches) this.scratches.set(k, v);
  }

  start(n: Node): number {
    return this.parsed.pos(n).offset;
  }
  end(n: Node): number {
    return this.parsed.endPos(n).offset;
  }
  /** The node's text as the user wrote it. */
  text(n: Node): string {
    return this.source.slice(this.start(n), this.end(n));
  }
  lineStart(offset: number): number {
    return this.source.lastIndexOf('\n', offset - 1) + 1;
  }
  /** The indentation of the line `offset` is on. */
  indentAt(offset: number): string {
    const ls = this.lineStart(offset);
    return /^[ \t]*/.exec(this.source.slice(ls, ls + 200))![0];
  }
  /** Is `n` the first thing on its line? */
  startsLine(n: Node): boolean {
    const s = this.start(n);
    return /^[ \t]*$/.test(this.source.slice(this.lineStart(s), s));
  }
  /**
   * An indentation as kernel style writes it: in a tab-indented file, tabs then spaces to the same
   * column (`\t    \t` → `\t\t    `), never a space before a tab (git's whitespace error).
   */
  tidy(indent: string): string {
    if (this.unit !== '\t' || !/ \t/.test(indent)) return indent;
    let col = 0;
    for (const ch of indent) col = ch === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
    return '\t'.repeat(Math.floor(col / 8)) + ' '.repeat(col % 8);
  }

  /** Lines with `\t`-relative nesting rendered at `indent`, each ending in a newline. */
  render(lines: readonly string[], indent: string): string {
    return lines
      .map((l) => {
        const m = /^\t*/.exec(l)![0].length;
        return this.tidy(indent + this.unit.repeat(m)) + l.slice(m) + '\n';
      })
      .join('');
  }

  /**
   * `<prefix><name>(<args>)<suffix>` as kernel code lays it out: arguments on one line while it fits
   * in 80 columns, then continued under the first argument (tabs, then spaces). The continuation
   * lines carry their full indentation, for {@link render} at `indent`.
   */
  callText(prefix: string, name: string, args: readonly string[], suffix: string, indent: string): string {
    const width = (t: string) => t.replace(/\t/g, '        ').length;
    const flat = args.map((a) => a.replace(/\s*\n\s*/g, ' ').trim());
    const head = `${prefix}${name}(`;
    const col = width(indent) + width(head);
    const align =
      this.unit === '\t' ? '\t'.repeat(Math.floor(col / 8)) + ' '.repeat(col % 8) : ' '.repeat(col);
    let out = head;
    let line = indent + head;
    flat.forEach((a, i) => {
      const piece = a + (i === flat.length - 1 ? `)${suffix}` : ',');
      if (i > 0 && width(line) + 1 + width(piece) > 80) {
        out += `\n${align}${piece}`;
        line = align + piece;
      } else {
        out += (i > 0 ? ' ' : '') + piece;
        line += (i > 0 ? ' ' : '') + piece;
      }
    });
    return flat.length ? out : `${head})${suffix}`;
  }

  /**
   * Is `n`'s original text what the parser saw — no iterator macro rewritten and no preprocessor
   * line inside? Only such code may be rewritten from its parts.
   */
  verbatim(n: Node): boolean {
    const original = this.text(n);
    return original.length === n.endIndex - n.startIndex && !/^[ \t]*#/m.test(original);
  }

  /** The function a finding is in. */
  functionOf(f: Finding): CFunction | undefined {
    return this.model.functions.find(
      (fn) => fn.name === f.function && fn.startLine <= f.line && f.line <= fn.endLine,
    );
  }

  /** The node of one of `types` in `fn` that starts at the finding's position (and ends at its end, when `exact`). */
  nodeAt(fn: CFunction, types: readonly string[], f: Finding, exact = false): Node | undefined {
    for (const t of types) {
      for (const n of descendants(fn.node, new Set([t]))) {
        const p = this.parsed.pos(n);
        if (p.line !== f.line || p.column !== f.column) continue;
        if (exact) {
          const e = this.parsed.endPos(n);
          if (e.line !== f.endLine || e.column !== f.endColumn) continue;
        }
        return n;
      }
    }
    return undefined;
  }

  /** A name not used in the function (nor taken by an earlier fix in it): `base`, then `base2`... */
  freshName(fn: CFunction, base: string): string {
    const taken = this.taken.get(fn) ?? new Set<string>();
    this.taken.set(fn, taken);
    const text = this.text(fn.node);
    for (let i = 1; ; i++) {
      const name = i === 1 ? base : `${base}${i}`;
      if (
        taken.has(name) ||
        new RegExp(`\\b${name}\\b`).test(text) ||
        this.model.globals.has(name) ||
        new RegExp(`^\\s*#\\s*define\\s+${name}\\b`, 'm').test(this.source)
      )
        continue;
      taken.add(name);
      return name;
    }
  }

  /**
   * The calls before `at` in the blocks around it: what has run on every path to `at`. A branch
   * that unlocks and returns (`if (full) { spin_unlock(&l); return -EBUSY; }`) does not release
   * the lock at `at`.
   */
  private callsLeadingTo(fn: CFunction, at: Node): CFunction['calls'] {
    const out: CFunction['calls'] = [];
    for (const c of fn.calls) {
      if (c.node.startIndex >= at.startIndex) break;
      let block: Node | null = c.node.parent;
      while (block && block.type !== 'compound_statement') block = block.parent;
      if (block && !(block.startIndex <= at.startIndex && at.endIndex <= block.endIndex)) continue;
      out.push(c);
    }
    return out;
  }

  /** The lock calls before `at` in `fn` not yet released, outermost first (`spin_lock_irqsave(&l, f)`). */
  locksHeldAt(fn: CFunction, at: Node): { name: string; args: string[] }[] {
    const held: { name: string; args: string[] }[] = [];
    for (const c of this.callsLeadingTo(fn, at)) {
      if (LOCK.test(c.name)) held.push({ name: c.name, args: c.args.map((a) => this.text(a)) });
      else if (UNLOCK.test(c.name) && held.length) held.pop();
    }
    return held;
  }

  /** Is the code at `at` in atomic context: an interrupt handler, or under a spinlock? */
  atomicAt(fn: CFunction, at: Node): boolean {
    if (/\birqreturn_t\b/.test(fn.returnType)) return true;
    let spin = 0;
    for (const c of this.callsLeadingTo(fn, at)) {
      if (/^(raw_)?spin_lock|^(read|write)_lock|^local_irq_(save|disable)$/.test(c.name)) spin++;
      else if (/^(raw_)?spin_unlock|^(read|write)_unlock|^local_irq_(restore|enable)$/.test(c.name))
        spin = Math.max(0, spin - 1);
    }
    return spin > 0;
  }

  /**
   * Is `name` usable at `at`: a parameter, a global, or a local declared in a block around `at`
   * before it and given a value (initialiser or assignment) before it?
   */
  available(fn: CFunction, name: string, at: Node): boolean {
    if (fn.params.some((p) => p.name === name)) return true;
    const local = fn.locals.get(name);
    if (!local) return this.model.globals.has(name) || /^[A-Z_][A-Z0-9_]*$/.test(name);
    const declarator = local.node;
    if (declarator.startIndex >= at.startIndex) return false;
    const block = declarator.parent?.parent;
    if (!block || block.startIndex > at.startIndex || block.endIndex < at.endIndex) return false;
    const init = declarator.type === 'init_declarator';
    if (init) return true;
    return fn.index
      .of('assignment_expression')
      .some(
        (a) =>
          a.startIndex < at.startIndex &&
          a.childForFieldName('left')?.text === name &&
          a.child(1)?.type === '=',
      );
  }

  /** Are all the variables an expression reads usable at `at`? */
  private expressionAvailable(fn: CFunction, expr: Node, at: Node): boolean {
    return rootIdentifiers(expr).every((id) => this.available(fn, id.text, at));
  }

  /**
   * A log statement in the driver's own idiom, usable at `at`: the function's logging call (same
   * family, same device argument); else another function's in this file whose device argument is
   * reachable here; else a device parameter; else `pr_err`. The message says which function.
   */
  logLine(fn: CFunction, at: Node, message: string): string {
    const tail = `"%s: ${message}\\n", __func__);`;
    const fromCall = (c: { name: string; args: Node[] }, where: CFunction): string | undefined => {
      for (const [re, err] of LOG_FAMILIES) {
        if (!re.test(c.name)) continue;
        const arg = c.args[0];
        if (!arg) return undefined;
        if (where === fn)
          return this.expressionAvailable(fn, arg, at) ? `${err}(${this.text(arg)}, ${tail}` : undefined;
        // Another function's device argument: usable if its variables mean the same here.
        const same = rootIdentifiers(arg).every((id) => {
          const there = where.locals.get(id.text);
          const here = fn.locals.get(id.text);
          return there && here && there.type === here.type && there.pointerDepth === here.pointerDepth;
        });
        return same && this.expressionAvailable(fn, arg, at)
          ? `${err}(${this.text(arg)}, ${tail}`
          : undefined;
      }
      if (/^pr_(err|warn|info|notice|debug|crit)$|^printk$/.test(c.name)) return `pr_err(${tail}`;
      return undefined;
    };
    for (const c of fn.calls) {
      const line = fromCall(c, fn);
      if (line && !line.startsWith('pr_err')) return line;
    }
    const counts = new Map<string, number>();
    for (const other of this.model.functions) {
      if (other === fn) continue;
      for (const c of other.calls) {
        const line = fromCall(c, other);
        if (line && !line.startsWith('pr_err')) counts.set(line, (counts.get(line) ?? 0) + 1);
      }
    }
    const best = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (best) return best[0];
    const tagOf = (type: string) => /^(?:const\s+)?struct\s+(\w+)$/.exec(type.trim())?.[1];
    for (const p of fn.params) {
      const tag = tagOf(p.type);
      const head = tag && p.pointerDepth === 1 ? deviceLog(tag, p.name, true) : undefined;
      if (head) return `${head}${tail}`;
    }
    // The driver's private struct usually knows its device: `priv->dev`, `&priv->pdev->dev`.
    const vars = [
      ...fn.params,
      ...[...fn.locals.values()].filter((v) => !fn.params.includes(v) && this.available(fn, v.name, at)),
    ];
    for (const p of vars) {
      const tag = tagOf(p.type);
      const head = tag && p.pointerDepth === 1 ? this.deviceThrough(tag, `${p.name}->`, 2) : undefined;
      if (head) return `${head}${tail}`;
    }
    return `pr_err(${tail}`;
  }

  /**
   * How to fail at `at` with `errno` the way this function already fails: its goto-cleanup path
   * when one is taken before `at`; else a return of the function's kind (an errno, NULL or
   * ERR_PTR, IRQ_NONE, false, nothing), after releasing the locks the function took; inside
   * `loop`, `break` where returning is wrong (its return value cannot carry an error, or a lock it
   * holds has no known release).
   */
  failureExit(fn: CFunction, at: Node, errno: string, loop?: Node): FailureExit | string {
    const gotoPath = this.gotoPath(fn, at);
    if (gotoPath)
      return { lines: [`${gotoPath.variable} = ${errno};`, `goto ${gotoPath.label};`], kind: 'goto' };
    const breakOut = (why: string): FailureExit | string =>
      loop
        ? { lines: ['break;'], kind: 'break', explain: why }
        : `${why} and it has no error path to jump to`;
    const exit = this.plainExit(fn, errno, breakOut, loop, at);
    const held = this.locksHeldAt(fn, at);
    if (!held.length || typeof exit === 'string' || exit.kind !== 'return') return exit;
    // Release what this function took, innermost first, then fail.
    const unlocks = held.map(unlockFor).reverse();
    if (unlocks.some((u) => !u)) return breakOut('it holds a lock it took itself');
    return { ...exit, lines: [...(unlocks as string[]), ...exit.lines], explain: undefined };
  }

  /** The failure exit from the function's kind alone (locks aside). */
  private plainExit(
    fn: CFunction,
    errno: string,
    breakOut: (why: string) => FailureExit | string,
    loop?: Node,
    at?: Node,
  ): FailureExit | string {
    const rt = fn.returnType.replace(/\b(static|inline|__always_inline|noinline|extern|const)\b/g, '').trim();
    if (fn.returnsPointer) {
      const errPtr = /\bERR_PTR\s*\(/.test(this.text(fn.body));
      return { lines: [errPtr ? `return ERR_PTR(${errno});` : 'return NULL;'], kind: 'return' };
    }
    if (rt === 'void') {
      // At the end of a void function, stopping is all a return would do.
      const last = fn.body.namedChildren.filter((c) => c && c.type !== 'comment').at(-1);
      if (loop && last?.id === loop.id) return { lines: ['break;'], kind: 'break' };
      return { lines: ['return;'], kind: 'return' };
    }
    // An interrupt handler that loops over events stops looping and returns as it does.
    if (rt === 'irqreturn_t' && loop)
      return { lines: ['break;'], kind: 'break', explain: 'an interrupt handler reports what it handled' };
    if (rt === 'irqreturn_t')
      return {
        lines: ['return IRQ_NONE;'],
        kind: 'return',
        explain:
          'the handler then reports the interrupt as not handled, so a device that keeps interrupting with bad data is caught by the spurious-interrupt detector',
      };
    if (rt === 'bool') return { lines: ['return false;'], kind: 'return' };
    if (ERRNO_TYPES.test(rt) && this.returnsErrors(fn))
      return { lines: [`return ${errno};`], kind: 'return' };
    const flag = ERRNO_TYPES.test(rt) ? this.answersYesNo(fn) : undefined;
    if (flag) {
      // In a loop, stopping keeps the answer so far and whatever the function does after the loop.
      if (loop)
        return {
          lines: ['break;'],
          kind: 'break',
          explain: `its int is a yes/no answer in ${flag}, which stopping keeps`,
        };
      return {
        lines: ['return 0;'],
        kind: 'return',
        explain: `its int is a yes/no answer (${flag}), so the answer is no`,
      };
    }
    // Older drivers fail with -1: keep their convention.
    if (ERRNO_TYPES.test(rt) && this.returnValues(fn).some((v) => /^\(?-\s*1\)?$/.test(v)))
      return { lines: ['return -1;'], kind: 'return' };
    // A transmit routine that cannot send a packet drops it: freed, counted as sent (NETDEV_TX_OK).
    const drop = rt === 'netdev_tx_t' && at ? this.dropPacket(fn, at) : undefined;
    if (drop) return drop;
    // A clock's recalc_rate reports 0 when it cannot tell the rate (include/linux/clk-provider.h).
    if (/^unsigned long$/.test(rt) && this.isRecalcRate(fn))
      return {
        lines: ['return 0;'],
        kind: 'return',
        explain: 'a clock that cannot tell its rate reports 0, as clk_ops.recalc_rate documents',
      };
    return breakOut(`its ${rt || 'return'} value cannot carry an error`);
  }

  /**
   * `dev_kfree_skb_any(skb); return NETDEV_TX_OK;` in an `ndo_start_xmit` (a `netdev_tx_t`
   * function taking the `struct sk_buff *`), when nothing before `at` has handed the packet on
   * or mapped it (a call given the skb, or any DMA mapping): dropping it then leaks nothing.
   */
  private dropPacket(fn: CFunction, at: Node): FailureExit | undefined {
    const skb = fn.params.find((p) => /^struct\s+sk_buff$/.test(p.type.trim()) && p.pointerDepth === 1);
    if (!skb) return undefined;
    const mentions = new RegExp(`\\b${skb.name}\\b`);
    const harmless =
      /^(memcpy|skb_copy_bits|skb_copy_from_linear_data(_offset)?|skb_(headlen|is_gso|shinfo|get_queue_mapping|transport_offset|checksum_start_offset|tail_pointer)|(eth|ip|ipv6|tcp|udp)_hdr|netdev_priv|netdev_get_tx_queue|netif_\w+|spin_(un)?lock\w*|(le|be)\d+_to_cpu|cpu_to_(le|be)\d+|(read|write)[bwlq](_relaxed)?|io(read|write)\d+)$/;
    for (const c of fn.calls) {
      if (c.node.startIndex >= at.startIndex) break;
      if (/map/.test(c.name) && !harmless.test(c.name)) return undefined;
      if (!harmless.test(c.name) && c.args.some((a) => mentions.test(this.text(a)))) return undefined;
    }
    // Stored somewhere (`ring[i] = skb`): it is no longer this function's to free.
    for (const a of fn.index.of('assignment_expression'))
      if (
        a.startIndex < at.startIndex &&
        new RegExp(`^(\\([^()]*\\)\\s*)?${skb.name}$`).test(this.text(a.childForFieldName('right')!).trim())
      )
        return undefined;
    return {
      lines: [`dev_kfree_skb_any(${skb.name});`, 'return NETDEV_TX_OK;'],
      kind: 'return',
    };
  }

  /** Is `fn` a clock's `recalc_rate` (`unsigned long f(struct clk_hw *hw, unsigned long parent_rate)`)? */
  private isRecalcRate(fn: CFunction): boolean {
    const [hw, rate] = fn.params;
    if (fn.params.length !== 2 || !hw || !rate) return false;
    if (!/^(const\s+)?struct\s+clk_hw$/.test(hw.type.trim()) || hw.pointerDepth !== 1) return false;
    if (!/^unsigned long$/.test(rate.type.trim()) || rate.pointerDepth !== 0) return false;
    return (
      /recalc_rate$/.test(fn.name) || new RegExp(`\\.recalc_rate\\s*=\\s*${fn.name}\\b`).test(this.source)
    );
  }

  /** The text of every value the function returns (`''` for a bare `return;`). */
  private returnValues(fn: CFunction): string[] {
    return fn.index
      .of('return_statement')
      .map((r) => (r.namedChild(0) ? this.text(r.namedChild(0)!).trim() : ''));
  }

  /** Does an int function report errors by return value (a `-E...`, an error variable, or only 0)? */
  private returnsErrors(fn: CFunction): boolean {
    const values = this.returnValues(fn);
    if (values.some((v) => /^\(?-\s*E[A-Z0-9]+\)?$/.test(v))) return true;
    // A yes/no answer in an int (`int ret = 0; ... ret = 1; return ret;`) carries no errno.
    if (this.answersYesNo(fn)) return false;
    if (values.some((v) => /^(ret|err|rc|error|retval|status|result|res|rv)$/.test(v))) return true;
    return values.every((v) => v === '0');
  }

  /**
   * Every return hands back one {@link isFlag flag} that starts at 0 and is set to 1 when the
   * work is done (`int handled = 0; ... handled = 1; return handled;`): an int used as yes/no.
   * Literal 0/1 returns alone say nothing (`return 1` is success in some drivers, failure in others).
   */
  private answersYesNo(fn: CFunction): string | undefined {
    const values = this.returnValues(fn);
    const flag = values[0];
    return flag && values.every((v) => v === flag) && this.isFlag(fn, flag) ? flag : undefined;
  }

  /**
   * A local only ever set to 0 or 1 (its initialiser and every assignment), and set to 1
   * somewhere: the function answers yes or no with it.
   */
  private isFlag(fn: CFunction, name: string): boolean {
    if (!/^[A-Za-z_]\w*$/.test(name) || !fn.locals.has(name)) return false;
    // Its initialiser first (it must be 0: "not done"), then every `=`; none if it is changed otherwise.
    const values = this.valuesOf(fn, name).map((v) => this.text(v).trim());
    return values[0] === '0' && values.includes('1') && values.every((v) => /^[01]$/.test(v));
  }

  /**
   * The goto-cleanup path in force at `at`: the last `goto L` before it, when `L`'s code returns a
   * variable (`err:` ... `return ret;`) — the variable to set and the label to jump to.
   */
  gotoPath(fn: CFunction, at: Node): { variable: string; label: string } | undefined {
    const gotos = fn.index.of('goto_statement').filter((g) => g.startIndex < at.startIndex);
    for (let i = gotos.length - 1; i >= 0; i--) {
      const label = gotos[i]!.childForFieldName('label')?.text;
      if (!label) continue;
      const l = fn.index.of('labeled_statement').find((s) => s.childForFieldName('label')?.text === label);
      if (!l || l.startIndex < at.startIndex) continue; // a retry label above: not a cleanup path
      let ret: string | undefined;
      for (let s: Node | null = l; s; s = s.nextNamedSibling) {
        const r = s.type === 'return_statement' ? s : descendants(s, new Set(['return_statement']))[0];
        if (r) {
          const v = r.namedChild(0);
          if (v?.type === 'identifier') ret = v.text;
          break;
        }
      }
      if (ret && fn.locals.has(ret)) return { variable: ret, label };
      return undefined;
    }
    return undefined;
  }

  /**
   * The statement that contains `n` and can have code put before it: the innermost statement in a
   * block, `case` or label, or the body of an `if`/`else`/loop. Undefined when `n` is in a loop's
   * header (code before the loop would run once, not before each use).
   */
  statementOf(n: Node, fn: CFunction): Node | undefined {
    let child = n;
    for (let p = n.parent; p && p.id !== fn.node.id; child = p, p = p.parent) {
      if (p.type === 'compound_statement' || p.type === 'case_statement' || p.type === 'labeled_statement') {
        if (p.type === 'labeled_statement' && child.type === 'statement_identifier') return undefined;
        if (p.type === 'case_statement' && p.childForFieldName('value')?.id === child.id) return undefined;
        return child;
      }
      if (p.type === 'if_statement' || p.type === 'else_clause') {
        if (p.type === 'if_statement' && p.childForFieldName('condition')?.id === child.id) continue;
        return child;
      }
      if (p.type === 'while_statement' || p.type === 'for_statement' || p.type === 'do_statement') {
        if (p.childForFieldName('body')?.id === child.id) return child;
        return undefined;
      }
    }
    return undefined;
  }

  /**
   * Edits that put `lines` before statement `stmt` at its indentation; a lone body of an `if`,
   * `else` or loop gets braces first. A reason string when the layout does not allow it.
   */
  insertBefore(stmt: Node, lines: readonly string[]): Edit[] | string {
    if (!this.startsLine(stmt)) return 'the statement does not start its own line';
    const s = this.start(stmt);
    const indent = this.indentAt(s);
    if (!loneBody(stmt))
      return [{ start: this.lineStart(s), end: this.lineStart(s), text: this.render(lines, indent) }];
    return this.wrapInBraces(stmt, this.render(lines, indent), '');
  }

  /**
   * Replace statement `stmt` by `lines`; when it is the lone body of an `if`/`else`/loop and
   * becomes more than one statement, braces are added.
   */
  replaceStatement(stmt: Node, lines: readonly string[]): Edit[] | string {
    if (!this.startsLine(stmt)) return 'the statement does not start its own line';
    if (!this.verbatim(stmt)) return 'the statement holds preprocessor lines or a rewritten macro';
    const s = this.start(stmt);
    const indent = this.indentAt(s);
    const lone = loneBody(stmt);
    const statements = lines.filter((l) => !l.startsWith('\t') && l !== '}').length;
    const text = this.render(lines, indent).slice(indent.length).replace(/\n$/, '');
    if (!lone || statements <= 1) return [{ start: s, end: this.end(stmt), text }];
    return this.wrapInBraces(stmt, '', text);
  }

  /** `if (c)\n\tstmt;` → `if (c) {\n\t<before>stmt;\n}` (the statement replaced by `replacement` if given). */
  private wrapInBraces(stmt: Node, before: string, replacement: string): Edit[] | string {
    const parent = stmt.parent!;
    const s = this.start(stmt);
    const prev = stmt.previousSibling;
    if (!prev) return 'no place for an opening brace';
    const prevEnd = this.end(prev);
    if (!/^\s*$/.test(this.source.slice(prevEnd, s)) || !this.source.slice(prevEnd, s).includes('\n'))
      return 'the body shares a line with its if/loop';
    const outer = this.tidy(this.indentAt(this.start(parent)));
    const edits: Edit[] = [{ start: prevEnd, end: this.lineStart(s), text: ' {\n' + before }];
    if (replacement) edits.push({ start: s, end: this.end(stmt), text: replacement });
    // `}` closes the new block; an `else` (or a do-while's `while`) that follows moves up beside
    // it (`} else`, `} while`).
    const next = stmt.nextSibling;
    const after = this.end(stmt);
    const joins =
      (parent.type === 'if_statement' && next?.type === 'else_clause') ||
      (parent.type === 'do_statement' && !!next);
    if (joins && /^\s*$/.test(this.source.slice(after, this.start(next!))))
      edits.push({ start: after, end: this.start(next!), text: `\n${outer}} ` });
    else edits.push({ start: after, end: after, text: `\n${outer}}` });
    return edits;
  }

  /**
   * Where a new local for code at `at` is declared: the top of the innermost block around it (not
   * a `switch` body, whose declarations no path initialises), after the block's own declarations.
   */
  declarationBlock(at: Node): Node | undefined {
    let block: Node | null = at.parent;
    while (block && !(block.type === 'compound_statement' && block.parent?.type !== 'switch_statement'))
      block = block.parent;
    return block ?? undefined;
  }

  declarationSite(at: Node): { offset: number; indent: string; first: boolean } | undefined {
    const block = this.declarationBlock(at);
    if (!block) return undefined;
    const kids = block.namedChildren.filter((k): k is Node => !!k && k.type !== 'comment');
    let lastDecl: Node | undefined;
    for (const k of kids) {
      if (k.type !== 'declaration') break;
      lastDecl = k;
    }
    const first = kids[0];
    if (lastDecl) {
      const e = this.end(lastDecl);
      const nl = this.source.indexOf('\n', e);
      return { offset: nl + 1, indent: this.indentAt(this.start(lastDecl)), first: false };
    }
    const open = this.start(block);
    const nl = this.source.indexOf('\n', open);
    const indent =
      first && this.startsLine(first) ? this.indentAt(this.start(first)) : this.indentAt(open) + this.unit;
    return { offset: nl + 1, indent, first: true };
  }

  /** Edit declaring `decl` (e.g. `u32 val;`) for code at `at`. */
  declare(at: Node, decl: string): Edit | undefined {
    const site = this.declarationSite(at);
    if (!site) return undefined;
    // Kernel style: a blank line between the declarations and the code (once per block).
    const blank = site.first && !this.declaredAt.has(site.offset);
    this.declaredAt.add(site.offset);
    return {
      start: site.offset,
      end: site.offset,
      text: `${this.tidy(site.indent)}${decl}\n${blank ? '\n' : ''}`,
    };
  }

  /**
   * A scratch variable of `type` for code at `at`: one an earlier fix in this function declared in
   * a block around `at`, or a new one (with the edit declaring it).
   */
  scratch(fn: CFunction, at: Node, type: string, base: string): { name: string; edit?: Edit } | undefined {
    const mine = this.scratches.get(fn) ?? [];
    this.scratches.set(fn, mine);
    const reuse = mine.find(
      (v) => v.type === type && v.block.startIndex <= at.startIndex && at.endIndex <= v.block.endIndex,
    );
    if (reuse) return { name: reuse.name };
    const name = this.freshName(fn, base);
    const edit = this.declare(at, `${type} ${name};`);
    const block = this.declarationBlock(at);
    if (!edit || !block) return undefined;
    mine.push({ type, name, block });
    return { name, edit };
  }

  /**
   * Is an expression free of side effects and calls (except constant macros), so it may be
   * evaluated again? With `conversions`, byte-order conversions (`le16_to_cpu(x)`) count as pure too.
   */
  pure(n: Node, conversions = false): boolean {
    return isPure(n, conversions);
  }

  /** The text of `struct tag { ... }`'s body, from this file, the headers beside it or the headers it includes. */
  structBody(tag: string): string | undefined {
    const body = new RegExp(`\\bstruct\\s+${tag}\\s*\\{([\\s\\S]*?)\\n\\}`);
    for (const t of [this.source, ...this.headers(), ...this.includedHeaders()]) {
      const m = body.exec(t);
      if (m) return m[1];
    }
    return undefined;
  }

  /** The headers this file includes by name (`<linux/mtd/sh_flctl.h>` in the kernel's include/), read once. */
  private included?: string[];
  private includedHeaders(): string[] {
    if (this.included) return this.included;
    this.included = [];
    const dir = dirname(this.parsed.path);
    let root: string | undefined;
    for (let d = dir; d !== dirname(d); d = dirname(d))
      if (existsSync(join(d, 'include', 'linux', 'kernel.h'))) {
        root = d;
        break;
      }
    const re = /^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]/gm;
    const seen = new Set<string>();
    // The file's includes, and those of the driver's own headers it includes (one level down);
    // then the quoted includes of the headers read, relative to each (a driver's `"../common/x.h"`).
    const own = filesBeside(this.parsed.path, '.h');
    let from = [
      this.source,
      ...own.filter((h) => this.source.includes(basename(h.path))).map((h) => h.text),
    ].map((text) => ({ text, dir }));
    for (let depth = 0; depth < 3 && from.length; depth++) {
      const next: { text: string; dir: string }[] = [];
      for (const { text, dir: at } of from)
        for (const m of text.matchAll(re)) {
          if (m[1] === '<' && depth > 0) continue;
          const path = m[1] === '"' ? join(at, m[2]!) : root ? join(root, 'include', m[2]!) : undefined;
          if (!path || dirname(path) === dir || seen.has(path)) continue; // beside: already read
          seen.add(path);
          try {
            const t = readFileSync(path, 'latin1');
            this.included.push(t);
            next.push({ text: t, dir: dirname(path) });
          } catch {
            // not there (generated, or another architecture's)
          }
        }
      from = next;
    }
    return this.included;
  }

  /**
   * How many elements the object `base` points to, as an expression valid at `at`, from how the
   * driver allocates it: a local pointer allocated in this function (`gct = kmalloc_array(n, ...)`,
   * the count's variables not changed since), a local that aliases a member
   * (`u8 *map = vdev->pci_config_map;`), or a member every assignment of which, in this driver's
   * files, is NULL, an allocation (`kcalloc(n, ...)`, `kzalloc(n * sizeof(*p), ...)`, a byte
   * buffer's `kmalloc(size, ...)`), a local that was allocated so, or the return of a function of
   * the driver that returns only NULL or such an allocation of a constant size. The count must be
   * a constant or a path from the same owner (rewritten onto the use's owner).
   */
  elementCount(fn: CFunction, base: Node, at: Node): string | undefined {
    const n = unparen(base);
    if (n.type === 'identifier') {
      if (fn.params.some((p) => p.name === n.text)) return undefined;
      const v = fn.locals.get(n.text);
      if (!v || v.pointerDepth !== 1 || v.arrayDims.length) return undefined;
      const values = this.valuesOf(fn, n.text);
      if (values.length !== 1 || values[0]!.startIndex >= at.startIndex) return undefined;
      const value = unparen(values[0]!);
      const elem = v.type;
      const alloc = this.allocationCount(this.text(value), elem, n.text);
      if (alloc) return this.unchangedBetween(fn, alloc, value, at) ? alloc : undefined;
      if (value.type === 'field_expression') {
        const owner = value.childForFieldName('argument')!;
        if (!this.unchangedBetween(fn, this.text(owner), value, at)) return undefined;
        return this.memberCount(fn, value, elem);
      }
      return undefined;
    }
    if (n.type === 'field_expression') {
      const tag = this.structOf(fn, n.childForFieldName('argument')!);
      const field = n.childForFieldName('field')?.text;
      const elem = tag && field ? this.memberType(tag, field) : undefined;
      return elem ? this.memberCount(fn, n, elem) : undefined;
    }
    if (n.type === 'subscript_expression') return this.elementOfMemberCount(fn, n);
    return undefined;
  }

  /**
   * How many elements `P->m[K]` points to, `m` a member array of pointers and `K` a constant:
   * from every assignment of `m`'s elements in the driver's files — `P->m[K] = <mapping>`, or
   * `P->m[i] = <mapping of i>` in a `for (i = 0; i < DIM; i++)` loop over the whole array
   * (`vk->bar[i] = pci_ioremap_bar(pdev, i * 2)`, `i` replaced by `K`). A local or parameter of
   * the mapping function in the count is replaced by the member of `P` assigned it there
   * (`vk->pdev = pci_dev_get(pdev)`): `pci_resource_len(vk->pdev, BAR_2 * 2)` for `vk->bar[BAR_2]`.
   */
  private elementOfMemberCount(fn: CFunction, n: Node): string | undefined {
    const arr = n.childForFieldName('argument');
    const k = n.childForFieldName('index');
    if (arr?.type !== 'field_expression' || arr.child(1)?.type !== '->' || !k) return undefined;
    const key = this.text(k).trim();
    if (!/^(?:[A-Z_][A-Z0-9_]*|\d+)$/.test(key)) return undefined;
    const ownerNode = arr.childForFieldName('argument')!;
    const owner = this.text(ownerNode).replace(/\s+/g, '');
    if (!/^\w+$/.test(owner)) return undefined;
    const field = arr.childForFieldName('field')?.text;
    const tag = this.structOf(fn, ownerNode);
    const body = tag && field ? this.structBody(tag) : undefined;
    const decl = body
      ? new RegExp(
          `(?:^|[;{]|\\n)\\s*((?:const\\s+|volatile\\s+)*(?:struct\\s+|unsigned\\s+)?\\w+)\\s*(?:__\\w+\\s*)*\\*\\s*(?:__\\w+\\s+)*${field}\\s*\\[\\s*(\\w+)\\s*\\]\\s*;`,
        ).exec(codeText(body))
      : undefined;
    if (!decl) return undefined;
    const elem = decl[1]!.replace(/\s+/g, ' ').trim();
    const dim = decl[2]!;
    const re = new RegExp(`(?<![\\w.>])(\\w+)\\s*->\\s*${field}\\s*\\[([^\\]]*)\\]\\s*=(?!=)`, 'g');
    const counts = new Set<string>();
    for (const text of [this.source, ...this.siblings()].map(codeText))
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const site = m[1]!;
        const from = m.index + m[0].length;
        const end = endOfExpression(text, from);
        if (end < 0) return undefined;
        let rhs = text.slice(from, end).replace(/\s+/g, ' ').trim();
        if (/^(\(\s*void\s*\*\s*\)\s*)?(NULL|0)$/.test(rhs)) continue;
        if (site !== owner) return undefined;
        const idx = m[2]!.trim();
        const fnStart = Math.max(0, text.lastIndexOf('\n}', m.index));
        const before = text.slice(fnStart, m.index);
        if (idx !== key) {
          // A loop over the whole array: `for (i = 0; i < DIM; i++) { ... P->m[i] = ...; }`.
          if (!/^[a-z_]\w*$/.test(idx)) return undefined;
          const loops = [
            ...before.matchAll(
              new RegExp(
                `\\bfor\\s*\\(\\s*${idx}\\s*=\\s*0\\s*;\\s*${idx}\\s*<\\s*${dim}\\s*;\\s*(?:${idx}\\s*\\+\\+|\\+\\+\\s*${idx})\\s*\\)\\s*\\{`,
                'g',
              ),
            ),
          ];
          const loop = loops.at(-1);
          if (!loop) return undefined;
          const open = fnStart + loop.index + loop[0].length - 1;
          const close = matchBrace(text, open);
          if (close < from) return undefined;
          // The loop variable is not changed in the body before the assignment.
          const inBody = text.slice(open, m.index);
          if (
            new RegExp(
              `(?<![\\w.>])${idx}\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|(?:\\+\\+|--)\\s*${idx}\\b|\\b${idx}\\s*(?:\\+\\+|--)|&\\s*${idx}\\b`,
            ).test(inBody)
          )
            return undefined;
          rhs = rhs.replace(new RegExp(`(?<![\\w.>])${idx}\\b`, 'g'), key);
        }
        let count = this.allocationCount(rhs, elem, field!);
        if (!count) return undefined;
        // Locals and parameters of the mapping function: the member of `P` that holds them.
        count = count.replace(/(?<![\w.>])([a-z_]\w*)\b(?!\s*\()/g, (id) => {
          if (id === 'sizeof') return id;
          const held = new RegExp(
            `(?<![\\w.>])${site}\\s*->\\s*(\\w+)\\s*=\\s*(?:(?:pci_dev_get|get_device)\\s*\\(\\s*${id}\\s*\\)|${id})\\s*;`,
          ).exec(before);
          return held ? `${site}->${held[1]!}` : id;
        });
        if (!/^[A-Z0-9_x+*() -]+$/.test(count) && !rootedAt(count, site)) return undefined;
        counts.add(count);
      }
    return counts.size === 1 ? [...counts][0] : undefined;
  }

  /** The values a local is given in `fn`: its initialiser and the right sides of its `=` assignments. */
  private valuesOf(fn: CFunction, name: string): Node[] {
    const out: Node[] = [];
    const local = fn.locals.get(name);
    const init = local?.node.type === 'init_declarator' ? local.node.childForFieldName('value') : null;
    if (init) out.push(init);
    for (const a of fn.index.of('assignment_expression'))
      if (a.childForFieldName('left')?.text === name) {
        if (a.child(1)?.type !== '=') return [];
        out.push(a.childForFieldName('right')!);
      }
    for (const u of fn.index.of('update_expression'))
      if (u.childForFieldName('argument')?.text === name) return [];
    if (new RegExp(`&\\s*${name}\\b(?!\\s*(\\[|->|\\.))`).test(this.text(fn.body))) return [];
    return out;
  }

  /**
   * Are the paths `expr` reads left alone between `from` and `at`: none of them, nor a variable or
   * member they go through, is assigned, incremented or has its address taken (`vbt.panel_count`
   * changes with `vbt = ...`, `&vbt` or `vbt.panel_count = ...`, not with `vbt.other = ...`)?
   */
  private unchangedBetween(fn: CFunction, expr: string, from: Node, at: Node): boolean {
    const paths = [
      ...new Set(expr.replace(/\s+/g, '').match(/(?<![\w.>])[A-Za-z_]\w*((->|\.)\w+)*/g) ?? []),
    ].filter((r) => !/^[A-Z_][A-Z0-9_]*$/.test(r) && r !== 'sizeof');
    const between = this.source.slice(this.end(from), this.start(at));
    const targets: string[] = [];
    const write =
      /(?<![\w.>])([A-Za-z_]\w*(?:\s*(?:->|\.)\s*\w+)*)\s*(?:(?:[-+*/%&|^]|<<|>>)?=(?!=)|\+\+|--)|(?:\+\+|--|&)\s*\(?\s*([A-Za-z_]\w*(?:\s*(?:->|\.)\s*\w+)*)/g;
    for (const m of between.matchAll(write)) targets.push((m[1] ?? m[2]!).replace(/\s+/g, ''));
    for (const p of paths) {
      const root = /^\w+/.exec(p)![0];
      if (!fn.locals.has(root) && !fn.params.some((q) => q.name === root) && !this.model.globals.has(root))
        return false;
      if (targets.some((t) => t === p || p.startsWith(`${t}->`) || p.startsWith(`${t}.`))) return false;
    }
    return true;
  }

  /** The declared element type of member `field` of `struct tag` (`u8` for `u8 *vconfig;`). */
  memberType(tag: string, field: string): string | undefined {
    const known = this.model.structs.get(tag)?.get(field);
    if (known) return known.pointerDepth === 1 ? known.type : undefined;
    const body = this.structBody(tag);
    const m = body
      ? new RegExp(
          `(?:^|[;{]|\\n)\\s*((?:const\\s+|volatile\\s+)*(?:struct\\s+|unsigned\\s+|signed\\s+)?\\w+)\\s*(?:__\\w+\\s*)*\\*\\s*(?:__\\w+\\s+)*${field}\\s*;`,
        ).exec(body)
      : undefined;
    return m?.[1]?.replace(/\s+/g, ' ').trim();
  }

  /** The count of `P->field` (or `P.field`) from every assignment of the member in this driver's files. */
  private memberCount(fn: CFunction, member: Node, elem: string): string | undefined {
    const field = member.childForFieldName('field')?.text;
    return field ? this.countOfMember(fn, member.childForFieldName('argument')!, field, elem, 0) : undefined;
  }

  private countOfMember(
    fn: CFunction,
    ownerNode: Node,
    field: string,
    elem: string,
    depth: number,
  ): string | undefined {
    const owner = this.text(ownerNode).replace(/\s+/g, '');
    const ownerTag = this.structOf(fn, ownerNode);
    const re = new RegExp(`([\\w>.\\[\\]-]*\\w)\\s*(->|\\.)\\s*${field}\\s*=(?!=)`, 'g');
    const counts = new Set<string>();
    for (const text of [this.source, ...this.siblings()].map(codeText))
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const from = m.index + m[0].length;
        const end = endOfExpression(text, from);
        if (end < 0) return undefined;
        const rhs = text.slice(from, end).replace(/\s+/g, ' ').trim();
        if (/^(\(\s*void\s*\*\s*\)\s*)?(NULL|0)$/.test(rhs)) continue;
        const site = m[1]!.replace(/\s+/g, '');
        const siteRe = site.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
        // `x->bmmio = (u8 __iomem *)x->lmmio;`: the same owner's other member, counted the same way.
        const alias = new RegExp(`^(?:\\([^()]*\\)\\s*)?${siteRe}\\s*(?:->|\\.)\\s*(\\w+)$`).exec(rhs);
        const count =
          alias && site === owner && depth < 2
            ? this.countOfMember(fn, ownerNode, alias[1]!, elem, depth + 1)
            : this.assignedCount(text, m.index, rhs, elem, field);
        if (!count) return undefined;
        if (/^[A-Z0-9_x+*() -]+$/.test(count)) counts.add(count);
        else if (site === owner && rootedAt(count, site)) counts.add(count);
        else if (new RegExp(`^\\(?${siteRe}(->|\\.)[\\w.>-]+\\)?$`).test(count)) {
          // A path from the allocating site: the same variable, or one of the same struct type.
          if (site === owner) counts.add(count);
          else if (
            /^\w+$/.test(site) &&
            ownerTag &&
            m[2] === '->' &&
            declaredStruct(text, m.index, site) === ownerTag &&
            /^[\w>.-]+$/.test(owner)
          )
            counts.add(count.replace(new RegExp(`^(\\(?)${siteRe}`), `$1${owner}`));
          else return undefined;
        } else return undefined;
      }
    return counts.size === 1 ? [...counts][0] : undefined;
  }

  /**
   * The count of what `rhs` (assigned at `at` in `text`) points to: an allocation, a local of the
   * same function that was allocated (its count's locals replaced by their initialisers), or a
   * call of the driver's function that returns constant-size allocations.
   */
  private assignedCount(
    text: string,
    at: number,
    rhs: string,
    elem: string,
    field: string,
  ): string | undefined {
    const direct = this.allocationCount(rhs, elem, field);
    if (direct) return direct;
    const fnStart = Math.max(0, text.lastIndexOf('\n}', at));
    const body = text.slice(fnStart, at);
    if (/^\w+$/.test(rhs)) {
      // A region carved from a larger buffer by a cursor: `x->m = p;` then at once `p += size;`,
      // `p` a byte pointer of the function (`void *p`): the member's region is those bytes.
      const stmtEnd = endOfExpression(text, at);
      const carve =
        text[stmtEnd] === ';'
          ? new RegExp(`^\\s*${rhs}\\s*\\+=\\s*([^;]+);`).exec(text.slice(stmtEnd + 1))
          : null;
      if (carve) {
        const cursor = new RegExp(
          `\\b(?:const\\s+)?(?:void|u8|char|unsigned\\s+char)\\s*(?:__iomem\\s*)?\\*\\s*${rhs}\\s*[;,=]`,
        );
        if (!cursor.test(body)) return undefined;
        return countOfBytes(carve[1]!.replace(/\s+/g, ' ').trim(), elem, field);
      }
      // `x->m = buf;` after `buf = kmalloc(n, ...);` in the same function.
      const assigns = [...body.matchAll(new RegExp(`(?<![\\w.>])${rhs}\\s*=(?!=)\\s*`, 'g'))];
      const last = assigns.at(-1);
      if (!last) return undefined;
      const from = fnStart + last.index + last[0].length;
      const end = endOfExpression(text, from);
      if (end < 0) return undefined;
      const count = this.allocationCount(text.slice(from, end).replace(/\s+/g, ' ').trim(), elem, rhs);
      if (!count) return undefined;
      // Locals of that function in the count are replaced by their initialisers (`pdev` → `vdev->pdev`).
      return count.replace(/(?<![\w.>])([a-z_]\w*)(?=\s*(->|\.))/g, (id) => {
        const init = new RegExp(`\\*\\s*${id}\\s*=\\s*([\\w>.-]+)\\s*;`).exec(body);
        return init ? init[1]! : id;
      });
    }
    const call = /^(\w+)\s*\(/.exec(rhs);
    if (call && matchParen(rhs, call[0].length - 1) === rhs.length - 1)
      return this.returnedAllocation(call[1]!, elem);
    return undefined;
  }

  /** A function of the driver that returns only NULL or a local allocated with one constant count. */
  private returnedAllocation(name: string, elem: string): string | undefined {
    for (const text of [this.source, ...this.siblings()]) {
      const def = new RegExp(`\\b${name}\\s*\\([^;{)]*\\)\\s*\\{`).exec(text);
      if (!def) continue;
      const open = def.index + def[0].length - 1;
      const close = matchBrace(text, open);
      if (close < 0) return undefined;
      const body = text.slice(open, close);
      const counts = new Set<string>();
      for (const r of body.matchAll(/\breturn\s+([^;]*);/g)) {
        const v = r[1]!.trim();
        if (v === 'NULL') continue;
        if (!/^\w+$/.test(v)) return undefined;
        for (const a of body.matchAll(new RegExp(`(?<![\\w.>])${v}\\s*=(?!=)\\s*`, 'g'))) {
          const from = a.index + a[0].length;
          const end = endOfExpression(body, from);
          const value = body.slice(from, end).replace(/\s+/g, ' ').trim();
          if (value === 'NULL') continue;
          const c = this.allocationCount(value, elem, v);
          if (!c || !/^[A-Z0-9_x+*() -]+$/.test(c)) return undefined;
          counts.add(c);
        }
      }
      return counts.size === 1 ? [...counts][0] : undefined;
    }
    return undefined;
  }

  /**
   * The element count of an allocation's text: `kcalloc(n, ...)` → `n`; a byte size
   * (`kmalloc(size, ...)`, `dma_alloc_coherent(dev, size, ...)`) → `n` when it is
   * `n * sizeof(<the element>)`, or the size itself for a buffer of bytes.
   */
  private allocationCount(text: string, elem: string, name: string): string | undefined {
    const m = /^(?:\([^()]*\)\s*)?(\w+)\s*\(/.exec(text);
    if (!m || matchParen(text, m[0].length - 1) !== text.length - 1) return undefined;
    const args = splitArgs(text.slice(m[0].length, text.length - 1)).map((a) =>
      a.replace(/\s+/g, ' ').trim(),
    );
    const fnName = m[1]!;
    const counted: Record<string, number> = {
      kcalloc: 0,
      kcalloc_node: 0,
      kmalloc_array: 0,
      kmalloc_array_node: 0,
      kvcalloc: 0,
      kvmalloc_array: 0,
      vcalloc: 0,
      vmalloc_array: 0,
      devm_kcalloc: 1,
      devm_kmalloc_array: 1,
    };
    const sized: Record<string, number> = {
      kmalloc: 0,
      kzalloc: 0,
      kmalloc_node: 0,
      kzalloc_node: 0,
      kvmalloc: 0,
      kvzalloc: 0,
      vmalloc: 0,
      vzalloc: 0,
      vmalloc_32: 0,
      devm_kmalloc: 1,
      devm_kzalloc: 1,
      dma_alloc_coherent: 1,
      dmam_alloc_coherent: 1,
      ioremap: 1,
      ioremap_wc: 1,
      ioremap_uc: 1,
      ioremap_cache: 1,
      devm_ioremap: 2,
      devm_ioremap_wc: 2,
      devm_ioremap_uc: 2,
    };
    if (fnName in counted) return args[counted[fnName]!] || undefined;
    // A mapped PCI BAR is as long as the BAR (`pci_iomap(pdev, bar, 0)` maps all of it).
    const bar = /^(pci_ioremap_bar|pci_ioremap_wc_bar|pci_iomap|pci_iomap_wc)$/.test(fnName)
      ? fnName.startsWith('pci_iomap') && args[2] && args[2] !== '0'
        ? args[2]
        : args[0] && args[1]
          ? `pci_resource_len(${args[0]}, ${args[1]})`
          : undefined
      : undefined;
    if (bar) return BYTES.test(elem.trim()) ? bar : undefined;
    if (!(fnName in sized)) return undefined;
    const size = args[sized[fnName]!];
    return size ? countOfBytes(size, elem, name) : undefined;
  }

  /**
   * The size a buffer struct states for its data: `X->va` where `struct T` has exactly one pointer
   * member, `va`, to bytes (`void *`, `u8 *`, `char *`), beside an integer member `size` or `len`
   * (`struct mtk_vcodec_mem { size_t size; void *va; dma_addr_t dma_addr; }`) → `X->size`.
   */
  statedSize(fn: CFunction, base: Node): string | undefined {
    const n = unparen(base);
    if (n.type !== 'field_expression') return undefined;
    const owner = n.childForFieldName('argument')!;
    const field = n.childForFieldName('field')?.text;
    const tag = this.structOf(fn, owner);
    const body = tag && field ? this.structBody(tag) : undefined;
    if (!body || /[{}]/.test(body)) return undefined;
    const members = blankCommentsAndStrings(body)
      .split(';')
      .map((d) => /^\s*((?:const\s+|unsigned\s+|signed\s+|struct\s+)*\w+)\s*(\**)\s*(\w+)\s*$/.exec(d))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => ({ type: m[1]!.replace(/\s+/g, ' '), pointer: m[2]!.length > 0, name: m[3]! }));
    const pointers = members.filter((m) => m.pointer);
    if (pointers.length !== 1 || pointers[0]!.name !== field) return undefined;
    if (!/^(const )?(void|u8|__u8|uint8_t|char|unsigned char)$/.test(pointers[0]!.type)) return undefined;
    const size = members.find(
      (m) =>
        !m.pointer &&
        /^(size|len)$/.test(m.name) &&
        /^(size_t|u32|__u32|u64|__u64|uint32_t|unsigned int|unsigned long|int|long|ssize_t)$/.test(m.type),
    );
    const op = n.child(1)?.type === '.' ? '.' : '->';
    return size ? `${this.text(owner)}${op}${size.name}` : undefined;
  }

  /** The struct tag of an expression's value (`priv`, `priv->hw`, `tbl[i]`), when declared as one. */
  structOf(fn: CFunction, e: Node): string | undefined {
    const n = unparen(e);
    const tagOf = (type: string) => /\bstruct\s+(\w+)/.exec(type)?.[1];
    if (n.type === 'identifier') {
      const v = fn.locals.get(n.text) ?? this.model.globals.get(n.text);
      return v ? tagOf(v.type) : undefined;
    }
    if (n.type === 'subscript_expression') return this.structOf(fn, n.childForFieldName('argument')!);
    if (n.type === 'pointer_expression' && n.child(0)?.type === '*')
      return this.structOf(fn, n.childForFieldName('argument')!);
    if (n.type === 'field_expression') {
      const outer = this.structOf(fn, n.childForFieldName('argument')!);
      const field = n.childForFieldName('field')?.text;
      if (!outer || !field) return undefined;
      const known = this.model.structs.get(outer)?.get(field);
      if (known) return tagOf(known.type);
      const body = this.structBody(outer);
      return body ? new RegExp(`\\bstruct\\s+(\\w+)[\\s*]+${field}\\s*[;\\[]`).exec(body)?.[1] : undefined;
    }
    return undefined;
  }

  /**
   * Is `base` an array whose size C knows here (so `ARRAY_SIZE(base)` compiles and is right): a
   * local or global declared with a size (not a parameter, which is a pointer), or a member
   * declared with a size in its struct (the struct found from the base's type).
   */
  isSizedArray(fn: CFunction, base: Node): boolean {
    const n = unparen(base);
    // `T a[N]`, or `T a[] = { ... }` (complete, designated or not): ARRAY_SIZE() knows both.
    const sized = (v: { arrayDims: (number | undefined)[]; node: Node } | undefined) =>
      !!v &&
      v.arrayDims.length > 0 &&
      (v.arrayDims[0] !== undefined ||
        (v.node.type === 'init_declarator' &&
          v.node.childForFieldName('value')?.type === 'initializer_list'));
    if (n.type === 'identifier') {
      if (fn.params.some((p) => p.name === n.text)) return false;
      const v = fn.locals.get(n.text) ?? this.model.globals.get(n.text);
      if (v) return sized(v);
      return this.headerMemberIsArray(n.text);
    }
    if (n.type !== 'field_expression') return false;
    const field = n.childForFieldName('field')?.text;
    const outer = this.structOf(fn, n.childForFieldName('argument')!);
    if (!field) return false;
    if (outer) {
      const known = this.model.structs.get(outer)?.get(field);
      if (known) return sized(known);
      const body = this.structBody(outer);
      if (body) return sizedArrayDeclaration(field).test(body);
    }
    // The struct is unknown: every declaration of the member name must be a sized array.
    const decls = [...this.model.structs.values()].map((m) => m.get(field)).filter((v) => !!v);
    if (decls.length) return decls.every(sized);
    return this.headerMemberIsArray(field);
  }

  /**
   * The size a member array is declared with, when it is one name or number (`ENET_TX_DESC` of
   * `unsigned int skblen[ENET_TX_DESC];`): what `ARRAY_SIZE()` of it is.
   */
  declaredDimension(fn: CFunction, base: Node): string | undefined {
    const n = unparen(base);
    if (n.type !== 'field_expression') return undefined;
    const field = n.childForFieldName('field')?.text;
    const tag = this.structOf(fn, n.childForFieldName('argument')!);
    const body = tag && field ? this.structBody(tag) : undefined;
    const m = body
      ? new RegExp(`[\\s*]${field}\\s*\\[\\s*([A-Za-z_]\\w*|\\d+)\\s*\\]\\s*;`).exec(codeText(body))
      : undefined;
    return m?.[1];
  }

  /**
   * The element count a member array was allocated with, as an expression valid at the use: the
   * file allocates `P->m = kcalloc(N, ...)` (or `kmalloc_array`, `devm_kcalloc`, ...) once, and `N`
   * is a constant or a path from the same `P` (rewritten onto the use's base: `dev->cq_tbl[i]`,
   * allocated `kcalloc(dev->max_cq, ...)`, is bounded by `dev->max_cq`).
   */
  allocatedCount(base: Node): string | undefined {
    if (base.type !== 'field_expression' || !base.children.some((c) => c?.type === '->')) return undefined;
    const field = base.childForFieldName('field')?.text;
    const owner = this.text(base.childForFieldName('argument')!).replace(/\s+/g, '');
    if (!field) return undefined;
    const re = new RegExp(
      `([\\w>.-]+)->${field}\\s*=\\s*(?:\\([^()]*\\)\\s*)?(devm_kcalloc|devm_kmalloc_array|kcalloc|kcalloc_node|kmalloc_array|kmalloc_array_node|kvcalloc|kvmalloc_array|vcalloc|vmalloc_array)\\s*\\(`,
      'g',
    );
    const counts = new Set<string>();
    // The allocation is usually in the probe, often in another file of the driver.
    for (const text of [this.source, ...this.siblings()])
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const open = m.index + m[0].length - 1;
        const close = matchParen(text, open);
        if (close < 0) return undefined;
        const args = splitArgs(text.slice(open + 1, close));
        const n = (m[2]!.startsWith('devm_') ? args[1] : args[0])?.replace(/\s+/g, ' ').trim();
        if (!n) return undefined;
        const site = m[1]!.replace(/\s+/g, '');
        if (/^[A-Z0-9_x+*() -]+$/.test(n)) counts.add(n);
        else if (
          site === owner &&
          new RegExp(`^\\(?${site.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}(->|\\.)[\\w.>-]+\\)?$`).test(n)
        )
          counts.add(n);
        else return undefined;
      }
    return counts.size === 1 ? [...counts][0] : undefined;
  }

  /**
   * Is struct member `name` a sized array in the headers beside this file (`u32 stats[8];`) and
   * never a pointer there? Used when the struct is not declared in the .c file itself.
   */
  headerMemberIsArray(name: string): boolean {
    const texts = this.headers();
    const array = sizedArrayDeclaration(name);
    const pointer = new RegExp(`\\*\\s*${name}\\s*[;,)]`);
    return texts.some((t) => array.test(t)) && !texts.some((t) => pointer.test(t));
  }

  /**
   * A log call head reaching a device through members of `struct tag` (`acc` is how its members
   * are reached, `priv->`): a device member first, else, `depth` allowing, through a member that
   * points to another struct (`hw->adapter->pdev`).
   */
  private deviceThrough(tag: string, acc: string, depth: number): string | undefined {
    const members = this.structMembers(tag);
    for (const [type] of DEVICE_TYPES) {
      const m = members.find((x) => x.type === type);
      if (m) return deviceLog(type, `${acc}${m.name}`, m.pointer);
    }
    if (depth <= 1) return undefined;
    for (const m of members) {
      if (!m.pointer || m.type === tag) continue;
      const head = this.deviceThrough(m.type, `${acc}${m.name}->`, depth - 1);
      if (head) return head;
    }
    return undefined;
  }

  /**
   * Pointer members of `struct tag` that are devices (`struct pci_dev *pdev;` → {type: 'pci_dev',
   * name: 'pdev'}), from this file or the headers beside it.
   */
  structMembers(tag: string): { type: string; name: string; pointer: boolean }[] {
    const known = this.members.get(tag);
    if (known) return known;
    const body = this.structBody(tag);
    const out: { type: string; name: string; pointer: boolean }[] = [];
    this.members.set(tag, out);
    if (body === undefined) return out;
    const re = /^\s*struct\s+(\w+)\s*(\*?)\s*(\w+)\s*;/gm;
    for (let x = re.exec(body); x; x = re.exec(body))
      out.push({ type: x[1]!, name: x[3]!, pointer: x[2] === '*' });
    return out;
  }

  /** The other C files beside this file (the rest of the driver, usually). */
  private siblings(): string[] {
    return filesBeside(this.parsed.path, '.c')
      .filter((f) => f.path !== this.parsed.path)
      .map((f) => f.text);
  }

  /** The headers beside this file. */
  private headers(): string[] {
    return filesBeside(this.parsed.path, '.h').map((f) => f.text);
  }

  /** Does the file include `header` (`linux/iopoll.h`) itself? */
  includes(header: string): boolean {
    return new RegExp(`^\\s*#\\s*include\\s*<${header.replace(/[./]/g, '\\$&')}>`, 'm').test(this.source);
  }

  /** Edit adding `#include <header>` among the file's `<linux/...>` includes, in order when they are sorted. */
  addInclude(header: string): Edit | undefined {
    if (this.includes(header)) return undefined;
    const re = /^[ \t]*#[ \t]*include[ \t]*<([^>]+)>.*$/gm;
    const incs: { name: string; start: number; end: number }[] = [];
    for (let m = re.exec(this.source); m; m = re.exec(this.source))
      incs.push({ name: m[1]!, start: m.index, end: m.index + m[0].length });
    const line = `#include <${header}>\n`;
    const linux = incs.filter((i) => i.name.startsWith('linux/'));
    const group = linux.length ? linux : incs;
    if (!group.length) {
      const anyInc = /^[ \t]*#[ \t]*include\b.*$/m.exec(this.source);
      const at = anyInc ? anyInc.index : 0;
      return { start: at, end: at, text: line };
    }
    const sorted = group.every((g, i) => i === 0 || group[i - 1]!.name <= g.name);
    if (sorted) {
      const after = group.find((g) => g.name > header);
      if (after) return { start: after.start, end: after.start, text: line };
    }
    const last = group[group.length - 1]!;
    return { start: last.end + 1, end: last.end + 1, text: line };
  }
}

const codeTexts = new Map<string, string>();
/** `text` with comments and literals blanked (same offsets), remembered: assignments are read from code only. */
function codeText(text: string): string {
  let t = codeTexts.get(text);
  if (t === undefined) {
    t = blankCommentsAndStrings(text);
    if (codeTexts.size > 64) codeTexts.clear();
    codeTexts.set(text, t);
  }
  return t;
}

/** Element types a byte count counts (GNU C's `void *` arithmetic included). */
const BYTES = /^(const\s+)?(u8|__u8|uint8_t|unsigned char|char|signed char|s8|__s8|void)$/;

/**
 * The element count `size` bytes hold of `elem` (the type `name` points to): `n` for
 * `n * sizeof(<the element>)` or `sizeof(<the element>) * n`, the size itself for bytes.
 */
function countOfBytes(size: string, elem: string, name: string): string | undefined {
  const ofElem = (s: string) => {
    const t = s.replace(/^\(|\)$/g, '').trim();
    const deref = /^\*\s*\(?\s*([\w>.-]+)\s*\)?$/.exec(t);
    if (deref) return new RegExp(`(^|->|\\.)${name}$`).test(deref[1]!);
    return t.replace(/\s+/g, ' ') === elem.replace(/\s+/g, ' ');
  };
  const a = /^(.+?)\s*\*\s*sizeof\s*(\(.*\))$/.exec(size);
  if (a && matchParen(a[2]!, 0) === a[2]!.length - 1 && ofElem(a[2]!)) return a[1]!.trim();
  const b = /^sizeof\s*(\([^()]*(?:\([^()]*\))?[^()]*\))\s*\*\s*(.+)$/.exec(size);
  if (b && ofElem(b[1]!)) return b[2]!.trim();
  if (BYTES.test(elem.trim()) && !/\bsizeof\b/.test(size)) return size;
  return undefined;
}

/** Every variable path `expr` reads starts at `site` (`pci_resource_len(dev->pci, 0)` at `dev`). */
function rootedAt(expr: string, site: string): boolean {
  const roots = [...expr.matchAll(/(?<![\w.>])([A-Za-z_]\w*)\b(?!\s*\()/g)]
    .map((m) => m[1]!)
    .filter((r) => !/^[A-Z_][A-Z0-9_]*$/.test(r) && r !== 'sizeof');
  return roots.length > 0 && roots.every((r) => r === site);
}

/** The end of the expression that starts at `from` in `text`: the `;`, `,` or unmatched `)` after it (-1 if none). */
function endOfExpression(text: string, from: number): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return i;
      depth--;
    } else if ((c === ';' || c === ',') && depth === 0) return i;
  }
  return depth === 0 ? text.length : -1;
}

/** The struct tag `name` is declared with last before `at` in `text` (`struct foo *name`). */
function declaredStruct(text: string, at: number, name: string): string | undefined {
  const decls = [...text.slice(0, at).matchAll(new RegExp(`\\bstruct\\s+(\\w+)\\s*\\*\\s*${name}\\b`, 'g'))];
  return decls.at(-1)?.[1];
}

/** The call's name, its arguments' texts, and whether it is a plain identifier call. */
export function callParts(src: FixSource, call: Node): { name: string; args: string[] } {
  return { name: callName(call), args: callArgs(call).map((a) => src.text(a)) };
}

/**
 * `text` as an operand of a comparison: as is for a name, member, element, call, number or
 * parenthesised expression; in parentheses otherwise (`x & 0xf` → `(x & 0xf)`, so that
 * `(x & 0xf) >= N` does not become `x & (0xf >= N)`).
 */
export function operand(text: string, n?: Node): string {
  const simple = n
    ? /^(identifier|field_expression|subscript_expression|call_expression|number_literal|parenthesized_expression|sizeof_expression)$/.test(
        n.type,
      )
    : (/^[\w.>-]+$/.test(text) && !/-$/.test(text)) || isCallText(text);
  return simple ? text : `(${text})`;
}

/** `name(...)` and nothing else. */
function isCallText(text: string): boolean {
  const m = /^\w+\s*\(/.exec(text);
  return !!m && matchParen(text, m[0].length - 1) === text.length - 1;
}

/** `(x)` → `x` (parentheses only; casts stay). */
export function unparen(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1) cur = cur.namedChild(0)!;
  return cur;
}

/** The text of `n` with some of its sub-nodes replaced (`readl(r) & BIT(0)` → `val & BIT(0)`). */
export function textWith(src: FixSource, n: Node, subs: readonly { node: Node; text: string }[]): string {
  const s = src.start(n);
  let out = '';
  let at = s;
  for (const sub of [...subs].sort((a, b) => a.node.startIndex - b.node.startIndex)) {
    const ss = src.start(sub.node);
    if (ss < at || src.end(sub.node) > src.end(n)) continue;
    out += src.source.slice(at, ss) + sub.text;
    at = src.end(sub.node);
  }
  return out + src.source.slice(at, src.end(n));
}

/** `!x` → `x`, `a == b` → `a != b`, else `!(x)`: the condition under which a loop stops. */
export function negate(cond: Node, text: (n: Node) => string): string {
  const s = unparen(cond);
  if (s.type === 'unary_expression' && s.child(0)?.type === '!')
    return text(unparen(s.childForFieldName('argument')!));
  const flip: Record<string, string> = { '==': '!=', '!=': '==', '<': '>=', '>=': '<', '>': '<=', '<=': '>' };
  if (s.type === 'binary_expression') {
    const op = s.child(1)?.type ?? '';
    if (flip[op])
      return `${text(s.childForFieldName('left')!)} ${flip[op]} ${text(s.childForFieldName('right')!)}`;
  }
  const t = text(s);
  return /^(identifier|field_expression|call_expression|subscript_expression)$/.test(s.type)
    ? `!${t}`
    : `!(${t})`;
}
