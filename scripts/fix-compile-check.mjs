#!/usr/bin/env node
// `npm run fix:compile-check -- [--patches DIR] [--kernel 6.12] [--sample N] [--json FILE] [--seed S] [--prepare-only]`
//
// Compile proof for `driverscope fix` patches, in the real kernel build:
//   1. installs the kernel build dependencies from Debian when missing (apt-get; needs root or sudo);
//   2. prepares an out-of-tree build (O=<cache>/build-linux-<version>) of the scratch git repo of the
//      fetched kernel (see fix-apply-check.mjs): `make allmodconfig` (with CONFIG_WERROR off, so a
//      warning stays a warning) and `make prepare` — slow, done once, kept across runs by a stamp;
//   3. picks a sample of patches spread over the driver classes (net, scsi, sound, video, other;
//      deterministic order), and for each .c file of a patch builds `make <dir>/<file>.o` before the
//      patch, applies it (`git apply`), builds again, compares errors and gcc/objtool warnings
//      (normalised without line/column numbers), and reverts it (`git apply -R`).
// A patch whose files do not build before (not selected by allmodconfig, arch-only code) is reported as
// "not built before" and the next candidate of its class is tried instead, until the class quota is met.
// Exits 1 when a file that compiled before fails after or has a new warning.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  generatePatches,
  kernelTree,
  lockScratch,
  must,
  readPatches,
  scratchRepo,
  sh,
} from './lib/kernel-scratch.mjs';
import {
  addObjectTargets,
  CLASSES,
  candidateOrder,
  classQuotas,
  isNotATarget,
  newWarnings,
  normaliseWarnings,
  parseArgs,
  secs,
} from './lib/patch-check.mjs';

const USAGE =
  'usage: node scripts/fix-compile-check.mjs [--patches DIR] [--kernel 6.12] [--sample N] [--json FILE] [--seed S] [--tries-per-class N] [--prepare-only]';

/** Debian packages a kernel build (scripts, objtool, certs, single objects) needs beyond a C toolchain. */
const BUILD_DEPS = [
  'build-essential',
  'flex',
  'bison',
  'bc',
  'libelf-dev',
  'libssl-dev',
  'cpio',
  'kmod',
  'perl',
  'python3',
  'git',
  'patch',
];

function installDeps() {
  const t = Date.now();
  const q = sh('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...BUILD_DEPS]);
  const installed = new Set(
    q.stdout
      .split('\n')
      .filter((l) => l.endsWith(' installed'))
      .map((l) => l.split(' ')[0]),
  );
  const missing = BUILD_DEPS.filter((p) => !installed.has(p));
  if (missing.length === 0) {
    console.log(`build dependencies: all installed (${secs(Date.now() - t)})`);
    return { missing, ms: Date.now() - t };
  }
  console.log(`build dependencies: installing ${missing.join(' ')}`);
  const sudo = process.getuid && process.getuid() !== 0 ? ['sudo'] : [];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args) => must(sudo[0] ?? args[0], sudo.length ? args : args.slice(1), { env });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
  const ms = Date.now() - t;
  console.log(`  installed in ${secs(ms)}`);
  return { missing, ms };
}

const PREPARED = '.driverscope-prepared';
const TARGETS = '.driverscope-targets.json';
const C_LOCALE = { LC_ALL: 'C', LANG: 'C', LC_CTYPE: 'C', LC_MESSAGES: 'C' };

/**
 * Which .c files allmodconfig compiles, and under which object target: one `make -n` dry run of
 * drivers/ and sound/ (kept in the build dir until the next prepare). A file's own path is not always
 * its target: amdgpu builds drivers/gpu/drm/amd/display/... as drivers/gpu/drm/amd/amdgpu/../display/...,
 * and only that target gets amdgpu's include paths. A file missing from the map is not built by
 * allmodconfig on this architecture.
 */
async function objectTargets(src, build) {
  const file = join(build, TARGETS);
  if (existsSync(file))
    return { map: new Map(Object.entries(JSON.parse(readFileSync(file, 'utf8')))), ms: 0 };
  console.log('listing the objects allmodconfig builds in drivers/ and sound/ (make -n, once)');
  const t = Date.now();
  const map = new Map();
  await new Promise((done, fail) => {
    const p = spawn('make', ['-n', '-k', '-C', src, `O=${build}`, 'drivers/', 'sound/'], {
      env: { ...process.env, ...C_LOCALE },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let rest = '';
    p.stdout.setEncoding('utf8');
    p.stdout.on('data', (chunk) => {
      const text = rest + chunk;
      const cut = text.lastIndexOf('\n');
      rest = text.slice(cut + 1);
      addObjectTargets(text.slice(0, cut + 1), src, map);
    });
    p.on('error', fail);
    p.on('close', () => {
      addObjectTargets(rest, src, map);
      done();
    });
  });
  if (map.size === 0) throw new Error('make -n found no objects to build in drivers/ and sound/');
  const sorted = Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));
  writeFileSync(file, `${JSON.stringify(sorted)}\n`);
  const ms = Date.now() - t;
  console.log(`  ${map.size} objects in ${secs(ms)}`);
  return { map, ms };
}

