import { testCheck } from './tester.js';

testCheck('panic-on-device', {
  valid: [
    {
      name: 'BUG_ON on software state',
      code: `static void f(struct device *dev, void *priv)
{
	BUG_ON(!priv);
}`,
    },
    {
      name: 'WARN_ON on device data is the fix, not the bug',
      code: `static int f(void __iomem *base)
{
	if (WARN_ON(readl(base) & 0x80000000))
		return -EIO;
	return 0;
}`,
    },
    {
      name: 'an assertion after a range check of the same value',
      code: `static void *slots[16];
static void *f(void __iomem *base)
{
	u32 n = readl(base);
	if (n >= 16)
		return NULL;
	BUG_ON(n >= 16);
	return slots[n];
}`,
    },
  ],
  invalid: [
    {
      name: 'BUG_ON on a register bit',
      code: `static void f(void __iomem *base)
{
	u32 st = readl(base + 0x8);
	BUG_ON(st & 0x80000000);
}`,
      errors: [{ line: 4, message: /BUG_ON\(\) on device data from readl/, traceLines: [3, 3, 4] }],
    },
    {
      name: 'panic() under a condition on port input',
      code: `static void f(unsigned long port)
{
	if (inb(port) == 0xff)
		panic("controller vanished");
}`,
      errors: [{ line: 4, message: /panic\(\)/ }],
    },
    {
      name: 'BUG() in the else branch of a device test',
      code: `static void f(void __iomem *base)
{
	if (ioread8(base) & 1)
		return;
	else
		BUG();
}`,
      errors: [{ line: 6, message: /BUG\(\)/ }],
    },
  ],
});
