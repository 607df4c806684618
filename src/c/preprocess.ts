/**
 * Kernel-aware preparation of raw kernel C for tree-sitter-c.
 *
 * tree-sitter-c parses C, not the kernel's dialect: on raw Linux 6.1 drivers 68% of files have an
 * ERROR node (see shared/notes/parsing-kernel-c.md). We do not run a real preprocessor (we would
 * need each driver's configuration); instead we rewrite the few idioms that break the grammar,
 * keeping every original byte's offset recoverable so findings point at the user's text:
 *
 * - annotations (`__iomem`, `__user`, `__init`, `__must_hold(x)`, ...) are blanked to spaces;
 * - preprocessor conditionals keep one variant: the first branch (or the `#else` of an `#if 0`),
 *   the directive lines and the other branches are blanked, newlines kept;
 * - a type as a macro argument (`container_of(p, struct foo, m)`) becomes one identifier
 *   (`struct_foo`) by turning the blanks into underscores;
 * - GNU ranges (`case 1 ... 5:`, `[0 ... 3] =`) become a subtraction;
 * - iterator macros used as loop heads (`list_for_each_entry(pos, head, m) { }`, `for_each_*`)
 *   are wrapped as `while (list_for_each_entry(...))`, and `scoped_guard(...)` as `if (...)`:
 *   these are the only edits that insert text, recorded in an {@link OffsetMap}.
 */

/** Names that are attributes or sparse annotations: blanked wherever they stand alone. */
export const ANNOTATIONS = [
  '__iomem',
  '__user',
  '__kernel',
  '__force',
  '__rcu',
  '__percpu',
  '__bitwise',
  '__nocast',
  '__private',
  '__safe',
  '__init',
  '__exit',
  '__initdata',
  '__exitdata',
  '__initconst',
  '__devinit',
  '__devexit',
  '__devinitdata',
  '__devinitconst',
  '__meminit',
  '__meminitdata',
  '__refdata',
  '__ref',
  '__init_or_module',
  '__net_init',
  '__net_exit',
  '__net_initdata',
  '__maybe_unused',
  '__always_unused',
  '__used',
  '__unused',
  '__must_check',
  '__cold',
  '__hot',
  '__weak',
  '__pure',
  '__packed',
  '__noreturn',
  '__always_inline',
  'noinline',
  'noinline_for_stack',
  '__noinline',
  '__sched',
  '__kprobes',
  'notrace',
  'asmlinkage',
  '__visible',
  '__ro_after_init',
  '__read_mostly',
  '__cacheline_aligned',
  '__cacheline_aligned_in_smp',
  '____cacheline_aligned',
  '____cacheline_aligned_in_smp',
  '__latent_entropy',
  '__randomize_layout',
  '__no_randomize_layout',
  '__iomem_ptr',
  '__deprecated',
  '__flatten',
  '__nostackprotector',
  '__noclone',
  '__always_used',
  '__nonstring',
  '__alias',
  '__fallthrough',
  'fallthrough',
  '__lockfunc',
  '__irq_entry',
  '__softirq_entry',
  '__init_memblock',
  '__initdata_memblock',
  '__ksym',
  '__malloc',
  '__attribute_const__',
  '__no_kcsan',
  '__no_sanitize_address',
  '__cpuidle',
  '__nocfi',
  '__ipi_handler',
] as const;

/** Annotations that take an argument list: the name and its parenthesised arguments are blanked. */
export const ANNOTATIONS_WITH_ARGS = [
  '__aligned',
  '__printf',
  '__scanf',
  '__section',
  '__acquires',
  '__releases',
  '__must_hold',
  '__counted_by',
  '__counted_by_le',
  '__counted_by_be',
  '__free',
  '__cleanup',
  '__guarded_by',
  '__pt_guarded_by',
  '__cond_acquires',
  '__cond_releases',
  '__alloc_size',
  '__assume_aligned',
  '__diag_ignore',
  '__designated_init',
  '__no_sanitize_or_inline',
  '__realloc_size',
  '__cond_lock',
  '__acquire_ret',
] as const;

/** Insertions made into the text, in original offsets, so positions can be mapped back. */
export class OffsetMap {
  /** Sorted by transformed offset: [transformedStart, insertedLength, cumulativeBefore]. */
  private readonly inserts: { at: number; len: number; shiftBefore: number }[] = [];

  constructor(insertions: { origAt: number; len: number }[]) {
    insertions.sort((a, b) => a.origAt - b.origAt);
    let shift = 0;
    for (const ins of insertions) {
      this.inserts.push({ at: ins.origAt + shift, len: ins.len, shiftBefore: shift });
      shift += ins.len;
    }
  }

