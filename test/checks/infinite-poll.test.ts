import { testCheck } from './tester.js';

testCheck('infinite-poll', {
  valid: [
    {
      name: 'a clock compared in the loop bounds it (ktime_us_delta(ktime_get(), start) > N)',
      code: `static void f(void __iomem *base)
{
	ktime_t start = ktime_get();
	while (readl(base + 0x4) & 0x1) {
		if (ktime_us_delta(ktime_get(), start) > 100)
			break;
		cpu_relax();
	}
}`,
    },
    {
      name: 'a variable read from the clock and compared bounds the loop (now > end)',
      code: `static void f(void __iomem *base)
{
	u64 end = local_clock() + 1000000;
	u64 now;
	while (readl(base + 0x4) & 0x1) {
		now = local_clock();
		if (now > end)
			break;
	}
}`,
    },
    {
      name: 'a callee that compares the clock is a timeout inside a called function',
      code: `static int wait_idle(void __iomem *base, ktime_t deadline)
{
	if (ktime_after(ktime_get(), deadline))
		return -ETIMEDOUT;
	return readl(base + 0x8) & 0x1;
}
static void f(void __iomem *base)
{
	ktime_t deadline = ktime_add_us(ktime_get(), 100);
	while (wait_idle(base, deadline) > 0)
		cpu_relax();
}`,
    },
    {
      name: 'counter in the loop condition bounds the wait',
      code: `static int f(void __iomem *base)
{
	int timeout = 1000;
	while ((readl(base + 4) & 0x80) && --timeout)
		udelay(1);
	return timeout ? 0 : -ETIMEDOUT;
}`,
    },
    {
      name: 'a time_after() exit bounds the wait',
      code: `static int f(void __iomem *base)
{
	unsigned long end = jiffies + HZ;
	for (;;) {
		if (readl(base) & 1)
			break;
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}`,
    },
    {
      name: 'a counter checked inside the body bounds the wait',
      code: `static int f(void __iomem *base)
{
	int i = 0;
	while (ioread32(base) & 0x1) {
		if (++i > 100)
			return -ETIMEDOUT;
		udelay(10);
	}
	return 0;
}`,
    },
    {
      name: 'loop on software state, not device data',
      code: `struct p { int done; };
static void f(struct p *p)
{
	while (!p->done)
		cpu_relax();
}`,
    },
    {
      name: 'iterator macros are loops with no device exit',
      code: `static void f(struct list_head *h)
{
	struct item *it;
	list_for_each_entry(it, h, node) {
		it->count++;
	}
}`,
    },
    {
      name: 'the timeout is inside the called function (Carburizer false positive filter)',
      code: `static int wait_ready(void __iomem *base)
{
	unsigned long end = jiffies + HZ;
	while (!(readl(base) & 1))
		if (time_after(jiffies, end))
			return 0;
	return readl(base);
}
static void f(void __iomem *base)
{
	while (!wait_ready(base))
		cpu_relax();
}`,
    },
    {
      name: 'a software flag also ends the loop',
      code: `static void f(void __iomem *base, int *stop)
{
	while ((readl(base) & 0x80) && !*stop)
		cpu_relax();
}`,
    },
    {
      name: 'a counter that moves toward a device-supplied limit bounds the loop',
      code: `static void f(void __iomem *base, u32 *buf)
{
	u32 i, n = readl(base);
	for (i = 0; i < n; i++)
		buf[i & 7] = readl(base + 4);
}`,
    },
    {
      name: 'a value shifted toward zero each time round',
      code: `static void f(struct device *dev, void __iomem *base)
{
	u32 bits = readl(base);
	while (bits) {
		dev_info(dev, "bit\n");
		bits >>= 1;
	}
}`,
    },
    {
      name: 'a for loop that shifts its counter from a device value toward its limit',
      code: `static int f(struct pci_dev *pdev)
{
	u32 ctrl, u;
	pci_read_config_dword(pdev, 0x40, &ctrl);
	for (u = ctrl; u > 1; u >>= 1)
		;
	return u;
}`,
    },
    {
      name: 'a pending mask whose bits are cleared one by one',
      code: `static void f(void __iomem *base)
{
	u32 pending = ioread32(base);
	while (pending) {
		u32 bit = __ffs(pending);
		pending ^= BIT(bit);
	}
}`,
    },
    {
      name: 'a ring walk over DMA descriptors that advances its index',
      code: `struct d { u32 st; };
struct r { struct d *descs; unsigned int next; };
static int setup(struct device *dev, struct r *r) { r->descs = dma_alloc_coherent(dev, 4096, NULL, 0); return 0; }
static void clean(struct r *r)
{
	while (r->descs[r->next].st & 1) {
		r->descs[r->next].st = 0;
		r->next++;
	}
}`,
    },
    {
      name: 'a ring walk toward a device-given producer index',
      code: `struct ev { int code; };
struct pr { struct ev ring[16]; };
static void handle(struct pr *p, u32 prod, u32 cons)
{
	while (prod != cons) {
		p->ring[cons].code = 0;
		cons = (cons + 1) % 16;
	}
}
static void f(struct pr *p, void __iomem *base)
{
	handle(p, readl(base), 0);
}`,
    },
    {
      name: 'an interrupt loop that serves at most N requests (a counter under a device test)',
      code: `static void f(void __iomem *base)
{
	int reqs = 0;
	while (1) {
		u32 st = readl(base);
		if ((st & 0x7) == 0)
			break;
		if (st & 0x4) {
			if (++reqs == 32)
				break;
		}
	}
}`,
    },
    {
      name: 'the loop hands its cursor to a function that advances it',
      code: `struct sq { u32 head; };
void put_desc(struct sq *sq, int n);
static void f(struct sq *sq, void __iomem *base)
{
	u32 head = readl(base) >> 4;
	while (sq->head != head)
		put_desc(sq, 1);
}`,
    },
    {
      name: 'readl_poll_timeout() with a real timeout',
      code: `static int f(void __iomem *base)
{
	u32 v;
	return readl_poll_timeout(base + 8, v, v & 1, 10, 1000);
}`,
    },
    {
      name: 'a loop whose size halves through a temporary until the mask matches (bounded)',
      code: `static void io_quirk(struct pci_dev *dev)
{
	u32 devres, mask, size = 16;
	pci_read_config_dword(dev, 0x40, &devres);
	mask = (devres >> 16) & 15;
	for (;;) {
		unsigned int bit = size >> 1;
		if ((bit & mask) == bit)
			break;
		size = bit;
	}
	pci_write_config_dword(dev, 0x44, size);
}`,
    },

    {
      name: 'a ring walk toward a tail read once and checked against the ring size ends within one turn (msnd_midi)',
      code: `struct mpu { void __iomem *q; void __iomem *data; };
static void deliver(struct mpu *mpu, unsigned char v);
static void midi_read(struct mpu *mpu)
{
	u16 head, tail, size;
	head = readw(mpu->q + 0);
	tail = readw(mpu->q + 2);
	size = readw(mpu->q + 4);
	if (head > size || tail > size)
		goto out;
	while (head != tail) {
		unsigned char val = readw(mpu->data + 2 * head);
		deliver(mpu, val);
		if (++head > size)
			head = 0;
		writew(head, mpu->q + 0);
	}
out:
	return;
}`,
    },
    {
      name: 'a ring walk toward a masked write index, 32 slots (farsync)',
      code: `struct card { void __iomem *mem; };
static void handle(struct card *card, u8 ev);
static void drain(struct card *card)
{
	u8 rdidx, wridx;
	rdidx = readb(card->mem + 0x10) & 0x1f;
	wridx = readb(card->mem + 0x11) & 0x1f;
	while (rdidx != wridx) {
		handle(card, readb(card->mem + 0x20 + rdidx));
		if (++rdidx >= 32)
			rdidx = 0;
	}
	writeb(rdidx, card->mem + 0x10);
}`,
    },
    {
      name: 'a ring walk by (i + 1) % N toward a bounded index',
      code: `#define RING 16
static void drain(void __iomem *base, u32 *out)
{
	unsigned int rd = 0, wr = readl(base) & (RING - 1);
	while (rd != wr) {
		out[rd] = readl(base + 4 + 4 * rd);
		rd = (rd + 1) % RING;
	}
}`,
    },
    {
      name: 'a counter stepped in a comma condition and compared there bounds the loop',
      code: `static unsigned long cal(void __iomem *mc, unsigned long count)
{
	unsigned long i = 0, m, start = readl(mc);
	do {
		m = readl(mc);
	} while (i++, (m - start) < count && i < 1000);
	return m;
}`,
    },
  ],
  invalid: [
    {
      name: 'a counter stepped beside the test of a comma condition and never compared is no bound (hpet)',
      code: `static unsigned long cal(void __iomem *mc, unsigned long count)
{
	unsigned long i = 0, m, start = readl(mc);
	do {
		m = readl(mc);
	} while (i++, (m - start) < count);
	return (m - start) / i;
}`,
      errors: [{ line: 4 }],
    },
    {
      name: 'near miss: a u8 index wraps at 256 by itself and never passes a 16-bit ring size',
      code: `struct mpu { void __iomem *q; void __iomem *data; };
static void deliver(struct mpu *mpu, unsigned char v);
static void midi_read(struct mpu *mpu)
{
	u8 head;
	u16 tail, size;
	head = readb(mpu->q + 0);
	tail = readw(mpu->q + 2);
	size = readw(mpu->q + 4);
	if (tail > size)
		return;
	while (head != tail) {
		deliver(mpu, readw(mpu->data + 2 * head));
		if (++head > size)
			head = 0;
	}
}`,
      errors: [{ line: 12 }],
    },
    {
      name: 'near miss: the ring walk re-reads the tail inside the loop',
      code: `struct mpu { void __iomem *q; void __iomem *data; };
static void deliver(struct mpu *mpu, unsigned char v);
static void midi_read(struct mpu *mpu)
{
	u16 head, tail, size;
	head = readw(mpu->q + 0);
	tail = readw(mpu->q + 2);
	size = readw(mpu->q + 4);
	if (head > size || tail > size)
		return;
	while (head != tail) {
		deliver(mpu, readw(mpu->data + 2 * head));
		if (++head > size)
			head = 0;
		tail = readw(mpu->q + 2);
	}
}`,
      errors: [{ line: 11 }],
    },
    {
      name: 'near miss: the tail is not checked against the ring size, so it may lie outside the ring',
      code: `struct mpu { void __iomem *q; void __iomem *data; };
static void deliver(struct mpu *mpu, unsigned char v);
static void midi_read(struct mpu *mpu)
{
	u16 head, tail, size;
	head = readw(mpu->q + 0);
	tail = readw(mpu->q + 2);
	size = readw(mpu->q + 4);
	if (head > size)
		return;
	while (head != tail) {
		deliver(mpu, readw(mpu->data + 2 * head));
		if (++head > size)
			head = 0;
	}
}`,
      errors: [{ line: 11 }],
    },
    {
      name: 'near miss: a 32-slot ring walk toward an index masked to 6 bits',
      code: `struct card { void __iomem *mem; };
static void handle(struct card *card, u8 ev);
static void drain(struct card *card)
{
	u8 rdidx, wridx;
	rdidx = readb(card->mem + 0x10) & 0x1f;
	wridx = readb(card->mem + 0x11) & 0x3f;
	while (rdidx != wridx) {
		handle(card, readb(card->mem + 0x20 + rdidx));
		if (++rdidx >= 32)
			rdidx = 0;
	}
}`,
      errors: [{ line: 8 }],
    },
    {
      name: 'near miss: a continue can skip the wrap step',
      code: `struct card { void __iomem *mem; };
static int handle(struct card *card, u8 ev);
static void drain(struct card *card)
{
	u8 rdidx, wridx;
	rdidx = readb(card->mem + 0x10) & 0x1f;
	wridx = readb(card->mem + 0x11) & 0x1f;
	while (rdidx != wridx) {
		if (handle(card, readb(card->mem + 0x20 + rdidx)))
			continue;
		if (++rdidx >= 32)
			rdidx = 0;
	}
}`,
      errors: [{ line: 8 }],
    },
    {
      name: 'a value computed with a read from a moving offset is not a bound',
      code: `static void scan(void __iomem *base)
{
	u32 i = 0, v;
	for (;;) {
		v = readl(base + 4 * i);
		if (v & 0x1)
			break;
		i = i;
	}
}`,
      errors: [{ line: 4 }],
    },
    {
      name: 'while (readl() & BUSY) with no bound',
      code: `static void f(void __iomem *base)
{
	while (readl(base + 4) & 0x80)
		cpu_relax();
}`,
      errors: [{ line: 3, message: /readl\(\) with no timeout/, traceLines: [3, 3] }],
    },
    {
      name: 'do-while over a value read in the body',
      code: `static void f(void __iomem *base)
{
	u32 v;
	do {
		v = ioread32(base);
		udelay(5);
	} while (!(v & 0x4));
}`,
      errors: [{ line: 4, traceLines: [5, 5, 4] }],
    },
    {
      name: 'for (;;) that breaks only on device data',
      code: `static void f(unsigned long port)
{
	for (;;) {
		if (inb(port + 5) & 0x20)
			break;
		udelay(1);
	}
}`,
      errors: [{ line: 3, message: /inb\(\)/ }],
    },
    {
      name: 'a masked value that is reloaded from the device each time round',
      code: `static void f(void __iomem *base)
{
	u32 val = readl(base);
	do {
		val &= ~0x30;
		writel(val, base);
		val = readl(base);
	} while (val & 0x30);
}`,
      errors: [{ line: 4 }],
    },
    {
      name: 'PCI config space out-parameter',
      code: `static void f(struct pci_dev *pdev)
{
	u16 w;
	do {
		pci_read_config_word(pdev, 0x40, &w);
	} while (w & 1);
}`,
      errors: [{ line: 4, message: /pci_read_config_word/ }],
    },
    {
      name: 'regmap_read out-parameter',
      code: `static void f(struct regmap *map)
{
	unsigned int val;
	regmap_read(map, 0x10, &val);
	while (val & 0x2)
		regmap_read(map, 0x10, &val);
}`,
      errors: [{ line: 5, message: /regmap_read/ }],
    },
    {
      name: 'accessor macro of the module header',
      headers: ['#define NIC_RD(r) readl(priv_base + (r))\n'],
      code: `static void f(void)
{
	while (NIC_RD(0x20) & 0x1)
		;
}`,
      errors: [{ line: 3, message: /NIC_RD\(\)/ }],
    },
    {
      name: 'a byte-order helper keeps the device data (__le32_to_cpu, as arm_arch_timer writes it)',
      code: `static void f(void __iomem *base)
{
	while (!(__le32_to_cpu(readl_relaxed(base + 0x14)) & 0x2))
		cpu_relax();
}`,
      errors: [{ line: 3, message: /readl_relaxed\(\)/ }],
    },
    {
      name: 'a clock read for statistics in a callee is no timeout (panfrost job accounting)',
      code: `static void account(struct job *job)
{
	job->elapsed_ns += ktime_to_ns(ktime_sub(ktime_get(), job->start_time));
}
static void handle_irqs(struct pfdev *pfdev, struct job *job)
{
	u32 status = job_read(pfdev, 0x0);
	while (status) {
		account(job);
		status = readl(pfdev->iomem + 0x4);
	}
}`,
      errors: [{ line: 8, message: /readl\(\)/ }],
    },
    {
      name: 'accessor macro choosing between two accessors (txx9dmac: 64- or 32-bit registers)',
      code: `#define ch64_readl(dc, r) __raw_readl(&(dc)->regs64->r)
#define ch32_readl(dc, r) __raw_readl(&(dc)->regs32->r)
#define ch_readl(dc, r) \\
	(is_dmac64(dc) ? \\
	 ch64_readl(dc, r) : ch32_readl(dc, r))
static void f(struct chan *dc)
{
	while (ch_readl(dc, CSR) & 0x1)
		cpu_relax();
}`,
      errors: [{ line: 8, message: /ch_readl\(\)/ }],
    },
    {
      name: "accessor macro that is a statement expression ending in a read (vc4's HVS_READ)",
      headers: [
        '#define HVS_READ(offset) \\\n\t({ \\\n\t\tkunit_fail_current_test("register in a unit test"); \\\n\t\treadl(hvs->regs + (offset)); \\\n\t})\n',
      ],
      code: `static void f(struct vc4_hvs *hvs)
{
	while (HVS_READ(0x40) & 0x1)
		cpu_relax();
}`,
      errors: [{ line: 3, message: /HVS_READ\(\)/ }],
    },
    {
      name: 'near miss: a statement expression that reads, then returns something else, is no accessor',
      headers: ['#define HVS_BUSY(offset) ({ readl(hvs->regs + (offset)); hvs->busy; })\n'],
      code: `static void f(struct vc4_hvs *hvs)
{
	while (HVS_BUSY(0x40) & 0x1)
		cpu_relax();
}`,
      errors: [],
    },
    {
      name: 'near miss: a macro choosing between a register read and driver state is no accessor',
      code: `#define ch32_readl(dc, r) __raw_readl(&(dc)->regs32->r)
#define ch_state(dc, r) (dc->cached ? shadow_of(dc, r) : ch32_readl(dc, r))
static void f(struct chan *dc)
{
	while (ch_state(dc, CSR) & 0x1)
		cpu_relax();
}`,
      errors: [],
    },
    {
      name: 'register accessor function of the module (summary)',
      code: `static u32 hw_read(void __iomem *base, u32 reg)
{
	return readl(base + reg);
}
static void f(void __iomem *base)
{
	while (hw_read(base, 8) & 0x40)
		cpu_relax();
}`,
      errors: [{ line: 7, message: /readl\(\)/ }],
    },
    {
      name: 'accessor in another file of the same module',
      others: {
        'drivers/test/hw.c': `u32 hw_status(void __iomem *base)\n{\n\treturn ioread32(base + 0x14);\n}\n`,
      },
      code: `u32 hw_status(void __iomem *base);
static void f(void __iomem *base)
{
	while (hw_status(base) & 0x1)
		msleep(1);
}`,
      errors: [{ line: 4, message: /ioread32\(\)/ }],
    },
    {
      name: 'DMA-coherent descriptor written by the device',
      code: `struct desc { u32 status; };
struct ring { struct desc *descs; dma_addr_t dma; };
static int setup(struct device *dev, struct ring *r)
{
	r->descs = dma_alloc_coherent(dev, 4096, &r->dma, GFP_KERNEL);
	return r->descs ? 0 : -ENOMEM;
}
static void wait_desc(struct ring *r, int i)
{
	while (!(r->descs[i].status & 1))
		cpu_relax();
}`,
      errors: [{ line: 10, message: /descs/ }],
    },
    {
      name: 'readl_poll_timeout() with timeout_us = 0 never times out',
      code: `static int f(void __iomem *base)
{
	u32 v;
	return readl_poll_timeout(base + 8, v, v & 1, 10, 0);
}`,
      errors: [{ line: 4, message: /timeout_us = 0/ }],
    },
    {
      name: 'read_poll_timeout() timeout is argument 5',
      code: `static int f(struct foo *p)
{
	u32 v;
	return read_poll_timeout(foo_read, v, v & 1, 10, 0, false, p);
}`,
      errors: [{ line: 4, message: /read_poll_timeout\(\) with timeout_us = 0/ }],
    },
  ],
});
