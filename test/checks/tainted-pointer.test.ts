import { testCheck } from './tester.js';

testCheck('tainted-pointer', {
  valid: [
    {
      name: 'a not-NULL check before the dereference',
      code: `static u32 f(void __iomem *base)
{
	u32 *p = (u32 *)readq(base);
	if (!p)
		return 0;
	return *p;
}`,
    },
    {
      name: 'a masked offset',
      code: `static u32 f(u32 *buf, void __iomem *base)
{
	u32 off = readl(base) & 0xf;
	return *(buf + off);
}`,
    },
    {
      name: 'an offset checked against the buffer size',
      code: `static void f(u8 *dst, u8 *buf, void __iomem *base)
{
	u32 off = readl(base);
	if (off > 60)
		return;
	memcpy(dst, buf + off, 4);
}`,
    },
    {
      name: 'an address inside a DMA buffer is device memory, not a device-supplied pointer',
      code: `struct smp { u8 data[64]; };
struct box { struct smp *out; };
static int setup(struct device *dev, struct box *b) { b->out = dma_alloc_coherent(dev, 4096, NULL, 0); return 0; }
static void f(struct box *b)
{
	u8 *state = b->out->data + 4;
	*state = (*state & 0xf0) | 1;
}`,
    },
    {
      name: 'an offset checked with arithmetic in the comparison',
      code: `static void f(u8 *dst, u8 __iomem *sram, void __iomem *base, u32 size)
{
	u32 off = readl(base);
	if (off + 64 > size)
		return;
	memcpy_fromio(dst, sram + off, 64);
}`,
    },
    {
      name: 'an offset reduced in place with %=',
      code: `static u8 f(u8 *ring, void __iomem *base, u32 size)
{
	u32 off = readl(base);
	off %= size;
	return *(ring + off);
}`,
    },
    {
      name: 'a buffer pointer advanced by device data and handed to a helper',
      code: `static void put(u8 *buf, int n)
{
	while (n--)
		writeb(*buf++, NULL);
}
static void f(u8 *buf, void __iomem *base)
{
	int len = readl(base) & 0xff;
	put(buf + len, 4);
}`,
    },
    {
      name: 'a flexible-array member of a URB buffer is an address',
      code: `struct frame { u32 id; struct { u8 data[8]; } can[]; };
static void f(struct urb *urb, u8 *dst)
{
	struct frame *hf = urb->transfer_buffer;
	memcpy(dst, hf->can->data, 8);
}`,
    },
    {
      name: 'a member of a struct copied from the device is an address, not a device pointer',
      code: `struct rsp { u8 data[16]; };
struct desc { struct rsp rsp; };
static u32 f(void __iomem *mbox)
{
	struct desc d;
	memcpy_fromio(&d, mbox, sizeof(d));
	return *((u32 *)d.rsp.data);
}`,
    },
    {
      name: 'a pointer into MMIO space is not device data',
      code: `struct p { void __iomem *base; };
static u32 f(struct p *p)
{
	return readl(p->base + 4);
}`,
    },
  ],
  invalid: [
    {
      name: 'an address read from the device is dereferenced',
      code: `struct node { u32 val; };
static u32 f(void __iomem *base)
{
	struct node *n = (struct node *)readq(base + 8);
	return n->val;
}`,
      errors: [{ line: 5, message: /dereferenced as a pointer/ }],
    },
    {
      name: 'a device offset added to a pointer and dereferenced',
      code: `static u32 f(u8 *ring, void __iomem *base)
{
	u32 off = ioread32(base + 0x20);
	return *(u32 *)(ring + off);
}`,
      errors: [{ line: 4, message: /offsets a pointer/ }],
    },
    {
      name: 'a device offset into a memcpy source',
      code: `static void f(u8 *dst, u8 *buf, void __iomem *base)
{
	u32 off = readl(base);
	memcpy(dst, buf + off, 4);
}`,
      errors: [{ line: 4, message: /memcpy\(\) buffer buf/ }],
    },
  ],
});
