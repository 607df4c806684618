import { testCheck } from './tester.js';

testCheck('tainted-index', {
  valid: [
    {
      name: 'a byte read shifted right by 7 is 0 or 1 (parport: irqtypes[crf0 >> 7], crf0 an int)',
      code: `static const char *const irqtypes[2] = { "pulsed", "level" };
static const char *irq_type(unsigned long io)
{
	int crf0 = inb(io + 1);
	return irqtypes[crf0 >> 7];
}`,
    },
    {
      name: 'an element address only compared (nothing read or written through it)',
      code: `struct pin { int id; };
struct card { void __iomem *regs; struct pin sma[4]; };
static int f(struct card *c, void *pin)
{
	int idx = ioread32(c->regs);
	return &c->sma[idx] == pin;
}`,
    },
    {
      name: 'masked below the array size',
      code: `static u32 stats[8];
static void f(void __iomem *base)
{
	stats[readl(base) & 0x7]++;
}`,
    },
    {
      name: 'a u8 index into 256 entries cannot overflow',
      code: `static u8 table[256];
static u8 f(void __iomem *base)
{
	u8 i = readb(base);
	return table[i];
}`,
    },
    {
      name: 'a u8 read widened into an int still cannot pass 255',
      code: `static struct slot *slot_list[256];
static struct slot *f(struct pci_bus *bus, unsigned int devfn)
{
	u8 secondary;
	int sub;
	pci_bus_read_config_byte(bus, devfn, 0x19, &secondary);
	sub = (int) secondary;
	return slot_list[sub];
}`,
    },
    {
      name: 'a range check between the read and the use',
      code: `static u32 stats[16];
static int f(void __iomem *base)
{
	u32 q = readl(base + 4);
	if (q >= ARRAY_SIZE(stats))
		return -EINVAL;
	stats[q]++;
	return 0;
}`,
    },
    {
      name: 'a range check of the shifted and masked value (what driverscope fix writes)',
      code: `static u32 stats[4];
static int f(void __iomem *base)
{
	u32 v = readl(base + 4);
	if (((v >> 4) & 0x7) >= ARRAY_SIZE(stats))
		return -EIO;
	stats[(v >> 4) & 0x7]++;
	return 0;
}`,
    },
    {
      name: 'a range check of the value divided by a block size',
      code: `static void *bufs[8];
static int f(void __iomem *base)
{
	u32 v = ioread32(base);
	if (v / 64 >= ARRAY_SIZE(bufs))
		return -EIO;
	bufs[v / 64] = NULL;
	return 0;
}`,
    },
    {
      name: 'an assignment kills the taint',
      code: `static u32 stats[16];
static void f(void __iomem *base)
{
	u32 q = readl(base + 4);
	q = 3;
	stats[q]++;
}`,
    },
    {
      name: 'reduced modulo the size',
      code: `static u32 stats[16];
static void f(void __iomem *base)
{
	stats[ioread32(base) % 16] = 1;
}`,
    },
    {
      name: 'a switch on the value checks it',
      code: `static const char *names[4];
static const char *f(void __iomem *base)
{
	u32 m = readl(base);
	switch (m) {
	case 1:
		return names[m];
	default:
		return NULL;
	}
}`,
    },
    {
      name: 'masked with a constant from the module header',
      headers: ['#define QMASK 0x7\n'],
      code: `static u32 stats[8];
static void f(void __iomem *base)
{
	stats[readl(base) & QMASK]++;
}`,
    },
    {
      name: 'masked by a non-constant ring mask',
      code: `struct p { u32 mask; u32 *slots; };
static void f(struct p *p, void __iomem *base)
{
	p->slots[ioread32(base) & p->mask] = 0;
}`,
    },
    {
      name: 'a bit-field member cannot exceed its width',
      code: `struct resp { u32 qid : 2; u32 len : 30; };
struct q { struct resp *entries; };
static u32 fl[4];
static int setup(struct device *dev, struct q *q) { q->entries = dma_alloc_coherent(dev, 4096, NULL, 0); return 0; }
static u32 f(struct q *q, int i)
{
	return fl[q->entries[i].qid];
}`,
    },
    {
      name: 'checked on the left of || in the same condition',
      code: `static int handlers[8];
static int f(void __iomem *base)
{
	u32 mc = readl(base);
	if (mc >= 8 || handlers[mc] == 0)
		return -EINVAL;
	return 0;
}`,
    },
    {
      name: 'BUG_ON(i >= N) before the use stops a bad index',
      code: `static u32 pools[4];
static u32 f(void __iomem *base)
{
	u32 pool = readl(base) >> 28;
	BUG_ON(pool >= 4);
	return pools[pool];
}`,
    },
    {
      name: 'a field of a URB buffer checked before it indexes',
      code: `struct msg { u8 net; };
struct dev { int count; void *nets[8]; };
static void f(struct urb *urb, struct dev *d)
{
	struct msg *m = (struct msg *)(urb->transfer_buffer + 4);
	if (m->net >= d->count)
		return;
	d->nets[m->net] = NULL;
}`,
    },
    {
      name: 'FIELD_GET with a GENMASK bounds the field',
      code: `#define RATE_MASK GENMASK(5, 4)
static const int rates[4][10];
static const int *f(struct regmap *map)
{
	unsigned int v;
	regmap_read(map, 0x10, &v);
	return rates[FIELD_GET(RATE_MASK, v)];
}`,
    },
    {
      name: "the driver's own index kept in DMA-coherent memory",
      code: `struct ring { u32 next; u32 st[8]; };
struct dev { struct ring *ring; void *slots[8]; };
static int setup(struct device *d, struct dev *p) { p->ring = dma_alloc_coherent(d, 4096, NULL, 0); return 0; }
static void *f(struct dev *p)
{
	u32 i = p->ring->next;
	p->ring->next = (i + 1) & 7;
	return p->slots[i];
}`,
    },
    {
      name: 'a correlator the driver stored in a nested field of a DMA submission entry, read back (ibmvnic)',
      code: `struct add { u8 first; u64 correlator; };
union crq { struct add rx_add; struct add comp; };
struct ind { union crq *arr; int index; };
struct pool { struct buf bufs[16]; int map[16]; };
static int setup(struct device *d, struct ind *b) { b->arr = dma_alloc_coherent(d, 4096, NULL, 0); return 0; }
static void fill(struct ind *b, struct pool *p, int i)
{
	union crq *c = &b->arr[b->index++];
	c->rx_add.correlator = (u64)&p->bufs[i];
}
static void unwind(struct ind *b, struct pool *p, int i)
{
	union crq *c = &b->arr[i];
	struct buf *rb = (struct buf *)c->rx_add.correlator;
	int idx = rb - p->bufs;
	p->map[idx] = 0;
}`,
    },
    {
      name: 'a field shifted down in place fits the table',
      code: `static const int table[16];
static int f(struct regmap *map)
{
	unsigned int val;
	regmap_read(map, 4, &val);
	val &= 0xf0;
	val >>= 4;
	return table[val];
}`,
    },
    {
      name: 'a bit number from __ffs of a 32-bit status',
      code: `static void *chan[32];
static void *f(void __iomem *base)
{
	u32 status = readl(base);
	return chan[__ffs(status)];
}`,
    },
    {
      name: 'a channel numbered from a bank and a bit of its status word',
      code: `struct chan { int busy; };
struct cc { struct chan *chans; void __iomem *base; };
static void f(struct cc *cc)
{
	u32 bank = 0;
	u32 ipr = readl(cc->base + 0x68);
	if (!ipr) {
		ipr = readl(cc->base + 0x6c);
		bank = 1;
	}
	do {
		u32 slot = __ffs(ipr);
		u32 channel;
		ipr &= ~BIT(slot);
		channel = (bank << 5) | slot;
		cc->chans[channel].busy = 0;
	} while (ipr);
}`,
    },
    {
      name: 'a 12-bit field divided into 32 buckets',
      code: `#define BINS 32
#define STEP (4096 / BINS)
static void f(void __iomem *base, unsigned int *count)
{
	unsigned int hist[BINS];
	u32 val = readl(base);
	u32 data = (val & GENMASK(27, 16)) >> 16;
	hist[data / STEP]++;
}`,
    },
    {
      name: 'clamped to a limit kept in a local',
      code: `static const int odr[8];
static int f(struct regmap_field *fld)
{
	unsigned int v;
	int max = ARRAY_SIZE(odr) - 1;
	regmap_field_read(fld, &v);
	v = min_t(unsigned int, v, max);
	return odr[v];
}`,
    },
    {
      name: 'a u_char index into a 256-byte buffer',
      code: `static void f(unsigned int base)
{
	u_char *b, hole;
	b = kzalloc(256, GFP_KERNEL);
	hole = inb(base);
	b[hole]++;
}`,
    },
    {
      name: 'clamped with a conditional expression',
      code: `static int f(struct regmap_field *fld, const int tbl[], int tbl_size)
{
	unsigned int v;
	regmap_field_read(fld, &v);
	v = (v >= tbl_size) ? (tbl_size - 1) : v;
	return tbl[v];
}`,
    },
    {
      name: "an out-parameter clamped on the callee's success path",
      code: `static const int odr_table[11];
static int get_odr(struct regmap_field *fld, unsigned int *odr)
{
	int err = regmap_field_read(fld, odr);
	if (err)
		return err;
	if (*odr > 10)
		*odr = 10;
	return 0;
}
static int f(struct regmap_field *fld)
{
	unsigned int odr;
	int err = get_odr(fld, &odr);
	if (err)
		return err;
	return odr_table[odr];
}`,
    },
    {
      name: 'a 2-bit regmap field into a 4-entry table',
      code: `enum { F_ODR, F_FS, F_MAX };
static const struct reg_field fields[F_MAX] = {
	[F_ODR] = REG_FIELD(0x10, 0, 3),
	[F_FS] = REG_FIELD(0x0f, 0, 1),
};
struct priv { struct regmap_field *fields[F_MAX]; };
static const int fs_table[4];
static int f(struct priv *p)
{
	unsigned int fs;
	regmap_field_read(p->fields[F_FS], &fs);
	return fs_table[fs];
}`,
    },
    {
      name: 'a regmap field handle allocated from a 2-bit REG_FIELD (through a macro that pastes names)',
      code: `static const struct reg_field foo_reg_field_gain = REG_FIELD(0x10, 4, 5);
static const struct reg_field foo_reg_field_it = REG_FIELD(0x10, 0, 3);
#define FOO_REGFIELD(name) \\
	do { \\
		data->reg_##name = devm_regmap_field_alloc(dev, regmap, foo_reg_field_##name); \\
		if (IS_ERR(data->reg_##name)) \\
			return PTR_ERR(data->reg_##name); \\
	} while (0)
struct foo { struct regmap_field *reg_gain; struct regmap_field *reg_it; struct regmap_field *reg_x; };
static const int gain_table[4];
static const int it_table[16];
static int init(struct device *dev, struct regmap *regmap, struct foo *data)
{
	FOO_REGFIELD(gain);
	data->reg_it = devm_regmap_field_alloc(dev, regmap, foo_reg_field_it);
	return 0;
}
static int f(struct foo *data)
{
	unsigned int g, t;
	regmap_field_read(data->reg_gain, &g);
	regmap_field_read(data->reg_it, &t);
	return gain_table[g] + it_table[t];
}`,
    },
    {
      name: 'the top bits of a 32-bit register',
      code: `static const char *names[16];
static const char *f(void __iomem *base)
{
	u32 risc = readl(base);
	return names[risc >> 28];
}`,
    },
    {
      name: 'a PCI device ID the PCI core already matched',
      code: `struct hw { struct pci_dev *pdev; u16 device_id; };
static const char *const models[16];
static void get_id(struct hw *hw)
{
	pci_read_config_word(hw->pdev, PCI_DEVICE_ID, &hw->device_id);
}
static const char *f(struct hw *hw)
{
	get_id(hw);
	return models[hw->device_id & 0xff];
}`,
    },
    {
      name: 'a loop counter compared with device data is not device data',
      code: `static u32 buf[64];
static void f(void __iomem *base)
{
	u32 i, n = readl(base);
	for (i = 0; i < n; i++)
		buf[i] = 0;
}`,
    },
    {
      name: 'checked where it is assigned, in the condition (scc: if ((v = Inb(latch)) >= 16 * n) break;)',
      code: `static struct chan info[8];
static int nchips;
static void isr(int latch)
{
	int vector, k;
	for (k = 0; k < 20; k++) {
		if ((vector = inb(latch)) >= 16 * nchips)
			break;
		info[vector >> 3].hits++;
	}
}`,
    },
    {
      name: 'a byte read kept in an int and passed as an unsigned int indexes 256 entries safely',
      code: `static u32 page_use[256];
static void count(unsigned int page)
{
	page_use[page]++;
}
static void f(void __iomem *base)
{
	int p = ioread8(base + 2);
	count(p);
}`,
    },
    {
      name: 'a u8 member of a device-filled struct indexes 256 entries safely',
      code: `struct rx_desc { u8 ctl; u8 queue; };
static u32 per_queue[256];
static void f(void __iomem *base)
{
	struct rx_desc d;
	memcpy_fromio(&d, base, sizeof(d));
	per_queue[d.queue]++;
}`,
    },
  ],
  invalid: [
    {
      name: 'near miss: assigned in a condition that tests something else',
      code: `static struct chan info[8];
static void isr(int latch, int k)
{
	int vector;
	if ((vector = inb(latch)) && k >= 16)
		return;
	info[vector >> 3].hits++;
}`,
      errors: [{ line: 7, message: /info/ }],
    },
    {
      name: 'near miss: a nested DMA field the device writes (the driver writes another member of the union)',
      code: `struct add { u8 first; u64 correlator; };
union crq { struct add rx_add; struct add comp; };
struct ind { union crq *arr; int index; };
struct pool { struct buf bufs[16]; int map[16]; };
static int setup(struct device *d, struct ind *b) { b->arr = dma_alloc_coherent(d, 4096, NULL, 0); return 0; }
static void fill(struct ind *b, struct pool *p, int i)
{
	union crq *c = &b->arr[b->index++];
	c->rx_add.first = 1;
}
static void complete(struct ind *b, struct pool *p, int i)
{
	union crq *c = &b->arr[i];
	int idx = c->comp.correlator;
	p->map[idx] = 0;
}`,
      errors: [{ line: 15, message: /map/ }],
    },
    {
      name: 'near miss: a u16 member of a device-filled struct passes 256 entries',
      code: `struct rx_desc { u8 ctl; u16 queue; };
static u32 per_queue[256];
static void f(void __iomem *base)
{
	struct rx_desc d;
	memcpy_fromio(&d, base, sizeof(d));
	per_queue[d.queue]++;
}`,
      errors: [{ line: 7 }],
    },
    {
      name: 'near miss: a word read kept in an int and passed as an unsigned int passes 256 entries',
      code: `static u32 page_use[256];
static void count(unsigned int page)
{
	page_use[page]++;
}
static void f(void __iomem *base)
{
	int p = ioread16(base + 2);
	count(p);
}`,
      errors: [{ line: 4, message: /indexes page_use\[256\]/ }],
    },
    {
      name: 'near miss: a byte read plus an offset passes 256 entries',
      code: `static u32 page_use[256];
static void f(void __iomem *base)
{
	unsigned int p = ioread8(base + 2);
	p += 16;
	page_use[p]++;
}`,
      errors: [{ line: 6 }],
    },
    {
      name: 'near miss: a bus byte read indexes unchecked (a negative errno)',
      code: `static u32 seen[256];
static void f(struct i2c_client *c)
{
	int v = i2c_smbus_read_byte_data(c, 1);
	seen[v]++;
}`,
      errors: [{ line: 5 }],
    },
    {
      name: 'near miss: a byte read shifted right by 6 is up to 3, past irqtypes[2]',
      code: `static const char *const irqtypes[2] = { "pulsed", "level" };
static const char *irq_type(unsigned long io)
{
	int crf0 = inb(io + 1);
	return irqtypes[crf0 >> 6];
}`,
      errors: [{ line: 5, message: /irqtypes/ }],
    },
    {
      name: 'a u16 read widened into an int indexes 256 entries',
      code: `static struct slot *slot_list[256];
static struct slot *f(struct pci_bus *bus, unsigned int devfn)
{
	u16 secondary;
	int sub;
	pci_bus_read_config_word(bus, devfn, 0x18, &secondary);
	sub = (int) secondary;
	return slot_list[sub];
}`,
      errors: [{ line: 8, message: /indexes slot_list\[256\]/ }],
    },
    {
      name: 'an element address handed on is a use',
      code: `struct pin { int id; };
struct card { void __iomem *regs; struct pin sma[4]; };
static struct pin *f(struct card *c)
{
	int idx = ioread32(c->regs);
	return &c->sma[idx];
}`,
      errors: [{ line: 6 }],
    },
    {
      name: 'a regmap field handle allocated from a REG_FIELD wider than the table',
      code: `static const struct reg_field foo_reg_field_rate = REG_FIELD(0x10, 0, 2);
struct foo { struct regmap_field *reg_rate; };
static const int rate_table[7];
static int init(struct device *dev, struct regmap *regmap, struct foo *data)
{
	data->reg_rate = devm_regmap_field_alloc(dev, regmap, foo_reg_field_rate);
	return 0;
}
static int f(struct foo *data)
{
	unsigned int r;
	regmap_field_read(data->reg_rate, &r);
	return rate_table[r];
}`,
      errors: [{ line: 13 }],
    },
    {
      name: 'register value indexes a static array',
      code: `#define NQ 8
struct priv { void __iomem *base; u32 queue_stats[NQ]; };
static void f(struct priv *priv)
{
	u32 q = readl(priv->base + 0x10);
	priv->queue_stats[q]++;
}`,
      errors: [{ line: 6, message: /queue_stats\[8\]/, traceLines: [5, 5, 6] }],
    },
    {
      name: 'PCI config byte through an out-parameter',
      code: `static int irq_map[32];
static int f(struct pci_dev *pdev)
{
	u8 pin;
	pci_read_config_byte(pdev, 0x3d, &pin);
	return irq_map[pin];
}`,
      errors: [{ line: 6, message: /pci_read_config_byte/ }],
    },
    {
      name: 'another PCI config register is device data (only the ID registers are matched)',
      code: `static const char *const models[16];
static const char *f(struct pci_dev *pdev)
{
	u16 v;
	pci_read_config_word(pdev, PCI_REVISION_ID, &v);
	return models[v & 0xff];
}`,
      errors: [{ line: 6, message: /pci_read_config_word/ }],
    },
    {
      name: 'a bank number read from the device is not bounded by the bit within it',
      code: `struct chan { int busy; };
struct cc { struct chan *chans; void __iomem *base; };
static void f(struct cc *cc)
{
	u32 bank = readl(cc->base + 0x60);
	u32 ipr = readl(cc->base + 0x68);
	cc->chans[bank * 32 + __ffs(ipr)].busy = 0;
}`,
      errors: [{ line: 7, message: /readl/ }],
    },
    {
      name: 'divided, but still larger than the table',
      code: `static const int tab[8];
static int f(void __iomem *base)
{
	u32 v = readl(base) & 0xff;
	return tab[v / 4];
}`,
      errors: [{ line: 5, message: /tab\[8\]/ }],
    },
    {
      name: 'min of two device values is no bound',
      code: `static const int tab[8];
static int f(void __iomem *base)
{
	u32 a = readl(base);
	u32 b = readl(base + 4);
	return tab[min(a, b)];
}`,
      errors: [{ line: 6 }],
    },
    {
      name: 'a whole register divided still indexes past a ring',
      code: `struct rq { void **bufs[8]; u32 __iomem *fetch; };
static void *f(struct rq *rq)
{
	u32 fetch_index = ioread32(rq->fetch);
	return rq->bufs[fetch_index / 64][fetch_index % 64];
}`,
      errors: [{ line: 5 }],
    },
    {
      name: 'the smaller of a device field and a setting is no bound on a table',
      code: `struct hw { u32 dmar_block; };
static const u16 pay_load[6];
static u16 f(struct hw *hw, void __iomem *base)
{
	u32 max = (readl(base) >> 12) & 7;
	hw->dmar_block = min_t(u32, max, hw->dmar_block);
	return pay_load[hw->dmar_block];
}`,
      errors: [{ line: 7 }],
    },
    {
      name: 'a conditional expression that compares something else',
      code: `static const int tbl[8];
static int f(struct regmap_field *fld, int mode)
{
	unsigned int v;
	regmap_field_read(fld, &v);
	v = mode > 2 ? v : 0;
	return tbl[v];
}`,
      errors: [{ line: 7 }],
    },
    {
      name: 'an out-parameter the callee does not check',
      code: `static const int odr_table[11];
static int get_odr(struct regmap_field *fld, unsigned int *odr)
{
	int err = regmap_field_read(fld, odr);
	if (err)
		return err;
	return 0;
}
static int f(struct regmap_field *fld)
{
	unsigned int odr;
	int err = get_odr(fld, &odr);
	if (err)
		return err;
	return odr_table[odr];
}`,
      errors: [{ line: 15 }],
    },
    {
      name: 'a 4-bit regmap field into an 11-entry table',
      code: `enum { F_ODR, F_FS, F_MAX };
static const struct reg_field fields[F_MAX] = {
	[F_ODR] = REG_FIELD(0x10, 0, 3),
	[F_FS] = REG_FIELD(0x0f, 0, 1),
};
struct priv { struct regmap_field *fields[F_MAX]; };
static const int odr_table[11];
static int f(struct priv *p)
{
	unsigned int odr;
	regmap_field_read(p->fields[F_ODR], &odr);
	return odr_table[odr];
}`,
      errors: [{ line: 12, message: /odr_table\[11\]/ }],
    },
    {
      name: 'a new read re-arms the taint after a check',
      code: `static u32 stats[16];
static void f(void __iomem *base)
{
	u32 q = readl(base);
	if (q < 16)
		stats[q]++;
	q = readl(base);
	stats[q]++;
}`,
      errors: [{ line: 8 }],
    },
    {
      name: 'through a returned value of a module function',
      code: `static u32 hw_queue(void __iomem *base)
{
	return le32_to_cpu(readl(base + 0x40));
}
static u32 counts[4];
static void f(void __iomem *base)
{
	counts[hw_queue(base)]++;
}`,
      errors: [{ line: 8, message: /readl\(\)/ }],
    },
    {
      name: 'through an argument into another function of the module',
      code: `struct st { u32 hist[10]; };
static void bump(struct st *s, u32 slot)
{
	s->hist[slot]++;
}
static void f(struct st *s, void __iomem *base)
{
	bump(s, ioread16(base));
}`,
      errors: [{ line: 4, message: /ioread16\(\)/ }],
    },
    {
      name: 'a URB buffer field used unchecked',
      code: `struct msg { u8 net; };
struct dev { void *nets[8]; };
static void f(struct urb *urb, struct dev *d)
{
	struct msg *m = (struct msg *)urb->transfer_buffer;
	d->nets[m->net] = NULL;
}`,
      errors: [{ line: 6, message: /transfer_buffer/ }],
    },
    {
      name: 'the size of an array sized by its initialisers',
      code: `static const char *const names[] = { "a", "b", "c" };
static const char *f(void __iomem *base)
{
	return names[readl(base) & 0x7];
}`,
      errors: [{ line: 4, message: /names\[3\]/ }],
    },
    {
      name: 'the first dimension of a two-dimensional array',
      code: `static const int ratios[8][2];
static int f(void __iomem *base)
{
	u32 opt = readl(base) >> 4;
	return ratios[opt][0];
}`,
      errors: [{ line: 5, message: /ratios\[8\]/ }],
    },
    {
      name: 'a mask wider than the array',
      code: `static u32 small[4];
static void f(void __iomem *base)
{
	small[readl(base) & 0xff] = 0;
}`,
      errors: [{ line: 4, message: /small\[4\]/ }],
    },
    {
      name: 'a field written through an out-parameter of a module function',
      code: `struct hw { u32 idx; };
static void read_idx(struct hw *h, void __iomem *base)
{
	h->idx = readl(base);
}
static u32 tab[8];
static u32 f(struct hw *h, void __iomem *base)
{
	read_idx(h, base);
	return tab[h->idx];
}`,
      errors: [{ line: 10 }],
    },
  ],
});
