import { testCheck } from './tester.js';

testCheck('silent-timeout', {
  valid: [
    {
      name: 'phy_read_mmd_poll_timeout() logs its own timeout (phydev_err in include/linux/phy.h)',
      code: `static int foo_wait_reset(struct phy_device *phydev)
{
	int val, ret;

	ret = phy_read_mmd_poll_timeout(phydev, MDIO_MMD_PMAPMD, MDIO_CTRL1, val,
					!(val & MDIO_CTRL1_RESET), 5000, 100000, true);
	if (ret)
		return ret;
	return 0;
}`,
    },
    {
      name: 'the timeout logged inside the loop where the count runs out, tested again after a shared label (gic-v3-its)',
      code: `static int get_status(void __iomem *base, int *val)
{
	int count = 1000000;
	u32 status;
	do {
		status = readl_relaxed(base + 0x20);
		if (!(status & 0x80000000))
			goto out;
		count--;
		if (!count) {
			pr_err_ratelimited("Unable to get SGI status\n");
			goto out;
		}
		udelay(1);
	} while (count);
out:
	unlock_it();
	if (!count)
		return -ENXIO;
	*val = status & 1;
	return 0;
}`,
    },
    {
      name: 'the timeout is logged',
      code: `static int f(struct device *dev, void __iomem *base)
{
	int timeout = 100;
	while ((readl(base) & 0x1) && --timeout)
		udelay(1);
	if (!timeout) {
		dev_err(dev, "reset timed out\\n");
		return -ETIMEDOUT;
	}
	return 0;
}`,
    },
    {
      name: 'the poll helper error is logged',
      code: `static int f(struct device *dev, void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base, v, !(v & 1), 10, 1000);
	if (ret) {
		dev_err(dev, "not ready\\n");
		return ret;
	}
	return 0;
}`,
    },
    {
      name: 'a success test of the poll helper result: its branch is not the timeout',
      code: `static int f(struct device *dev, void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base, v, !(v & 1), 10, 1000);
	if (!ret)
		return ret;
	dev_err(dev, "not ready\\n");
	return ret;
}`,
    },
    {
      name: 'a failure exit inside the loop that is not the timeout',
      code: `int get_sem(void *hw);
static int f(void *hw, void __iomem *base)
{
	int i = 0;
	while (i < 50) {
		if (get_sem(hw))
			return -EIO;
		if (!(readl(base) & 0x3))
			break;
		i++;
	}
	return 0;
}`,
    },
    {
      name: 'a parse failure in a loop that advances a cursor is not a timeout',
      code: `int parse_one(void __iomem *p);
static int f(void __iomem *data, void __iomem *end)
{
	while (data < end && readl(data)) {
		if (!parse_one(data))
			return -EINVAL;
		data += 4;
	}
	return 0;
}`,
    },
    {
      name: 'the only caller logs the timeout',
      code: `static int wait_ready(void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base, v, !(v & 1), 10, 1000);
	if (ret)
		return ret;
	return 0;
}
static int reset(struct device *dev, void __iomem *base)
{
	int ret;
	writel(1, base);
	ret = wait_ready(base);
	if (ret)
		dev_err(dev, "reset timed out\\n");
	return ret;
}`,
    },
    {
      name: 'a caller logs with printk and glued string macros',
      code: `#define DRV_NAME "foo"
static int wait_clock(void __iomem *base)
{
	int i;
	for (i = 0; i < 1000; i++) {
		udelay(5);
		if (readl(base) & 0x4)
			break;
	}
	if (i == 1000)
		return -EIO;
	return 0;
}
static int load(void __iomem *base)
{
	int err = wait_clock(base);
	if (err) {
		printk(KERN_ERR DRV_NAME ": %s: wait_clock failed: %d\\n", "x", err);
		return err;
	}
	return 0;
}`,
    },
    {
      name: 'a helper of an SPI transfer_one callback (the SPI core logs the failure)',
      code: `static int foo_tx(struct regmap *map)
{
	unsigned int val;
	int ret = regmap_read_poll_timeout(map, 0x10, val, val & 1, 1000, 5000);
	if (ret)
		return ret;
	return 0;
}
static int foo_transfer_one(struct spi_controller *ctlr, struct spi_device *spi, struct spi_transfer *t)
{
	struct regmap *map = spi_controller_get_devdata(ctlr);
	return foo_tx(map);
}
static int foo_probe(struct spi_controller *ctlr)
{
	ctlr->transfer_one = foo_transfer_one;
	return 0;
}`,
    },
    {
      name: 'the timeout reaches probe, whose failure the driver core logs',
      code: `static int mem_reset(void __iomem *base)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(1000);
	writel(0x807fffff, base);
	while (readl(base) & 0x80000000) {
		if (time_after(jiffies, timeout))
			return -ETIME;
		cpu_relax();
	}
	return 0;
}
static int foo_probe(struct platform_device *pdev)
{
	void __iomem *base = devm_platform_ioremap_resource(pdev, 0);
	int ret;
	ret = mem_reset(base); /* clears the memories */
	if (ret)
		goto out;
	return 0;
out:
	return ret;
}
static struct platform_driver foo_driver = { .probe = foo_probe };`,
    },
    {
      name: 'the result falls through a label to return err, up to probe, whose failure the driver core logs',
      code: `static int fw_go(struct regmap *regmap)
{
	unsigned int val;
	int err;
	err = regmap_read_poll_timeout(regmap, 0x32, val, !val, 10000, 1000000);
	if (err)
		return err;
	return regmap_write(regmap, 0x6, 1);
}
static int load_firmware(struct device *dev, struct regmap *regmap)
{
	const struct firmware *fw;
	int err;
	err = request_firmware(&fw, "foo.fw", dev);
	if (err)
		return err;
	err = regmap_write(regmap, 0x12c, 1);
	if (err)
		goto out;
	err = fw_go(regmap);

out:
	release_firmware(fw);
	return err;
}
static int foo_probe(struct spi_device *spi)
{
	struct regmap *regmap = dev_get_regmap(&spi->dev, NULL);
	int err;
	err = load_firmware(&spi->dev, regmap);
	if (err)
		return err;
	return 0;
}
static struct spi_driver foo_driver = { .probe = foo_probe };`,
    },
    {
      name: 'a caller stores the error through a pointer and logs it',
      code: `static int quiesce(void __iomem *base)
{
	u32 count = 1000000;
	while (1) {
		if (readl_relaxed(base) & 0x80000000)
			return 0;
		count--;
		if (!count)
			return -EBUSY;
		cpu_relax();
	}
}
static void __iomem *map_one(void __iomem *base, int *err)
{
	*err = quiesce(base);
	if (*err) {
		pr_warn("failed to quiesce\\n");
		return NULL;
	}
	return base;
}`,
    },
    {
      name: 'WARN_ON around the timeout test logs it',
      code: `static int f(void __iomem *regs)
{
	int i;
	for (i = 0; i < 5; ++i) {
		if (!(readl(regs) & 0x1))
			break;
		udelay(10);
	}
	if (WARN_ON(i == 5))
		return -EIO;
	return 0;
}`,
    },
    {
      name: 'an allocation failure inside a loop bounded by device data',
      code: `struct info { int n; };
static int f(struct device *dev, void __iomem *base, struct info *info)
{
	int i;
	info->n = readl(base) & 0xff;
	for (i = 0; i < info->n; i++) {
		u32 *ev = devm_kzalloc(dev, sizeof(*ev), GFP_KERNEL);
		if (!ev)
			return -ENOMEM;
	}
	return 0;
}`,
    },
    {
      name: 'an unbounded loop is infinite-poll, not a silent timeout',
      code: `static int f(void __iomem *base)
{
	while (readl(base) & 1)
		cpu_relax();
	return 0;
}`,
    },
    {
      name: 'a while (1) loop that computes a prescaler, with no device read in it',
      code: `static int apply(void __iomem *base, u64 rate, u64 period_ns)
{
	u32 prescale = 0;
	u64 period;
	u32 ctrl = readl(base);
	while (1) {
		period = div64_u64(rate * period_ns, 1000000000ULL * (prescale + 1));
		if (period <= 0xffff)
			break;
		if (++prescale > 0x3f)
			return -EINVAL;
	}
	writel(ctrl | prescale, base);
	return 0;
}`,
    },
    {
      name: 'a search of a table for a value read once before the loop is not a wait',
      code: `static const unsigned int vals[] = { 0, 1, 3, 7 };
static int get_freq(struct regmap *map, int *freq)
{
	unsigned int regval, i;
	int ret = regmap_read(map, 0x10, &regval);
	if (ret < 0)
		return ret;
	for (i = 0; i < ARRAY_SIZE(vals); i++)
		if (regval == vals[i])
			break;
	if (i == ARRAY_SIZE(vals))
		return -EINVAL;
	*freq = i;
	return 0;
}`,
    },
    {
      name: 'a poll helper with timeout_us = 0 never times out: its error is a read error',
      code: `static int enable(struct regmap *map)
{
	unsigned int status;
	int ret = regmap_read_poll_timeout(map, 0x20, status, status & 1, 10, 0);
	if (ret)
		return ret;
	return 0;
}`,
    },
    {
      name: "an op of the module's own ops structure whose every call through the field logs",
      code: `struct foo_mac_ops {
	int (*buf_req)(void __iomem *base, u16 len, u16 *id);
	int (*other)(void __iomem *base);
};
static int buf_req_v2(void __iomem *base, u16 len, u16 *id)
{
	u32 val;
	int ret;
	writel(len, base + 0x10);
	ret = readl_poll_timeout(base + 0x14, val, val & 0x1, 1, 2000);
	if (ret)
		return ret;
	*id = val >> 16;
	return 0;
}
static const struct foo_mac_ops mac_v2 = {
	.buf_req = buf_req_v2,
};
static int enqueue(struct device *dev, const struct foo_mac_ops *mac, void __iomem *base)
{
	u16 id;
	int ret;
	ret = mac->buf_req(base, 0x20, &id);
	if (ret) {
		dev_err(dev, "[ERR]WDE buf req\\n");
		return ret;
	}
	ret = mac->buf_req(base, 0x20, &id);
	if (ret) {
		dev_err(dev, "[ERR]PLE buf req\\n");
		return ret;
	}
	return 0;
}`,
    },
    {
      name: 'the only caller, after a label, logs the timeout',
      code: `static int pbl_wait(void __iomem *base, int ms)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(ms);
	u32 val;
	for (;;) {
		val = readl(base + 0x10);
		if (val)
			break;
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		msleep(1);
	}
	return val;
}
static int boot(struct device *dev, void __iomem *base, bool skip)
{
	int ret;
	if (skip)
		goto wait;
	writel(1, base + 0x4);
wait:
	ret = pbl_wait(base, 1000);
	if (ret == -ETIMEDOUT)
		dev_err(dev, "PBL boot timed out\\n");
	return ret;
}`,
    },
    {
      name: 'every caller or-s the result into ret in a loop, then logs ret (ret |= f())',
      code: `static int write_not_busy(void __iomem *base, u32 off, u32 val)
{
	u32 st;
	int ret = readl_poll_timeout_atomic(base + 0x4, st, !(st & 1), 2, 500);
	if (ret)
		return ret;
	writel(val, base + off);
	return 0;
}
static int load_table(void __iomem *base, const u32 *t, int n)
{
	int i, ret = 0;
	for (i = 0; i < n; i++) {
		if (i % 4 == 3) {
			ret |= write_not_busy(base, 0x100 + i, t[i]);
			ret |= write_not_busy(base, 0x200 + i, t[i]);
		}
	}
	return ret;
}
static void run(struct device *dev, void __iomem *base, const u32 *t)
{
	int ret = 0;
	ret = load_table(base, t, 16);
	if (ret)
		dev_err(dev, "failed to load the table\\n");
	ret += write_not_busy(base, 0x8, 1);
	ret = ret ?: write_not_busy(base, 0xc, 1);
	if (ret < 0)
		dev_err(dev, "failed to start\\n");
}`,
    },
    {
      name: 'the only caller falls into a label and logs there (ret = f(); out: unlock(); if (ret) dev_err)',
      code: `static int mbox_wait(void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base + 0x4, v, !v, 10, 1000);
	if (ret)
		return ret;
	return 0;
}
static int mbox_xfer(struct device *dev, struct mutex *lock, void __iomem *base)
{
	int ret;
	mutex_lock(lock);
	writel(1, base);
	ret = mbox_wait(base);
out:
	mutex_unlock(lock);
	if (ret)
		dev_err(dev, "mailbox transfer failed\\n");
	return ret;
}`,
    },
    {
      name: 'a failed call breaks out of a loop and the function then fails with a code of its own, which its caller logs',
      code: `static int mbox_read(void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base + 0x4, v, !v, 10, 1000);
	if (ret < 0)
		return ret;
	return readl(base + 0x8) & 0xff;
}
static int mbox_drain(void __iomem *base, u32 n)
{
	u32 i;
	for (i = 0; i < n; i++)
		if (mbox_read(base) < 0)
			break;
	return -EINVAL;
}
static int mbox_reset(struct device *dev, void __iomem *base)
{
	int ret = mbox_drain(base, 4);
	if (ret)
		dev_err(dev, "mailbox reset failed\\n");
	return ret;
}`,
    },
    {
      name: 'a retry loop goes round again on a failed attempt (continue) and logs the last failure after the loop',
      code: `static int mbox_send(void __iomem *base, u8 val)
{
	u32 full;
	int ret = readl_poll_timeout(base + 0x4, full, !full, 10, 1000);
	if (ret)
		return ret;
	writel(val, base + 0x8);
	return 0;
}
static int get_block(struct device *dev, void __iomem *base, u8 block)
{
	int ret, i;
	for (i = 0; i < 4; i++) {
		ret = mbox_send(base, block);
		if (ret)
			continue;
		if (readl(base + 0xc) == block)
			break;
	}
	if (ret)
		dev_err(dev, "get block %d failed: %d\\n", block, ret);
	return ret;
}`,
    },
    {
      name: "a regmap's reg_read callback whose map's every access logs its failure",
      code: `struct foo_priv {
	struct regmap *regmap;
	struct regmap *regmap_cr;
	void __iomem *base;
	struct device *dev;
};
static int foo_cr_read(void *context, unsigned int addr, unsigned int *data)
{
	struct foo_priv *priv = context;
	u32 val;
	int ret;
	writel(addr, priv->base + 0x10);
	ret = readl_poll_timeout(priv->base + 0x14, val, val & 1, 5, 1000);
	if (ret)
		return ret;
	*data = val >> 16;
	return 0;
}
static const struct regmap_config foo_cr_conf = {
	.reg_bits = 16,
	.val_bits = 16,
	.reg_read = foo_cr_read,
};
static int foo_init(struct foo_priv *priv)
{
	unsigned int data;
	int ret;
	ret = regmap_read(priv->regmap_cr, 0x1006, &data);
	if (ret) {
		dev_err(priv->dev, "CR read failed\\n");
		return ret;
	}
	regmap_write(priv->regmap, 0x4, data);
	return 0;
}
static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	priv->regmap_cr = devm_regmap_init(&pdev->dev, NULL, priv, &foo_cr_conf);
	if (IS_ERR(priv->regmap_cr))
		return PTR_ERR(priv->regmap_cr);
	return foo_init(priv);
}`,
    },
  ],
  invalid: [
    {
      name: 'near miss: the branch where the count runs out inside the loop does not log',
      code: `static int get_status(void __iomem *base, int *val)
{
	int count = 1000000;
	u32 status;
	do {
		status = readl_relaxed(base + 0x20);
		if (!(status & 0x80000000))
			goto out;
		count--;
		if (!count)
			goto out;
		udelay(1);
	} while (count);
out:
	unlock_it();
	if (!count)
		return -ENXIO;
	*val = status & 1;
	return 0;
}`,
      errors: [{ line: 16 }],
    },
    {
      name: 'near miss: phy_read_mmd_poll_timeout() is not regmap_read_poll_timeout(), which does not log',
      code: `static int foo_wait_reset(struct regmap *map)
{
	unsigned int val;
	int ret;

	ret = regmap_read_poll_timeout(map, 0x10, val, !(val & 0x1), 5000, 100000);
	if (ret)
		return ret;
	return 0;
}`,
      errors: [{ line: 7, message: /regmap_read_poll_timeout\(\) timing out/ }],
    },
    {
      name: "a timeout of -EBUSY is not passed over by the caller's test for -EBUSY",
      code: `static int queue_get(void __iomem *base, u32 *data)
{
	int timeout = 100;
	while ((readl(base + 0x4) & 1) && --timeout)
		udelay(1);
	if (!timeout)
		return -EBUSY;
	*data = readl(base + 0x8);
	return 0;
}
static int drain(struct device *dev, void __iomem *base)
{
	u32 d;
	int r;
	do {
		r = queue_get(base, &d);
		if (r == -EBUSY)
			break;
		if (r) {
			dev_err(dev, "drain failed\\n");
			return r;
		}
	} while (1);
	return 0;
}`,
      errors: [{ line: 6, message: /-EBUSY/ }],
    },
    {
      name: 'a caller or-s the result into ret, then overwrites ret before testing it',
      code: `static int write_not_busy(void __iomem *base, u32 off, u32 val)
{
	u32 st;
	int ret = readl_poll_timeout_atomic(base + 0x4, st, !(st & 1), 2, 500);
	if (ret)
		return ret;
	writel(val, base + off);
	return 0;
}
static int load_table(void __iomem *base, const u32 *t, int n)
{
	int i, ret = 0;
	for (i = 0; i < n; i++) {
		ret |= write_not_busy(base, 0x100 + i, t[i]);
		ret = write_not_busy(base, 0x200 + i, t[i]);
	}
	return ret;
}
static void run(struct device *dev, void __iomem *base, const u32 *t)
{
	if (load_table(base, t, 16))
		dev_err(dev, "failed to load the table\\n");
}`,
      errors: [{ line: 5, message: /readl_poll_timeout/ }],
    },
    {
      name: 'a wait that re-reads the device into a buffer handed to a call',
      code: `static int read_channel(struct regmap *map, int channel, ktime_t timeout)
{
	u8 rpt[3];
	int ret;
	while (true) {
		ret = regmap_raw_read(map, 0x50, rpt, sizeof(rpt));
		if (ret)
			return ret;
		if ((rpt[0] & 0xf) == channel)
			break;
		if (ktime_compare(ktime_get(), timeout) > 0)
			return -ETIMEDOUT;
		usleep_range(100, 200);
	}
	return rpt[1];
}`,
      errors: [{ line: 11, message: /-ETIMEDOUT/ }],
    },
    {
      name: 'a counter loop re-reading the device whose timeout returns silently',
      code: `static int wait_idle(void __iomem *base)
{
	unsigned int i;
	for (i = 0; i < 100; i++) {
		if (!(readl(base + 0x4) & 0x1))
			break;
		udelay(10);
	}
	if (i == 100)
		return -ETIMEDOUT;
	return 0;
}`,
      errors: [{ line: 9, message: /-ETIMEDOUT/ }],
    },
    {
      name: 'a poll helper with a real timeout whose error is passed on silently',
      code: `static int enable(struct regmap *map)
{
	unsigned int status;
	int ret = regmap_read_poll_timeout(map, 0x20, status, status & 1, 10, 1000);
	if (ret)
		return ret;
	return 0;
}`,
      errors: [{ line: 5, message: /regmap_read_poll_timeout/ }],
    },
    {
      name: 'a while (1) wait on the device whose counter gives up silently',
      code: `static int f(void __iomem *base)
{
	int n = 1000;
	while (1) {
		if (readl(base) & 0x1)
			break;
		if (--n == 0)
			return -ETIMEDOUT;
		udelay(1);
	}
	return 0;
}`,
      errors: [{ line: 7, message: /-ETIMEDOUT/ }],
    },
    {
      name: 'a counter loop whose timeout returns silently',
      code: `static int f(void __iomem *base)
{
	int timeout = 1000;
	u32 val;
	do {
		val = readl(base + 0xc);
		udelay(10);
	} while ((val & 0x80) && --timeout);
	if (!timeout)
		return -ETIMEDOUT;
	return 0;
}`,
      errors: [{ line: 9, message: /-ETIMEDOUT without logging/ }],
    },
    {
      name: 'a time limit inside the loop returns silently',
      code: `static int f(void __iomem *base)
{
	unsigned long end = jiffies + HZ;
	while (!(ioread32(base) & 0x2)) {
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		cpu_relax();
	}
	return 0;
}`,
      errors: [{ line: 5, message: /timeout while waiting/ }],
    },
    {
      name: 'the poll helper error is passed on silently',
      code: `static int f(void __iomem *base)
{
	u32 v;
	int ret;
	ret = readl_poll_timeout(base, v, v & 1, 10, 1000);
	if (ret)
		return ret;
	return 0;
}`,
      errors: [{ line: 6, message: /readl_poll_timeout\(\) timing out/ }],
    },
    {
      name: "an op of the module's own ops structure with a call through the field that drops the timeout",
      code: `struct foo_mac_ops {
	int (*buf_req)(void __iomem *base, u16 len, u16 *id);
	int (*other)(void __iomem *base);
};
static int buf_req_v2(void __iomem *base, u16 len, u16 *id)
{
	u32 val;
	int ret;
	writel(len, base + 0x10);
	ret = readl_poll_timeout(base + 0x14, val, val & 0x1, 1, 2000);
	if (ret)
		return ret;
	*id = val >> 16;
	return 0;
}
static const struct foo_mac_ops mac_v2 = {
	.buf_req = buf_req_v2,
};
static int enqueue(struct device *dev, const struct foo_mac_ops *mac, void __iomem *base)
{
	u16 id;
	int ret;
	ret = mac->buf_req(base, 0x20, &id);
	if (ret) {
		dev_err(dev, "[ERR]WDE buf req\\n");
		return ret;
	}
	return 0;
}
static int trigger(const struct foo_mac_ops *mac, void __iomem *base)
{
	u16 id;
	return mac->buf_req(base, 0x20, &id);
}
static const struct file_operations fops = { .write = trigger };`,
      errors: [{ line: 11, message: /readl_poll_timeout/ }],
    },
    {
      name: 'an op of a structure the module does not define (a core calls it)',
      code: `static int buf_req_v2(void __iomem *base, u16 len, u16 *id)
{
	u32 val;
	int ret;
	writel(len, base + 0x10);
	ret = readl_poll_timeout(base + 0x14, val, val & 0x1, 1, 2000);
	if (ret)
		return ret;
	*id = val >> 16;
	return 0;
}
static const struct core_mac_ops mac_v2 = {
	.buf_req = buf_req_v2,
};
static int enqueue(struct device *dev, const struct core_mac_ops *mac, void __iomem *base)
{
	u16 id;
	int ret;
	ret = mac->buf_req(base, 0x20, &id);
	if (ret) {
		dev_err(dev, "[ERR]WDE buf req\\n");
		return ret;
	}
	return 0;
}`,
      errors: [{ line: 7, message: /readl_poll_timeout/ }],
    },
    {
      name: 'the only caller logs the timeout only on success (if (ret >= 0) .. else ..)',
      code: `static int wait_ready(void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base, v, !(v & 1), 10, 1000);
	if (ret)
		return ret;
	return 0;
}
static void reset(struct device *dev, void __iomem *base)
{
	int ret;
	writel(1, base);
	ret = wait_ready(base);
	if (ret >= 0)
		dev_info(dev, "reset done\\n");
	else
		writel(0, base);
}`,
      errors: [{ line: 5, message: /readl_poll_timeout/ }],
    },
    {
      name: 'near miss: the result falls through a label to return 0',
      code: `static int fw_go(struct regmap *regmap)
{
	unsigned int val;
	int err;
	err = regmap_read_poll_timeout(regmap, 0x32, val, !val, 10000, 1000000);
	if (err)
		return err;
	return regmap_write(regmap, 0x6, 1);
}
static int load_firmware(struct device *dev, struct regmap *regmap)
{
	const struct firmware *fw;
	int err;
	err = request_firmware(&fw, "foo.fw", dev);
	if (err)
		return err;
	err = fw_go(regmap);
out:
	release_firmware(fw);
	return 0;
}
static int foo_probe(struct spi_device *spi)
{
	struct regmap *regmap = dev_get_regmap(&spi->dev, NULL);
	int err;
	err = load_firmware(&spi->dev, regmap);
	if (err)
		return err;
	return 0;
}
static struct spi_driver foo_driver = { .probe = foo_probe };`,
      errors: [{ line: 6, message: /regmap_read_poll_timeout/ }],
    },
    {
      name: 'near miss: the result falls through a label to return err, to a caller that drops it',
      code: `static int fw_go(struct regmap *regmap)
{
	unsigned int val;
	int err;
	err = regmap_read_poll_timeout(regmap, 0x32, val, !val, 10000, 1000000);
	if (err)
		return err;
	return regmap_write(regmap, 0x6, 1);
}
static int load_firmware(struct device *dev, struct regmap *regmap)
{
	const struct firmware *fw;
	int err;
	err = request_firmware(&fw, "foo.fw", dev);
	if (err)
		return err;
	err = fw_go(regmap);
out:
	release_firmware(fw);
	return err;
}
static void foo_resume_work(struct work_struct *work)
{
	struct foo *foo = container_of(work, struct foo, work);
	load_firmware(foo->dev, foo->regmap);
}`,
      errors: [{ line: 6, message: /regmap_read_poll_timeout/ }],
    },
    {
      name: 'the only caller, after a label, drops the timeout',
      code: `static int pbl_wait(void __iomem *base, int ms)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(ms);
	u32 val;
	for (;;) {
		val = readl(base + 0x10);
		if (val)
			break;
		if (time_after(jiffies, timeout))
			return -ETIMEDOUT;
		msleep(1);
	}
	return val;
}
static int boot(struct device *dev, void __iomem *base, bool skip)
{
	int ret;
	if (skip)
		goto wait;
	writel(1, base + 0x4);
wait:
	ret = pbl_wait(base, 1000);
	ret = 0;
	return ret;
}`,
      errors: [{ line: 9, message: /-ETIMEDOUT/ }],
    },
    {
      name: 'the only caller falls into a label that only unlocks, and its own caller drops the result',
      code: `static int mbox_wait(void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base + 0x4, v, !v, 10, 1000);
	if (ret)
		return ret;
	return 0;
}
static int mbox_xfer(struct mutex *lock, void __iomem *base)
{
	int ret;
	mutex_lock(lock);
	writel(1, base);
	ret = mbox_wait(base);
out:
	mutex_unlock(lock);
	return ret;
}
static void mbox_kick(struct mutex *lock, void __iomem *base)
{
	mbox_xfer(lock, base);
}`,
      errors: [{ line: 5, message: /readl_poll_timeout\(\) timing out/ }],
    },
    {
      name: 'a failed call breaks out of a loop and the function then succeeds (return 0)',
      code: `static int mbox_read(void __iomem *base)
{
	u32 v;
	int ret = readl_poll_timeout(base + 0x4, v, !v, 10, 1000);
	if (ret < 0)
		return ret;
	return readl(base + 0x8) & 0xff;
}
static int mbox_drain(void __iomem *base, u32 n)
{
	u32 i;
	for (i = 0; i < n; i++)
		if (mbox_read(base) < 0)
			break;
	return 0;
}
static int mbox_reset(struct device *dev, void __iomem *base)
{
	int ret = mbox_drain(base, 4);
	if (ret)
		dev_err(dev, "mailbox reset failed\\n");
	return ret;
}`,
      errors: [{ line: 5, message: /readl_poll_timeout\(\) timing out/ }],
    },
    {
      name: 'a loop over items passes over a failed item (continue): a later item overwrites the failure',
      code: `static int mbox_send(void __iomem *base, u8 val)
{
	u32 full;
	int ret = readl_poll_timeout(base + 0x4, full, !full, 10, 1000);
	if (ret)
		return ret;
	writel(val, base + 0x8);
	return 0;
}
static int send_all(struct device *dev, void __iomem *base, const u8 *buf, int n)
{
	int ret = 0, i;
	for (i = 0; i < n; i++) {
		ret = mbox_send(base, buf[i]);
		if (ret)
			continue;
		if (readl(base + 0xc))
			break;
	}
	if (ret)
		dev_err(dev, "send failed: %d\\n", ret);
	return ret;
}`,
      errors: [{ line: 5, message: /readl_poll_timeout\(\) timing out/ }],
    },
    {
      name: "a regmap's reg_read callback whose map has one access that drops the failure",
      code: `struct foo_priv {
	struct regmap *regmap_cr;
	void __iomem *base;
	struct device *dev;
};
static int foo_cr_read(void *context, unsigned int addr, unsigned int *data)
{
	struct foo_priv *priv = context;
	u32 val;
	int ret;
	writel(addr, priv->base + 0x10);
	ret = readl_poll_timeout(priv->base + 0x14, val, val & 1, 5, 1000);
	if (ret)
		return ret;
	*data = val >> 16;
	return 0;
}
static const struct regmap_config foo_cr_conf = {
	.reg_bits = 16,
	.val_bits = 16,
	.reg_read = foo_cr_read,
};
static int foo_init(struct foo_priv *priv)
{
	unsigned int data;
	int ret;
	ret = regmap_read(priv->regmap_cr, 0x1006, &data);
	if (ret) {
		dev_err(priv->dev, "CR read failed\\n");
		return ret;
	}
	return 0;
}
static void foo_status(struct foo_priv *priv, unsigned int *st)
{
	regmap_read(priv->regmap_cr, 0x1008, st);
}
static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	priv->regmap_cr = devm_regmap_init(&pdev->dev, NULL, priv, &foo_cr_conf);
	if (IS_ERR(priv->regmap_cr))
		return PTR_ERR(priv->regmap_cr);
	return foo_init(priv);
}`,
      errors: [{ line: 13, message: /readl_poll_timeout\(\) timing out/ }],
    },
    {
      name: "a regmap's reg_read callback whose map is handed to a helper (its accesses there out of sight)",
      code: `struct foo_priv {
	struct regmap *regmap_cr;
	void __iomem *base;
	struct device *dev;
};
static int foo_cr_read(void *context, unsigned int addr, unsigned int *data)
{
	struct foo_priv *priv = context;
	u32 val;
	int ret;
	writel(addr, priv->base + 0x10);
	ret = readl_poll_timeout(priv->base + 0x14, val, val & 1, 5, 1000);
	if (ret)
		return ret;
	*data = val >> 16;
	return 0;
}
static const struct regmap_config foo_cr_conf = {
	.reg_bits = 16,
	.val_bits = 16,
	.reg_read = foo_cr_read,
};
static int foo_init(struct foo_priv *priv)
{
	unsigned int data;
	int ret;
	ret = regmap_read(priv->regmap_cr, 0x1006, &data);
	if (ret) {
		dev_err(priv->dev, "CR read failed\\n");
		return ret;
	}
	return 0;
}
static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	priv->regmap_cr = devm_regmap_init(&pdev->dev, NULL, priv, &foo_cr_conf);
	if (IS_ERR(priv->regmap_cr))
		return PTR_ERR(priv->regmap_cr);
	foo_register_child(&pdev->dev, priv->regmap_cr);
	return foo_init(priv);
}`,
      errors: [{ line: 13, message: /readl_poll_timeout\(\) timing out/ }],
    },
  ],
});
