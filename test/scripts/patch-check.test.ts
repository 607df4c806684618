// Pure helpers of scripts/fix-apply-check.mjs and scripts/fix-compile-check.mjs.
import { describe, expect, it } from 'vitest';
import {
  addObjectTargets,
  candidateOrder,
  classOf,
  classQuotas,
  isNotATarget,
  moduleOfPatchName,
  newWarnings,
  normaliseWarnings,
  parseArgs,
  patchFiles,
} from '../../scripts/lib/patch-check.mjs';

const PATCH = `From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
From: driverscope <driverscope@localhost>
Subject: [PATCH] e1000: bound the polling loop

--- is not a header here: this is the commit message.
---
 drivers/net/ethernet/intel/e1000/e1000_main.c | 3 ++-
 1 file changed

diff --git a/drivers/net/ethernet/intel/e1000/e1000_main.c b/drivers/net/ethernet/intel/e1000/e1000_main.c
index 1111111..2222222 100644
--- a/drivers/net/ethernet/intel/e1000/e1000_main.c
+++ b/drivers/net/ethernet/intel/e1000/e1000_main.c
@@ -10,4 +10,5 @@ static int f(void)
 {
--- a comment line removed
+++ a line added that looks like a header
 	x = 1;
+	y = 2;
 }
diff --git a/drivers/net/ethernet/intel/e1000/e1000_hw.h b/drivers/net/ethernet/intel/e1000/e1000_hw.h
--- a/drivers/net/ethernet/intel/e1000/e1000_hw.h
+++ b/drivers/net/ethernet/intel/e1000/e1000_hw.h
@@ -1 +1,2 @@
 #define A 1
+#define B 2
-- 
2.39.5
`;

