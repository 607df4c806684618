/**
 * One driver's study record, from the facts of its files (src/study/extract.ts). A driver is a
 * Kbuild module (src/c/kbuild.ts). Every rule here is described in docs/study.md.
 */
import { relative } from 'node:path';
import {
  BUS_APIS,
  BUS_PRIORITY,
  BUS_STRUCTS,
  CLASS_RULES,
  DEVICE_ACCESS,
  KERNEL_APIS,
  NameClassifier,
  PATH_CLASSES,
  WAIT_CALLS,
  type BusApiCategory,
  type DeviceAccessCategory,
  type KernelApiCategory,
} from './apis.js';
import type { DefineFacts, FileFacts, FunctionFacts } from './extract.js';
import { PURPOSES, PURPOSE_PRIORITY, purposeOfField, purposeOfName, type Purpose } from './purpose.js';

export type PurposeOrUnreached = Purpose | 'unreached';

export interface EntryPoint {
  function: string;
  file: string;
  purpose: Purpose;
  /** Where it was found: `pci_driver.probe`, `macro:module_init`, `request_irq`, `assign:open`, `ref:snd_kcontrol_new`. */
  via: string;
}

export interface DriverRecord {
  /** Module name (`e1000e`). */
  name: string;
  /** Module directory relative to the studied root (`drivers/net/ethernet/intel/e1000e`). */
  path: string;
  files: string[];
  /** Whether a Kbuild Makefile names the module (false: a file no Makefile builds). */
  fromMakefile: boolean;
  config?: string;
  /** Physical lines of the module's .c files. */
  lines: number;
  /** Lines of code: non-blank, non-comment lines of the .c files. */
  loc: number;
  functionCount: number;
  class: string;
  subclass: string;
  classSource: 'api' | 'path';
  /** The registration calls or ops structures that decided the class. */
  classEvidence: string[];
  /** Primary bus (`none` when the module registers no driver structure). */
  bus: string;
  buses: string[];
  entryPoints: EntryPoint[];
  /** LOC of functions by the purpose that reaches them (docs/study.md: nearest entry point). */
  locByPurpose: Record<PurposeOrUnreached, number>;
  moduleParams: string[];
  proc: number;
  sysfs: number;
  debugfs: number;
  ioctls: { function: string; commands: number }[];
  deviceIdTables: { type: string; table: string; entries: number }[];
  /** Largest device-ID table (entries without the terminator). */
  chipsets: number;
  multiChipset: boolean;
  powerManagement: boolean;
  /** Loops doing computation over data (docs/study.md), as `file:line` in `function`. */
  computationLoops: { function: string; file: string; line: number }[];
  significantComputation: boolean;
  interruptHandlers: string[];
  threads: { kthreads: number; workItems: number; workqueues: number; timers: number; tasklets: number };
  interactions: {
    deviceAccess: Record<DeviceAccessCategory, number>;
    busApis: Record<BusApiCategory, number>;
    kernel: Record<KernelApiCategory, number>;
  };
  /** Calls per 1,000 LOC: device access, bus APIs and each kernel category. */
  per1kLoc: { deviceAccess: number; busApis: number } & Record<KernelApiCategory, number>;
  /** Files that could not be read or parsed (the rest of the driver is still studied). */
  parseFailures: { file: string; message: string }[];
  /** Characters of the driver's files, and those inside tree-sitter ERROR nodes. */
  chars: number;
  errorChars: number;
}

export interface ModuleInput {
  name: string;
  dir: string;
  files: string[];
  fromMakefile: boolean;
  config?: string;
}

const deviceAccess = new NameClassifier<DeviceAccessCategory>(DEVICE_ACCESS);
const busApis = new NameClassifier<BusApiCategory>(BUS_APIS);
const kernelApis = new NameClassifier<KernelApiCategory>(KERNEL_APIS);
const waits = new NameClassifier<'wait'>({ wait: WAIT_CALLS });
const syncs = new NameClassifier<'sync'>({ sync: KERNEL_APIS.sync });

