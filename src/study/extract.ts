/**
 * Per-file facts for the driver study, read in ONE pass of a tree-sitter cursor over the file
 * (no Node objects inside function bodies: the study must get through all of drivers/ + sound/
 * in minutes, and the general-purpose model in src/c/model.ts walks each body three times).
 *
 * What we keep per function: its calls (callee name + identifier arguments by position), the
 * functions it stores into fields (`dev->irq_handler = foo`), its loops with their arithmetic
 * and memory-access counts, and its `case` labels. Per file: struct initialisers (fields
 * flattened to paths, element counts for tables), top-level kernel macros (`module_init`,
 * `DEVICE_ATTR_RW`, `SIMPLE_DEV_PM_OPS`, ...) and lines of code.
 */
import { getParser } from '../c/parser.js';
import { matchParen, prepareKernelC, splitArgs } from '../c/preprocess.js';

export { splitArgs };
import { unwrapDeclarator } from '../c/model.js';
import { Query, type Language, type Node } from 'web-tree-sitter';

export interface CallFacts {
  /** Callee: the identifier for direct calls, the field name for `ops->fn(...)`. */
  name: string;
  direct: boolean;
  /** Arguments that are plain identifiers or `&identifier`, in order (other arguments are left out). */
  args: string[];
  line: number;
}

export interface LoopFacts {
  line: number;
  /** Arithmetic/bitwise binary operators and compound assignments in the loop (nested loops included). */
  ops: number;
  /** Array subscripts and pointer dereferences in the loop. */
  mem: number;
  /** Names of everything called in the loop (its condition included). */
  calls: string[];
}

export interface FunctionFacts {
  name: string;
  file: string;
  isStatic: boolean;
  startLine: number;
  endLine: number;
  /** Lines of code: non-blank, non-comment lines of the definition. */
  loc: number;
  calls: CallFacts[];
  /** `x->field = fn` / `x.field = fn`: [field, identifier]. */
  fieldAssigns: [string, string][];
  loops: LoopFacts[];
  /** `case` labels in the body (for ioctl entry points: the commands it handles). */
  cases: number;
}

export interface InitializerFacts {
  variable: string;
  /** Struct tag (`pci_driver`), or '' when the variable is not of a struct type. */
  structType: string;
  isArray: boolean;
  /** Designated fields flattened with dots, values as text (`driver.pm` → `&foo_pm_ops`). */
  fields: { path: string; value: string }[];
  /** Top-level elements of an array initialiser, without terminators (`{}`, `{ 0 }`, `{ /* end *\/ }`). */
  entries: number;
  /** Identifiers anywhere in the initialiser (candidate function references). */
  refs: string[];
  line: number;
}

export interface MacroFacts {
  name: string;
  /** Arguments as trimmed text. */
  args: string[];
  line: number;
}

/** A function-like `#define NAME(args) body`: the names its body calls. */
export interface DefineFacts {
  name: string;
  calls: string[];
}

export interface FileFacts {
  file: string;
  /** Function-like macros defined in the file. */
  defines: DefineFacts[];
  /** Upper-case macros invoked at the start of a line outside functions, with their first argument. */
  topMacros: { name: string; arg: string }[];
  lines: number;
  /** Characters of the source. */
  chars: number;
  loc: number;
  functions: FunctionFacts[];
  initializers: InitializerFacts[];
  macros: MacroFacts[];
  /** Characters inside tree-sitter ERROR nodes (a parse-quality measure). */
  errorChars: number;
}

/**
 * Comments replaced by spaces (newlines kept), strings and character literals left intact.
 * Returns the text and, per line, whether it holds code.
 */
export function stripComments(src: string): { text: string; codeLine: Uint8Array } {
  const out: string[] = [];
  let last = 0;
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 34 || ch === 39) {
      // string or char literal
      for (i++; i < n; i++) {
        const d = src.charCodeAt(i);
        if (d === 92) i++;
        else if (d === ch || d === 10) break;
      }
    } else if (ch === 47 && i + 1 < n) {
      const nx = src.charCodeAt(i + 1);
      if (nx === 42 || nx === 47) {
        let end: number;
        if (nx === 42) {
          end = src.indexOf('*/', i + 2);
          end = end < 0 ? n : end + 2;
        } else {
          end = src.indexOf('\n', i + 2);
          if (end < 0) end = n;
        }
        out.push(src.slice(last, i), src.slice(i, end).replace(/[^\n]/g, ' '));
        last = end;
        i = end - 1;
      }
    }
  }
  out.push(src.slice(last));
  const text = out.join('');
  const lines = text.split('\n');
  const codeLine = new Uint8Array(lines.length + 1);
  for (let i = 0; i < lines.length; i++) if (/\S/.test(lines[i]!)) codeLine[i] = 1;
  return { text, codeLine };
}

