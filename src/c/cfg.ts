/**
 * Control-flow graph of one function: statement-level nodes with branch edges, built from the
 * tree-sitter tree. Handles if/else, while, do-while, for, switch (with fallthrough), break,
 * continue, return, goto and labels. Short-circuit conditions stay one `cond` node; analyses read
 * their structure (see analysis/conditions.ts).
 */
import type { Node } from './parser.js';

export type CfgNodeKind = 'entry' | 'exit' | 'stmt' | 'cond' | 'return' | 'label' | 'switch';

export interface CfgEdge {
  to: number;
  /** For `cond` nodes: the value of the condition on this edge. */
  branch?: boolean;
}

export interface CfgNode {
  id: number;
  kind: CfgNodeKind;
  /** The statement, declaration or condition expression this node evaluates. */
  ast?: Node;
  succ: CfgEdge[];
  pred: number[];
}

export interface LoopInfo {
  /** The loop statement (while/do/for). */
  node: Node;
  kind: 'while' | 'do' | 'for';
  /** The condition expression, absent for `for (;;)`. */
  cond?: Node;
  /** CFG node that evaluates the condition (or the loop head join for `for (;;)`). */
  header: number;
  body?: Node;
}

export interface Cfg {
  nodes: CfgNode[];
  entry: number;
  exit: number;
  loops: LoopInfo[];
  /** CFG node for each statement/condition AST node id. */
  nodeOf: Map<number, number>;
}

interface Ctx {
  breakTo?: number;
  continueTo?: number;
}

