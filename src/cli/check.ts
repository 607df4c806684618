export async function run(_argv: string[]): Promise<number> {
  console.error('check: not yet implemented');
  return 2;
}
