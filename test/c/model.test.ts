import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCfg } from '../../src/c/cfg.js';
import { discoverModules, parseKbuild } from '../../src/c/kbuild.js';
import { buildFileModel } from '../../src/c/model.js';
import { parseC } from '../../src/c/parser.js';

const DRIVER = `#define NQ 4
struct nic_priv { void __iomem *base; u32 stats[NQ]; };
static struct nic_priv *global_priv;
static int nic_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	u32 regs[8], v;
	v = readl(global_priv->base);
	return v ? 0 : -EIO;
}
static const struct dev_pm_ops nic_pm = { .suspend = nic_suspend };
static struct pci_driver nic_driver = {
	.name = "nic",
	.probe = nic_probe,
	.driver = { .pm = &nic_pm },
};
`;

describe('source model', () => {
  it('reads functions, parameters, locals, calls, structs and initialisers', async () => {
    const f = await parseC('nic.c', DRIVER);
    const m = buildFileModel(f);
    expect(m.functions.map((x) => x.name)).toEqual(['nic_probe']);
    const fn = m.functions[0]!;
    expect(fn.isStatic).toBe(true);
    expect(fn.params.map((p) => `${p.name}:${p.pointerDepth}`)).toEqual(['pdev:1', 'id:1']);
    expect(fn.locals.get('regs')?.arrayDims).toEqual([8]);
    expect(fn.calls.map((c) => c.name)).toEqual(['readl']);
    expect(m.structs.get('nic_priv')?.get('stats')?.arrayDims).toEqual([4]);
    expect(m.globals.has('global_priv')).toBe(true);
    const drv = m.initializers.find((i) => i.variable === 'nic_driver')!;
    expect(drv.structType).toBe('pci_driver');
    expect(drv.fields.map((x) => `${x.path}=${x.value}`)).toEqual([
      'name="nic"',
      'probe=nic_probe',
      'driver.pm=&nic_pm',
    ]);
    f.dispose();
  });
});

describe('control-flow graph', () => {
  const CODE = `int f(int a)
{
	int i;
	if (a)
		a++;
	else
		a--;
	for (i = 0; i < 3; i++) {
		if (i == a)
			continue;
		if (i > 5)
			break;
	}
	do {
		a--;
	} while (a > 0);
	switch (a) {
	case 1:
		a = 2;
	case 2:
		a = 3;
		break;
	default:
		goto out;
	}
	while (a)
		a >>= 1;
out:
	return a;
}`;

  it('builds loops, branches, switch fallthrough and goto', async () => {
    const f = await parseC('f.c', CODE);
    const fn = buildFileModel(f).functions[0]!;
    const cfg = buildCfg(fn.body);
    expect(cfg.loops.map((l) => l.kind)).toEqual(['for', 'do', 'while']);
    const conds = cfg.nodes.filter((n) => n.kind === 'cond');
    for (const c of conds)
      expect(c.succ.map((e) => e.branch).sort()).toEqual(c.succ.length === 2 ? [false, true] : [true]);
    // case 1 falls through to case 2: the node for "a = 2" leads to the case-2 label.
    const a2 = cfg.nodes.find((n) => n.ast?.text === 'a = 2;')!;
    const next = cfg.nodes[a2.succ[0]!.to]!;
    expect(next.kind).toBe('label');
    // goto out reaches the return through the label.
    const got = cfg.nodes.find((n) => n.ast?.type === 'goto_statement')!;
    const lbl = cfg.nodes[got.succ[0]!.to]!;
    expect(lbl.kind).toBe('label');
    expect(cfg.nodes[lbl.succ[0]!.to]!.kind).toBe('return');
    // Every node but the exit has a successor; the exit is reachable from the entry.
    for (const n of cfg.nodes) if (n.id !== cfg.exit) expect(n.succ.length).toBeGreaterThan(0);
    f.dispose();
  });
});

