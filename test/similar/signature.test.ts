import { describe, expect, it } from 'vitest';
import {
  busOf,
  hashString,
  jaccard,
  lcsLength,
  minhash,
  ownCall,
  sequenceSimilarity,
  shingles,
  signFile,
  tokenize,
  type TokenContext,
} from '../../src/similar/signature.js';

const NONE: TokenContext = { localFunctions: new Set(), localPrefixes: new Set() };

function tokensOf(code: string, ctx: TokenContext = NONE): string[] {
  return tokenize(code, 0, code.length, ctx, true).text!;
}

const ORIGINAL = `static int foo_reset(struct foo_priv *priv, int tries)
{
	int i;
	for (i = 0; i < tries; i++) {
		writel(0x1, priv->base + FOO_CTRL);
		if (readl(priv->base + FOO_STATUS) & 0x80)
			return 0;
		foo_delay(priv, 10);
	}
	return -ETIMEDOUT;
}`;

const RENAMED = `static int bar_do_reset(struct bar_adapter *ad, int n)
{
	int k;
	for (k = 0; k < n; k++) {
		writel(0x4, ad->regs + BAR_CONTROL);
		if (readl(ad->regs + BAR_STAT) & 0x100)
			return 0;
		bar_delay(ad, 25);
	}
	return -ETIMEDOUT;
}`;

describe('tokenize', () => {
  it('normalises identifiers, constants, register names, strings and fields', async () => {
    const t = tokensOf(`int f(struct s *p) { p->x = FOO_REG + 3; g("hi" "there"); return 'c'; }`);
    expect(t).toEqual(
      'int ID ( struct TY * ID ) { ID -> FLD = K + NUM ; g ( STR ) ; return NUM ; }'.split(' '),
    );
  });

  it('skips comments, preprocessor lines and kernel annotations', () => {
    const code = `void __iomem *f(void)\n{\n#ifdef CONFIG_X\n\ta(); /* c */\n#endif\n\t// d\n\treturn __must_hold(x) y;\n}`;
    expect(tokensOf(code)).toEqual('void * ID ( void ) { a ( ) ; return ID ; }'.split(' '));
  });

  it('maps renamed identifiers, changed constants and register names to the same tokens', async () => {
    const ctx: TokenContext = {
      localFunctions: new Set(['foo_reset', 'foo_delay', 'bar_do_reset', 'bar_delay']),
      localPrefixes: new Set(),
    };
    expect(tokensOf(RENAMED, ctx)).toEqual(tokensOf(ORIGINAL, ctx));
  });

  it('keeps kernel API calls but not the driver’s own helpers', async () => {
    const code = `void f(void) { kfree(a); foo_helper(b); bar_other(c); WARN_ON(d); MY_MACRO(e); }`;
    const t = tokensOf(code, { localFunctions: new Set(['bar_other']), localPrefixes: new Set(['foo']) });
    expect(t).toContain('kfree');
    expect(t).toContain('WARN_ON');
    expect(t).not.toContain('foo_helper');
    expect(t).not.toContain('bar_other');
    expect(t).toContain('CALL:helper');
    expect(t).toContain('CALL:other');
    expect(t).toContain('CALL:macro');
  });

  it('keeps what a driver helper’s name says after the driver prefix', () => {
    expect(ownCall('ath11k_peer_find')).toBe(ownCall('ath12k_peer_find'));
    expect(ownCall('_rtl88e_fill_h2c_command')).toBe('CALL:fill_h2c_command');
    expect(ownCall('REG_RD')).toBe('CALL:rd');
    expect(ownCall('helper')).toBe('CALL');
  });

  it('measures runs of register writes that differ only in values', async () => {
    const writes = Array.from({ length: 7 }, (_, i) => `\twritel(${i}, base + ${0x100 + 4 * i});`).join('\n');
    const code = `void f(void __iomem *base)\n{\n\tint x = 1;\n${writes}\n\tfoo(x);\n}`;
    const t = tokenize(code, 0, code.length, NONE);
    expect(t.writeRun).toBe(7);
    expect(t.tableStatements).toBe(7);
    expect(t.statements).toBe(9);
    // Runs of four or more count towards the table: 5 + (3: too short) + 4.
    const w = (n: number, reg: string) =>
      Array.from({ length: n }, (_, i) => `\tregmap_write(map, ${reg}_${i}, ${i});`).join('\n');
    const runs = `void g(struct regmap *map)\n{\n${w(5, 'A')}\n\tx = y;\n${w(3, 'B')}\n\tif (z) {\n${w(4, 'C')}\n\t}\n}`;
    const r = tokenize(runs, 0, runs.length, NONE);
    expect(r.writeRun).toBe(5);
    expect(r.tableStatements).toBe(9);
    expect(r.caseLabels).toBe(0);
    const sw = `bool rd(struct device *d, unsigned int reg)\n{\n\tswitch (reg) {\n\tcase A:\n\tcase B:\n\tcase C:\n\t\treturn true;\n\tdefault:\n\t\treturn false;\n\t}\n}`;
    expect(tokenize(sw, 0, sw.length, NONE).caseLabels).toBe(3);
  });
});

