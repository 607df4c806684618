#!/usr/bin/env node
/**
 * driverscope command line: one module per command in src/cli/, each exporting
 * `run(argv): Promise<number>` (the exit code). Exit codes follow linters: 0 clean, 1 findings,
 * 2 usage or fatal error.
 */
import { fileURLToPath } from 'node:url';

interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

const COMMANDS: Record<string, Command> = {
  check: {
    summary: 'find code that trusts the hardware (Carburizer checks)',
    load: () => import('./check.js'),
  },
  fix: {
    summary: 'write repair patches for what check finds (timeouts, bounds checks, WARN_ON, logs)',
    load: () => import('./fix.js'),
  },
  kernel: {
    summary: 'fetch a Linux source tree from Debian into the cache',
    load: () => import('./kernel.js'),
  },
  study: {
    summary: 'study every driver of a tree: classes, purposes, interactions (ASPLOS’12)',
    load: () => import('./study.js'),
  },
  similar: { summary: 'find driver code that repeats code elsewhere', load: () => import('./similar.js') },
  run: {
    summary: 'run a C driver in the wasm sandbox against its device model',
    load: () => import('./run.js'),
  },
  campaign: {
    summary: 'fault-injection campaign: native vs Nooks isolation',
    load: () => import('./campaign.js'),
  },
};

export function usage(): string {
  const lines = ['usage: driverscope <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push('', 'Run `driverscope <command> --help` for a command’s options.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };
    console.log(pkg.version);
    return 0;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    console.error(`driverscope: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await cmd.load()).run(rest);
  } catch (e) {
    console.error(`driverscope ${name}: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.DRIVERSCOPE_DEBUG && e instanceof Error) console.error(e.stack);
    return 2;
  }
}

if (
  process.argv[1] &&
  fileURLToPath(import.meta.url) === (await import('node:fs')).realpathSync(process.argv[1])
) {
  process.exitCode = await main(process.argv.slice(2));
}
