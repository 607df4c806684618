/**
 * The source model the analyses share: per file, its functions (name, linkage, parameters,
 * locals, calls), global variables and struct initialisers, read off the tree-sitter tree.
 * The model keeps tree-sitter nodes: it is valid until the file's tree is disposed.
 */
import { Query } from 'web-tree-sitter';
import { typeOf, type Node, type ParsedFile } from './parser.js';

export interface CVariable {
  name: string;
  /** Type text as written, without the declarator (e.g. "u8", "struct foo", "unsigned int"). */
  type: string;
  /** Number of `*` in the declarator. */
  pointerDepth: number;
  /** Array dimensions; undefined entries are unknown sizes (`int a[]`, `a[N]` with N unresolved). */
  arrayDims: (number | undefined)[];
  /** Width of a bit-field member (`u32 qid : 2`). */
  bitWidth?: number;
  node: Node;
}

export interface CCall {
  /** Callee name for direct calls (`foo(...)`), or the text of a field for `ops->foo(...)`. */
  name: string;
  direct: boolean;
  node: Node;
  args: Node[];
}

export interface CFunction {
  name: string;
  file: string;
  isStatic: boolean;
  /** Return type text; `void` functions return nothing. */
  returnType: string;
  returnsPointer: boolean;
  params: CVariable[];
  locals: Map<string, CVariable>;
  calls: CCall[];
  node: Node;
  body: Node;
  /** The body's nodes of the {@link INDEXED_TYPES}, by type. */
  index: NodeIndex;
  /** First and last line (1-based, original text). */
  startLine: number;
  endLine: number;
}

/** A designated or positional initialiser of a struct variable: `static struct pci_driver x = { .probe = f }`. */
export interface CInitializer {
  variable: string;
  /** The struct type name, e.g. "pci_driver" (empty when not a struct). */
  structType: string;
  isArray: boolean;
  /** Designated fields with their value text, flattened with dots: `driver.pm` → "&foo_pm_ops". */
  fields: { path: string; value: string; node: Node }[];
  node: Node;
  line: number;
}

export interface FileModel {
  file: string;
  functions: CFunction[];
  globals: Map<string, CVariable>;
  initializers: CInitializer[];
  /** #define NAME <integer> in the file: used to size arrays declared with a macro. */
  constants: Map<string, number>;
  /** `struct tag { ... }` members declared in this file: tag → member → variable. */
  structs: Map<string, Map<string, CVariable>>;
}

const INT_RE = /^\s*\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?\s*$/;

/** The value of an integer literal or simple constant expression, when we can tell. */
export function evalConstant(text: string, constants?: Map<string, number>): number | undefined {
  const t = text.trim();
  const m = INT_RE.exec(t);
  if (m) return Number(m[1]);
  if (/^[A-Za-z_]\w*$/.test(t)) return constants?.get(t);
  const shift = /^\(?\s*(\w+)\s*<<\s*(\w+)\s*\)?$/.exec(t);
  if (shift) {
    const a = evalConstant(shift[1]!, constants);
    const b = evalConstant(shift[2]!, constants);
    if (a !== undefined && b !== undefined && b < 31) return a << b;
  }
  const genmask = /^GENMASK(?:_ULL)?\s*\(\s*(\w+)\s*,\s*(\w+)\s*\)$/.exec(t);
  if (genmask) {
    const h = evalConstant(genmask[1]!, constants);
    const l = evalConstant(genmask[2]!, constants);
    if (h !== undefined && l !== undefined && h < 31 && l <= h) return 2 ** (h + 1) - 2 ** l;
  }
  const bit = /^BIT\s*\(\s*(\w+)\s*\)$/.exec(t);
  if (bit) {
    const b = evalConstant(bit[1]!, constants);
    if (b !== undefined && b < 31) return 1 << b;
  }
  const arith = /^\(?\s*(\w+)\s*([-+*/|])\s*(\w+)\s*\)?$/.exec(t);
  if (arith) {
    const a = evalConstant(arith[1]!, constants);
    const b = evalConstant(arith[3]!, constants);
    if (a !== undefined && b !== undefined) {
      if (arith[2] === '/') return b !== 0 ? Math.trunc(a / b) : undefined;
      if (arith[2] === '|') return a >= 0 && b >= 0 && a < 2 ** 31 && b < 2 ** 31 ? a | b : undefined;
      return arith[2] === '+' ? a + b : arith[2] === '-' ? a - b : a * b;
    }
  }
  return undefined;
}

