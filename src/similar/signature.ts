/**
 * Per-function similarity signatures.
 *
 * A function becomes a sequence of normalised tokens read off the tree-sitter tree: identifiers
 * become `ID` (or `K` when written in capitals, the kernel's convention for macros and register
 * names), numbers `NUM`, strings `STR`, field names `FLD`, typedef names `TY`; keywords, operators,
 * primitive types and the names of called kernel APIs are kept. Calls to the driver's own functions
 * (defined in the same file, or sharing the caller's or the file's name prefix) and macros keep
 * only what follows the driver prefix (`CALL:peer_find`), so a copy with its helpers renamed per
 * driver still matches while unrelated helpers do not. The sequence is cut into overlapping k-token
 * shingles; repeated shingles are numbered (a multiset), so a run of 40 register writes does not
 * look like a run of 4. A MinHash sketch (one-permutation hashing with densification: one hash per
 * shingle, not one per permutation) stands for the shingle set in locality-sensitive hashing; the
 * exact Jaccard similarity of the sorted shingle arrays scores the candidate pairs.
 */
import { basename } from 'node:path';
import { descendants, unwrapDeclarator } from '../c/model.js';
import { ANNOTATIONS, ANNOTATIONS_WITH_ARGS } from '../c/preprocess.js';
import { parseC, type Node, type ParsedFile } from '../c/parser.js';

export interface SignatureOptions {
  /** Shingle length in tokens. */
  k: number;
  /** MinHash sketch length (bins). */
  sketch: number;
  /** Seed of the shingle → bin hashing. */
  seed: number;
  /** Functions shorter than this many lines are boilerplate and get no signature. */
  minLines: number;
  /** Functions with fewer normalised tokens than this get no signature. */
  minTokens: number;
  /** Functions with fewer statements than this get no signature (getters, setters, stubs). */
  minStatements: number;
}

export const DEFAULT_SIGNATURE_OPTIONS: SignatureOptions = {
  k: 5,
  sketch: 128,
  seed: 0x5eed,
  minLines: 8,
  minTokens: 40,
  minStatements: 3,
};

/** What one function contributes to the search: only compact numbers cross thread boundaries. */
export interface FunctionMeta {
  name: string;
  startLine: number;
  endLine: number;
  /** Normalised tokens. */
  tokens: number;
  /** Statements (declarations included) in the body. */
  statements: number;
  /** Longest run of consecutive statements of identical shape that write constants (register tables). */
  writeRun: number;
  /** Statements in such runs of four or more: how much of the function is a table written as code. */
  tableStatements: number;
  /** `case` labels: a switch of many labels and few statements is a table too. */
  caseLabels: number;
  /** Hash of the whole normalised token sequence: equal for exact normalised copies. */
  fullHash: number;
}

export interface FunctionSignature extends FunctionMeta {
  /** The normalised token sequence (token hashes), for exact scoring. */
  sequence: Uint32Array;
  /** One-permutation MinHash sketch of the function's shingles. */
  minhash: Uint32Array;
}

export interface FileSignatures {
  /** Physical lines of the file. */
  lines: number;
  /** Functions of the file that passed the boilerplate filter. */
  functions: FunctionSignature[];
  /** Functions seen, before the filter. */
  seen: number;
  /** Bus a file registers a driver on (`pci`, `usb`, ...), when it says so. */
  bus?: string;
}

// ---------------------------------------------------------------- hashing