describe('patch-check helpers', () => {
  it('classOf: the five Carburizer classes', () => {
    expect(classOf('drivers/net/ethernet/intel/e1000/e1000_main.c')).toBe('net');
    expect(classOf('drivers/scsi/aacraid/linit.c')).toBe('scsi');
    expect(classOf('sound/pci/intel8x0.c')).toBe('sound');
    expect(classOf('drivers/gpu/drm/radeon/r100.c')).toBe('video');
    expect(classOf('drivers/video/fbdev/core/fbmem.c')).toBe('video');
    expect(classOf('drivers/usb/host/xhci.c')).toBe('other');
    expect(classOf('drivers/network-like/x.c')).toBe('other');
  });

  it('patchFiles: files of a mail-style patch, not fooled by ---/+++ lines inside hunks', () => {
    expect(patchFiles(PATCH)).toEqual([
      'drivers/net/ethernet/intel/e1000/e1000_main.c',
      'drivers/net/ethernet/intel/e1000/e1000_hw.h',
    ]);
    const plain = '--- a/sound/x.c\t2024-01-01\n+++ b/sound/x.c\t2024-01-02\n@@ -1 +1 @@\n-a\n+b\n';
    expect(patchFiles(plain)).toEqual(['sound/x.c']);
    const deletion = '--- a/sound/gone.c\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n';
    expect(patchFiles(deletion)).toEqual(['sound/gone.c']);
  });

  it('moduleOfPatchName', () => {
    expect(moduleOfPatchName('0012-e1000.patch')).toBe('e1000');
    expect(moduleOfPatchName('/x/0003-snd-hda-codec-realtek.patch')).toBe('snd-hda-codec-realtek');
    expect(moduleOfPatchName('hand.patch')).toBe('hand');
  });

  it('normaliseWarnings: no source prefix, line, column or objtool offset', () => {
    const log = [
      "/cache/scratch-linux-6.12/drivers/net/a.c: In function 'f':",
      "/cache/scratch-linux-6.12/drivers/net/a.c:120:7: warning: unused variable 'x' [-Wunused-variable]",
      '  120 |   int x;',
      'drivers/net/a.o: warning: objtool: f+0x1a: call to g() with UACCESS enabled',
      'vmlinux.o: warning: objtool: h+0x12/0x40: unreachable instruction',
      "/cache/scratch-linux-6.12/drivers/net/a.c:7:1: error: expected ';'",
    ].join('\n');
    expect(normaliseWarnings(log, ['/cache/scratch-linux-6.12'])).toEqual([
      "drivers/net/a.c: warning: unused variable 'x' [-Wunused-variable]",
      'drivers/net/a.o: warning: objtool: f+0x?: call to g() with UACCESS enabled',
      'vmlinux.o: warning: objtool: h+0x?/0x?: unreachable instruction',
    ]);
    // The same warning moved by a patch compares equal.
    const a = normaliseWarnings('/s/x.c:10:2: warning: w [-Wfoo]', ['/s']);
    const b = normaliseWarnings('/s/x.c:11:2: warning: w [-Wfoo]', ['/s/']);
    expect(a).toEqual(b);
  });

  it('newWarnings: multiset difference', () => {
    expect(newWarnings(['a', 'b'], ['b', 'a'])).toEqual([]);
    expect(newWarnings(['a'], ['a', 'a', 'c'])).toEqual(['a', 'c']);
    expect(newWarnings(['a', 'c'], [])).toEqual([]);
  });

  it('isNotATarget', () => {
    expect(isNotATarget("make[4]: *** No rule to make target 'drivers/x/y.o'.  Stop.")).toBe(true);
    expect(isNotATarget('drivers/x/y.c:1:1: error: unknown type name')).toBe(false);
  });

  it('classQuotas: equal shares, a short class passes its share on', () => {
    const all = { net: 99, scsi: 99, sound: 99, video: 99, other: 99 };
    expect(classQuotas(30, all)).toEqual({ net: 6, scsi: 6, sound: 6, video: 6, other: 6 });
    expect(classQuotas(32, all)).toEqual({ net: 7, scsi: 7, sound: 6, video: 6, other: 6 });
    const q = classQuotas(30, { net: 99, scsi: 2, sound: 0, video: 99, other: 99 });
    expect(q.scsi).toBe(2);
    expect(q.sound).toBe(0);
    expect(q.net + q.scsi + q.sound + q.video + q.other).toBe(30);
    expect(classQuotas(30, { net: 3, other: 4 })).toEqual({ net: 3, scsi: 0, sound: 0, video: 0, other: 4 });
  });

  it('candidateOrder: per class, deterministic, independent of input order, seed-dependent', () => {
    const patches = Array.from({ length: 40 }, (_, i) => ({
      name: `${String(i + 1).padStart(4, '0')}-mod${i}.patch`,
      files: [i % 2 ? `drivers/net/m${i}.c` : `sound/pci/m${i}.c`],
    }));
    const a = candidateOrder(patches);
    const b = candidateOrder([...patches].reverse());
    expect(a).toEqual(b);
    expect(a.net).toHaveLength(20);
    expect(a.sound).toHaveLength(20);
    expect(a.scsi).toEqual([]);
    expect(a.net.map((p) => p.name)).not.toEqual([...a.net.map((p) => p.name)].sort()); // spread, not alphabetical
    expect(candidateOrder(patches, 'other seed').net).not.toEqual(a.net);
    // Every directory once before any directory twice.
    const family = Array.from({ length: 6 }, (_, i) => ({
      name: `${String(i + 1).padStart(4, '0')}-m${i}.patch`,
      files: [`drivers/net/${i < 4 ? 'rtw' : `d${i}`}/m${i}.c`],
    }));
    const dirs = candidateOrder(family).net.map((p) => p.files[0]!.split('/')[2]);
    expect(new Set(dirs.slice(0, 3)).size).toBe(3);
    expect(dirs.slice(3)).toEqual(['rtw', 'rtw', 'rtw']);
    // A header listed first does not decide the class: the first .c file does.
    const h = candidateOrder([{ name: '0001-x.patch', files: ['include/linux/x.h', 'drivers/scsi/x.c'] }]);
    expect(h.scsi).toHaveLength(1);
  });

  it('parseArgs', () => {
    expect(parseArgs(['--patches', 'd', '--sample=40', '--patch-all', 'extra'], ['patch-all'])).toEqual({
      options: { patches: 'd', sample: '40', 'patch-all': true },
      positional: ['extra'],
    });
    expect(() => parseArgs(['--patches'])).toThrow(/needs a value/);
  });

  it('addObjectTargets: source → Kbuild object target from a make -n dry run', () => {
    const src = '/c/scratch-linux-6.12';
    const dry = [
      `  gcc -Wp,-MMD,sound/pci/.ens1370.o.d -nostdinc -O2 -c -o sound/pci/ens1370.o ${src}/sound/pci/ens1370.c ; ./tools/objtool/objtool sound/pci/ens1370.o`,
      `  gcc -Wp,-MMD,x.d -I${src}/drivers/gpu/drm/amd/amdgpu/../display -c -o drivers/gpu/drm/amd/amdgpu/../display/dc/core/dc.o ${src}/drivers/gpu/drm/amd/amdgpu/../display/dc/core/dc.c`,
      "printf '%s' 'cmd_sound/pci/ens1370.o := gcc -c -o sound/pci/ens1370.o /c/scratch-linux-6.12/sound/pci/ens1370.c'",
      '  gcc -c -o scripts/dtc/dtc-lexer.lex.o scripts/dtc/dtc-lexer.lex.c',
    ].join('\n');
    const map = addObjectTargets(dry, src);
    expect([...map]).toEqual([
      ['sound/pci/ens1370.c', 'sound/pci/ens1370.o'],
      ['drivers/gpu/drm/amd/display/dc/core/dc.c', 'drivers/gpu/drm/amd/amdgpu/../display/dc/core/dc.o'],
    ]);
    // Parsed piece by piece into the same map.
    addObjectTargets(`gcc -c -o sound/x.o ${src}/sound/x.c`, `${src}/`, map);
    expect(map.get('sound/x.c')).toBe('sound/x.o');
  });
});
