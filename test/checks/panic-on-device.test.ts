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

    {
      name: 'a u8 field of a device-filled descriptor passed as an unsigned int: BUG_ON(page >= 256) is dead (janz-ican3)',
      code: `#define DPM_NUM_PAGES 256
struct ican3_new_desc { u8 control; u8 pointer; };
struct ican3_dev { void __iomem *dpm; void __iomem *ctrl; unsigned int rx_num; };
static inline void ican3_set_page(struct ican3_dev *mod, unsigned int page)
{
	BUG_ON(page >= DPM_NUM_PAGES);
	iowrite8(page, mod->ctrl);
}
static int ican3_new_recv_msg(struct ican3_dev *mod, void *msg)
{
	struct ican3_new_desc desc;
	void __iomem *desc_addr = mod->dpm + (mod->rx_num * sizeof(desc));
	ican3_set_page(mod, 5);
	memcpy_fromio(&desc, desc_addr, sizeof(desc));
	if (!(desc.control & 1))
		return -ENOMEM;
	ican3_set_page(mod, desc.pointer);
	memcpy_fromio(msg, mod->dpm, 64);
	return 0;
}`,
    },
    {
      name: 'a byte read kept in an int cannot reach 256',
      code: `static void f(void __iomem *base)
{
	int v = readb(base + 4);
	BUG_ON(v >= 256);
}`,
    },
    {
      name: 'panic() under a test a byte read never passes',
      code: `static void f(unsigned long port)
{
	unsigned int v = inb(port);
	if (v > 0xff)
		panic("impossible");
}`,
    },
    {
      name: 'a bus byte read, its errno tested, then passed as an unsigned int',
      code: `static void set_page(unsigned int page)
{
	BUG_ON(page >= 256);
}
static int f(struct i2c_client *c)
{
	int v = i2c_smbus_read_byte_data(c, 3);
	if (v < 0)
		return v;
	set_page(v);
	return 0;
}`,
    },
  ],
  invalid: [
    {
      name: 'a u16 field of a device-filled descriptor can pass 255 (near miss of janz-ican3)',
      code: `struct desc16 { u8 control; u16 pointer; };
struct dev { void __iomem *dpm; };
static void set_page(struct dev *mod, unsigned int page)
{
	BUG_ON(page >= 256);
}
static void f(struct dev *mod)
{
	struct desc16 desc;
	memcpy_fromio(&desc, mod->dpm, sizeof(desc));
	set_page(mod, desc.pointer);
}`,
      errors: [{ line: 5, message: /BUG_ON\(\) on device data from memcpy_fromio/ }],
    },
    {
      name: 'one caller passes a byte, another a word: the parameter is as wide as the word',
      code: `static void set_page(unsigned int page)
{
	BUG_ON(page >= 256);
}
static void f(void __iomem *base)
{
	set_page(readb(base));
}
static void g(void __iomem *base)
{
	set_page(readw(base));
}`,
      errors: [{ line: 3 }],
    },
    {
      name: 'a byte read kept in a char turns negative, and huge as an unsigned int',
      code: `static void set_page(unsigned int page)
{
	BUG_ON(page >= 256);
}
static void f(void __iomem *base)
{
	char c = readb(base);
	set_page(c);
}`,
      errors: [{ line: 3 }],
    },
    {
      name: 'a byte read plus one can reach 256',
      code: `static void f(void __iomem *base)
{
	int v = readb(base + 4);
	v += 1;
	BUG_ON(v >= 256);
}`,
      errors: [{ line: 5 }],
    },
    {
      name: 'a bus byte read passed on unchecked: a negative errno is huge as an unsigned int',
      code: `static void set_page(unsigned int page)
{
	BUG_ON(page >= 256);
}
static void f(struct i2c_client *c)
{
	set_page(i2c_smbus_read_byte_data(c, 3));
}`,
      errors: [{ line: 3 }],
    },
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