/** 32-bit FNV-1a of a string. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: a cheap, well-mixing 32-bit permutation. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function combine(h: number, v: number): number {
  return mix32((Math.imul(h, 0x9e3779b1) ^ v) >>> 0);
}

// ---------------------------------------------------------------- tokens

/** Capitalised names that are kernel-wide macros, not a driver's own: kept by name when called. */
const KERNEL_MACROS = new Set([
  'ARRAY_SIZE',
  'BIT',
  'BIT_ULL',
  'GENMASK',
  'GENMASK_ULL',
  'FIELD_GET',
  'FIELD_PREP',
  'IS_ERR',
  'IS_ERR_OR_NULL',
  'PTR_ERR',
  'ERR_PTR',
  'ERR_CAST',
  'PTR_ERR_OR_ZERO',
  'WARN_ON',
  'WARN_ON_ONCE',
  'WARN',
  'WARN_ONCE',
  'BUG_ON',
  'BUG',
  'BUILD_BUG_ON',
  'READ_ONCE',
  'WRITE_ONCE',
  'DIV_ROUND_UP',
  'DIV_ROUND_CLOSEST',
  'ALIGN',
  'PAGE_ALIGN',
  'IS_ENABLED',
  'IS_ALIGNED',
  'SZ',
  'MKDEV',
  'MAJOR',
  'MINOR',
  'HZ',
  'NSEC_PER_SEC',
  'USEC_PER_SEC',
  'LIST_HEAD',
  'INIT_LIST_HEAD',
  'INIT_WORK',
  'INIT_DELAYED_WORK',
  'DECLARE_BITMAP',
  'DEFINE_MUTEX',
  'DEFINE_SPINLOCK',
  'KBUILD_MODNAME',
  'SET_NETDEV_DEV',
  'SNDRV_PCM_FMTBIT_S16_LE',
]);
/** C keywords and the kernel's scalar types: kept as they are. */
const KEEP = new Set([
  'auto',
  'break',
  'case',
  'char',
  'const',
  'continue',
  'default',
  'do',
  'double',
  'else',
  'enum',
  'extern',
  'float',
  'for',
  'goto',
  'if',
  'inline',
  'int',
  'long',
  'register',
  'restrict',
  'return',
  'short',
  'signed',
  'sizeof',
  'static',
  'struct',
  'switch',
  'typedef',
  'union',
  'unsigned',
  'void',
  'volatile',
  'while',
  '_Bool',
  'bool',
  'true',
  'false',
  'NULL',
  'typeof',
  '__typeof__',
  'asm',
  '__asm__',
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
  '__u8',
  '__u16',
  '__u32',
  '__u64',
  '__s8',
  '__s16',
  '__s32',
  '__s64',
  '__le16',
  '__le32',
  '__le64',
  '__be16',
  '__be32',
  '__be64',
  'size_t',
  'ssize_t',
  'loff_t',
  'dma_addr_t',
  'phys_addr_t',
  'resource_size_t',
  'gfp_t',
  'irqreturn_t',
  'netdev_tx_t',
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'int8_t',
  'int16_t',
  'int32_t',
  'int64_t',
  'uintptr_t',
]);
const ANNOTATION_SET = new Set<string>(ANNOTATIONS);
const PUNCT_BY_PAIR = new Map<number, string>();
const ANNOTATION_ARGS_SET = new Set<string>(ANNOTATIONS_WITH_ARGS);
const CONTROL = new Set(['if', 'for', 'while', 'switch']);
const PUNCT3 = new Set(['...', '<<=', '>>=']);
const PUNCT2 = new Set<string>([
  '->',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '^=',
  '|=',
  '##',
]);
for (const p of [...PUNCT2, '..']) PUNCT_BY_PAIR.set(p.charCodeAt(0) * 256 + p.charCodeAt(1), p);

function isCapitalised(s: string): boolean {
  let upper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) upper = true;
  }
  return upper;
}

/**
 * A call to the driver's own helper or macro keeps what the name says after the driver's prefix:
 * `ath11k_peer_find` and `ath12k_peer_find` are both `CALL:peer_find`, `REG_RD` is `CALL:rd`.
 */
export function ownCall(name: string): string {
  const bare = name.toLowerCase().replace(/^_+/, '');
  const cut = bare.indexOf('_');
  return cut > 0 && cut < bare.length - 1 ? `CALL:${bare.slice(cut + 1)}` : 'CALL';
}

function prefixOf(name: string): string {
  const p = name.toLowerCase().replace(/^_+/, '').split('_')[0] ?? '';
  return p.length >= 2 ? p : '';
}

/** Per-file context for telling a driver's own calls from kernel API calls. */
export interface TokenContext {
  /** Functions defined in the file. */
  localFunctions: ReadonlySet<string>;
  /** Name prefixes that mark a driver's own helpers (the file's and the caller's). */
  localPrefixes: ReadonlySet<string>;
}

export interface TokenStream {
  /** Token hashes in order. */
  hashes: number[];
  /** Token text, when asked for (tests, debugging). */
  text?: string[];
  statements: number;
  writeRun: number;
  tableStatements: number;
  caseLabels: number;
}

const tokenHashCache = new Map<string, number>();
function tokenHash(t: string): number {
  let h = tokenHashCache.get(t);
  if (h === undefined) {
    h = hashString(t);
    if (tokenHashCache.size < 100_000) tokenHashCache.set(t, h);
  }
  return h;
}
const NUM = tokenHash('NUM');