describe('Kbuild modules', () => {
  it('parses obj-$(CONFIG_X) and composite objects', () => {
    const f = parseKbuild(
      'obj-$(CONFIG_FOO) += foo.o bar.o\nfoo-y := core.o \\\n\thw.o\nfoo-$(CONFIG_FOO_DBG) += debug.o\nfoo-$(CONFIG_FOO_FCOE:m=y) += fcoe.o\nobj-y += sub/\n',
    );
    expect([...f.targets]).toEqual([
      ['foo', 'CONFIG_FOO'],
      ['bar', 'CONFIG_FOO'],
    ]);
    expect(f.composites.get('foo')).toEqual(['core', 'hw', 'debug', 'fcoe']);
  });

  it('expands variables in object lists, conditional parts included (msm-y += $(adreno-y))', () => {
    const f = parseKbuild(
      [
        'adreno-y := \\',
        '\tadreno/a6xx_gpu.o \\',
        '\tadreno/a6xx_gmu.o \\',
        '',
        'adreno-$(CONFIG_DRM_MSM_GPU_STATE)\t+= adreno/a6xx_gpu_state.o',
        'msm-display-$(CONFIG_DRM_MSM_HDMI) += hdmi/hdmi.o',
        'core-objs = msm_drv.o ${extra}',
        'extra := msm_gem.o',
        'msm-y += $(adreno-y) $(msm-display-y) $(core-objs) $(undefined-y)',
        'obj-$(CONFIG_DRM_MSM) += msm.o',
      ].join('\n'),
    );
    expect(f.composites.get('msm')).toEqual([
      'adreno/a6xx_gpu',
      'adreno/a6xx_gmu',
      'adreno/a6xx_gpu_state',
      'hdmi/hdmi',
      'msm_drv',
      'msm_gem',
    ]);
    // A variable that names itself does not loop.
    expect(parseKbuild('x-y := $(x-y) a.o\nfoo-y := $(x-y)\nobj-y += foo.o\n').composites.get('foo')).toEqual(
      ['a'],
    );
  });

  it('groups files into modules, and unreferenced files into their own', () => {
    const d = mkdtempSync(join(tmpdir(), 'kbuild-'));
    mkdirSync(join(d, 'sub'));
    writeFileSync(
      join(d, 'Makefile'),
      'obj-$(CONFIG_FOO) += foo.o bar.o\nfoo-y := core.o hw.o sub/extra.o\n',
    );
    for (const f of ['core.c', 'hw.c', 'bar.c', 'lonely.c', 'sub/extra.c']) writeFileSync(join(d, f), '');
    const mods = discoverModules(
      ['core.c', 'hw.c', 'bar.c', 'lonely.c', 'sub/extra.c'].map((f) => join(d, f)),
    );
    const byName = Object.fromEntries(mods.map((m) => [m.name, m.files.map((x) => x.slice(d.length + 1))]));
    expect(byName).toEqual({ bar: ['bar.c'], foo: ['core.c', 'hw.c', 'sub/extra.c'], lonely: ['lonely.c'] });
    expect(mods.find((m) => m.name === 'foo')!.config).toBe('CONFIG_FOO');
    expect(mods.find((m) => m.name === 'lonely')!.fromMakefile).toBe(false);
  });
});

describe('calls named from the parsed text', () => {
  const CALLS = `static int f(struct nic *n, int (*cb)(int), int (**tab)(int), int i)
{
	int r = readl (n->base);
	r += n->ops->reset(n);
	r += (*cb)(r);
	r += tab[i](r);
	r += get_handler(n)(r);
	r += n->chip.read(n, 4);
	r += foo /* why */ (r);
	return r;
}
`;

  it('gives each call the name and kind its callee node has', async () => {
    const f = await parseC('calls.c', CALLS);
    const fn = buildFileModel(f).functions[0]!;
    // The same calls read from the tree alone: the callee node's type and text.
    const fromTree = fn.calls.map((c) => {
      const callee = c.node.childForFieldName('function')!;
      const name =
        callee.type === 'identifier'
          ? callee.text
          : callee.type === 'field_expression'
            ? callee.childForFieldName('field')!.text
            : callee.text;
      return `${name}/${callee.type === 'identifier'}`;
    });
    expect(fn.calls.map((c) => `${c.name}/${c.direct}`)).toEqual(fromTree);
    expect(fromTree).toEqual([
      'readl/true',
      'reset/false',
      '(*cb)/false',
      'tab[i]/false',
      'get_handler(n)/false',
      'get_handler/true',
      'read/false',
      'foo/true',
    ]);
    f.dispose();
  });
});