describe('shingles and sketches', () => {
  const seq = (s: string) => s.split(' ').map(hashString);

  it('counts repeated shingles (a multiset), so 8 repeats differ from 2', () => {
    const two = shingles(seq('a b c a b c a b c'), 3);
    const eight = shingles(seq(Array(8).fill('a b c').join(' ')), 3);
    expect(eight.length).toBeGreaterThan(two.length);
    expect(jaccard(two, eight)).toBeLessThan(0.5);
    expect(jaccard(two, two)).toBe(1);
  });

  it('shingle arrays are sorted and distinct', () => {
    const s = shingles(seq('x y z x y z q r x y z'), 2);
    for (let i = 1; i < s.length; i++) expect(s[i]!).toBeGreaterThan(s[i - 1]!);
  });

  it('computes exact Jaccard', () => {
    expect(jaccard(Uint32Array.of(1, 2, 3, 4), Uint32Array.of(3, 4, 5, 6))).toBeCloseTo(2 / 6);
    expect(jaccard(Uint32Array.of(1), Uint32Array.of(2))).toBe(0);
  });

  it('MinHash agreement estimates Jaccard', () => {
    // Two sets of 600 with 400 in common: J = 400 / 800 = 0.5.
    const a = Uint32Array.from({ length: 600 }, (_, i) => hashString(`s${i}`)).sort();
    const b = Uint32Array.from({ length: 600 }, (_, i) => hashString(`s${i + 200}`)).sort();
    const ma = minhash(a, 256, 7);
    const mb = minhash(b, 256, 7);
    let agree = 0;
    for (let i = 0; i < 256; i++) if (ma[i] === mb[i]) agree++;
    expect(jaccard(a, b)).toBeCloseTo(0.5);
    expect(Math.abs(agree / 256 - 0.5)).toBeLessThan(0.12);
    expect(minhash(a, 128, 7)).toEqual(minhash(a.slice(), 128, 7));
    expect(minhash(a, 128, 7)).not.toEqual(minhash(a, 128, 8));
  });

  it('densifies empty bins of small sets', () => {
    const small = Uint32Array.of(11, 22, 33);
    const m = minhash(small, 128, 1);
    expect(m.every((v) => v !== 0xffffffff)).toBe(true);
  });
});

describe('token-sequence similarity', () => {
  function lcsDP(a: ArrayLike<number>, b: ArrayLike<number>): number {
    const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        dp[i]![j] = a[i - 1] === b[j - 1] ? dp[i - 1]![j - 1]! + 1 : Math.max(dp[i - 1]![j]!, dp[i]![j - 1]!);
    return dp[a.length]![b.length]!;
  }

  it('bit-parallel LCS agrees with dynamic programming', () => {
    let seed = 12345;
    const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
    for (let trial = 0; trial < 200; trial++) {
      const alphabet = 2 + Math.floor(rnd() * 6);
      const a = Uint32Array.from(
        { length: Math.floor(rnd() * 90) },
        () => 0xfffffff0 + Math.floor(rnd() * alphabet),
      );
      const b = Uint32Array.from(
        { length: Math.floor(rnd() * 90) },
        () => 0xfffffff0 + Math.floor(rnd() * alphabet),
      );
      expect(lcsLength(a, b), `trial ${trial}`).toBe(lcsDP(a, b));
    }
  });

  it('scores an inserted statement by its share of the tokens', () => {
    const base = Uint32Array.from({ length: 100 }, (_, i) => i);
    const inserted = Uint32Array.from([...base.slice(0, 50), 900, 901, 902, 903, 904, ...base.slice(50)]);
    expect(sequenceSimilarity(base, inserted)).toBeCloseTo(200 / 205);
    expect(sequenceSimilarity(base, base)).toBe(1);
    expect(
      sequenceSimilarity(
        base,
        Uint32Array.from({ length: 100 }, (_, i) => i + 1000),
      ),
    ).toBe(0);
  });
});

describe('signFile', () => {
  it('signs long functions and drops boilerplate', async () => {
    const stub = `static int foo_suspend(struct device *dev)\n{\n\t/*\n\t * nothing\n\t */\n\n\treturn 0;\n}\n`;
    const s = await signFile('drivers/x/foo.c', `${ORIGINAL}\n\n${stub}\nstatic int g(void) { return 1; }\n`);
    expect(s.seen).toBe(3);
    expect(s.functions.map((f) => f.name)).toEqual(['foo_reset']);
    expect(s.functions[0]!.startLine).toBe(1);
    expect(s.functions[0]!.endLine).toBe(11);
    expect(s.functions[0]!.minhash).toHaveLength(128);
  });

  it('gives renamed copies identical signatures', async () => {
    const a = await signFile('drivers/x/foo.c', `${ORIGINAL}\nvoid foo_delay(void) {}\n`);
    const b = await signFile('drivers/y/bar.c', `${RENAMED}\nvoid bar_delay(void) {}\n`);
    expect(a.functions[0]!.fullHash).toBe(b.functions[0]!.fullHash);
    expect(a.functions[0]!.sequence).toEqual(b.functions[0]!.sequence);
    expect(a.functions[0]!.minhash).toEqual(b.functions[0]!.minhash);
  });

  it('reads the bus a driver registers on', () => {
    expect(busOf('static struct pci_driver x = {};\nmodule_pci_driver(x);')).toBe('pci');
    expect(busOf('module_usb_driver(a);')).toBe('usb');
    expect(busOf('i2c_register_driver(THIS_MODULE, &d); platform_driver_register(&p);')).toBe('i2c');
    expect(busOf('int main(void) { return 0; }')).toBeUndefined();
  });
});