/** Top-level kernel macros whose arguments name entry points, parameters or interfaces. */
export const MACRO_NAME_RE =
  /^(?:module_init|module_exit|module_param\w*|\w*PM_OPS\w*|\w*DEVICE_ATTR\w*|DRIVER_ATTR\w*|CLASS_ATTR\w*|BUS_ATTR\w*|BIN_ATTR\w*|DEFINE_SHOW_ATTRIBUTE|DEFINE_SHOW_STORE_ATTRIBUTE|DEFINE_SEQ_ATTRIBUTE|DEFINE_SIMPLE_ATTRIBUTE\w*|DEFINE_DEBUGFS_ATTRIBUTE\w*|DEFINE_PROC_SHOW_ATTRIBUTE|module_\w+_driver|builtin_\w+_driver|module_driver|DECLARE_WORK|DECLARE_DELAYED_WORK|DECLARE_TASKLET\w*|DEFINE_TIMER|\w*_initcall|ATTRIBUTE_GROUPS|EXPORT_SYMBOL\w*)$/;
/** A name followed by `(` at the start of a line (after `static`/`const`): where kernel macros stand. */
const LINE_CALL_RE = /^[ \t]*(?:static[ \t]+)?(?:const[ \t]+)?([A-Za-z_]\w*)[ \t]*\(/gm;

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

const DEFINE_RE = /^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)((?:[^\n]*\\\r?\n)*[^\n]*)/gm;
const CALL_RE = /\b([A-Za-z_]\w*)\s*\(/g;
const TOP_MACRO_RE = /^(?:static\s+)?([A-Z][A-Z0-9_]*)\s*\(\s*(\w*)/gm;

/** Function-like macro definitions in (comment-stripped) text, with the names their bodies call. */
export function definesOf(stripped: string): DefineFacts[] {
  const out: DefineFacts[] = [];
  for (const m of stripped.matchAll(DEFINE_RE)) {
    const calls = [...new Set([...m[3]!.matchAll(CALL_RE)].map((c) => c[1]!))].filter((c) => c !== m[1]);
    if (calls.length) out.push({ name: m[1]!, calls });
  }
  return out;
}

function macrosOf(stripped: string): MacroFacts[] {
  const out: MacroFacts[] = [];
  let starts: number[] | undefined;
  for (const m of stripped.matchAll(LINE_CALL_RE)) {
    if (!MACRO_NAME_RE.test(m[1]!)) continue;
    // Skip macro bodies: a line continuing a `#define` (the previous line ends with a backslash).
    let p = m.index - 1;
    if (p >= 0 && stripped.charCodeAt(p) === 10) p--;
    if (p >= 0 && stripped.charCodeAt(p) === 13) p--;
    if (p >= 0 && stripped.charCodeAt(p) === 92) continue;
    const open = m.index + m[0].length - 1;
    const close = matchParen(stripped, open);
    if (close < 0) continue;
    if (!starts) {
      starts = [0];
      for (let i = stripped.indexOf('\n'); i >= 0; i = stripped.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    out.push({
      name: m[1]!,
      args: splitArgs(stripped.slice(open + 1, close)),
      line: lineAt(starts, m.index),
    });
  }
  return out;
}

/** What one query over the tree captures; everything the study reads inside functions. */
const QUERY_SOURCE = `
(function_definition) @fn
(call_expression) @call
(argument_list (identifier) @arg)
(argument_list (pointer_expression operator: "&" argument: (identifier) @addr))
(assignment_expression left: (field_expression field: (field_identifier) @afield) right: (identifier) @avalue)
[(for_statement) (while_statement) (do_statement)] @loop
(binary_expression operator: ["+" "-" "*" "/" "%" "^" "&" "|" "<<" ">>"] @op)
(assignment_expression operator: ["+=" "-=" "*=" "/=" "%=" "^=" "&=" "|=" "<<=" ">>="] @op)
(subscript_expression) @mem
(pointer_expression operator: "*") @mem
(case_statement) @case
(declaration declarator: (init_declarator value: (initializer_list))) @decl
(ERROR) @error
`;
const IDENT_RE = /\b[A-Za-z_]\w*\b/g;
const IDENT_ONLY = /^[A-Za-z_]\w*$/;
const FIELD_TAIL = /^[A-Za-z_][\w\s.>[\]-]*(?:->|\.)\s*([A-Za-z_]\w*)$/;

let queryCache: { lang: Language; query: Query } | undefined;
function studyQuery(lang: Language): Query {
  if (queryCache?.lang !== lang) queryCache = { lang, query: new Query(lang, QUERY_SOURCE) };
  return queryCache.query;
}

const TERMINATOR_JUNK = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|\.\w+\s*=|[{}\s,]|\b0\b|\bNULL\b|""/g;

/** Whether a table element is the all-zero terminator. */
export function isTerminator(text: string): boolean {
  return text.replace(TERMINATOR_JUNK, '') === '';
}

function flattenFields(
  list: Node,
  prefix: string,
  out: InitializerFacts['fields'],
  budget: { n: number },
): void {
  for (const item of list.namedChildren) {
    if (!item || --budget.n < 0) return;
    if (item.type === 'initializer_pair') {
      const path = item
        .childrenForFieldName('designator')
        .filter((d): d is Node => !!d)
        .map((d) => (d.type === 'field_designator' ? d.text.replace(/^\./, '').trim() : d.text))
        .join('.');
      const full = prefix ? `${prefix}.${path}` : path;
      const value = item.childForFieldName('value');
      if (!value) continue;
      if (value.type === 'initializer_list') flattenFields(value, full, out, budget);
      else out.push({ path: full, value: value.text });
    } else if (item.type === 'initializer_list') {
      flattenFields(item, prefix, out, budget);
    }
  }
}

function declarationInitializers(decl: Node, out: InitializerFacts[]): void {
  let structType = '';
  const t = decl.childForFieldName('type');
  if (t && (t.type === 'struct_specifier' || t.type === 'union_specifier')) {
    structType = t.childForFieldName('name')?.text ?? '';
  }
  for (const d of decl.childrenForFieldName('declarator')) {
    if (d?.type !== 'init_declarator') continue;
    const value = d.childForFieldName('value');
    if (value?.type !== 'initializer_list') continue;
    const u = unwrapDeclarator(d);
    const text = value.text;
    const fields: InitializerFacts['fields'] = [];
    let entries = 0;
    const isArray = (u?.arrayDims.length ?? 0) > 0;
    if (structType && text.length < 200_000) flattenFields(value, '', fields, { n: 20_000 });
    if (isArray) {
      for (const item of value.namedChildren) {
        if (!item || item.type === 'comment') continue;
        if (!isTerminator(item.text)) entries++;
      }
    }
    const refs = text.length < 200_000 ? [...new Set(text.match(IDENT_RE) ?? [])] : [];
    out.push({
      variable: u?.name ?? '',
      structType,
      isArray,
      fields,
      entries,
      refs,
      line: d.startPosition.row + 1,
    });
  }
}

function finishLoop(l: LoopFacts & { callSet: Set<string> }): LoopFacts {
  return { line: l.line, ops: l.ops, mem: l.mem, calls: [...l.callSet].sort() };
}

/** Extract the study's facts from one file. Throws only if the parser itself fails. */
export async function extractFile(file: string, source: string): Promise<FileFacts> {
  const { text: stripped, codeLine } = stripComments(source);
  const prefix = new Uint32Array(codeLine.length + 1);
  for (let i = 0; i < codeLine.length; i++) prefix[i + 1] = prefix[i]! + codeLine[i]!;
  const locOf = (startRow: number, endRow: number) =>
    prefix[Math.min(endRow + 1, codeLine.length)]! - prefix[startRow]!;
  const prepared = prepareKernelC(source);
  const text = prepared.text;
  const parser = await getParser();
  const tree = parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const functions: FunctionFacts[] = [];
  const initializers: InitializerFacts[] = [];
  let errorChars = 0;
  try {
    // One query, run inside wasm, instead of a JavaScript walk over every node: captures come in
    // document order, and ranges tell which function, loop and call each one belongs to.
    const captures = studyQuery(parser.language!).captures(tree.rootNode);
    let fn: FunctionFacts | undefined;
    let fnEnd = -1;
    const openLoops: { end: number; loop: LoopFacts & { callSet: Set<string> } }[] = [];
    const openCalls: { start: number; end: number; call: CallFacts }[] = [];
    let errorEnd = -1;
    let pendingField: string | undefined;
    const textOf = (n: Node) => text.slice(n.startIndex, n.endIndex);
    for (const { name, node } of captures) {
      const at = node.startIndex;
      if (fn && at >= fnEnd) {
        for (const l of openLoops) fn.loops.push(finishLoop(l.loop));
        openLoops.length = 0;
        openCalls.length = 0;
        fn = undefined;
      }
      while (openLoops.length && openLoops[openLoops.length - 1]!.end <= at)
        fn!.loops.push(finishLoop(openLoops.pop()!.loop));
      while (openCalls.length && openCalls[openCalls.length - 1]!.end <= at) openCalls.pop();
      switch (name) {
        case 'error': {
          if (at < errorEnd) break;
          errorEnd = node.endIndex;
          errorChars += errorEnd - at;
          break;
        }
        case 'fn': {
          if (fn) break; // nested definitions (inside ERROR recovery) belong to the outer one
          const u = unwrapDeclarator(node.childForFieldName('declarator'));
          if (!u?.fn || !node.childForFieldName('body')) break;
          const isStatic = node.namedChildren.some(
            (k) => k?.type === 'storage_class_specifier' && k.text === 'static',
          );
          const startRow = node.startPosition.row;
          const endRow = node.endPosition.row;
          fn = {
            name: u.name,
            file,
            isStatic,
            startLine: startRow + 1,
            endLine: endRow + 1,
            loc: locOf(startRow, endRow),
            calls: [],
            fieldAssigns: [],
            loops: [],
            cases: 0,
          };
          fnEnd = node.endIndex;
          functions.push(fn);
          break;
        }
        case 'decl':
          if (!fn) declarationInitializers(node, initializers);
          break;
        default: {
          if (!fn) break;
          switch (name) {
            case 'call': {
              // The callee from the text before `(`: `foo(` is direct, `ops->foo(` indirect.
              const open = text.indexOf('(', at);
              const head = open < 0 ? '' : text.slice(at, open).trim();
              let cname = '';
              let direct = false;
              if (IDENT_ONLY.test(head)) {
                cname = head;
                direct = true;
              } else {
                cname = FIELD_TAIL.exec(head)?.[1] ?? '';
              }
              // `guard(mutex)(&m)`: the outer call's function is the inner call, it has no name.
              const outer = openCalls[openCalls.length - 1];
              if (outer && outer.start === at) {
                outer.call.name = '';
                outer.call.direct = false;
              }
              const call: CallFacts = { name: cname, direct, args: [], line: node.startPosition.row + 1 };
              fn.calls.push(call);
              openCalls.push({ start: at, end: node.endIndex, call });
              if (cname) for (const l of openLoops) l.loop.callSet.add(cname);
              break;
            }
            case 'arg':
            case 'addr': {
              const oc = openCalls[openCalls.length - 1];
              if (oc) oc.call.args.push(name === 'addr' ? `&${textOf(node)}` : textOf(node));
              break;
            }
            case 'afield':
              pendingField = textOf(node);
              break;
            case 'avalue':
              if (pendingField) fn.fieldAssigns.push([pendingField, textOf(node)]);
              pendingField = undefined;
              break;
            case 'loop':
              openLoops.push({
                end: node.endIndex,
                loop: { line: node.startPosition.row + 1, ops: 0, mem: 0, calls: [], callSet: new Set() },
              });
              break;
            case 'op':
              for (const l of openLoops) l.loop.ops++;
              break;
            case 'mem':
              for (const l of openLoops) l.loop.mem++;
              break;
            case 'case':
              fn.cases++;
              break;
          }
        }
      }
    }
    if (fn) for (const l of openLoops) fn.loops.push(finishLoop(l.loop));
  } finally {
    tree.delete();
  }
  let lines = 1;
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) lines++;
  if (source.endsWith('\n')) lines--;
  return {
    file,
    lines,
    chars: source.length,
    loc: prefix[codeLine.length]!,
    functions,
    initializers,
    macros: macrosOf(stripped),
    defines: definesOf(stripped),
    topMacros: [...stripped.matchAll(TOP_MACRO_RE)].map((m) => ({ name: m[1]!, arg: m[2]! })),
    errorChars,
  };
}
