/**
 * C parsing on web-tree-sitter + tree-sitter-c (wasm): as fast as the native binding on kernel C
 * with a third of its memory (shared/notes/parsing-kernel-c.md). Trees hold wasm memory and must
 * be released with {@link ParsedFile.dispose}.
 */
import { createRequire } from 'node:module';
import { Language, Parser, type Node, type Tree } from 'web-tree-sitter';
import { prepareKernelC, type OffsetMap } from './preprocess.js';

export type { Node } from 'web-tree-sitter';

let parserPromise: Promise<Parser> | undefined;

/** One parser per thread (tree-sitter parsers are not shareable across workers). */
export function getParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    await Parser.init();
    const require = createRequire(import.meta.url);
    const wasm = require.resolve('tree-sitter-c/tree-sitter-c.wasm');
    const lang = await Language.load(wasm);
    const parser = new Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return parserPromise;
}

/** Line starts of the original text, for 1-based line/column of original offsets. */
export class LineIndex {
  readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  get lineCount(): number {
    return this.starts.length;
  }
  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - s[lo]! + 1 };
  }
}

export interface ParsedFile {
  path: string;
  /** The file as the user has it. */
  source: string;
  /** The text tree-sitter parsed (the source after kernel-aware preparation): node offsets index it. */
  prepared: string;
  tree: Tree;
  map: OffsetMap;
  lines: LineIndex;
  /** Original-text position of a node's start. */
  pos(node: Node): { line: number; column: number; offset: number };
  /** Original-text position of a node's end. */
  endPos(node: Node): { line: number; column: number; offset: number };
  dispose(): void;
}

/** Parse a file; `timeoutMs` cancels a parse that runs away (a clear error, never a hang). */
export async function parseC(path: string, source: string, timeoutMs = 10_000): Promise<ParsedFile> {
  const parser = await getParser();
  const prepared = prepareKernelC(source);
  const deadline = Date.now() + timeoutMs;
  const tree = parser.parse(prepared.text, null, {
    progressCallback: (() => Date.now() > deadline) as unknown as (s: unknown) => void,
  });
  if (!tree) throw new Error(`parse cancelled after ${timeoutMs} ms`);
  const lines = new LineIndex(source);
  const map = prepared.map;
  const at = (offset: number) => {
    const o = map.toOriginal(offset);
    return { ...lines.position(o), offset: o };
  };
  return {
    path,
    source,
    prepared: prepared.text,
    tree,
    map,
    lines,
    pos: (n) => at(n.startIndex),
    endPos: (n) => at(n.endIndex),
    dispose: () => tree.delete(),
  };
}

/** What {@link memoByNode} stores for an undefined answer. */
const NONE = Symbol('none');

/**
 * A pure function of a node, remembered per tree: analyses ask the same questions of the same
 * nodes many times (a loop's statements once per dataflow round, every check query), and each
 * answer costs calls into wasm. Node ids are unique within a tree; entries go with the tree.
 */
export function memoByNode<T>(f: (n: Node) => T): (n: Node) => T {
  const byTree = new WeakMap<Tree, Map<number, T | typeof NONE>>();
  // The last tree asked about: nearly every question is about the same tree as the one before.
  let lastTree: Tree | undefined;
  let lastMap: Map<number, T | typeof NONE> | undefined;
  return (n) => {
    let m: Map<number, T | typeof NONE> | undefined;
    if (n.tree === lastTree) m = lastMap!;
    else {
      m = byTree.get(n.tree);
      if (!m) {
        m = new Map();
        byTree.set(n.tree, m);
      }
      lastTree = n.tree;
      lastMap = m;
    }
    const v = m.get(n.id);
    if (v === undefined) {
      const r = f(n);
      // An undefined answer is stored as NONE: one lookup answers it next time.
      m.set(n.id, r === undefined ? NONE : r);
      return r;
    }
    return (v === NONE ? undefined : v) as T;
  };
}

/** A node's type, remembered (each `type` is a call into wasm). */
export const typeOf = memoByNode((n: Node): string => n.type);

/**
 * A node's parent, remembered: `parent` in tree-sitter searches down from the root of the file,
 * and makes a new node object each time.
 */
export const parentOf = memoByNode((n: Node): Node | null => n.parent);

/** A node's end offset, remembered (`startIndex` is a field of the node, `endIndex` a call into wasm). */
export const endOf = memoByNode((n: Node): number => n.endIndex);

const fieldMemos = new Map<string, (n: Node) => Node | null>();

/** `n.childForFieldName(name)`, remembered: the same child object each time. */
export function fieldOf(n: Node, name: string): Node | null {
  let f = fieldMemos.get(name);
  if (!f) {
    f = memoByNode((x: Node) => x.childForFieldName(name));
    fieldMemos.set(name, f);
  }
  return f(n);
}

/**
 * The `operator` field's type (`->` or `.` of a member access, `*` or `&` of a pointer expression),
 * remembered: one call into wasm, where listing the children makes a node object for each.
 */
export const operatorFieldOf = memoByNode(
  (n: Node): string | undefined => n.childForFieldName('operator')?.type,
);

/** The type of a node's second child: the operator of a binary or assignment expression. */
export const operatorOf = memoByNode((n: Node): string | undefined => n.child(1)?.type);

/** Bytes (UTF-16 units) of the file inside top-most ERROR nodes, plus MISSING node count. */
export function errorExtent(root: Node): { errorBytes: number; missing: number } {
  let errorBytes = 0;
  let missing = 0;
  if (!root.hasError) return { errorBytes, missing };
  const cursor = root.walk();
  let descend = true;
  for (;;) {
    const n = cursor.currentNode;
    if (descend && n.type === 'ERROR') {
      errorBytes += n.endIndex - n.startIndex;
      descend = false;
    } else if (descend && n.isMissing) {
      missing++;
    }
    if (descend && n.hasError && cursor.gotoFirstChild()) continue;
    descend = true;
    if (cursor.gotoNextSibling()) continue;
    let up = false;
    while (cursor.gotoParent()) {
      if (cursor.gotoNextSibling()) {
        up = true;
        break;
      }
    }
    if (!up) break;
  }
  cursor.delete();
  return { errorBytes, missing };
}
