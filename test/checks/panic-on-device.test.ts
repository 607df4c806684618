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
    {
      name: 'the address of a member that shares a DMA field name is not device memory',
      code: `struct ih { u32 *ring; };
struct ring_ops { void (*emit)(void); };
struct kring { const struct ring_ops *funcs; };
struct kiq { struct kring ring; };
static int ih_init(struct device *d, struct ih *ih)
{
	ih->ring = dma_alloc_coherent(d, 4096, NULL, 0);
	return 0;
}
static void f(struct kiq *kiq)
{
	struct kring *ring = &kiq->ring;
	BUG_ON(!ring->funcs->emit);
}`,
    },
    {
      name: 'BUG_ON(x == 0) on an argument every caller passes only when non-zero',
      code: `static void cmd_isr(struct host *h, u16 intmask)
{
	BUG_ON(intmask == 0);
	h->last = intmask;
}
static void data_isr(struct host *h, u16 intmask)
{
	BUG_ON(!intmask);
	h->last = intmask;
}
static irqreturn_t isr(int irq, void *dev_id)
{
	struct host *h = dev_id;
	u16 st = readw(h->base + 0x10);
	if (st & 0x00ff)
		cmd_isr(h, st & 0x00ff);
	if ((st & 0xff00) != 0)
		data_isr(h, st & 0xff00);
	return IRQ_HANDLED;
}`,
    },
  ],
  invalid: [
    {
      name: 'BUG_ON(x == 0) on an argument one caller passes untested',
      code: `static void cmd_isr(struct host *h, u16 intmask)
{
	BUG_ON(intmask == 0);
	h->last = intmask;
}
static irqreturn_t isr(int irq, void *dev_id)
{
	struct host *h = dev_id;
	u16 st = readw(h->base + 0x10);
	if (st & 0x00ff)
		cmd_isr(h, st & 0x00ff);
	cmd_isr(h, st & 0xff00);
	return IRQ_HANDLED;
}`,
      errors: [{ line: 3, message: /BUG_ON/ }],
    },
    {
      name: 'a field inside a DMA descriptor reached through its address',
      code: `struct desc { u32 status; };
struct priv { struct desc *rx_ring; };
static int setup(struct device *d, struct priv *p)
{
	p->rx_ring = dma_alloc_coherent(d, 4096, NULL, 0);
	return 0;
}
static void f(struct priv *p, int i)
{
	struct desc *d = &p->rx_ring[i];
	u32 *st = &d->status;
	BUG_ON(*st & 0x80000000);
}`,
      errors: [{ line: 12 }],
    },
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