const IRQ_REGISTRARS = new Set([
  'request_irq',
  'devm_request_irq',
  'request_threaded_irq',
  'devm_request_threaded_irq',
  'request_any_context_irq',
  'devm_request_any_context_irq',
  'request_percpu_irq',
  'pci_request_irq',
  'request_nmi',
  'devm_request_irq_probe',
]);
const KTHREAD = /^kthread_(?:run|create)\w*$/;
const WORK =
  /^(?:INIT_WORK|INIT_DELAYED_WORK|INIT_WORK_ONSTACK|INIT_DEFERRABLE_WORK|INIT_RCU_WORK|INIT_DELAYED_WORK_ONSTACK|kthread_init_work|kthread_init_delayed_work|devm_work_autocancel|devm_delayed_work_autocancel)$/;
const WORKQUEUE =
  /^(?:alloc_workqueue|alloc_ordered_workqueue|create_workqueue|create_singlethread_workqueue|create_freezable_workqueue|kthread_create_worker\w*)$/;
const TIMER =
  /^(?:timer_setup|setup_timer|init_timer|hrtimer_init|hrtimer_setup|timer_setup_on_stack|setup_deferrable_timer)$/;
const TASKLET = /^(?:tasklet_init|tasklet_setup|tasklet_hrtimer_init)$/;
const PROC = /^(?:proc_create\w*|proc_mkdir\w*|create_proc_\w+|proc_symlink|proc_net_fops_create)$/;
const SYSFS =
  /^(?:sysfs_create_\w+|sysfs_add_\w+|device_create_file|device_add_groups?|devm_device_add_groups?|driver_create_file|class_create_file\w*|device_create_bin_file|sysfs_merge_group|devm_sysfs_create\w*|bus_create_file)$/;
const DEBUGFS = /^debugfs_create_\w+$/;
const PARAM_MACROS = /^module_param\w*$/;

const EMPTY_PURPOSE = (): Record<PurposeOrUnreached, number> =>
  Object.fromEntries([...PURPOSES, 'unreached'].map((p) => [p, 0])) as Record<PurposeOrUnreached, number>;
const zeros = <K extends string>(keys: readonly K[]): Record<K, number> =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

const FN_VALUE = /^(?:\(\s*[\w\s*]+\)\s*)?&?\s*([A-Za-z_]\w*)$/;

