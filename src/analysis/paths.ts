/**
 * Access paths: the names analyses give to storage locations, so taint can follow `p->status`,
 * `s.f` and buffer contents. Indexing and dereference are index-insensitive:
 *   `v` → "v";  `p->status` → "p->status";  `s.f` → "s.f";  `*p` and `p[i]` → "p->*";
 *   `p[i].len` → "p->*.len";  `(u32)x`, `(x)` → "x".
 * A path `P` covers `P.x`, `P->x` and `P->*` (a tainted struct taints its fields; tainted buffer
 * contents are stored as "P->*").
 */
import { memoByNode, operatorFieldOf, type Node } from '../c/parser.js';

export const stripParens = memoByNode((n: Node): Node => {
  let cur = n;
  for (;;) {
    if (cur.type === 'parenthesized_expression' && cur.namedChildCount === 1) cur = cur.namedChild(0)!;
    else if (cur.type === 'cast_expression') cur = cur.childForFieldName('value') ?? cur;
    else return cur;
  }
});

/** The access path of an lvalue-like expression, or undefined (calls, arithmetic, literals). */
export const accessPath = memoByNode((node: Node): string | undefined => {
  const n = stripParens(node);
  switch (n.type) {
    case 'identifier':
      return n.text;
    case 'field_expression': {
      const arg = n.childForFieldName('argument');
      const field = n.childForFieldName('field')?.text;
      const base = arg ? accessPath(arg) : undefined;
      if (!base || !field) return undefined;
      const op = operatorFieldOf(n) === '->' ? '->' : '.';
      return `${base}${op}${field}`;
    }
    case 'subscript_expression': {
      const arg = n.childForFieldName('argument');
      const base = arg ? accessPath(arg) : undefined;
      return base ? `${base}->*` : undefined;
    }
    case 'pointer_expression': {
      const op = n.child(0)?.type;
      const arg = n.childForFieldName('argument');
      const base = arg ? accessPath(arg) : undefined;
      if (!base) return undefined;
      if (op === '*') return `${base}->*`;
      return undefined; // &x is an address, not a location read
    }
    default:
      return undefined;
  }
});

/** The path whose storage `&x` / `x` (a pointer argument) lets a callee write. */
export function pointeePath(arg: Node): string | undefined {
  const n = stripParens(arg);
  if (n.type === 'pointer_expression' && n.child(0)?.type === '&') {
    const inner = n.childForFieldName('argument');
    return inner ? accessPath(inner) : undefined;
  }
  const p = accessPath(n);
  return p ? `${p}->*` : undefined;
}

/** Does taint stored at `key` cover a read of `path`? */
export function covers(key: string, path: string): boolean {
  if (key === path) return true;
  if (!path.startsWith(key)) return false;
  const rest = path.slice(key.length);
  return rest.startsWith('.') || rest.startsWith('->');
}

/** The root variable of a path ("p" for "p->a.b"). */
export function rootOf(path: string): string {
  const m = /^[A-Za-z_]\w*/.exec(path);
  return m ? m[0] : path;
}

/** Path components of field names, for matching struct fields ("p->rx_ring->*.status" → rx_ring, status). */
export function fieldsOf(path: string): string[] {
  return path
    .split(/->|\./)
    .slice(1)
    .filter((f) => f !== '*');
}

/**
 * The fields of `path` below the pointer `base` it is read through: `p->rx.len` below `p` is
 * "rx.len", `p[i].len` ("p->*.len") below `p` is "len"; undefined when there are none.
 */
export function fieldChain(path: string, base: string | undefined): string | undefined {
  if (!base || !path.startsWith(base)) return undefined;
  const fields = fieldsOf(path).slice(fieldsOf(base).length);
  return fields.length ? fields.join('.') : undefined;
}
