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
import { prepareKernelC, matchParen } from '../c/preprocess.js';
import { unwrapDeclarator } from '../c/model.js';
import type { Node } from 'web-tree-sitter';

export interface CallFacts {
  /** Callee: the identifier for direct calls, the field name for `ops->fn(...)`. */
  name: string;
  direct: boolean;
  /** Identifier arguments by position (undefined where the argument is not a plain identifier). */
  args: (string | undefined)[];
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
export const MACRO_RE =
  /\b(module_init|module_exit|module_param\w*|\w*PM_OPS\w*|\w*DEVICE_ATTR\w*|DRIVER_ATTR\w*|CLASS_ATTR\w*|BUS_ATTR\w*|BIN_ATTR\w*|DEFINE_SHOW_ATTRIBUTE|DEFINE_SHOW_STORE_ATTRIBUTE|DEFINE_SEQ_ATTRIBUTE|DEFINE_SIMPLE_ATTRIBUTE\w*|DEFINE_DEBUGFS_ATTRIBUTE\w*|DEFINE_PROC_SHOW_ATTRIBUTE|module_\w+_driver|builtin_\w+_driver|module_driver|DECLARE_WORK|DECLARE_DELAYED_WORK|DECLARE_TASKLET\w*|DEFINE_TIMER|\w*_initcall|ATTRIBUTE_GROUPS)\s*\(/g;

/** Split a macro's argument text at top-level commas. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const tail = text.slice(start).trim();
  if (tail || out.length) out.push(tail);
  return out;
}

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

const DIRECTIVE_RE = /^[ \t]*#(?:[^\n]*\\\r?\n)*[^\n]*/gm;
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

function macrosOf(withDirectives: string): MacroFacts[] {
  const out: MacroFacts[] = [];
  const stripped = withDirectives.replace(DIRECTIVE_RE, (d) => d.replace(/[^\n]/g, ' '));
  let starts: number[] | undefined;
  for (const m of stripped.matchAll(MACRO_RE)) {
    // Skip the macro's own #define.
    const lineStart = stripped.lastIndexOf('\n', m.index) + 1;
    if (/^\s*#/.test(stripped.slice(lineStart, m.index))) continue;
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

const OPS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '&',
  '|',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '^=',
  '&=',
  '|=',
  '<<=',
  '>>=',
]);
const LOOPS = new Set(['for_statement', 'while_statement', 'do_statement']);
const SKIP_TOP = new Set([
  'preproc_def',
  'preproc_function_def',
  'comment',
  'string_literal',
  'preproc_include',
]);
const IDENT_RE = /\b[A-Za-z_]\w*\b/g;

interface Frame {
  type: string;
  start: number;
  descend: boolean;
  /** Named children seen so far (argument positions, call function child). */
  kids: number;
  call?: CallFacts;
  loop?: LoopFacts & { callSet: Set<string> };
  sawOp?: boolean;
  isFn?: boolean;
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
    const c = tree.walk();
    const stack: Frame[] = [];
    let fn: FunctionFacts | undefined;
    const loops: (LoopFacts & { callSet: Set<string> })[] = [];

    const enter = (): Frame => {
      const type = c.nodeType;
      const parent = stack[stack.length - 1];
      const frame: Frame = { type, start: 0, descend: true, kids: 0 };
      if (parent && c.nodeIsNamed && type !== 'comment') parent.kids++;
      if (type === 'ERROR') errorChars += c.endIndex - c.startIndex;
      if (!fn) {
        if (type === 'function_definition') {
          const node = c.currentNode;
          const u = unwrapDeclarator(node.childForFieldName('declarator'));
          if (!u?.fn || !node.childForFieldName('body')) {
            frame.descend = false;
            return frame;
          }
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
          functions.push(fn);
          frame.isFn = true;
        } else if (type === 'declaration') {
          declarationInitializers(c.currentNode, initializers);
          frame.descend = false;
        } else if (SKIP_TOP.has(type)) {
          frame.descend = false;
        }
        return frame;
      }
      switch (type) {
        case 'call_expression': {
          frame.call = { name: '', direct: false, args: [], line: c.startPosition.row + 1 };
          fn.calls.push(frame.call);
          break;
        }
        case 'identifier': {
          if (!parent) break;
          if (parent.type === 'call_expression' && parent.kids === 1 && parent.call) {
            const name = text.slice(c.startIndex, c.endIndex);
            parent.call.name = name;
            parent.call.direct = true;
            for (const l of loops) l.callSet.add(name);
          } else if (parent.type === 'argument_list') {
            const call = stack[stack.length - 2]?.call;
            if (call) call.args[parent.kids - 1] = text.slice(c.startIndex, c.endIndex);
          } else if (
            parent.type === 'pointer_expression' &&
            stack[stack.length - 2]?.type === 'argument_list'
          ) {
            // `&foo_fops` as an argument
            const list = stack[stack.length - 2]!;
            const call = stack[stack.length - 3]?.call;
            if (call) call.args[list.kids - 1] = '&' + text.slice(c.startIndex, c.endIndex);
          } else if (parent.type === 'assignment_expression' && parent.sawOp) {
            const left = text.slice(parent.start, c.startIndex);
            const m = /(?:\.|->)\s*(\w+)\s*=\s*$/.exec(left);
            if (m) fn.fieldAssigns.push([m[1]!, text.slice(c.startIndex, c.endIndex)]);
          }
          break;
        }
        case 'field_identifier': {
          // `ops->fn(...)`: the field names an indirect call.
          const gp = stack[stack.length - 2];
          if (parent?.type === 'field_expression' && gp?.call && gp.kids === 1 && !gp.call.name) {
            const name = text.slice(c.startIndex, c.endIndex);
            gp.call.name = name;
            for (const l of loops) l.callSet.add(name);
          }
          break;
        }
        case 'assignment_expression':
          frame.start = c.startIndex;
          break;
        case 'subscript_expression':
          if (loops.length) loops[loops.length - 1]!.mem++;
          break;
        case 'case_statement':
          fn.cases++;
          break;
        case 'string_literal':
        case 'comment':
          frame.descend = false;
          break;
        default:
          if (LOOPS.has(type)) {
            frame.loop = { line: c.startPosition.row + 1, ops: 0, mem: 0, calls: [], callSet: new Set() };
            loops.push(frame.loop);
          } else if (parent && !c.nodeIsNamed) {
            if (parent.type === 'assignment_expression') {
              parent.sawOp = true;
              if (type !== '=' && loops.length && OPS.has(type)) loops[loops.length - 1]!.ops++;
            } else if (loops.length) {
              if (parent.type === 'binary_expression' && OPS.has(type)) loops[loops.length - 1]!.ops++;
              else if (parent.type === 'pointer_expression' && type === '*') loops[loops.length - 1]!.mem++;
            }
          }
      }
      return frame;
    };

    const exit = (f: Frame): void => {
      if (f.isFn) fn = undefined;
      else if (f.loop && fn) {
        loops.pop();
        const l = f.loop;
        const outer = loops[loops.length - 1];
        if (outer) {
          outer.ops += l.ops;
          outer.mem += l.mem;
        }
        fn.loops.push({ line: l.line, ops: l.ops, mem: l.mem, calls: [...l.callSet].sort() });
      }
    };

    let cur = enter();
    for (;;) {
      if (cur.descend && c.gotoFirstChild()) {
        stack.push(cur);
        cur = enter();
        continue;
      }
      exit(cur);
      let done = false;
      while (!c.gotoNextSibling()) {
        if (stack.length === 0 || !c.gotoParent()) {
          done = true;
          break;
        }
        cur = stack.pop()!;
        exit(cur);
      }
      if (done || stack.length === 0) break;
      cur = enter();
    }
    c.delete();
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
