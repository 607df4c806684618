/** `driverscope kernel fetch|path <6.1|6.12>` */
import { parseArgs } from 'node:util';
import { SUPPORTED_KERNELS, fetchKernel, isKernelVersion, kernelPath } from '../kernel/fetch.js';

const HELP = `usage: driverscope kernel fetch <${SUPPORTED_KERNELS.join('|')}>   download Debian's linux-source-X into the cache; prints the path
       driverscope kernel path <${SUPPORTED_KERNELS.join('|')}>    print the cached tree's path (exit 1 if not fetched)

The cache is $DRIVERSCOPE_CACHE, else $XDG_CACHE_HOME/driverscope, else ~/.cache/driverscope.`;

export async function run(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' }, quiet: { type: 'boolean', short: 'q' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const [sub, version] = positionals;
  if ((sub !== 'fetch' && sub !== 'path') || !version) {
    console.error(HELP);
    return 2;
  }
  if (!isKernelVersion(version)) {
    console.error(
      `driverscope kernel: unsupported version '${version}' (supported: ${SUPPORTED_KERNELS.join(', ')})`,
    );
    return 2;
  }
  if (sub === 'path') {
    const p = kernelPath(version);
    if (!p) {
      console.error(`linux ${version} is not in the cache; run: driverscope kernel fetch ${version}`);
      return 1;
    }
    console.log(p);
    return 0;
  }
  const log = values.quiet ? () => {} : (m: string) => console.error(m);
  console.log(fetchKernel(version, log));
  return 0;
}