/** Walk a declarator down to its identifier, collecting pointer depth and array dimensions. */
export function unwrapDeclarator(
  decl: Node | null,
  constants?: Map<string, number>,
): { name: string; pointerDepth: number; arrayDims: (number | undefined)[]; fn?: Node } | undefined {
  let pointerDepth = 0;
  const arrayDims: (number | undefined)[] = [];
  let fn: Node | undefined;
  let n = decl;
  while (n) {
    switch (n.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return { name: n.text, pointerDepth, arrayDims, fn };
      case 'pointer_declarator':
        pointerDepth++;
        n = n.childForFieldName('declarator');
        break;
      case 'array_declarator': {
        const size = n.childForFieldName('size');
        // The outermost declarator is the last dimension: `a[8][2]` is walked 2, then 8.
        arrayDims.unshift(size ? evalConstant(size.text, constants) : undefined);
        n = n.childForFieldName('declarator');
        break;
      }
      case 'function_declarator':
        fn ??= n;
        n = n.childForFieldName('declarator');
        break;
      case 'parenthesized_declarator':
      case 'attributed_declarator':
        n = n.namedChild(0);
        break;
      case 'init_declarator':
        n = n.childForFieldName('declarator');
        break;
      default:
        return undefined;
    }
  }
  return undefined;
}

function typeText(declaration: Node): string {
  const t = declaration.childForFieldName('type');
  if (!t) return '';
  const quals = declaration.namedChildren
    .filter((c) => c && (c.type === 'type_qualifier' || c.type === 'sized_type_specifier'))
    .map((c) => c!.text);
  return [...quals.filter((q) => q !== t.text), t.text].join(' ').replace(/\s+/g, ' ');
}

function variablesOf(declaration: Node, constants: Map<string, number>): CVariable[] {
  const type = typeText(declaration);
  const out: CVariable[] = [];
  for (const d of declaration.childrenForFieldName('declarator')) {
    if (!d) continue;
    const u = unwrapDeclarator(d, constants);
    if (!u || u.fn) continue;
    // `static const T table[] = { a, b, c };`: the size is the number of initialisers.
    if (u.arrayDims.length && u.arrayDims[0] === undefined && d.type === 'init_declarator') {
      const v = d.childForFieldName('value');
      if (v?.type === 'initializer_list' && !v.namedChildren.some((c) => c?.type === 'initializer_pair'))
        u.arrayDims[0] = v.namedChildren.filter((c) => c && c.type !== 'comment').length;
    }
    out.push({ name: u.name, type, pointerDepth: u.pointerDepth, arrayDims: u.arrayDims, node: d });
  }
  const bits = declaration.namedChildren.find((c) => c?.type === 'bitfield_clause');
  if (bits && out.length === 1) {
    const w = evalConstant(bits.text.replace(/^:/, ''), constants);
    if (w !== undefined) out[0]!.bitWidth = w;
  }
  return out;
}

/**
 * Descendants of `root` (itself included) of the given types, in document order, not entering
 * `stopAt` types. Walks with a cursor and materialises only matching nodes: node objects are the
 * expensive part of web-tree-sitter.
 */