/**
 * Hashes of the tokens that carry no name: placeholders, keywords, types and punctuation. The
 * others are the called kernel APIs, kept macros and `CALL:…` helpers: what a function *does*.
 */
export const UNNAMED_TOKENS: ReadonlySet<number> = new Set(
  [
    ...['ID', 'K', 'FLD', 'TY', 'LBL', 'NUM', 'STR', 'PP', 'CALL'],
    ...KEEP,
    ...PUNCT2,
    ...PUNCT3,
    ...'{}()[];,.<>+-*/%&|^!~?:=#\\@$`'.split(''),
  ].map(tokenHash),
);

/** The named tokens of a sequence (calls, kept macros), sorted. */
export function namedTokens(seq: Uint32Array): Uint32Array {
  let n = 0;
  for (let i = 0; i < seq.length; i++) if (!UNNAMED_TOKENS.has(seq[i]!)) n++;
  const out = new Uint32Array(n);
  n = 0;
  for (let i = 0; i < seq.length; i++) if (!UNNAMED_TOKENS.has(seq[i]!)) out[n++] = seq[i]!;
  return out.sort();
}

/** Dice coefficient of two sorted multisets (1 when both are empty). */
export function diceSorted(a: Uint32Array, b: Uint32Array): number {
  if (a.length + b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return (2 * common) / (a.length + b.length);
}

const isIdStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
const isIdPart = (c: number) => isIdStart(c) || (c >= 48 && c <= 57);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The normalised tokens of `text[from, to)` (a function's original text, located by the tree).
 * A small C lexer is an order of magnitude faster than walking the tree node by node through
 * the wasm boundary; the tree supplies what the lexer cannot know (where functions are, their
 * names), and the lexer's context rules stand in for the node kinds: a name before `(` is a call,
 * after `->`/`.` a field, after `struct`/`union`/`enum` a type. Comments, preprocessor lines and
 * kernel annotations (`__iomem`, `__must_hold(x)`) are skipped.
 */
export function tokenize(
  text: string,
  from: number,
  to: number,
  ctx: TokenContext,
  keepText = false,
): TokenStream {
  const hashes: number[] = [];
  const out: string[] | undefined = keepText ? [] : undefined;
  let last = '';
  const emit = (t: string) => {
    if (t === 'STR' && last === 'STR') return; // "a" "b" is one string
    hashes.push(tokenHash(t));
    out?.push(t);
    last = t;
  };
  let statements = 0;
  let writeRun = 0;
  let runShape = 0;
  let runLength = 0;
  let runEnd = -1;
  let stmtStart = 0;
  let paren = 0;
  let tableStatements = 0;
  let caseLabels = 0;
  const endRun = () => {
    if (runLength >= 4) tableStatements += runLength;
    runLength = 0;
  };
  const closeStatement = () => {
    const start = stmtStart;
    const end = hashes.length;
    stmtStart = end;
    if (end - start < 3) {
      endRun();
      runEnd = end;
      return;
    }
    let shape = 0x2545f491;
    let constant = false;
    for (let i = start; i < end; i++) {
      shape = combine(shape, hashes[i]!);
      if (hashes[i] === NUM || hashes[i] === K_HASH) constant = true;
    }
    if (constant && shape === runShape && runEnd === start) runLength++;
    else {
      endRun();
      runLength = constant ? 1 : 0;
    }
    runShape = constant ? shape : 0;
    runEnd = end;
    if (runLength > writeRun) writeRun = runLength;
  };
  let i = from;
  let lineStart = true;
  let inBody = false;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 35 && lineStart) {
      // Preprocessor line, with continuations.
      while (i < to) {
        const d = text.charCodeAt(i);
        if (
          d === 10 &&
          text.charCodeAt(i - 1) !== 92 &&
          !(text.charCodeAt(i - 1) === 13 && text.charCodeAt(i - 2) === 92)
        )
          break;
        i++;
      }
      continue;
    }
    lineStart = false;
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const e = text.indexOf('*/', i + 2);
      i = e < 0 || e >= to ? to : e + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const e = text.indexOf('\n', i);
      i = e < 0 || e >= to ? to : e;
      continue;
    }
    if (c === 34 || c === 39) {
      let j = i + 1;
      while (j < to) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === c || d === 10) break;
        else j++;
      }
      i = j + 1;
      emit(c === 34 ? 'STR' : 'NUM');
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let j = i + 1;
      while (j < to) {
        const d = text.charCodeAt(j);
        const p = text.charCodeAt(j - 1) | 32;
        if (isIdPart(d) || d === 46 || ((d === 43 || d === 45) && (p === 101 || p === 112))) j++;
        else break;
      }
      i = j;
      emit('NUM');
      continue;
    }
    if (isIdStart(c)) {
      let j = i + 1;
      while (j < to && isIdPart(text.charCodeAt(j))) j++;
      const name = text.slice(i, j);
      i = j;
      if (ANNOTATION_SET.has(name)) continue;
      let k = j;
      while (k < to && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 10))
        k++;
      const call = text.charCodeAt(k) === 40;
      if (ANNOTATION_ARGS_SET.has(name) && call) {
        let depth = 0;
        for (i = k; i < to; i++) {
          const d = text.charCodeAt(i);
          if (d === 40) depth++;
          else if (d === 41 && --depth === 0) break;
        }
        i++;
        continue;
      }
      if (KEEP.has(name)) {
        if (CONTROL.has(name)) statements++;
        else if (name === 'case') caseLabels++;
        emit(name);
      } else if (last === '->' || last === '.') emit('FLD');
      else if (last === 'struct' || last === 'union' || last === 'enum') emit('TY');
      else if (call && !inBody)
        emit('ID'); // the function's own name in its declarator
      else if (call) {
        if (isCapitalised(name)) emit(KERNEL_MACROS.has(name) ? name : ownCall(name));
        else if (ctx.localFunctions.has(name) || ctx.localPrefixes.has(prefixOf(name))) emit(ownCall(name));
        else emit(name);
      } else emit(isCapitalised(name) ? 'K' : 'ID');
      continue;
    }
    const c2 = text.charCodeAt(i + 1);
    let punct = PUNCT_BY_PAIR.get(c * 256 + c2);
    if (punct !== undefined && (c === 46 || c === 60 || c === 62)) {
      // '..' is not a token; '...', '<<=', '>>=' are.
      const three = text.slice(i, i + 3);
      if (PUNCT3.has(three)) punct = three;
      else if (c === 46) punct = undefined;
    }
    punct ??= text[i]!;
    i += punct.length;
    emit(punct);
    if (c === 40) paren++;
    else if (c === 41) paren = Math.max(0, paren - 1);
    else if (c === 59 && paren === 0) {
      statements++;
      closeStatement();
    } else if (c === 123 || c === 125) {
      inBody = true;
      paren = 0;
      stmtStart = hashes.length;
    }
  }
  endRun();
  return { hashes, text: out, statements, writeRun, tableStatements, caseLabels };
}
const K_HASH = tokenHash('K');

