import { describe, expect, it } from 'vitest';
import { resultPolarity } from '../../src/analysis/control.js';
import { parseC } from '../../src/c/parser.js';
import type { Node } from '../../src/c/parser.js';

/** The polarity of the test `cond` for the call `f(...)` or the read of `ret` in it. */
async function polarity(cond: string): Promise<string | undefined> {
  const f = await parseC('t.c', `void t(void)\n{\n\tint ret;\n\tif (${cond})\n\t\tg();\n}\n`);
  try {
    let ifs: Node | undefined;
    const find = (n: Node) => {
      if (n.type === 'if_statement') ifs ??= n;
      for (const c of n.namedChildren) if (c) find(c);
    };
    find(f.tree.rootNode);
    const c = ifs!.childForFieldName('condition')!;
    let target: Node | undefined;
    const pick = (n: Node) => {
      if (target) return;
      if (n.type === 'call_expression' && n.childForFieldName('function')?.text === 'f') target = n;
      else if (n.type === 'identifier' && n.text === 'ret' && n.parent?.type !== 'assignment_expression')
        target = n;
      else for (const k of n.namedChildren) if (k) pick(k);
    };
    pick(c);
    return resultPolarity(target!, c);
  } finally {
    f.dispose();
  }
}

describe('the polarity of a test of a call result', () => {
  it('failure-true tests', async () => {
    for (const c of [
      'f(1)',
      'ret',
      'ret < 0',
      'ret != 0',
      '0 > ret',
      'IS_ERR(ret)',
      'ret == -ETIMEDOUT',
      '(ret = f(1)) < 0',
      'unlikely(ret)',
      'ret < 0 && x',
      'ret || x',
    ])
      expect([c, await polarity(c)]).toEqual([c, 'failure']);
  });
  it('success-true tests', async () => {
    for (const c of [
      '!ret',
      'ret == 0',
      'ret >= 0',
      '!f(1)',
      '0 == ret',
      '!IS_ERR(ret)',
      '!ret && x',
      'f(1) == 0',
    ])
      expect([c, await polarity(c)]).toEqual([c, 'success']);
  });
  it('shapes whose polarity is not certain', async () => {
    for (const c of ['ret > 0', 'ret <= 0', '!ret || x', 'g(ret)', 'ret != -EAGAIN', 'ret == 1'])
      expect([c, await polarity(c)]).toEqual([c, undefined]);
  });
});