  get isIdentity(): boolean {
    return this.inserts.length === 0;
  }

  /** Map an offset in the transformed text to the original text (inserted text maps to its anchor). */
  toOriginal(offset: number): number {
    const ins = this.inserts;
    let lo = 0;
    let hi = ins.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ins[mid]!.at <= offset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) return offset;
    const e = ins[found]!;
    if (offset < e.at + e.len) return e.at - e.shiftBefore; // inside inserted text
    return offset - e.shiftBefore - e.len;
  }
}

export interface Prepared {
  /** The text given to tree-sitter. */
  text: string;
  map: OffsetMap;
}

const annotationRe = new RegExp(`\\b(?:${ANNOTATIONS.join('|')})\\b`, 'g');
const annotationArgsRe = new RegExp(`\\b(?:${ANNOTATIONS_WITH_ARGS.join('|')})\\s*\\(`, 'g');
const typeArgRe = /\b(struct|union|enum)([ \t]+)([A-Za-z_]\w*)(?=[ \t]*,)/g;
const caseRangeRe = /(\bcase\b[^:;{}\n]*?|\[[^\]\n;]*?)\.\.\./g;
/** Where an iterator macro may be named: `for_each` anywhere in a word, or a scoped guard. */
const iteratorHintRe = /for_each|scoped_guard|scoped_cond_guard/g;
const isWordChar = (c: number) =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/**
 * Iterator macro calls: a word containing `for_each` (or `scoped_guard`, `scoped_cond_guard`)
 * followed by `(` — what `/\b(\w*for_each\w*|scoped_guard|scoped_cond_guard)[ \t]*\(/g` matches,
 * found from the literal instead of trying `\w*` at the start of every word of the file.
 */
export function* iteratorCalls(text: string): Generator<{ index: number; name: string; end: number }> {
  const re = new RegExp(iteratorHintRe);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let start = m.index;
    while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
    let end = m.index + m[0].length;
    while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
    re.lastIndex = end;
    const name = text.slice(start, end);
    if (!name.includes('for_each') && name !== 'scoped_guard' && name !== 'scoped_cond_guard') continue;
    let open = end;
    while (text[open] === ' ' || text[open] === '\t') open++;
    if (text[open] === '(') yield { index: start, name, end: open + 1 };
  }
}

/** Split a call's or macro's argument text at top-level commas (each argument trimmed). */
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

/** Comments and string and char literals of C text. */
export const COMMENTS_AND_STRINGS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'/g;

/** `text` with its comments and string and char literals blanked (newlines kept: same offsets). */
export function blankCommentsAndStrings(text: string): string {
  return text.replace(COMMENTS_AND_STRINGS, (m) => m.replace(/[^\n]/g, ' '));
}

/** The `}` that closes the `{` at `open` (-1 if none); braces are counted as they stand. */
export function matchBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Index of the `)` that closes the `(` at `open`, or -1. Skips strings, chars and comments. */
export function matchParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */) {
      depth--;
      if (depth === 0) return i;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      for (i++; i < text.length && text.charCodeAt(i) !== c; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      if (end < 0) return -1;
      i = end;
    } else if (c === 59 /* ; */ && depth <= 1 && i - open > 4000) return -1; // runaway
  }
  return -1;
}

// The text is edited in a UTF-16 buffer in place (not as an array of one-character strings):
// preparation is a noticeable share of parse time on 9M lines.
const directiveRe = /^[ \t]*#[ \t]*(ifdef|ifndef|if|elif|else|endif)\b(.*)/;
const decoder = new TextDecoder('utf-16le');

function toBuf(s: string): Uint16Array {
  // Node copies the UTF-16 units natively; a view needs an even offset into the pooled memory.
  const bytes = Buffer.from(s, 'utf16le');
  if (bytes.byteOffset % 2 === 0) return new Uint16Array(bytes.buffer, bytes.byteOffset, s.length);
  const b = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i);
  return b;
}
const fromBuf = (b: Uint16Array) => decoder.decode(b);

function blank(buf: Uint16Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c !== 10 && c !== 13) buf[i] = 32;
  }
}