// ---------------------------------------------------------------- shingles and sketches

/** Sorted distinct hashes of the k-token shingles; the n-th repeat of a shingle is numbered n. */
export function shingles(tokens: readonly number[], k: number): Uint32Array {
  const n = Math.max(0, tokens.length - k + 1);
  const raw = new Uint32Array(n);
  // Rolling hash: s_i = XOR_j rotl(m(t_{i+j}), k-1-j), so each step costs one token, not k.
  const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;
  let h = 0;
  for (let j = 0; j < k && j < tokens.length; j++) h = (rotl(h, 1) ^ mix32(tokens[j]!)) >>> 0;
  for (let i = 0; i < n; i++) {
    raw[i] = mix32(h);
    if (i + k < tokens.length)
      h = (rotl((h ^ rotl(mix32(tokens[i]!), k - 1)) >>> 0, 1) ^ mix32(tokens[i + k]!)) >>> 0;
  }
  raw.sort();
  // Number the repeats, so the set is a multiset: [x, x, x] → [x#0, x#1, x#2].
  let rep = 0;
  let prev = -1;
  for (let i = 0; i < n; i++) {
    const x = raw[i]!;
    rep = x === prev ? rep + 1 : 0;
    prev = x;
    if (rep > 0) raw[i] = combine(x, rep);
  }
  raw.sort();
  // Drop the (unlikely) collisions so the array is a set.
  let w = 0;
  for (let i = 0; i < n; i++) if (i === 0 || raw[i] !== raw[w - 1]) raw[w++] = raw[i]!;
  return raw.slice(0, w);
}