/**
 * The prepared out-of-tree build directory: allmodconfig without WERROR, then `make prepare`.
 * The stamp records the source repo, the compiler and the make targets; a matching stamp means
 * nothing to do. Returns {build, times}.
 */
function prepareBuild(src, cache, version, jobs) {
  const build = join(cache, `build-linux-${version}`);
  const gcc = sh('gcc', ['--version']).stdout.split('\n')[0];
  const head = must('git', ['rev-parse', 'HEAD'], { cwd: src }).stdout.trim();
  const want = JSON.stringify({
    src,
    head,
    gcc,
    config: 'allmodconfig -WERROR -LOCALVERSION_AUTO',
    targets: 'prepare',
  });
  const stamp = join(build, PREPARED);
  const times = {};
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) {
    console.log(`build dir ${build}: prepared (stamp matches)`);
    return { build, times, reused: true };
  }
  rmSync(stamp, { force: true });
  rmSync(join(build, TARGETS), { force: true });
  mkdirSync(build, { recursive: true });
  const make = (...args) => {
    const r = must('make', ['-s', '-C', src, `O=${build}`, ...args]);
    return r.ms;
  };
  console.log(`preparing the allmodconfig build in ${build} (slow once; kept across runs)`);
  times.allmodconfig = make('allmodconfig');
  console.log(`  make allmodconfig: ${secs(times.allmodconfig)}`);
  // Warnings must stay warnings to be counted (allmodconfig turns COMPILE_TEST and so WERROR on), and
  // the release string must not change when a patch makes the git tree dirty (LOCALVERSION_AUTO
  // appends "-dirty", which would make every build after a patch regenerate the version headers).
  must(join(src, 'scripts/config'), [
    '--file',
    join(build, '.config'),
    '--disable',
    'WERROR',
    '--disable',
    'LOCALVERSION_AUTO',
  ]);
  times.olddefconfig = make('olddefconfig');
  const config = readFileSync(join(build, '.config'), 'utf8');
  if (/^CONFIG_WERROR=y/m.test(config)) throw new Error('CONFIG_WERROR is still set after olddefconfig');
  times.prepare = make(`-j${jobs}`, 'prepare');
  console.log(`  make prepare: ${secs(times.prepare)}`);
  writeFileSync(stamp, `${want}\n`);
  return { build, times, reused: false };
}

/** The compiler's `error:` lines (else make's `***` lines) of a failed build, without the source-tree prefix, at most 5. */
function errorLines(log, src) {
  const lines = log.split('\n').map((l) => l.split(`${src}/`).join('').trim());
  const errors = lines.filter((l) => /\berror:/.test(l));
  return (errors.length ? errors : lines.filter((l) => l.includes('***'))).slice(0, 5);
}

/**
 * Build the object of one .c file; returns {ok, notTarget, target, warnings, errors, ms}. A file
 * allmodconfig does not compile (not in `targets`) is not built. The old object is removed first so
 * that it is really compiled.
 */
function buildObject(src, build, cfile, jobs, targets) {
  const target = targets.get(cfile);
  if (!target)
    return { ok: false, notTarget: true, warnings: [], errors: ['not built by allmodconfig'], ms: 0 };
  rmSync(join(build, target), { force: true });
  // The C locale: the same (ASCII-quoted) compiler messages whatever the caller's locale (the kernel's
  // Makefile unexports LC_ALL, so LANG, LC_CTYPE and LC_MESSAGES are set too).
  const r = sh('make', ['-s', `-j${jobs}`, '-C', src, `O=${build}`, target], {
    env: { ...process.env, ...C_LOCALE },
  });
  const log = `${r.stdout}\n${r.stderr}`;
  const ok = r.status === 0 && existsSync(join(build, target));
  return {
    ok,
    notTarget: !ok && isNotATarget(log),
    target,
    warnings: normaliseWarnings(log, [src, build]),
    errors: errorLines(log, src),
    ms: r.ms,
  };
}

function applyPatch(src, patch, reverse = false) {
  const r = sh('git', ['apply', ...(reverse ? ['-R'] : []), patch.path], { cwd: src });
  return { ok: r.status === 0, message: r.stderr.trim() };
}