/** Keep one variant of every `#if` group; blank directives and the other branches. */
function blankConditionals(text: string, buf: Uint16Array): void {
  const stack: { parentActive: boolean; taken: boolean; active: boolean }[] = [];
  let pos = 0;
  const isActive = () => (stack.length === 0 ? true : stack[stack.length - 1]!.active);
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    let lineEnd = end;
    while (lineEnd > pos && text.charCodeAt(lineEnd - 1 - (text[lineEnd - 1] === '\r' ? 1 : 0)) === 92) {
      const next = text.indexOf('\n', lineEnd + 1);
      if (next < 0) {
        lineEnd = text.length;
        break;
      }
      lineEnd = next;
    }
    // Cheap test first: only lines whose first non-blank character is '#' can be directives.
    let k = pos;
    while (k < end && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9)) k++;
    const m = text.charCodeAt(k) === 35 ? directiveRe.exec(text.slice(pos, end)) : null;
    if (m) {
      const kind = m[1]!;
      const cond = m[2]!.trim();
      if (kind === 'if' || kind === 'ifdef' || kind === 'ifndef') {
        const parentActive = isActive();
        const never = kind === 'if' && /^0\b/.test(cond);
        stack.push({ parentActive, taken: !never, active: parentActive && !never });
      } else if (kind === 'elif' || kind === 'else') {
        const g = stack[stack.length - 1];
        if (g) {
          const take = !g.taken && !(kind === 'elif' && /^0\b/.test(cond));
          g.active = g.parentActive && take;
          if (take) g.taken = true;
        }
      } else if (kind === 'endif') {
        stack.pop();
      }
      blank(buf, pos, lineEnd);
    } else if (!isActive()) {
      blank(buf, pos, lineEnd);
    }
    pos = lineEnd + 1;
  }
}

function prevSignificant(text: string, i: number): string {
  for (let j = i - 1; j >= 0; j--) {
    const c = text[j]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '/' && text[j - 1] === '*') {
      const start = text.lastIndexOf('/*', j - 2);
      if (start < 0) return '';
      j = start;
      continue;
    }
    return c;
  }
  return '';
}

function nextSignificant(text: string, i: number): string {
  for (let j = i; j < text.length; j++) {
    const c = text[j]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === '/' && (text[j + 1] === '/' || text[j + 1] === '*')) {
      const end = text[j + 1] === '/' ? text.indexOf('\n', j) : text.indexOf('*/', j + 2) + 1;
      if (end <= 0) return '';
      j = end;
      continue;
    }
    return c;
  }
  return '';
}

export function prepareKernelC(source: string): Prepared {
  const buf = toBuf(source);
  if (source.includes('#')) blankConditionals(source, buf);
  // `buf` goes on holding exactly `text`: the edits below are made in it.
  let text = fromBuf(buf);
  for (const m of text.matchAll(annotationRe)) blank(buf, m.index, m.index + m[0].length);
  for (const m of text.matchAll(annotationArgsRe)) {
    const open = m.index + m[0].length - 1;
    const close = matchParen(text, open);
    if (close > 0) blank(buf, m.index, close + 1);
  }
  for (const m of text.matchAll(typeArgRe)) {
    const ws = m.index + m[1]!.length;
    for (let i = ws; i < ws + m[2]!.length; i++) buf[i] = 95; // '_'
  }
  for (const m of text.matchAll(caseRangeRe)) {
    const dots = m.index + m[0].length - 3;
    buf[dots] = 32;
    buf[dots + 1] = 45; // '-'
    buf[dots + 2] = 32;
  }
  text = fromBuf(buf);

  const insertions: { origAt: number; len: number; str: string }[] = [];
  for (const m of iteratorCalls(text)) {
    const name = m.name;
    const before = prevSignificant(text, m.index);
    const wordBefore = /(\w+)\s*$/.exec(text.slice(Math.max(0, m.index - 40), m.index))?.[1];
    const statementStart =
      before === ';' || before === '{' || before === '}' || before === ')' || before === ':';
    if (!statementStart && wordBefore !== 'else' && wordBefore !== 'do') continue;
    const open = m.end - 1;
    const close = matchParen(text, open);
    if (close < 0) continue;
    const after = nextSignificant(text, close + 1);
    if (after === ';' || after === '' || after === ',' || after === ')' || after === '=') continue;
    const head = name.startsWith('scoped_') ? 'if (' : 'while (';
    insertions.push({ origAt: m.index, len: head.length, str: head });
    insertions.push({ origAt: close + 1, len: 1, str: ')' });
  }
  if (insertions.length === 0) return { text, map: new OffsetMap([]) };
  insertions.sort((a, b) => a.origAt - b.origAt);
  let result = '';
  let last = 0;
  for (const ins of insertions) {
    result += text.slice(last, ins.origAt) + ins.str;
    last = ins.origAt;
  }
  result += text.slice(last);
  return { text: result, map: new OffsetMap(insertions) };
}