/**
 * One-permutation MinHash with rotation densification: each shingle is hashed once, its top bits
 * pick a bin, the bin keeps the minimum; an empty bin borrows the next filled bin's value (offset
 * by the distance), so equal sets give equal sketches and P[bin equal] ≈ Jaccard.
 */
export function minhash(set: Uint32Array, bins: number, seed: number): Uint32Array {
  const out = new Uint32Array(bins).fill(0xffffffff);
  const filled = new Uint8Array(bins);
  const seedMix = mix32(seed);
  for (let i = 0; i < set.length; i++) {
    const h = mix32((set[i]! ^ seedMix) >>> 0);
    const b = h % bins;
    const v = mix32(h ^ 0x68e31da4);
    filled[b] = 1;
    if (v < out[b]!) out[b] = v;
  }
  if (set.length === 0) return out;
  const dense = out.slice();
  for (let b = 0; b < bins; b++) {
    if (filled[b]) continue;
    let d = 1;
    while (!filled[(b + d) % bins]) d++;
    dense[b] = (out[(b + d) % bins]! + Math.imul(d, 0x9e3779b1)) >>> 0;
  }
  return dense;
}

/** Exact Jaccard similarity of two sorted distinct arrays. */
export function jaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      common++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return common / (a.length + b.length - common);
}

/**
 * Length of the longest common subsequence of two token sequences, bit-parallel (Hyyrö 2004):
 * O(⌈m/30⌉·n) word operations, so a pair of 1,000-token functions costs ~35k operations. Words
 * hold 30 bits so every sum and carry stays a small integer (V8's fast path).
 */
