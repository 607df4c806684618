#!/usr/bin/env node
// `npm run fix:apply-check -- [--patches DIR] [--kernel 6.12] [--patch-all] [--jobs N]`
//
// Checks that every patch `driverscope fix` wrote applies to a clean kernel tree: `git apply --check`
// of each patch, one at a time, in a scratch git repository of the fetched kernel
// (<cache>/scratch-linux-<version>, made once and reused). Also runs `patch -p1 --dry-run` on the
// first patch (on all of them with --patch-all) to show the patches suit plain patch(1) too.
// Without --patches it runs `node dist/cli/main.js fix --out <tmp> <kernel tree>` itself.
// Prints applied/total and each failure with git's message; exits 1 when any patch fails.
import { spawn } from 'node:child_process';
import {
  generatePatches,
  kernelTree,
  lockScratch,
  readPatches,
  scratchRepo,
  sh,
} from './lib/kernel-scratch.mjs';
import { parseArgs, secs } from './lib/patch-check.mjs';

const USAGE =
  'usage: node scripts/fix-apply-check.mjs [--patches DIR] [--kernel 6.12] [--patch-all] [--jobs N]';

function gitApplyCheck(repo, patchPath) {
  return new Promise((done) => {
    const p = spawn('git', ['apply', '--check', patchPath], {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => done({ ok: code === 0, message: err.trim() }));
  });
}

async function main() {
  const { options, positional } = parseArgs(process.argv.slice(2), ['patch-all', 'help']);
  if (options.help || positional.length) {
    console.log(USAGE);
    process.exit(options.help ? 0 : 2);
  }
  const version = options.kernel ?? '6.12';
  const jobs = Math.max(1, Number(options.jobs ?? 2));
  const t0 = Date.now();
  const { tree } = await kernelTree(version);
  const patchDir = options.patches ?? generatePatches(tree);
  const patches = readPatches(patchDir);
  if (patches.length === 0) {
    console.error(`no *.patch files in ${patchDir}`);
    process.exit(2);
  }
  const repo = await scratchRepo(version);
  const release = lockScratch(repo);

  const t1 = Date.now();
  const results = new Array(patches.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, patches.length) }, async () => {
      while (next < patches.length) {
        const i = next++;
        results[i] = await gitApplyCheck(repo, patches[i].path);
      }
    }),
  );
  const applyMs = Date.now() - t1;

  // patch(1) compatibility: dry runs never write; --fuzz=0 is as strict as git apply.
  const forPatch = options['patch-all'] ? patches : patches.slice(0, 1);
  const patchFailures = [];
  for (const p of forPatch) {
    const r = sh('patch', ['-p1', '--dry-run', '--force', '--silent', '--fuzz=0', '-i', p.path], {
      cwd: repo,
    });
    if (r.status !== 0) patchFailures.push({ name: p.name, message: (r.stdout + r.stderr).trim() });
  }
  release();

  const failed = patches.map((p, i) => ({ ...p, ...results[i] })).filter((r) => !r.ok);
  const applied = patches.length - failed.length;
  console.log(`\nkernel ${version}: ${tree}\npatches: ${patchDir}\nscratch repo: ${repo}`);
  console.log(
    `git apply --check: ${applied}/${patches.length} applied (${((100 * applied) / patches.length).toFixed(1)}%) in ${secs(applyMs)}`,
  );
  for (const f of failed)
    console.log(`  FAILED ${f.name} (${f.files.join(', ')}):\n    ${f.message.split('\n').join('\n    ')}`);
  console.log(
    `patch -p1 --dry-run: ${forPatch.length - patchFailures.length}/${forPatch.length} applied${options['patch-all'] ? '' : ` (${forPatch[0].name}; --patch-all for every patch)`}`,
  );
  for (const f of patchFailures)
    console.log(`  FAILED ${f.name}:\n    ${f.message.split('\n').join('\n    ')}`);
  console.log(`total time ${secs(Date.now() - t0)}`);
  process.exit(failed.length || patchFailures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