/** `drivers/net/ethernet/intel/e1000` → class from the first directory, sub-class from the second. */
export function classFromPath(relDir: string): { class: string; subclass: string } {
  const parts = relDir.split('/').filter(Boolean);
  if (parts[0] === 'sound') return { class: 'sound', subclass: parts[1] ?? 'sound' };
  const i = parts[0] === 'drivers' ? 1 : 0;
  const top = parts[i];
  if (!top) return { class: 'other', subclass: 'other' };
  return { class: PATH_CLASSES[top] ?? top, subclass: parts[i + 1] ?? top };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** Study one module. `root` makes paths relative; `failures` lists files that could not be parsed. */
export function studyModule(
  mod: ModuleInput,
  facts: FileFacts[],
  root: string,
  failures: { file: string; message: string }[] = [],
  headerDefines: DefineFacts[] = [],
): DriverRecord {
  const rel = (f: string) => relative(root, f) || f;
  const fns: FunctionFacts[] = facts.flatMap((f) => f.functions);
  const key = (fn: FunctionFacts) => `${fn.file}\0${fn.name}`;
  const byName = new Map<string, FunctionFacts[]>();
  for (const fn of fns) {
    const list = byName.get(fn.name) ?? [];
    list.push(fn);
    byName.set(fn.name, list);
  }
  /** The module function `name` as seen from `file` (statics of that file first). */
  const resolve = (name: string, file?: string): FunctionFacts | undefined => {
    const list = byName.get(name);
    if (!list) return undefined;
    return list.find((f) => f.file === file) ?? list.find((f) => !f.isStatic) ?? list[0];
  };

  // Function-like macros of the module (its .c files, then the headers of its directories):
  // `er32(reg)` → `readl(...)` counts as MMIO.
  const macros = new Map<string, string[]>();
  for (const d of [...facts.flatMap((f) => f.defines), ...headerDefines])
    if (!macros.has(d.name)) macros.set(d.name, d.calls);
  type Cat = ['device', DeviceAccessCategory] | ['bus', BusApiCategory] | ['kernel', KernelApiCategory];
  const classifyCall = (name: string, depth = 0): Cat | undefined => {
    const d = deviceAccess.classify(name);
    if (d) return ['device', d];
    const body = macros.get(name);
    if (body && depth < 4) {
      const cats = body.map((c) => classifyCall(c, depth + 1)).filter((c): c is Cat => !!c);
      return cats.find((c) => c[0] === 'device') ?? cats.find((c) => c[0] === 'bus') ?? cats[0];
    }
    const b = busApis.classify(name);
    if (b) return ['bus', b];
    const k = kernelApis.classify(name);
    return k ? ['kernel', k] : undefined;
  };
  const macroCalls = (name: string, pred: (n: string) => boolean, depth = 0): boolean =>
    pred(name) || (depth < 4 && (macros.get(name)?.some((c) => macroCalls(c, pred, depth + 1)) ?? false));

  // ---- entry points ------------------------------------------------------------------------
  const entries: EntryPoint[] = [];
  const entryKeys = new Set<string>();
  const addEntry = (fn: FunctionFacts | undefined, purpose: Purpose, via: string) => {
    if (!fn) return;
    const k = `${key(fn)}\0${purpose}`;
    if (entryKeys.has(k)) return;
    entryKeys.add(k);
    entries.push({ function: fn.name, file: rel(fn.file), purpose, via });
  };
  const isEntry = new Set<string>();

  // Variables passed to debugfs/proc creation: their file_operations serve debugfs/proc.
  const interfaceFops = new Set<string>();
  for (const fn of fns)
    for (const c of fn.calls)
      if (c.direct && (DEBUGFS.test(c.name) || PROC.test(c.name)))
        for (const a of c.args) if (a) interfaceFops.add(a.replace(/^&/, ''));

  const deviceIdTables: DriverRecord['deviceIdTables'] = [];
  const busSet = new Set<string>();
  const structTypes = new Set<string>();
  let sysfs = 0;
  let proc = 0;
  let pmHooks = 0;
  let debugfs = 0;
  for (const file of facts) {
    for (const init of file.initializers) {
      if (init.structType) structTypes.add(init.structType);
      if (init.structType.endsWith('_device_id') && init.isArray) {
        deviceIdTables.push({ type: init.structType, table: init.variable, entries: init.entries });
        continue;
      }
      const bus = BUS_STRUCTS[init.structType];
      if (bus && !init.isArray) {
        const of = init.fields.some((f) => /(?:^|\.)of_match_table$/.test(f.path));
        busSet.add(bus === 'platform' && of ? 'OF/platform' : bus);
      }
      if (/_attribute$/.test(init.structType) || init.structType === 'attribute_group') sysfs++;
      if (init.structType === 'proc_ops') proc++;
      if (init.fields.some((f) => /(?:^|\.)(?:dev_groups|groups)$/.test(f.path))) sysfs++;
      const forInterface = interfaceFops.has(init.variable) && init.structType === 'file_operations';
      const seen = new Set<string>();
      for (const field of init.fields) {
        const value = field.value.trim();
        const last = field.path.split('.').pop()!;
        // PM support through library callbacks (`.suspend = ata_pci_device_suspend`) or an ops
        // pointer (`.driver.pm = &foo_pm_ops`, `pm_sleep_ptr(&foo_pm)`).
        if (
          /^(?:\(\s*[\w\s*]+\)\s*)?&?\s*[A-Za-z_]\w*(?:\s*\([\s\S]*\))?$/.test(value) &&
          !/^(?:NULL|true|false)$/.test(value) &&
          (last === 'pm' || (!forInterface && purposeOfField(last, init.structType) === 'pm'))
        ) {
          pmHooks++;
        }
        const m = FN_VALUE.exec(value);
        if (!m) continue;
        const fn = resolve(m[1]!, file.file);
        if (!fn) continue;
        seen.add(fn.name);
        const purpose = forInterface ? 'procSysfs' : purposeOfField(last, init.structType);
        addEntry(fn, purpose, `${init.structType || init.variable}.${field.path}`);
        isEntry.add(key(fn));
      }
      // Functions named positionally or through macros inside the initialiser.
      for (const r of init.refs) {
        if (seen.has(r)) continue;
        const fn = resolve(r, file.file);
        if (!fn) continue;
        const purpose = forInterface
          ? 'procSysfs'
          : purposeOfField('', init.structType) !== 'other'
            ? purposeOfField('', init.structType)
            : purposeOfName(fn.name);
        addEntry(fn, purpose, `ref:${init.structType || init.variable}`);
        isEntry.add(key(fn));
      }
    }
  }

  const moduleParams: string[] = [];
  const threads = { kthreads: 0, workItems: 0, workqueues: 0, timers: 0, tasklets: 0 };
  const deferred = (fn: FunctionFacts | undefined, via: string) => {
    if (!fn) return;
    addEntry(fn, purposeOfName(fn.name, 'coreIo'), via);
    isEntry.add(key(fn));
  };
  const interruptHandlers = new Set<string>();
  for (const file of facts) {
    for (const t of file.topMacros) {
      if (
        t.arg &&
        macros.has(t.name) &&
        !PARAM_MACROS.test(t.name) &&
        macroCalls(t.name, (n) => PARAM_MACROS.test(n))
      ) {
        moduleParams.push(t.arg);
      }
    }
    for (const m of file.macros) {
      const idents = m.args.map((a) => FN_VALUE.exec(a)?.[1]).filter((a): a is string => !!a);
      const fnArgs = (purpose: Purpose, suffixes: string[] = []) => {
        for (const a of idents) {
          addEntry(resolve(a, file.file), purpose, `macro:${m.name}`);
          for (const s of suffixes) addEntry(resolve(`${a}${s}`, file.file), purpose, `macro:${m.name}`);
        }
      };
      if (m.name === 'module_init' || m.name.endsWith('_initcall')) fnArgs('init');
      else if (m.name === 'module_exit') fnArgs('cleanup');
      else if (m.name.startsWith('EXPORT_SYMBOL')) {
        // Called by other modules: the purpose its name suggests, else "other".
        for (const a of idents) {
          const fn = resolve(a, file.file);
          if (fn) addEntry(fn, purposeOfName(fn.name), `macro:${m.name}`);
        }
      } else if (PARAM_MACROS.test(m.name)) {
        if (idents[0]) moduleParams.push(idents[0]);
      } else if (/PM_OPS/.test(m.name)) {
        if (idents.length) pmHooks++;
        fnArgs('pm');
      } else if (
        /ATTR/.test(m.name) &&
        !/^DEFINE_(?:DEBUGFS|SIMPLE)_ATTRIBUTE/.test(m.name) &&
        m.name !== 'DEFINE_SHOW_ATTRIBUTE'
      ) {
        if (m.name === 'DEFINE_PROC_SHOW_ATTRIBUTE') proc++;
        else sysfs++;
        fnArgs('procSysfs', ['_show', '_store', '_read', '_write']);
      } else if (/^DEFINE_(?:DEBUGFS|SIMPLE|SHOW|SHOW_STORE|SEQ)_ATTRIBUTE/.test(m.name)) {
        debugfs++;
        fnArgs('procSysfs', ['_show', '_write', '_seq_show', '_seq_start', '_seq_next', '_seq_stop']);
      } else if (/^DECLARE_(?:DELAYED_)?WORK$/.test(m.name)) {
        threads.workItems++;
        for (const a of idents.slice(1)) deferred(resolve(a, file.file), `macro:${m.name}`);
      } else if (/^DECLARE_TASKLET/.test(m.name)) {
        threads.tasklets++;
        for (const a of idents.slice(1)) deferred(resolve(a, file.file), `macro:${m.name}`);
      } else if (m.name === 'DEFINE_TIMER') {
        threads.timers++;
        for (const a of idents.slice(1)) deferred(resolve(a, file.file), `macro:${m.name}`);
      }
    }
  }

  // Calls: interactions, registrations, callbacks handed to the kernel.
  const da = zeros(Object.keys(DEVICE_ACCESS) as DeviceAccessCategory[]);
  const ba = zeros(Object.keys(BUS_APIS) as BusApiCategory[]);
  const ka = zeros(Object.keys(KERNEL_APIS) as KernelApiCategory[]);
  const externalCalls = new Set<string>();
  const edges = new Map<string, FunctionFacts[]>();
  for (const fn of fns) {
    const out: FunctionFacts[] = [];
    for (const c of fn.calls) {
      if (!c.name) continue;
      const callee = c.direct ? resolve(c.name, fn.file) : undefined;
      if (callee) out.push(callee);
      else if (c.direct) {
        externalCalls.add(c.name);
        const cat = classifyCall(c.name);
        if (cat?.[0] === 'device') da[cat[1]]++;
        else if (cat?.[0] === 'bus') ba[cat[1]]++;
        else if (cat?.[0] === 'kernel') ka[cat[1]]++;
        if (PROC.test(c.name)) proc++;
        else if (SYSFS.test(c.name)) sysfs++;
        else if (DEBUGFS.test(c.name)) debugfs++;
        if (KTHREAD.test(c.name)) threads.kthreads++;
        else if (WORK.test(c.name)) threads.workItems++;
        else if (WORKQUEUE.test(c.name)) threads.workqueues++;
        else if (TIMER.test(c.name)) threads.timers++;
        else if (TASKLET.test(c.name)) threads.tasklets++;
      }
      // Function arguments: callbacks.
      for (const a of c.args) {
        if (!a) continue;
        const target = resolve(a.replace(/^&/, ''), fn.file);
        if (!target) continue;
        if (IRQ_REGISTRARS.has(c.name)) {
          addEntry(target, 'coreIo', c.name);
          isEntry.add(key(target));
          interruptHandlers.add(target.name);
        } else if (PROC.test(c.name) || DEBUGFS.test(c.name) || SYSFS.test(c.name)) {
          addEntry(target, 'procSysfs', c.name);
          isEntry.add(key(target));
        } else if (KTHREAD.test(c.name) || WORK.test(c.name) || TIMER.test(c.name) || TASKLET.test(c.name)) {
          deferred(target, c.name);
        } else out.push(target); // a callback handed on: reached from this function
      }
    }
    for (const [field, value] of fn.fieldAssigns) {
      const target = resolve(value, fn.file);
      if (!target) continue;
      const p = purposeOfField(field);
      if (/^(?:function|func)$/.test(field)) deferred(target, `assign:${field}`);
      else {
        addEntry(target, p === 'other' ? purposeOfName(target.name) : p, `assign:${field}`);
        isEntry.add(key(target));
      }
      if (/irq|interrupt|isr/i.test(field) && p === 'coreIo') interruptHandlers.add(target.name);
    }
    edges.set(key(fn), out);
  }

  // ---- purposes down the call graph: nearest entry point wins, ties by PURPOSE_PRIORITY ----------
  const purposeOf = new Map<string, Purpose>();
  const rank = (p: Purpose) => PURPOSE_PRIORITY.indexOf(p);
  const sortedEntries = [...entries].sort((a, b) => rank(a.purpose) - rank(b.purpose));
  let frontier: string[] = [];
  for (const e of sortedEntries) {
    const fn = resolve(e.function, facts.find((f) => rel(f.file) === e.file)?.file);
    if (!fn) continue;
    const k = key(fn);
    if (purposeOf.has(k)) continue;
    purposeOf.set(k, e.purpose);
    frontier.push(k);
  }
  while (frontier.length) {
    const next: string[] = [];
    for (const k of frontier) {
      const p = purposeOf.get(k)!;
      for (const callee of edges.get(k) ?? []) {
        const ck = key(callee);
        if (purposeOf.has(ck)) continue;
        purposeOf.set(ck, p);
        next.push(ck);
      }
    }
    frontier = next;
  }
  const locByPurpose = EMPTY_PURPOSE();
  for (const fn of fns) locByPurpose[purposeOf.get(key(fn)) ?? 'unreached'] += fn.loc;

  // ---- device access and waiting, transitively: for the computation rule -----------------------
  const touches = new Map<string, boolean>();
  const isDeviceOrWait = (name: string) =>
    macroCalls(
      name,
      (n) =>
        !!deviceAccess.classify(n) || !!busApis.classify(n) || !!waits.classify(n) || !!syncs.classify(n),
    );
  const touchesDevice = (fn: FunctionFacts, depth = 0): boolean => {
    const k = key(fn);
    const known = touches.get(k);
    if (known !== undefined) return known;
    touches.set(k, false); // cycles: assume not
    let t = false;
    for (const c of fn.calls) {
      if (!c.name) continue;
      if (!c.direct) {
        t = true; // an indirect call may reach the device
        break;
      }
      const callee = resolve(c.name, fn.file);
      if (callee ? depth < 16 && touchesDevice(callee, depth + 1) : isDeviceOrWait(c.name)) {
        t = true;
        break;
      }
    }
    touches.set(k, t);
    return t;
  };
  const computationLoops: DriverRecord['computationLoops'] = [];
  for (const fn of fns) {
    for (const l of fn.loops) {
      if (l.ops < COMPUTATION_MIN_OPS || l.mem < 1) continue;
      const io = l.calls.some((name) => {
        const callee = resolve(name, fn.file);
        return callee
          ? touchesDevice(callee)
          : isDeviceOrWait(name) || (!byName.has(name) && isIndirectName(name, fn));
      });
      if (!io) computationLoops.push({ function: fn.name, file: rel(fn.file), line: l.line });
    }
  }

  // ---- class and bus ---------------------------------------------------------------------------
  let cls: { class: string; subclass: string } | undefined;
  let classEvidence: string[] = [];
  for (const rule of CLASS_RULES) {
    const ev = [
      ...(rule.calls ?? []).filter((c) => externalCalls.has(c)),
      ...(rule.structs ?? []).filter((s) => structTypes.has(s)).map((s) => `struct ${s}`),
    ];
    if (ev.length) {
      cls = { class: rule.class, subclass: rule.subclass };
      classEvidence = ev.sort();
      break;
    }
  }
  const relDir = relative(root, mod.dir) || '.';
  const classSource: DriverRecord['classSource'] = cls ? 'api' : 'path';
  cls ??= classFromPath(relDir);

  // No driver structure of a known bus (a wrapper like `struct uvc_driver`, or a driver that finds
  // its device itself): the bus of its device-ID tables.
  if (busSet.size === 0) {
    for (const t of deviceIdTables) {
      const b = ID_TABLE_BUS[t.type];
      if (b && t.entries > 0) busSet.add(b);
    }
  }
  const buses = [...busSet].sort((a, b) => busRank(a) - busRank(b) || (a < b ? -1 : 1));
  const ioctls = entries
    .filter((e) => e.purpose === 'ioctl')
    .map((e) => ({ function: e.function, commands: resolve(e.function)?.cases ?? 0 }));
  const loc = facts.reduce((s, f) => s + f.loc, 0);
  const perK = (n: number) => (loc ? round((n * 1000) / loc, 2) : 0);
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  const per1kLoc = {
    deviceAccess: perK(sum(da)),
    busApis: perK(sum(ba)),
    ...(Object.fromEntries(Object.entries(ka).map(([k, v]) => [k, perK(v)])) as Record<
      KernelApiCategory,
      number
    >),
  };
  const chipsets = deviceIdTables.reduce((m, t) => Math.max(m, t.entries), 0);
  entries.sort((a, b) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : a.function < b.function
          ? -1
          : a.function > b.function
            ? 1
            : a.via < b.via
              ? -1
              : a.via > b.via
                ? 1
                : 0,
  );
  return {
    name: mod.name,
    path: relDir,
    files: mod.files.map(rel),
    fromMakefile: mod.fromMakefile,
    ...(mod.config ? { config: mod.config } : {}),
    lines: facts.reduce((s, f) => s + f.lines, 0),
    loc,
    functionCount: fns.length,
    class: cls.class,
    subclass: cls.subclass,
    classSource,
    classEvidence,
    bus: buses[0] ?? 'none',
    buses,
    entryPoints: entries,
    locByPurpose,
    moduleParams: [...new Set(moduleParams)].sort(),
    proc,
    sysfs,
    debugfs,
    ioctls,
    deviceIdTables,
    chipsets,
    multiChipset: chipsets > 1,
    powerManagement: pmHooks > 0 || entries.some((e) => e.purpose === 'pm'),
    computationLoops,
    significantComputation: computationLoops.length > 0,
    interruptHandlers: [...interruptHandlers].sort(),
    threads,
    interactions: { deviceAccess: da, busApis: ba, kernel: ka },
    per1kLoc,
    parseFailures: failures.map((f) => ({ file: rel(f.file), message: f.message })),
    chars: facts.reduce((s, f) => s + f.chars, 0),
    errorChars: facts.reduce((s, f) => s + f.errorChars, 0),
  };
}

/** Device-ID table type → bus, for drivers whose driver structure we do not see. */
const ID_TABLE_BUS: Readonly<Record<string, string>> = {
  pci_device_id: 'PCI',
  usb_device_id: 'USB',
  i2c_device_id: 'I2C',
  spi_device_id: 'SPI',
  of_device_id: 'OF/platform',
  acpi_device_id: 'ACPI',
  platform_device_id: 'platform',
  serio_device_id: 'serio',
  virtio_device_id: 'virtio',
  hid_device_id: 'HID',
  sdio_device_id: 'SDIO',
  pnp_device_id: 'PnP',
  pcmcia_device_id: 'PCMCIA',
  mdio_device_id: 'MDIO',
  hv_vmbus_device_id: 'hyperv',
  xenbus_device_id: 'xen',
};

/** A loop is computation when it has at least this many arithmetic/bitwise operators (docs/study.md). */
export const COMPUTATION_MIN_OPS = 4;

/** Listed buses first, then the other specific buses, the generic platform bus last. */
function busRank(b: string): number {
  const i = BUS_PRIORITY.indexOf(b);
  if (i >= 0) return i;
  return b === 'platform' || b === 'OF/platform' ? BUS_PRIORITY.length + 1 : BUS_PRIORITY.length;
}

/** Whether `name`, called in a loop of `fn`, was an indirect call (`ops->fn()`): treated as possible I/O. */
function isIndirectName(name: string, fn: FunctionFacts): boolean {
  return fn.calls.some((c) => c.name === name && !c.direct);
}