export function lcsLength(a: Uint32Array, b: Uint32Array): number {
  if (a.length > b.length) [a, b] = [b, a];
  const m = a.length;
  if (m === 0) return 0;
  const words = Math.ceil(m / BITS);
  // Match masks per distinct token of `a`, in a reused open-addressing table (no Map, no garbage).
  let cap = 16;
  while (cap < 2 * m) cap *= 2;
  if (lcsKeys.length < cap) {
    lcsKeys = new Uint32Array(cap);
    lcsSlot = new Int32Array(cap);
  }
  const need = (m + 1) * words;
  if (lcsMasks.length < need) lcsMasks = new Int32Array(Math.max(need, lcsMasks.length * 2));
  if (lcsV.length < words) lcsV = new Int32Array(Math.max(words, lcsV.length * 2));
  const keys = lcsKeys;
  const slotOf = lcsSlot;
  const masks = lcsMasks;
  const mask = cap - 1;
  slotOf.fill(-1, 0, cap);
  let distinct = 0;
  for (let i = 0, word = 0, bit = 0; i < m; i++) {
    const x = a[i]!;
    let h = mix32(x) & mask;
    while (slotOf[h] !== -1 && keys[h] !== x) h = (h + 1) & mask;
    if (slotOf[h] === -1) {
      keys[h] = x;
      slotOf[h] = distinct * words;
      masks.fill(0, distinct * words, (distinct + 1) * words);
      distinct++;
    }
    masks[slotOf[h]! + word]! |= 1 << bit;
    if (++bit === BITS) {
      bit = 0;
      word++;
    }
  }
  const v = lcsV;
  v.fill(FULL, 0, words);
  for (let j = 0; j < b.length; j++) {
    const y = b[j]!;
    let h = mix32(y) & mask;
    while (slotOf[h] !== -1 && keys[h] !== y) h = (h + 1) & mask;
    const base = slotOf[h]!;
    if (base === -1) continue;
    let carry = 0;
    for (let w = 0; w < words; w++) {
      const x = v[w]!;
      const mw = masks[base + w]!;
      const sum = x + (x & mw) + carry;
      carry = sum >>> BITS;
      v[w] = (sum | (x & ~mw)) & FULL;
    }
  }
  let ones = 0;
  for (let w = 0; w < words; w++) {
    const valid = w === words - 1 ? m - w * BITS : BITS;
    let x = valid === BITS ? v[w]! : v[w]! & ((1 << valid) - 1);
    x = x - ((x >>> 1) & 0x55555555);
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    ones += (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
  }
  return m - ones;
}
const BITS = 30;
const FULL = (1 << BITS) - 1;
let lcsKeys = new Uint32Array(1024);
let lcsSlot = new Int32Array(1024);
let lcsMasks = new Int32Array(1024);
let lcsV = new Int32Array(64);

/** Token-sequence similarity: 2·LCS / (|a| + |b|), 1 for equal sequences, robust to insertions. */
export function sequenceSimilarity(a: Uint32Array, b: Uint32Array): number {
  if (a.length + b.length === 0) return 1;
  return (2 * lcsLength(a, b)) / (a.length + b.length);
}

// ---------------------------------------------------------------- files

const FUNCTION = new Set(['function_definition']);
const BUS_RE = /\b(?:module_(\w+?)_driver|(\w+?)_register_driver|struct\s+(\w+?)_driver\s+\w+\s*=)\b/g;
const BUSES = new Set([
  'pci',
  'usb',
  'i2c',
  'spi',
  'platform',
  'sdio',
  'mdio',
  'phy',
  'serio',
  'hid',
  'pcmcia',
  'virtio',
  'amba',
  'acpi',
  'pnp',
  'isa',
  'eisa',
  'mcb',
  'ssb',
  'bcma',
  'auxiliary',
  'spmi',
  'i3c',
  'w1',
  'vmbus',
  'fsl_mc',
  'sdw',
  'hda_codec',
  'snd_soc',
  'pci_epf',
  'ccw',
  'ap',
  'tty',
  'serdev',
  'greybus',
  'mhi',
  'rpmsg',
  'scmi',
  'xenbus',
  'zorro',
  'parisc',
  'nubus',
  'ps3_system',
  'tc',
  'vio',
  'macio',
  'of_platform',
  'mipi_dsi',
  'cec',
  'typec',
  'ulpi',
  'slim',
  'apr',
  'ishtp',
  'ipack',
  'hdac',
  'usb_serial',
]);

/** The bus a file registers a driver on, from `module_pci_driver(...)` and friends. */
export function busOf(source: string): string | undefined {
  const counts = new Map<string, number>();
  for (const m of source.matchAll(BUS_RE)) {
    const b = m[1] ?? m[2] ?? m[3] ?? '';
    if (BUSES.has(b)) counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  let best: string | undefined;
  for (const [b, n] of [...counts].sort(([a], [c]) => (a < c ? -1 : 1)))
    if (best === undefined || n > counts.get(best)!) best = b;
  return best;
}

/** Lines as `wc -l` counts them, plus an unterminated last line. */
export function physicalLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

function functionName(fn: Node): string {
  return unwrapDeclarator(fn.childForFieldName('declarator'))?.name ?? '';
}

/** Signatures of the functions in a parsed file. */
export function signParsed(
  file: ParsedFile,
  opts: SignatureOptions = DEFAULT_SIGNATURE_OPTIONS,
): FileSignatures {
  const fns = descendants(file.tree.rootNode, FUNCTION, FUNCTION);
  const names = fns.map(functionName);
  const localFunctions = new Set(names.filter(Boolean));
  const filePrefix = prefixOf(basename(file.path).replace(/\.c$/, ''));
  const out: FunctionSignature[] = [];
  for (let i = 0; i < fns.length; i++) {
    const fn = fns[i]!;
    const startLine = file.pos(fn).line;
    const endLine = file.endPos(fn).line;
    if (endLine - startLine + 1 < opts.minLines) continue;
    const prefixes = new Set([filePrefix, prefixOf(names[i]!)].filter(Boolean));
    const t = tokenize(file.source, file.pos(fn).offset, file.endPos(fn).offset, {
      localFunctions,
      localPrefixes: prefixes,
    });
    if (t.hashes.length < opts.minTokens || t.statements < opts.minStatements) continue;
    let full = 0x1b873593;
    for (const h of t.hashes) full = combine(full, h);
    const sh = shingles(t.hashes, opts.k);
    out.push({
      name: names[i]!,
      startLine,
      endLine,
      tokens: t.hashes.length,
      statements: t.statements,
      writeRun: t.writeRun,
      tableStatements: t.tableStatements,
      caseLabels: t.caseLabels,
      fullHash: full,
      sequence: Uint32Array.from(t.hashes),
      minhash: minhash(sh, opts.sketch, opts.seed),
    });
  }
  return { lines: physicalLines(file.source), functions: out, seen: fns.length, bus: busOf(file.source) };
}

/** Parse a file and sign its functions (the tree is released before returning). */
export async function signFile(
  path: string,
  source: string,
  opts: SignatureOptions = DEFAULT_SIGNATURE_OPTIONS,
): Promise<FileSignatures> {
  const parsed = await parseC(path, source);
  try {
    return signParsed(parsed, opts);
  } finally {
    parsed.dispose();
  }
}
