import { describe, expect, it } from 'vitest';
import { DeviceReadTable } from '../../src/analysis/device-reads.js';
import { POLL_HELPER_CALL } from '../../src/analysis/kernel-apis.js';
import { callSites } from '../../src/analysis/control.js';
import { summariseModule, type ModuleSummaryPass } from '../../src/analysis/module.js';
import type { FunctionTaint } from '../../src/analysis/taint.js';
import { buildFileModel } from '../../src/c/model.js';
import { memoByNode, parseC } from '../../src/c/parser.js';
import { runChecks } from '../../src/checks/check.js';
import { selectChecks } from '../../src/checks/index.js';
import { analyseSources } from '../../src/engine/analyse-module.js';

// A module whose second file (added in a later widening round) defines a constant and a callee
// that change what the first file's functions compute, next to functions it cannot change.
const A = `struct nic { void __iomem *base; u32 tbl[16]; };
static u32 nic_rd(struct nic *n, u32 r)
{
	return readl(n->base + r);
}
static u32 nic_field(struct nic *n)
{
	u32 v = nic_rd(n, 4) & NIC_MASK;
	return v;
}
static int nic_idx(struct nic *n)
{
	return n->tbl[nic_field(n)];
}
static int nic_wait(struct nic *n)
{
	while (!(nic_status(n) & 1))
		;
	return 0;
}
static int nic_plain(struct nic *n)
{
	return n->tbl[0];
}
`;
const B = `#define NIC_MASK 0xf
u32 nic_status(struct nic *n)
{
	return nic_rd(n, 8);
}
`;

async function file(path: string, text: string) {
  const parsed = await parseC(path, text);
  return { parsed, model: buildFileModel(parsed) };
}

/** What a pass computed per function, as comparable text. */
function facts(ft: FunctionTaint): string {
  const s = ft.summary;
  return JSON.stringify({
    name: ft.fn.name,
    returns: s.returns && { steps: s.returns.steps, checks: s.returns.checks, max: s.returns.maxValue },
    region: s.returnsRegion?.api,
    out: [...s.outParams].map(([i, m]) => [i, [...m.keys()]]),
    hasTimeout: s.hasTimeout,
    logs: s.logs,
    touches: ft.touchesDevice,
    roots: [...ft.taintedRoots].sort(),
    args: [...ft.argTaints].map(([k, m]) => [k, [...m.keys()]]),
    states: ft.inStates.map((st) => st && [[...st.taint.keys()], [...st.regions.keys()]]),
  });
}

describe('widening rounds reuse summary results', () => {
  it('gives the results of a fresh pass, reusing only what nothing changed under', async () => {
    const reads = new DeviceReadTable();
    const a = await file('drivers/x/a.c', A);
    const b = await file('drivers/x/b.c', B);
    const accessors = new Map();
    const regionFields = new Map();
    const first = summariseModule({ files: [a], headers: [], reads, accessors, regionFields });
    const byName = (p: ModuleSummaryPass) => new Map(p.functions.map((f) => [f.fn.name, f]));
    const before = byName(first);
    const second = summariseModule({
      files: [a, b],
      headers: [],
      reads,
      accessors,
      regionFields,
      previous: first,
    });
    const after = byName(second);
    // Unchanged lookups: the same result object. A constant or a callee that appeared: recomputed.
    expect(after.get('nic_rd')).toBe(before.get('nic_rd'));
    expect(after.get('nic_plain')).toBe(before.get('nic_plain'));
    expect(after.get('nic_field')).not.toBe(before.get('nic_field'));
    expect(after.get('nic_idx')).not.toBe(before.get('nic_idx'));
    expect(before.get('nic_field')!.summary.returns?.maxValue).toBeUndefined();
    expect(after.get('nic_field')!.summary.returns?.maxValue).toBe(15);
    expect(after.get('nic_wait')).not.toBe(before.get('nic_wait'));
    // ... and the same facts and findings as a pass that starts from nothing.
    const fresh = summariseModule({ files: [a, b], headers: [], reads, accessors, regionFields });
    expect(second.functions.map(facts)).toEqual(fresh.functions.map(facts));
    const checks = selectChecks(undefined);
    const findings = (p: ModuleSummaryPass) => {
      const full = p.complete();
      return full.functions.flatMap((fn) => runChecks(checks, fn, full.context));
    };
    const got = findings(second);
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(findings(fresh));
    a.parsed.dispose();
    b.parsed.dispose();
  });

  it('finds across files added in later rounds what one file alone cannot show', async () => {
    const r = await analyseSources(
      [
        { path: 'drivers/x/a.c', text: A, latin1: false },
        { path: 'drivers/x/b.c', text: B, latin1: false },
      ],
      [],
      {},
    );
    expect(r.findings.map((f) => `${f.checkId}:${f.function}`)).toContain('infinite-poll:nic_wait');
  });
});

describe('faster text tests answer as before', () => {
  it('POLL_HELPER_CALL matches what `\\b\\w+_poll_timeout(_atomic)?\\s*\\(` matched', () => {
    const old = /\b\w+_poll_timeout(_atomic)?\s*\(/;
    for (const t of [
      'readl_poll_timeout(addr, v, v & 1, 10, 100);',
      'ret = read_poll_timeout_atomic (fn, v, c, 1, 2, false, x);',
      '_poll_timeout(',
      'x__poll_timeout(',
      '#define foo_poll_timeout\n(',
      'readl_poll_timeout_atomic',
      'poll_timeout(x)',
      'é_poll_timeout(',
      'my_poll_timeouts(',
    ])
      expect([t, POLL_HELPER_CALL.test(t)]).toEqual([t, old.test(t)]);
  });

  it('callSites: a static function used other than by a call is not direct-only', async () => {
    const f = await file(
      'drivers/x/c.c',
      `static int c_a(void) { return 0; }
static int c_b(void) { return 0; }
static int c_c(void) { return 0; }
static int c_ab(void) { return 0; }
static const struct ops o = { .a = c_a };
static int c_main(void)
{
	int (*p)(void) = c_c;
	/* c_b is named in a comment, "c_b" in a string */
	return c_a() + c_b() + c_ab () + c_c() + p();
}
`,
    );
    const cs = callSites(f.model.functions, [f.parsed.source]);
    expect([...cs.directOnly].sort()).toEqual(['c_ab', 'c_b']);
    f.parsed.dispose();
  });

  it('memoByNode keeps answers per tree when questions alternate between trees', async () => {
    const x = await parseC('x.c', 'int f(void) { return 1; }\n');
    const y = await parseC('y.c', 'int g(void) { return 2; }\nint h(void) { return 3; }\n');
    const text = memoByNode((n) => n.text);
    const nx = x.tree.rootNode.namedChild(0)!;
    const ny = y.tree.rootNode.namedChild(0)!;
    for (let i = 0; i < 3; i++) {
      expect(text(nx)).toBe('int f(void) { return 1; }');
      expect(text(ny)).toBe('int g(void) { return 2; }');
    }
    x.dispose();
    y.dispose();
  });
});