export function buildCfg(body: Node): Cfg {
  const nodes: CfgNode[] = [];
  const loops: LoopInfo[] = [];
  const nodeOf = new Map<number, number>();
  const labels = new Map<string, number>();
  const add = (kind: CfgNodeKind, ast?: Node): CfgNode => {
    const n: CfgNode = { id: nodes.length, kind, ast, succ: [], pred: [] };
    nodes.push(n);
    if (ast) nodeOf.set(ast.id, n.id);
    return n;
  };
  const entry = add('entry');
  const exit = add('exit');
  const label = (name: string): number => {
    let id = labels.get(name);
    if (id === undefined) {
      id = add('label').id;
      labels.set(name, id);
    }
    return id;
  };

  const unparen = (n: Node | null): Node | undefined => {
    if (!n) return undefined;
    return n.type === 'parenthesized_expression' && n.namedChildCount === 1 ? (n.namedChild(0) ?? n) : n;
  };

  /** Build `stmt` so that it continues at `next`; returns the id of its first node. */
  const build = (stmt: Node | null | undefined, next: number, ctx: Ctx): number => {
    if (!stmt) return next;
    switch (stmt.type) {
      case 'compound_statement': {
        let cur = next;
        const kids = stmt.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
        for (let i = kids.length - 1; i >= 0; i--) cur = build(kids[i], cur, ctx);
        return cur;
      }
      case 'if_statement': {
        const c = add('cond', unparen(stmt.childForFieldName('condition')));
        nodeOf.set(stmt.id, c.id);
        const alt = stmt.childForFieldName('alternative');
        const altStmt =
          alt?.type === 'else_clause' ? alt.namedChildren.find((x) => x && x.type !== 'comment') : alt;
        const t = build(stmt.childForFieldName('consequence'), next, ctx);
        const f = altStmt ? build(altStmt, next, ctx) : next;
        c.succ.push({ to: t, branch: true }, { to: f, branch: false });
        return c.id;
      }
      case 'while_statement': {
        const cond = unparen(stmt.childForFieldName('condition'));
        const h = add('cond', cond);
        nodeOf.set(stmt.id, h.id);
        const body = stmt.childForFieldName('body');
        const b = build(body, h.id, { breakTo: next, continueTo: h.id });
        h.succ.push({ to: b, branch: true }, { to: next, branch: false });
        loops.push({ node: stmt, kind: 'while', cond, header: h.id, body: body ?? undefined });
        return h.id;
      }
      case 'do_statement': {
        const cond = unparen(stmt.childForFieldName('condition'));
        const h = add('cond', cond);
        const body = stmt.childForFieldName('body');
        const b = build(body, h.id, { breakTo: next, continueTo: h.id });
        h.succ.push({ to: b, branch: true }, { to: next, branch: false });
        nodeOf.set(stmt.id, b);
        loops.push({ node: stmt, kind: 'do', cond, header: h.id, body: body ?? undefined });
        return b;
      }
      case 'for_statement': {
        const cond = stmt.childForFieldName('condition') ?? undefined;
        const h = add('cond', cond);
        const update = stmt.childForFieldName('update');
        const u = update ? add('stmt', update) : undefined;
        if (u) u.succ.push({ to: h.id });
        const cont = u ? u.id : h.id;
        const body = stmt.childForFieldName('body');
        const b = build(body, cont, { breakTo: next, continueTo: cont });
        if (cond) h.succ.push({ to: b, branch: true }, { to: next, branch: false });
        else h.succ.push({ to: b, branch: true });
        const init = stmt.childForFieldName('initializer');
        loops.push({ node: stmt, kind: 'for', cond, header: h.id, body: body ?? undefined });
        if (init) {
          const i = add('stmt', init);
          i.succ.push({ to: h.id });
          nodeOf.set(stmt.id, i.id);
          return i.id;
        }
        nodeOf.set(stmt.id, h.id);
        return h.id;
      }
      case 'switch_statement': {
        const s = add('switch', unparen(stmt.childForFieldName('condition')));
        nodeOf.set(stmt.id, s.id);
        const body = stmt.childForFieldName('body');
        const cases = body?.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment') ?? [];
        const inner: Ctx = { breakTo: next, continueTo: ctx.continueTo };
        let cur = next;
        let hasDefault = false;
        const entries: number[] = [];
        for (let i = cases.length - 1; i >= 0; i--) {
          const cs = cases[i]!;
          if (cs.type !== 'case_statement') {
            cur = build(cs, cur, inner);
            continue;
          }
          const value = cs.childForFieldName('value');
          if (!value) hasDefault = true;
          const stmts = cs.namedChildren.filter(
            (c): c is Node => !!c && c.id !== value?.id && c.type !== 'comment',
          );
          for (let j = stmts.length - 1; j >= 0; j--) cur = build(stmts[j], cur, inner);
          const lbl = add('label', cs);
          lbl.succ.push({ to: cur });
          cur = lbl.id;
          entries.unshift(lbl.id);
        }
        for (const e of entries) s.succ.push({ to: e });
        if (!hasDefault) s.succ.push({ to: next });
        return s.id;
      }
      case 'break_statement': {
        const n = add('stmt', stmt);
        n.succ.push({ to: ctx.breakTo ?? next });
        return n.id;
      }
      case 'continue_statement': {
        const n = add('stmt', stmt);
        n.succ.push({ to: ctx.continueTo ?? next });
        return n.id;
      }
      case 'return_statement': {
        const n = add('return', stmt);
        n.succ.push({ to: exit.id });
        return n.id;
      }
      case 'goto_statement': {
        const n = add('stmt', stmt);
        const name = stmt.childForFieldName('label')?.text ?? '';
        n.succ.push({ to: label(name) });
        return n.id;
      }
      case 'labeled_statement': {
        const name = stmt.childForFieldName('label')?.text ?? '';
        const l = label(name);
        nodes[l]!.ast = stmt;
        const inner = stmt.namedChildren.find(
          (c) => c && c.type !== 'statement_identifier' && c.type !== 'comment',
        );
        const s = build(inner, next, ctx);
        nodes[l]!.succ.push({ to: s });
        nodeOf.set(stmt.id, l);
        return l;
      }
      case 'comment':
      case 'preproc_call':
        return next;
      default: {
        const n = add('stmt', stmt);
        n.succ.push({ to: next });
        return n.id;
      }
    }
  };

  const first = build(body, exit.id, {});
  entry.succ.push({ to: first });
  // Labels that no statement defined (a goto into a macro, a parse error) fall to exit.
  for (const id of labels.values()) if (nodes[id]!.succ.length === 0) nodes[id]!.succ.push({ to: exit.id });
  for (const n of nodes) for (const e of n.succ) nodes[e.to]!.pred.push(n.id);
  loops.sort((a, b) => a.node.startIndex - b.node.startIndex);
  return { nodes, entry: entry.id, exit: exit.id, loops, nodeOf };
}

/** Reverse post-order from the entry: a good iteration order for forward dataflow. */
export function reversePostOrder(cfg: Cfg): number[] {
  const seen = new Uint8Array(cfg.nodes.length);
  const order: number[] = [];
  const stack: { id: number; i: number }[] = [{ id: cfg.entry, i: 0 }];
  seen[cfg.entry] = 1;
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    const succ = cfg.nodes[top.id]!.succ;
    if (top.i < succ.length) {
      const to = succ[top.i++]!.to;
      if (!seen[to]) {
        seen[to] = 1;
        stack.push({ id: to, i: 0 });
      }
    } else {
      order.push(top.id);
      stack.pop();
    }
  }
  return order.reverse();
}