export function descendants(root: Node, types: ReadonlySet<string>, stopAt?: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const cursor = root.walk();
  let depth = 0;
  for (;;) {
    const t = cursor.nodeType;
    if (types.has(t)) out.push(cursor.currentNode);
    const enter = !(depth > 0 && stopAt?.has(t));
    if (enter && cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    for (;;) {
      if (depth === 0) {
        cursor.delete();
        return out;
      }
      if (cursor.gotoNextSibling()) break;
      cursor.gotoParent();
      depth--;
    }
  }
}

/** {@link descendants} with each node's type and its parent's type (both known to the walk). */
function descendantsTyped(
  root: Node,
  types: ReadonlySet<string>,
  stopAt?: ReadonlySet<string>,
): { node: Node; type: string; parentType: string | undefined }[] {
  const out: { node: Node; type: string; parentType: string | undefined }[] = [];
  const cursor = root.walk();
  const path: string[] = [];
  for (;;) {
    const t = cursor.nodeType;
    if (types.has(t)) out.push({ node: cursor.currentNode, type: t, parentType: path[path.length - 1] });
    const enter = !(path.length > 0 && stopAt?.has(t));
    if (enter && cursor.gotoFirstChild()) {
      path.push(t);
      continue;
    }
    for (;;) {
      if (path.length === 0) {
        cursor.delete();
        return out;
      }
      if (cursor.gotoNextSibling()) break;
      cursor.gotoParent();
      path.pop();
    }
  }
}

/**
 * A function's nodes by type, in document order (checks ask it many questions). Calls are
 * collected for every function up front (the call graph needs them); the other
 * {@link INDEXED_TYPES} on first use, from one query over the function, since only functions
 * that see device data are asked; any other type from a query over `root` (the body).
 */
export class NodeIndex {
  private readonly byType = new Map<string, Node[]>();
  constructor(
    /** The function definition: its nodes of the indexed types are those starting inside it. */
    private readonly fn?: Node,
    private readonly root?: Node,
  ) {
    this.byType.set('call_expression', []);
  }
  add(type: string, n: Node): void {
    this.byType.get(type)?.push(n);
  }
  of(type: string): Node[] {
    let l = this.byType.get(type);
    if (l) return l;
    if ((LAZY_INDEXED.has(type) || LAZY_BODY.has(type)) && this.fn && this.root) {
      // All of them from one walk of the function in wasm (`descendantsOfType` is a plain cursor
      // walk there, several times cheaper than a query), then one type lookup per node found.
      const fn = this.fn;
      for (const t of LAZY_TYPES) this.byType.set(t, []);
      const bodyStart = this.root.startIndex;
      const bodyEnd = this.root.endIndex;
      for (const n of fn.descendantsOfType(LAZY_TYPES)) {
        const t = typeOf(n);
        const at = n.startIndex;
        if (!LAZY_BODY.has(t) || (at >= bodyStart && at < bodyEnd)) this.byType.get(t)!.push(n);
      }
      return this.byType.get(type)!;
    }
    if (!this.root) throw new Error(`NodeIndex: type '${type}' was not indexed`);
    let q = typeQueries.get(type);
    if (!q) {
      q = new Query(this.root.tree.language, `(${type}) @n`);
      typeQueries.set(type, q);
    }
    l = q.captures(this.root).map((c) => c.node);
    this.byType.set(type, l);
    return l;
  }
}

export const INDEXED_TYPES = [
  'call_expression',
  'subscript_expression',
  'if_statement',
  'labeled_statement',
  'declaration',
  'break_statement',
  'return_statement',
  'goto_statement',
  'assignment_expression',
  'init_declarator',
  'update_expression',
] as const;

const LAZY_INDEXED: ReadonlySet<string> = new Set(INDEXED_TYPES.filter((t) => t !== 'call_expression'));
/** Other types the checks ask of every function that sees device data: found with the indexed ones. */
const LAZY_BODY: ReadonlySet<string> = new Set(['field_expression', 'pointer_expression']);
const LAZY_TYPES = [...LAZY_INDEXED, ...LAZY_BODY];
const typeQueries = new Map<string, Query>();

/** All calls in a file, from one walk in wasm (far cheaper than a walk from JavaScript). */
function callNodes(root: Node): Node[] {
  return root.descendantsOfType('call_expression');
}

const CALL = new Set(['call_expression']);

/** A call whose text starts with its callee's name: `name (`. */
const NAMED_CALL = /([A-Za-z_]\w*)\s*\(/y;

/**
 * The calls under `root`. `text` is what the tree was parsed from: a call that starts `name(` is
 * named from it without asking wasm for the callee node, its type and its text (calls are the
 * model's most numerous nodes). A call sharing its start with another (`f(x)(y)`) is read from the tree.
 */
export function callsIn(root: Node, index?: NodeIndex, text?: string): CCall[] {
  const nodes = index ? index.of('call_expression') : descendants(root, CALL);
  const starts = new Set<number>();
  const shared = new Set<number>();
  for (const n of nodes) (starts.has(n.startIndex) ? shared : starts).add(n.startIndex);
  return nodes.map((node) => {
    let name: string;
    let type: string | undefined;
    const at = node.startIndex;
    NAMED_CALL.lastIndex = at;
    const m = text !== undefined && !shared.has(at) ? NAMED_CALL.exec(text) : null;
    if (m) {
      name = m[1]!;
      type = 'identifier';
    } else {
      const f = node.childForFieldName('function');
      type = f?.type;
      name =
        type === 'identifier'
          ? f!.text
          : type === 'field_expression'
            ? (f!.childForFieldName('field')?.text ?? f!.text)
            : (f?.text ?? '');
    }
    // Arguments on first use: the call graph needs only names, for every call of the file.
    let args: Node[] | undefined;
    return {
      name,
      direct: type === 'identifier',
      node,
      get args() {
        return (args ??=
          node
            .childForFieldName('arguments')
            ?.namedChildren.filter((a): a is Node => !!a && a.type !== 'comment') ?? []);
      },
    };
  });
}

function functionOf(
  node: Node,
  file: ParsedFile,
  constants: Map<string, number>,
  index: NodeIndex,
): CFunction | undefined {
  const body = node.childForFieldName('body');
  const u = unwrapDeclarator(node.childForFieldName('declarator'), constants);
  if (!body || !u?.fn) return undefined;
  const storage = node.namedChildren.filter((c) => c?.type === 'storage_class_specifier').map((c) => c!.text);
  const fnDeclarator = u.fn;
  // Parameters, locals, the return type and the line span on first use: most functions of a
  // parsed file never see device data, and each of these costs calls into wasm.
  let allParams: CVariable[] | undefined;
  const paramsOf = () => {
    if (!allParams) {
      allParams = [];
      const plist = fnDeclarator.childForFieldName('parameters');
      for (const p of plist?.namedChildren ?? []) {
        if (!p || p.type !== 'parameter_declaration') continue;
        const d = p.childForFieldName('declarator');
        const pu = d ? unwrapDeclarator(d, constants) : undefined;
        allParams.push({
          name: pu?.name ?? '',
          type: typeText(p),
          pointerDepth: pu?.pointerDepth ?? 0,
          arrayDims: pu?.arrayDims ?? [],
          node: p,
        });
      }
    }
    return allParams;
  };
  let params: CVariable[] | undefined;
  let locals: Map<string, CVariable> | undefined;
  const localsOf = () => {
    if (!locals) {
      locals = new Map();
      for (const p of paramsOf()) if (p.name) locals.set(p.name, p);
      for (const d of index.of('declaration'))
        for (const v of variablesOf(d, constants)) locals.set(v.name, v);
    }
    return locals;
  };
  let returnType: string | undefined;
  let startLine: number | undefined;
  let endLine: number | undefined;
  return {
    name: u.name,
    file: file.path,
    isStatic: storage.includes('static'),
    get returnType() {
      return (returnType ??= typeText(node));
    },
    returnsPointer: u.pointerDepth > 0,
    get params() {
      return (params ??= paramsOf().filter((p) => p.type !== 'void' || p.pointerDepth > 0));
    },
    get locals() {
      return localsOf();
    },
    calls: callsIn(body, index, file.prepared),
    node,
    body,
    index,
    get startLine() {
      return (startLine ??= file.pos(node).line);
    },
    get endLine() {
      return (endLine ??= file.endPos(node).line);
    },
  };
}

function initializerFields(list: Node, prefix: string, out: CInitializer['fields']): void {
  for (const item of list.namedChildren) {
    if (!item) continue;
    if (item.type === 'initializer_pair') {
      const designators = item.childrenForFieldName('designator').filter((d): d is Node => !!d);
      const path = designators
        .map((d) => (d.type === 'field_designator' ? d.text.replace(/^\./, '') : d.text))
        .join('.');
      const full = prefix ? `${prefix}.${path}` : path;
      const value = item.childForFieldName('value');
      if (!value) continue;
      if (value.type === 'initializer_list') initializerFields(value, full, out);
      else out.push({ path: full, value: value.text, node: value });
    } else if (item.type === 'initializer_list') {
      initializerFields(item, prefix, out);
    }
  }
}

/**
 * Not entered by the walk over the top level: function bodies are indexed on their own, and a
 * table's initialisers or an enum's values hold no declaration (a driver's tables are most of its
 * top-level nodes, and each visit is a call into wasm).
 */
const TOP_SKIP = new Set(['function_definition', 'initializer_list', 'enumerator_list']);
const TOP = new Set([
  'function_definition',
  'declaration',
  'preproc_def',
  'struct_specifier',
  'type_definition',
]);

export function buildFileModel(file: ParsedFile): FileModel {
  const root = file.tree.rootNode;
  const constants = new Map<string, number>();
  const globals = new Map<string, CVariable>();
  const functions: CFunction[] = [];
  const structs = new Map<string, Map<string, CVariable>>();
  const tops = descendantsTyped(root, TOP, TOP_SKIP);
  // Constants first: array sizes may use macros defined anywhere above.
  for (const { node: n, type } of tops) {
    if (type !== 'preproc_def') continue;
    const name = n.childForFieldName('name')?.text;
    const value = n.childForFieldName('value')?.text;
    if (name && value) {
      const v = evalConstant(value.replace(/\/\*.*?\*\//g, ''), constants);
      if (v !== undefined) constants.set(name, v);
    }
  }
  // Bucket the indexed nodes by function (both lists are in document order).
  const fnNodes = tops.filter((t) => t.type === 'function_definition').map((t) => t.node);
  const indexes = fnNodes.map((f) => new NodeIndex(f, f.childForFieldName('body') ?? f));
  const fnEnds = fnNodes.map((f) => f.endIndex);
  let fi = 0;
  for (const node of callNodes(root)) {
    while (fi < fnNodes.length && fnEnds[fi]! <= node.startIndex) fi++;
    if (fi >= fnNodes.length) break;
    if (node.startIndex >= fnNodes[fi]!.startIndex) indexes[fi]!.add('call_expression', node);
  }
  let fnNo = 0;
  const declarations: Node[] = [];
  for (const { node: n, type, parentType } of tops) {
    if (type === 'function_definition') {
      const f = functionOf(n, file, constants, indexes[fnNo++]!);
      if (f) functions.push(f);
    } else if (type === 'struct_specifier') {
      const tag = n.childForFieldName('name')?.text;
      const body = n.childForFieldName('body');
      if (!tag || !body) continue;
      const members = new Map<string, CVariable>();
      for (const field of body.namedChildren) {
        if (field?.type !== 'field_declaration') continue;
        for (const v of variablesOf(field, constants)) members.set(v.name, v);
      }
      structs.set(tag, members);
    } else if (type === 'declaration' && parentType !== 'compound_statement') {
      for (const v of variablesOf(n, constants)) globals.set(v.name, v);
      declarations.push(n);
    }
  }
  // Initialisers on first use: the check never asks, and a driver's tables are most of its nodes.
  let initializers: CInitializer[] | undefined;
  return {
    file: file.path,
    functions,
    globals,
    get initializers() {
      return (initializers ??= initializersOf(declarations, file, constants));
    },
    constants,
    structs,
  };
}

function initializersOf(declarations: readonly Node[], file: ParsedFile, constants: Map<string, number>) {
  const out: CInitializer[] = [];
  for (const n of declarations) {
    const structType = /\bstruct\s+(\w+)/.exec(typeText(n))?.[1] ?? '';
    for (const d of n.childrenForFieldName('declarator')) {
      if (d?.type !== 'init_declarator') continue;
      const value = d.childForFieldName('value');
      if (value?.type !== 'initializer_list') continue;
      const u = unwrapDeclarator(d, constants);
      const fields: CInitializer['fields'] = [];
      initializerFields(value, '', fields);
      out.push({
        variable: u?.name ?? '',
        structType,
        isArray: (u?.arrayDims.length ?? 0) > 0,
        fields,
        node: d,
        line: file.pos(d).line,
      });
    }
  }
  return out;
}