/** Put the patch's files back as committed (after `git apply -R`, or if it failed). */
function restore(src, patch) {
  const files = patch.files;
  const dirty = sh('git', ['status', '--porcelain', '--untracked-files=all', '--', ...files], {
    cwd: src,
  }).stdout.trim();
  if (!dirty) return;
  sh('git', ['checkout', '-q', 'HEAD', '--', ...files], { cwd: src });
  sh('git', ['clean', '-q', '-f', '--', ...files], { cwd: src });
}

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function showBuild(b) {
  if (!b) return '-';
  return `${b.ok ? 'ok' : 'FAIL'} ${b.warnings.length}w ${secs(b.ms)}`;
}

async function main() {
  const { options, positional } = parseArgs(process.argv.slice(2), ['prepare-only', 'help']);
  if (options.help || positional.length) {
    console.log(USAGE);
    process.exit(options.help ? 0 : 2);
  }
  const version = options.kernel ?? '6.12';
  const sample = Number(options.sample ?? 30);
  const jobs = Number(options.jobs ?? 2);
  const triesPerClass = Number(options['tries-per-class'] ?? 0); // 0: no limit
  const t0 = Date.now();
  const summary = { kernel: version, started: new Date().toISOString(), times: {} };

  const deps = installDeps();
  summary.times.deps = deps.ms;
  summary.depsInstalled = deps.missing;
  const { tree, cache } = await kernelTree(version);
  let t = Date.now();
  const src = await scratchRepo(version);
  summary.times.scratchRepo = Date.now() - t;
  const release = lockScratch(src);
  const prep = prepareBuild(src, cache, version, jobs);
  const targets = await objectTargets(src, prep.build);
  if (targets.ms) prep.times.objectList = targets.ms;
  Object.assign(summary.times, prep.times);
  summary.buildDir = prep.build;
  if (options['prepare-only']) {
    console.log(`prepared; total ${secs(Date.now() - t0)}`);
    release();
    return;
  }

  const patchDir = options.patches ?? generatePatches(tree);
  summary.patches = patchDir;
  const patches = readPatches(patchDir).filter((p) => p.files.some((f) => f.endsWith('.c')));
  const order = candidateOrder(patches, options.seed ?? 'driverscope');
  const available = Object.fromEntries(CLASSES.map((c) => [c, order[c].length]));
  const quotas = classQuotas(sample, available);
  console.log(
    `\n${patches.length} patches with .c files in ${patchDir}; sample ${sample}: ${CLASSES.map((c) => `${c} ${quotas[c]}/${available[c]}`).join(', ')}`,
  );

  const results = [];
  const notBuilt = [];
  const beforeCache = new Map(); // file → its build on the clean tree (a file in two patches is built once before)
  for (const cls of CLASSES) {
    let taken = 0;
    let tried = 0;
    for (const patch of order[cls]) {
      if (taken >= quotas[cls] || (triesPerClass && tried >= triesPerClass)) break;
      tried++;
      const cfiles = patch.files.filter((f) => f.endsWith('.c'));
      const before = {};
      let builds = true;
      // Files allmodconfig does not compile first (no build needed), then the builds, up to the first failure.
      for (const f of [...cfiles].sort((a, b) => Number(targets.map.has(a)) - Number(targets.map.has(b)))) {
        if (!beforeCache.has(f)) beforeCache.set(f, buildObject(src, prep.build, f, jobs, targets.map));
        before[f] = beforeCache.get(f);
        if (!before[f].ok) {
          builds = false;
          break;
        }
      }
      if (!builds) {
        const why = cfiles
          .filter((f) => before[f] && !before[f].ok)
          .map(
            (f) =>
              `${f}: ${before[f].notTarget ? 'not built by allmodconfig' : (before[f].errors[0] ?? 'failed').trim()}`,
          );
        console.log(
          `  ${pad(cls, 6)} ${pad(patch.name, 44)} not built before (${why.join('; ')}) — next candidate`,
        );
        notBuilt.push({ class: cls, patch: patch.name, files: cfiles, reasons: why });
        continue;
      }
      taken++;
      const applied = applyPatch(src, patch);
      const entry = { class: cls, patch: patch.name, files: [], applied: applied.ok };
      if (!applied.ok) {
        entry.applyError = applied.message;
        restore(src, patch);
        console.log(
          `  ${pad(cls, 6)} ${pad(patch.name, 44)} DOES NOT APPLY: ${applied.message.split('\n')[0]}`,
        );
        results.push(entry);
        continue;
      }
      for (const f of cfiles) {
        const after = buildObject(src, prep.build, f, jobs, targets.map);
        const fresh = newWarnings(before[f].warnings, after.warnings);
        entry.files.push({ file: f, before: before[f], after, newWarnings: fresh });
        console.log(
          `  ${pad(cls, 6)} ${pad(patch.name, 44)} ${pad(f, 60)} before ${pad(showBuild(before[f]), 16)} after ${pad(showBuild(after), 16)} new warnings ${fresh.length}`,
        );
        for (const w of fresh) console.log(`      + ${w}`);
        if (!after.ok) for (const e of after.errors) console.log(`      ! ${e}`);
      }
      const reverted = applyPatch(src, patch, true);
      if (!reverted.ok)
        console.log(`      (git apply -R failed, restoring from git: ${reverted.message.split('\n')[0]})`);
      restore(src, patch);
      results.push(entry);
    }
    if (taken < quotas[cls])
      console.log(`  ${cls}: only ${taken} of ${quotas[cls]} sampled patches build before the patch`);
  }
  release();

  const files = results.flatMap((r) => r.files);
  const regressions = files.filter((f) => !f.after.ok || f.newWarnings.length > 0);
  const notApplied = results.filter((r) => !r.applied);
  const totals = {
    patches: results.length,
    files: files.length,
    compiledBefore: files.filter((f) => f.before.ok).length,
    compiledAfter: files.filter((f) => f.after.ok).length,
    failAfter: files.filter((f) => !f.after.ok).length,
    newWarnings: files.reduce((n, f) => n + f.newWarnings.length, 0),
    filesWithNewWarnings: files.filter((f) => f.newWarnings.length > 0).length,
    notApplied: notApplied.length,
    notBuiltBefore: notBuilt.length,
    perClass: Object.fromEntries(CLASSES.map((c) => [c, results.filter((r) => r.class === c).length])),
    meanBuildSeconds: files.length
      ? Number(
          (files.reduce((n, f) => n + f.before.ms + f.after.ms, 0) / (2 * files.length) / 1000).toFixed(1),
        )
      : 0,
  };
  summary.times.total = Date.now() - t0;
  Object.assign(summary, { totals, results, notBuiltBefore: notBuilt });

  const fw = Math.max(20, ...files.map((f) => f.file.length)); // file column width
  console.log(
    `\n${pad('class', 6)} ${pad('patch', 44)} ${pad('file', fw)} ${pad('before', 16)} ${pad('after', 16)} new warnings`,
  );
  for (const r of results) {
    if (!r.applied) console.log(`${pad(r.class, 6)} ${pad(r.patch, 44)} ${pad('(does not apply)', fw)}`);
    for (const f of r.files)
      console.log(
        `${pad(r.class, 6)} ${pad(r.patch, 44)} ${pad(f.file, fw)} ${pad(showBuild(f.before), 16)} ${pad(showBuild(f.after), 16)} ${f.newWarnings.length}`,
      );
  }
  if (notBuilt.length) {
    console.log('\nnot built before the patch (skipped, not failures):');
    for (const n of notBuilt) console.log(`  ${pad(n.class, 6)} ${pad(n.patch, 44)} ${n.reasons.join('; ')}`);
  }
  if (regressions.length || notApplied.length) {
    console.log('\nregressions:');
    for (const r of notApplied) console.log(`  ${r.patch}: does not apply: ${r.applyError.split('\n')[0]}`);
    for (const f of regressions) {
      const patch = results.find((r) => r.files.includes(f)).patch;
      if (!f.after.ok) console.log(`  ${patch}: ${f.file} fails after the patch: ${f.after.errors[0] ?? ''}`);
      for (const w of f.newWarnings) console.log(`  ${patch}: new warning: ${w}`);
    }
  }
  console.log(
    `\n${totals.patches} patches (${CLASSES.map((c) => `${c} ${totals.perClass[c]}`).join(', ')}), ${totals.files} files: ` +
      `compiled before ${totals.compiledBefore}, after ${totals.compiledAfter}; failing after ${totals.failAfter}; ` +
      `new warnings ${totals.newWarnings} in ${totals.filesWithNewWarnings} files; patches not applying ${totals.notApplied}; ` +
      `candidates not built before (skipped) ${totals.notBuiltBefore}; mean build ${totals.meanBuildSeconds} s; total ${secs(summary.times.total)}`,
  );
  if (options.json) {
    writeFileSync(options.json, `${JSON.stringify(summary, null, 2)}\n`);
    console.log(`summary: ${options.json}`);
  }
  process.exit(regressions.length || notApplied.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(2);
});
