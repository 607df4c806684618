import { testCheck } from './tester.js';

testCheck('silent-failure', {
  valid: [
    {
      name: 'the failure is logged',
      code: `static int f(struct device *dev, void __iomem *base)
{
	if (readl(base) & 0x4) {
		dev_err(dev, "controller error\\n");
		return -EIO;
	}
	return 0;
}`,
    },
    {
      name: 'the goto label logs',
      code: `static int f(struct device *dev, void __iomem *base)
{
	int ret = 0;
	if (readl(base) & 0x4) {
		ret = -EIO;
		goto err;
	}
	return 0;
err:
	dev_err(dev, "failed: %d\\n", ret);
	return ret;
}`,
    },
    {
      name: 'a retry code is normal control flow',
      code: `static int f(void __iomem *base)
{
	if (readl(base) & 0x1)
		return -EAGAIN;
	return 0;
}`,
    },
    {
      name: 'passing on a bus helper error is propagation, not device data',
      code: `static int f(struct i2c_client *c)
{
	int ret = i2c_smbus_read_byte_data(c, 0x10);
	if (ret < 0)
		return ret;
	return ret & 0x7f;
}`,
    },
    {
      name: 'probe finds no device (-ENODEV is how absence is said)',
      code: `static int f(void __iomem *base)
{
	if (readb(base) == 0xff)
		return -ENODEV;
	return 0;
}`,
    },
    {
      name: 'a driver-local logging macro',
      code: `static int f(struct hw *hw, void __iomem *base)
{
	if (readl(base) & 0x4) {
		hw_dbg(hw, "queue busy\n");
		return -EIO;
	}
	return 0;
}`,
    },
    {
      name: 'a range check of a parameter passed in by a caller',
      code: `static int check_port(int port)
{
	if (port < 1 || port > 2)
		return -EINVAL;
	return 0;
}
static int f(void __iomem *base)
{
	return check_port(readl(base));
}`,
    },
    {
      name: 'a condition that also asks about software state is validation',
      code: `static int f(void __iomem *base, int want_full)
{
	if (want_full && !(readl(base) & 0x20))
		return -EINVAL;
	return 0;
}`,
    },
    {
      name: 'WARN_ON in the condition logs',
      code: `static int f(void __iomem *base)
{
	if (WARN_ON(readl(base) & 0x80))
		return -EIO;
	return 0;
}`,
    },
    {
      name: 'an errno test of a value from a reader that also returns errors',
      code: `static int rd(void __iomem *base)
{
	return readl(base) & 0xff;
}
static int f(void __iomem *base)
{
	int t = rd(base);
	if (t < 0)
		return -EIO;
	return t;
}`,
    },
    {
      name: 'device capability weighed against a requested value is validation',
      code: `static int f(struct pci_dev *pdev, int features)
{
	u16 supported;
	pci_read_config_word(pdev, 0x40, &supported);
	if ((supported & features) != features)
		return -EINVAL;
	return 0;
}`,
    },
    {
      name: 'a pinconf get callback says "disabled" with -EINVAL',
      code: `static int foo_pconf_get(struct pinctrl_dev *pctl, unsigned int pin, unsigned long *config)
{
	void __iomem *base = pinctrl_dev_get_drvdata(pctl);
	u32 val = readl(base + 0x10);
	if (!(val & BIT(pin)))
		return -EINVAL;
	*config = 1;
	return 0;
}
static const struct pinconf_ops foo_pconf_ops = {
	.pin_config_get = foo_pconf_get,
};`,
    },
    {
      name: 'a helper a pinconf get callback hands its answer through',
      code: `static int foo_get_pull(void __iomem *base, unsigned int pin)
{
	if (!(readl(base + 0x20) & BIT(pin)))
		return -EINVAL;
	return 1;
}
static int foo_pconf_get(struct pinctrl_dev *pctl, unsigned int pin, unsigned long *config)
{
	void __iomem *base = pinctrl_dev_get_drvdata(pctl);
	int ret = foo_get_pull(base, pin);
	if (ret < 0)
		return ret;
	*config = ret;
	return 0;
}
static const struct pinconf_ops foo_pconf_ops = {
	.pin_config_get = foo_pconf_get,
};`,
    },
    {
      name: 'a gpio get_direction callback installed at run time: no direction in an alternate function',
      code: `struct foo { struct gpio_chip chip; void __iomem *base; };
static int foo_get_direction(struct gpio_chip *chip, unsigned int offset)
{
	struct foo *f = gpiochip_get_data(chip);
	u32 fsel = (readl(f->base) >> (offset * 3)) & 7;
	if (fsel > 1)
		return -EINVAL;
	return fsel == 0;
}
static int foo_probe(struct foo *f)
{
	f->chip.get_direction = foo_get_direction;
	return 0;
}`,
    },
    {
      name: 'a caller that tests for success logs the failure in its else',
      code: `static int bist_check(void __iomem *base)
{
	if (readl(base + 0x10))
		return -EIO;
	return 0;
}
static int init_hw(struct device *dev, void __iomem *base)
{
	int err = bist_check(base);
	if (!err)
		dev_info(dev, "BIST passed\\n");
	else
		dev_err(dev, "BIST failed: %d\\n", err);
	return err;
}`,
    },
    {
      name: 'a caller tests for failure with a compound test and logs',
      code: `static int bist_check(void __iomem *base)
{
	if (readl(base + 0x10))
		return -EIO;
	return 0;
}
static int init_hw(struct device *dev, void __iomem *base)
{
	int ret;
	if ((ret = bist_check(base)) < 0 && ret != -EPROBE_DEFER) {
		dev_err(dev, "BIST failed: %d\\n", ret);
		return ret;
	}
	return 0;
}`,
    },
    {
      name: 'every caller logs the failure (one directly, one through a caller that logs)',
      code: `static int bist_check(void __iomem *base)
{
	if (readl(base + 0x10))
		return -EIO;
	return 0;
}
static int init_hw(struct device *dev, void __iomem *base)
{
	int err = bist_check(base);
	if (err) {
		dev_err(dev, "BIST check failed\\n");
		return err;
	}
	return 0;
}
static int start(void __iomem *base)
{
	int ret;
	ret = bist_check(base);
	if (ret)
		return ret;
	return 0;
}
static int probe(struct device *dev, void __iomem *base)
{
	if (start(base))
		goto fail;
	return init_hw(dev, base);
fail:
	dev_err(dev, "start failed\\n");
	return -EIO;
}`,
    },
    {
      name: "a user's new value masked by a register, compared with the register",
      code: `static int store(void __iomem *bank, unsigned long val)
{
	u32 reg_new = (u32)val;
	u32 br = in_be32(bank);
	u32 or = in_be32(bank + 4);
	if ((br & or & 0xffff8000) != (reg_new & or & 0xffff8000))
		return -EINVAL;
	return 0;
}`,
    },
    {
      name: 'a reset method declines with -ENOTTY (not supported)',
      code: `static int pm_reset(struct pci_dev *dev)
{
	u16 csr;
	pci_read_config_word(dev, 0x44, &csr);
	if (csr & 0x8)
		return -ENOTTY;
	return 0;
}`,
    },
    {
      name: 'no signal lock is an answer about the input, not a device failure',
      code: `static int get_timings(void __iomem *base)
{
	u32 status = readl(base + 0x10);
	if (!(status & 0x4))
		return -ENOLCK;
	if (!(status & 0x600))
		return -ENOLINK;
	return 0;
}`,
    },
    {
      name: 'a system-sleep callback installed by DEFINE_SIMPLE_DEV_PM_OPS (the PM core logs the failure)',
      code: `static int foo_suspend(struct device *dev)
{
	struct foo *f = dev_get_drvdata(dev);
	if (readl(f->base + 0x8) & 0x1)
		return -EIO;
	writel(0, f->base);
	return 0;
}
static int foo_resume(struct device *dev)
{
	return 0;
}
static DEFINE_SIMPLE_DEV_PM_OPS(foo_pm, foo_suspend, foo_resume);`,
    },
    {
      name: "a TPM driver's recv op (tpm_try_transmit logs 'tpm_recv: error')",
      code: `static int foo_tpm_recv(struct tpm_chip *chip, u8 *buf, size_t count)
{
	struct foo_tpm *t = dev_get_drvdata(&chip->dev);
	if (ioread32(t->iobase + 0x4) & 0x2)
		return -EIO;
	return 0;
}
static const struct tpm_class_ops foo_tpm_ops = {
	.recv = foo_tpm_recv,
};`,
    },
    {
      name: "a PHY's power_on in its phy_ops (the PHY core logs 'phy poweron failed')",
      code: `static int foo_phy_power_on(struct phy *phy)
{
	struct foo_phy *p = phy_get_drvdata(phy);
	if (!(readl(p->base + 0x4) & 0x1))
		return -ETIMEDOUT;
	return 0;
}
static const struct phy_ops foo_phy_ops = {
	.power_on = foo_phy_power_on,
	.owner = THIS_MODULE,
};`,
    },
    {
      name: "an I2C driver's probe_new (before 6.3; the driver core logs a failed probe)",
      code: `static int foo_probe(struct i2c_client *client)
{
	int id = i2c_smbus_read_byte_data(client, 0x0f);
	if (id != 0x6a)
		return -EIO;
	return 0;
}
static struct i2c_driver foo_driver = {
	.probe_new = foo_probe,
};`,
    },
    {
      name: 'a thermal get_temp callback (the thermal core logs the failure)',
      code: `static int foo_get_temp(struct thermal_zone_device *tz, int *temp)
{
	void __iomem *base = thermal_zone_device_priv(tz);
	if (readl(base + 0x4) & 0x1)
		return -EIO;
	*temp = readl(base) & 0xfff;
	return 0;
}
static const struct thermal_zone_device_ops foo_ops = {
	.get_temp = foo_get_temp,
};`,
    },
    {
      name: 'a range check a 2-bit field always passes',
      code: `#define BW0 BIT(0)
#define BW1 BIT(1)
#define BW_MASK (BW0 | \\
		 BW1)
static const int freqs[] = { 1, 13, 25, 50 };
static int f(struct regmap *map, int *val)
{
	unsigned int reg;
	int i, ret;
	ret = regmap_read(map, 0x20, &reg);
	if (ret < 0)
		return ret;
	i = (reg & BW_MASK) >> 0;
	if (i < 0 || i >= ARRAY_SIZE(freqs))
		return -EINVAL;
	*val = freqs[i];
	return 0;
}`,
    },
    {
      name: 'a module helper that logs',
      code: `static void report(struct device *dev) { dev_warn(dev, "bad state\\n"); }
static int f(struct device *dev, void __iomem *base)
{
	if (readl(base) & 0x4) {
		report(dev);
		return -EIO;
	}
	return 0;
}`,
    },
    {
      name: 'a code every caller tests for by name and takes as an answer (end of a table)',
      code: `static int next_entry(void __iomem *rom, u32 *ent)
{
	u32 v = readl(rom);
	if (v == 0xf)
		return -ESPIPE;
	*ent = v;
	return 0;
}
static int scan(struct device *dev, void __iomem *rom)
{
	u32 ent;
	int err;
	while (1) {
		err = next_entry(rom, &ent);
		if (err == -ESPIPE)
			break;
		if (err)
			return err;
	}
	return 0;
}
static const struct foo_ops ops = { .scan = scan };`,
    },
    {
      name: 'a capability test whose caller picks a default value when it fails',
      code: `static int quirk_test(void __iomem *base)
{
	writeb(0x40, base);
	if ((readb(base) & 0xc0) != 0x40)
		return -EINVAL;
	return 0;
}
static int quirk_clock(void __iomem *base)
{
	if (quirk_test(base) < 0)
		return 1843200;
	return 14745600;
}
static const struct foo_ops ops = { .clock = quirk_clock };`,
    },
    {
      name: 'a module function declared in its own header, whose only caller (an ISR) answers IRQ_HANDLED',
      code: `int foo_mb_isr(struct foo *hw)
{
	u32 cause = readl(hw->base + 0x10);
	if (!(cause & 0x2))
		return -EINVAL;
	writel(0x2, hw->base + 0x10);
	return 0;
}`,
      headers: ['int foo_mb_isr(struct foo *hw);\n'],
      others: {
        'drivers/test/isr.c': `static irqreturn_t foo_isr(int irq, void *dev_id)
{
	struct foo *hw = dev_id;
	int rv;
	if (!readl(hw->base + 0x20))
		return IRQ_NONE;
	rv = foo_mb_isr(hw);
	if (rv == 0 && !hw->pending) {
		hw->pending = 1;
		return IRQ_HANDLED;
	}
	return IRQ_HANDLED;
}
static int foo_setup(struct foo *hw)
{
	return request_irq(hw->irq, foo_isr, 0, "foo", hw);
}`,
      },
    },
    {
      name: 'an RTC read_time callback (the RTC core logs the failure)',
      code: `static int foo_rtc_read_time(struct device *dev, struct rtc_time *tm)
{
	struct foo *rtc = dev_get_drvdata(dev);
	if (readl(rtc->base + 0x4) & 0x1)
		return -EINVAL;
	return 0;
}
static const struct rtc_class_ops foo_rtc_ops = {
	.read_time = foo_rtc_read_time,
};`,
    },
    {
      name: 'an FPGA manager write_complete callback (the FPGA manager core logs the failure)',
      code: `static int foo_write_complete(struct fpga_manager *mgr, struct fpga_image_info *info)
{
	struct foo *priv = mgr->priv;
	if ((readb(priv->base) & 0x2) != 0x2)
		return -ETIMEDOUT;
	return 0;
}
static const struct fpga_manager_ops foo_ops = {
	.state = foo_state,
	.write_complete = foo_write_complete,
};`,
    },
    {
      name: 'a search that finds nothing: the device lacks the capability',
      code: `static int foo_get_max(struct pci_dev *dev)
{
	int cap;
	u32 stat;
	cap = foo_find_capability(dev, 7);
	if (!cap)
		return -EINVAL;
	pci_read_config_dword(dev, cap + 4, &stat);
	return stat & 3;
}
static int foo_find_capability(struct pci_dev *dev, int id)
{
	u8 pos;
	pci_read_config_byte(dev, 0x34, &pos);
	return pos;
}`,
    },
    {
      name: "a caller's request clamped by a device limit on one path, then validated",
      code: `static int set_readrq(struct pci_dev *dev, int rq)
{
	u16 v;
	int firstbit;
	if (dev->flags & 1) {
		int mps;
		pcie_capability_read_word(dev, 0x8, &v);
		mps = 128 << (v & 7);
		if (mps < rq)
			rq = mps;
	}
	firstbit = ffs(rq);
	if (firstbit < 8)
		return -EINVAL;
	return 0;
}`,
    },
    {
      name: "a user's threshold compared with the other threshold read from the device",
      code: `static int write_temp(struct i2c_client *client, u32 attr, long temp)
{
	int crit_temp, hyst_temp;
	switch (attr) {
	case 1:
		hyst_temp = i2c_smbus_read_byte_data(client, 0x10);
		if (hyst_temp < 0)
			return hyst_temp;
		crit_temp = temp;
		break;
	default:
		crit_temp = i2c_smbus_read_byte_data(client, 0x11);
		if (crit_temp < 0)
			return crit_temp;
		hyst_temp = temp;
		break;
	}
	if (crit_temp < hyst_temp)
		return -EINVAL;
	return i2c_smbus_write_byte_data(client, 0x10, temp);
}`,
    },
    {
      name: 'two bus reads whose errno is tested at once',
      code: `static ssize_t fec_show(struct i2c_client *c, char *buf)
{
	int a = i2c_smbus_read_byte_data(c, 0x3e);
	int b = i2c_smbus_read_byte_data(c, 0x30);
	if (a < 0 || b < 0)
		return -EIO;
	return sprintf(buf, "%d\\n", (a & 1) | (b & 2));
}`,
    },
    {
      name: 'an I2C adapter answering a NACK by its code (probing hits it routinely)',
      code: `static int xfer_one(struct foo *i2c, u8 addr)
{
	u8 regval;
	writeb(addr << 1, i2c->base);
	regval = readb(i2c->base + 4);
	if (regval & COMPLETION_MNAKX)
		return -ETIMEDOUT;
	return 0;
}
static int foo_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	struct foo *i2c = i2c_get_adapdata(adap);
	int i, ret = 0;
	for (i = 0; i < num; i++) {
		ret = xfer_one(i2c, msgs[i].addr);
		if (ret < 0)
			return ret;
	}
	return num;
}
static const struct i2c_algorithm foo_algo = { .master_xfer = foo_xfer };`,
    },
    {
      name: 'the caller tests the result after the if/else that chose which download to run',
      code: `static int download_fpga(void __iomem *base)
{
	if (readb(base + 0x8) != 0)
		return -EIO;
	return 0;
}
static int download_other(void __iomem *base);
static int probe_hw(struct device *dev, void __iomem *base, int kind)
{
	int r;
	if (kind == 1) {
		r = download_other(base);
	} else {
		r = download_fpga(base);
	}
	if (r != 0) {
		dev_err(dev, "FPGA download failed (%d)\\n", r);
		return r;
	}
	return 0;
}`,
    },
    {
      name: 'the caller tests the result after an if/else whose unbraced branches both store it',
      code: `static int feed_image(void __iomem *base)
{
	if (readl(base + 0x10) > 1024)
		return -EOVERFLOW;
	return 0;
}
static int load_image(void __iomem *base);
static int load_firmware(struct device *dev, void __iomem *base, bool helper, bool is_8764)
{
	int rc;
	if (helper) {
		rc = load_image(base);
		if (rc)
			return rc;
		rc = feed_image(base);
	} else {
		if (is_8764)
			rc = feed_image(base);
		else
			rc = load_image(base);
	}
	if (rc) {
		dev_err(dev, "unable to load firmware image\\n");
		return rc;
	}
	return 0;
}`,
    },
    {
      name: 'the caller tests the result after the bare block that stored it',
      code: `static int feed_image(void __iomem *base)
{
	if (readl(base + 0x10) > 1024)
		return -EOVERFLOW;
	return 0;
}
static int load_firmware(struct device *dev, void __iomem *base)
{
	int rc;
	{
		u32 mode = 1;
		writel(mode, base);
		rc = feed_image(base);
	}
	if (rc) {
		dev_err(dev, "unable to load firmware image\\n");
		return rc;
	}
	return 0;
}`,
    },
    {
      name: 'the caller tests the result after a statement that does not touch it',
      code: `static int handshake(void __iomem *base)
{
	if ((readb(base + 1) & 0xf0) != 0xf0)
		return -EIO;
	return 0;
}
static void release_port(void __iomem *base);
static int attach(struct device *dev, void __iomem *base)
{
	int err;
	err = handshake(base);
	release_port(base);
	if (err) {
		dev_err(dev, "no answer from the drive\\n");
		return err;
	}
	return 0;
}`,
    },
    {
      name: 'a break out of the switch leads to a log of the status after it',
      code: `static int check_status(struct device *dev, void __iomem *base)
{
	u32 reg = readl(base + 0x10);
	const char *what;
	int ret;
	switch (reg & 0x7) {
	case 0:
		if (reg & 0x800) {
			what = "COMP_ERR";
			ret = -EFAULT;
			break;
		}
		return 0;
	default:
		what = "unknown";
		ret = -EINVAL;
		break;
	}
	dev_dbg(dev, "PIO response status: %s, %#x\\n", what, reg);
	return ret;
}`,
    },
    {
      name: 'a break out of the poll loop leads to a log under a test of the error',
      code: `static int wait_idle(struct device *dev, void __iomem *base)
{
	int ret = 0;
	int i;
	for (i = 0; i < 100; i++) {
		u32 st = readl(base + 0x4);
		if (st & 0x10) {
			ret = -EIO;
			break;
		}
		if (!(st & 0x1))
			break;
	}
	if (ret)
		dev_err(dev, "engine error %d\\n", ret);
	return ret;
}`,
    },
    {
      name: "a user's mask narrowed by a register in the condition (compound assignment)",
      code: `struct gpio_req { u32 state; u32 smask; };
static int wait_gpio(void __iomem *base, struct gpio_req *user)
{
	struct gpio_req gpio;
	if (copy_from_user(&gpio, user, sizeof(gpio)))
		return -EFAULT;
	if ((gpio.smask &= ~readl(base + 0x20)) == 0)
		return -EINVAL;
	return 0;
}`,
    },
    {
      name: 'a field compared with its own FIELD_MAX cannot exceed it',
      code: `#define FADER_MASK GENMASK(5, 4)
static int show_fader(struct i2c_client *c, char *buf)
{
	int val = i2c_smbus_read_byte_data(c, 0x40);
	if (val < 0)
		return val;
	val = FIELD_GET(FADER_MASK, val);
	if (val > FIELD_MAX(FADER_MASK))
		return -EINVAL;
	buf[0] = val + '0';
	return 1;
}`,
    },
    {
      name: 'a switch port that does not route the capability: "not supported"',
      code: `#define PCI_EXP_DEVCAP2 0x24
#define PCI_EXP_DEVCAP2_ATOMIC_ROUTE 0x40
static int enable_atomics(struct pci_dev *bridge)
{
	u32 cap;
	pcie_capability_read_dword(bridge, PCI_EXP_DEVCAP2, &cap);
	if (!(cap & PCI_EXP_DEVCAP2_ATOMIC_ROUTE))
		return -EINVAL;
	return 0;
}`,
    },
    {
      name: 'a word read stored in a wide unsigned, tested above 0xffff: only its errno passes',
      code: `struct dbg_reg { u64 reg; u64 val; u32 size; };
static int g_register(struct i2c_client *client, struct dbg_reg *reg)
{
	reg->size = 2;
	reg->val = i2c_smbus_read_word_swapped(client, reg->reg);
	if (reg->val > 0xffff)
		return -EIO;
	return 0;
}`,
    },
    {
      name: 'a DP AUX transfer callback installed in the aux member (the DP AUX core logs the failure)',
      code: `static ssize_t foo_aux_transfer(struct drm_dp_aux *aux, struct drm_dp_aux_msg *msg)
{
	struct foo_dp *dp = container_of(aux, struct foo_dp, aux);
	u32 st = readl(dp->base + 0x40);
	if (st & 0x2)
		return -ETIMEDOUT;
	return msg->size;
}
static int foo_probe_aux(struct foo_dp *dp)
{
	dp->aux.name = "foo-aux";
	dp->aux.transfer = foo_aux_transfer;
	return drm_dp_aux_register(&dp->aux);
}`,
    },
    {
      name: "an irq_chip's irq_set_type callback (the IRQ core logs the failure)",
      code: `static int foo_gpio_irq_type(struct irq_data *d, unsigned int type)
{
	struct foo_gpio *chip = irq_data_get_irq_chip_data(d);
	u32 conf = readl(chip->base + 0x4);
	if ((conf & 0x1) == 0)
		return -EINVAL;
	return 0;
}
static struct irq_chip foo_irq_chip = {
	.name = "foo-gpio",
	.irq_set_type = foo_gpio_irq_type,
};`,
    },
    {
      name: 'an ethtool nway_reset callback says "autonegotiation is off" with -EINVAL',
      code: `static int foo_nway_reset(struct net_device *dev)
{
	struct foo_priv *priv = netdev_priv(dev);
	u16 bmcr = ioread16(priv->base + 0x40);
	if (!(bmcr & BMCR_ANENABLE))
		return -EINVAL;
	iowrite16(bmcr | BMCR_ANRESTART, priv->base + 0x40);
	return 0;
}
static const struct ethtool_ops foo_ethtool_ops = {
	.nway_reset = foo_nway_reset,
};`,
    },
    {
      name: 'a caller breaks out of its loop on the failure and tests the result after it',
      code: `static int queue_put(void __iomem *base, u32 data)
{
	u8 size = readb(base + 0x1);
	if (size == 0)
		return -EIO;
	writel(data, base + 0x8);
	return 0;
}
static void fill(struct device *dev, void __iomem *base, struct mutex *lock, int n)
{
	int i, r = 0;
	mutex_lock(lock);
	for (i = 0; i < n; i++) {
		r = queue_put(base, i);
		if (r)
			break;
	}
	mutex_unlock(lock);
	if (r && r != -EBUSY)
		dev_err(dev, "queueing failed (%d)\\n", r);
}`,
    },
    {
      name: 'a caller passes over its test for a benign code (if (r == -EBUSY) break;) before logging',
      code: `static int queue_get(void __iomem *base, u32 *data)
{
	u8 size = readb(base + 0x1);
	if (size == 0)
		return -EIO;
	if (readb(base + 0x2) == readb(base + 0x3))
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
    },
    {
      name: 'a caller retries on -EAGAIN in a do-while and tests the result after it',
      code: `static int queue_get(void __iomem *base, u32 *data)
{
	u8 size = readb(base + 0x1);
	if (size == 0)
		return -EIO;
	*data = readl(base + 0x8);
	return 0;
}
static void isr_thread(struct device *dev, void __iomem *base, struct mutex *lock)
{
	u32 d;
	int r;
	do {
		mutex_lock(lock);
		r = queue_get(base, &d);
		mutex_unlock(lock);
	} while (r == -EAGAIN);
	if (r) {
		dev_err(dev, "failed to dequeue (%d)\\n", r);
		return;
	}
	complete_data(d);
}`,
    },
    {
      name: "the caller falls into a label and logs there (a regmap's reg_write callback reached through the map)",
      code: `struct foo_priv {
	struct regmap *map;
	void __iomem *base;
	struct device *dev;
	struct mutex lock;
};
static int foo_bus_write(void *context, unsigned int reg, unsigned int val)
{
	struct foo_priv *priv = context;
	writel(val, priv->base + reg);
	if (readl(priv->base + 0x40) & 0x1)
		return -EIO;
	return 0;
}
static const struct regmap_bus foo_bus = {
	.reg_write = foo_bus_write,
};
static int foo_setup(struct foo_priv *priv)
{
	int ret;
	mutex_lock(&priv->lock);
	ret = regmap_write(priv->map, 0x10, 1);
out:
	mutex_unlock(&priv->lock);
	if (ret)
		dev_err(priv->dev, "setup failed: %d\\n", ret);
	return ret;
}
static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	priv->map = devm_regmap_init(&pdev->dev, &foo_bus, priv, &foo_config);
	if (IS_ERR(priv->map))
		return PTR_ERR(priv->map);
	return foo_setup(priv);
}`,
    },
    {
      name: "qed's DP_VERBOSE (include/linux/qed/qed_if.h, a debug-level pr_notice) logs the failure",
      code: `static int read_tx_ts(struct qed_hwfn *p_hwfn, void __iomem *base, u64 *ts)
{
	u32 val = readl(base + 0x10);
	if (!(val & 0x10000)) {
		DP_VERBOSE(p_hwfn, QED_MSG_DEBUG, "Invalid Tx timestamp, buf_seqid = %08x\\n", val);
		return -EINVAL;
	}
	*ts = readl(base + 0x14);
	return 0;
}`,
    },
    {
      name: 'a byte read tested above 0xff: the test cannot hold, nothing can fail there',
      code: `static int f(void __iomem *base)
{
	unsigned int v = readb(base + 4);
	if (v > 0xff)
		return -EIO;
	return v;
}`,
    },
    {
      name: 'a byte accessor (its width from the read it wraps) tested above 0xff: only its errno passes',
      code: `static inline int foo_rd(struct i2c_client *c, u8 reg)
{
	return i2c_smbus_read_byte_data(c, reg);
}
struct dbg_reg { u64 reg; u64 val; };
static int g_register(struct i2c_client *client, struct dbg_reg *reg)
{
	reg->val = foo_rd(client, reg->reg);
	if (reg->val > 0xff)
		return -EIO;
	return 0;
}`,
    },
  ],
  invalid: [
    {
      name: 'near miss: a word read tested above 0xff can fail',
      code: `static int f(void __iomem *base)
{
	unsigned int v = readw(base + 4);
	if (v > 0xff)
		return -EIO;
	return v;
}`,
      errors: [{ line: 4 }],
    },
    {
      name: 'near miss: a word accessor tested above 0xff is a test of its data',
      code: `static inline int foo_rd(struct i2c_client *c, u8 reg)
{
	return i2c_smbus_read_word_data(c, reg);
}
struct dbg_reg { u64 reg; u64 val; };
static int g_register(struct i2c_client *client, struct dbg_reg *reg)
{
	reg->val = foo_rd(client, reg->reg);
	if (reg->val > 0xff)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 9 }],
    },
    {
      name: 'near miss: a runtime PM callback (its core does not log the failure)',
      code: `static int foo_runtime_suspend(struct device *dev)
{
	struct foo *f = dev_get_drvdata(dev);
	if (readl(f->base + 0x8) & 0x1)
		return -EIO;
	return 0;
}
static int foo_runtime_resume(struct device *dev)
{
	return 0;
}
static const struct dev_pm_ops foo_pm = {
	SET_RUNTIME_PM_OPS(foo_runtime_suspend, foo_runtime_resume, NULL)
};`,
      errors: [{ line: 4, message: /returns -EIO without logging/ }],
    },
    {
      name: "a caller breaks out of its loop on success only (if (!r) break;): its test after the loop is not the failure's",
      code: `static int queue_put(void __iomem *base, u32 data)
{
	u8 size = readb(base + 0x1);
	if (size == 0)
		return -EIO;
	writel(data, base + 0x8);
	return 0;
}
static int fill(struct device *dev, void __iomem *base)
{
	int r, tries = 0;
	for (;;) {
		r = queue_put(base, 0);
		if (!r)
			break;
		if (++tries > 3)
			return r;
	}
	if (r)
		dev_err(dev, "queueing failed (%d)\\n", r);
	return 0;
}
static void kick(struct device *dev, void __iomem *base)
{
	fill(dev, base);
}`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: 'a caller breaks out of its loop on the failure and returns success after it',
      code: `static int queue_put(void __iomem *base, u32 data)
{
	u8 size = readb(base + 0x1);
	if (size == 0)
		return -EIO;
	writel(data, base + 0x8);
	return 0;
}
static int fill(struct device *dev, void __iomem *base, int n)
{
	int i, r = 0;
	for (i = 0; i < n; i++) {
		r = queue_put(base, i);
		if (r)
			break;
	}
	dev_dbg(dev, "queued %d\\n", i);
	return 0;
}`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: 'a caller retries in a do-while until the result is not -EAGAIN and drops it',
      code: `static int queue_get(void __iomem *base, u32 *data)
{
	u8 size = readb(base + 0x1);
	if (size == 0)
		return -EIO;
	*data = readl(base + 0x8);
	return 0;
}
static void isr_thread(struct device *dev, void __iomem *base)
{
	u32 d;
	int r;
	do {
		r = queue_get(base, &d);
	} while (r == -EAGAIN);
	dev_dbg(dev, "done\\n");
}`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: 'a NACK from its own chip in a driver that is not an I2C adapter is a failure',
      code: `static int aux_read(void __iomem *base)
{
	u32 status = readl(base + 0x10);
	if (status & SLV0_NACK)
		return -EIO;
	return 0;
}
static const struct foo_ops ops = { .read = aux_read };`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: 'a read-back that does not match what was written (the expected value mixes a parameter)',
      code: `static int set_trans(void __iomem *mmio, u64 size)
{
	u64 base = ioread64(mmio) & ~0xfffULL;
	u64 limit = base + size;
	u64 reg_val;
	iowrite64(limit, mmio + 8);
	reg_val = ioread64(mmio + 8);
	if (reg_val != limit)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 8, message: /-EIO/ }],
    },
    {
      name: "the device asks for more than is left of the caller's length",
      code: `static int feed(void __iomem *regs, const u8 *data, size_t length)
{
	u32 block_size;
	while (length) {
		block_size = ioread32(regs);
		if (block_size > length)
			return -EOVERFLOW;
		length -= block_size;
	}
	return 0;
}`,
      errors: [{ line: 6, message: /-EOVERFLOW/ }],
    },
    {
      name: 'an error bit of a parameter re-read in a loop until the device is idle',
      code: `static int write_wait(void __iomem *reg, u32 ar)
{
	iowrite32be(ar, reg);
	while (ar & 0x80000000)
		ar = ioread32be(reg);
	if (ar & 0x40000000)
		return -EINVAL;
	return 0;
}`,
      errors: [{ line: 6, message: /-EINVAL/ }],
    },
    {
      name: 'a parameter always replaced by a register value before the test',
      code: `static int check(void __iomem *base, u32 status)
{
	status = readl(base + 0x10);
	if (status & 0x4)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: "a register read at the caller's address: the address is not the value tested",
      code: `static int check(struct foo *p, unsigned int off)
{
	u32 st = readl(p->base + off);
	if (st & 0x4)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: 'a .write callback of another structure is not the FPGA core',
      code: `static int foo_write(struct foo *priv, const char *buf, size_t count)
{
	if ((readb(priv->base) & 0x2) != 0x2)
		return -EIO;
	return 0;
}
static const struct foo_ops foo_ops = {
	.write = foo_write,
};
static const struct fpga_manager_ops foo_mgr_ops = {
	.state = foo_state,
};`,
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'a zero value that is not the result of a search',
      code: `static int foo_get_max(struct pci_dev *dev)
{
	u32 stat;
	pci_read_config_dword(dev, 0x44, &stat);
	if (!stat)
		return -EIO;
	return stat & 3;
}`,
      errors: [{ line: 5, message: /-EIO/ }],
    },
    {
      name: 'a code the caller tests for by name but hands on as a failure',
      code: `static int next_entry(void __iomem *rom, u32 *ent)
{
	u32 v = readl(rom);
	if (v == 0xf)
		return -ESPIPE;
	*ent = v;
	return 0;
}
static int scan(void __iomem *rom)
{
	u32 ent;
	int err = next_entry(rom, &ent);
	if (err == -ESPIPE)
		return -EIO;
	return err;
}
static const struct foo_ops ops = { .scan = scan };`,
      errors: [{ line: 4, message: /-ESPIPE/ }],
    },
    {
      name: 'a failure the caller turns into "failed" (return 1) is still a failure',
      code: `static int quirk_test(void __iomem *base)
{
	if ((readb(base) & 0xc0) != 0x40)
		return -EINVAL;
	return 0;
}
static int quirk_init(void __iomem *base)
{
	if (quirk_test(base) < 0)
		return 1;
	return 0;
}
static const struct foo_ops ops = { .init = quirk_init };`,
      errors: [{ line: 3, message: /-EINVAL/ }],
    },
    {
      name: 'an exported function has callers outside the module',
      code: `int foo_check(struct foo *hw)
{
	if (readl(hw->base + 0x10) & 0x2)
		return -EIO;
	return 0;
}
EXPORT_SYMBOL_GPL(foo_check);
static int foo_start(struct device *dev, struct foo *hw)
{
	if (foo_check(hw)) {
		dev_err(dev, "check failed\\n");
		return -EIO;
	}
	return 0;
}`,
      headers: ['int foo_check(struct foo *hw);\n'],
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'a module function with a caller in a file left unparsed (no device data there)',
      code: `int foo_mb_isr(struct foo *hw)
{
	u32 cause = readl(hw->base + 0x10);
	if (!(cause & 0x2))
		return -EINVAL;
	return 0;
}
static int foo_poll(struct device *dev, struct foo *hw)
{
	if (foo_mb_isr(hw)) {
		dev_err(dev, "no mailbox\\n");
		return -EIO;
	}
	return 0;
}`,
      headers: ['int foo_mb_isr(struct foo *hw);\n'],
      others: {
        'drivers/test/other.c': `void foo_tick(struct foo *hw)
{
	foo_mb_isr(hw);
}`,
      },
      errors: [{ line: 4, message: /-EINVAL/ }],
    },
    {
      name: 'a non-static function declared outside the module (a kernel-wide header) keeps its finding',
      code: `int foo_check(struct foo *hw)
{
	if (readl(hw->base + 0x10) & 0x2)
		return -EIO;
	return 0;
}
static int foo_start(struct device *dev, struct foo *hw)
{
	if (foo_check(hw)) {
		dev_err(dev, "check failed\\n");
		return -EIO;
	}
	return 0;
}`,
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'returns -EIO on a device error bit with no log',
      code: `static int f(void __iomem *base)
{
	if (readl(base + 0x4) & 0x40)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 3, message: /returns -EIO without logging/ }],
    },
    {
      name: 'a device value out of the range of a table',
      code: `static const int table[8];
static int f(struct regmap_field *fld)
{
	int i;
	regmap_field_read(fld, &i);
	if (i < 0 || i >= ARRAY_SIZE(table))
		return -EINVAL;
	return table[i];
}`,
      errors: [{ line: 6, message: /regmap_field_read/ }],
    },
    {
      name: 'a pinconf get callback failing with another code is still reported',
      code: `static int foo_pconf_get(struct pinctrl_dev *pctl, unsigned int pin, unsigned long *config)
{
	void __iomem *base = pinctrl_dev_get_drvdata(pctl);
	u32 val = readl(base + 0x10);
	if (val & 0x80000000)
		return -EIO;
	*config = val & BIT(pin);
	return 0;
}
static const struct pinconf_ops foo_pconf_ops = {
	.pin_config_get = foo_pconf_get,
};`,
      errors: [{ line: 5, message: /-EIO/ }],
    },
    {
      name: 'a helper also called from elsewhere keeps its -EINVAL',
      code: `static int foo_get_pull(void __iomem *base, unsigned int pin)
{
	if (!(readl(base + 0x20) & BIT(pin)))
		return -EINVAL;
	return 1;
}
static int foo_pconf_get(struct pinctrl_dev *pctl, unsigned int pin, unsigned long *config)
{
	void __iomem *base = pinctrl_dev_get_drvdata(pctl);
	return foo_get_pull(base, pin);
}
static int foo_suspend(void __iomem *base)
{
	return foo_get_pull(base, 3);
}
static const struct pinconf_ops foo_pconf_ops = {
	.pin_config_get = foo_pconf_get,
};
static const struct dev_pm_ops foo_pm = { .suspend = foo_suspend };`,
      errors: [{ line: 3, message: /-EINVAL/ }],
    },
    {
      name: '-EINVAL outside such a callback is still reported',
      code: `static int foo_mode(void __iomem *base)
{
	u32 fsel = readl(base) & 7;
	if (fsel > 1)
		return -EINVAL;
	return fsel;
}`,
      errors: [{ line: 4, message: /-EINVAL/ }],
    },
    {
      name: 'a caller logs only on success (if (!ret) .. else ..): the failure is silent',
      code: `static int bist_check(void __iomem *base)
{
	if (readl(base + 0x10))
		return -EIO;
	return 0;
}
static int init_hw(struct device *dev, void __iomem *base)
{
	int ret = bist_check(base);
	if (!ret)
		dev_info(dev, "controller ready\\n");
	else
		writel(0, base + 0x4);
	return 0;
}`,
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'a caller logs only on success (if (f() == 0) .. else ..): the failure is silent',
      code: `static int bist_check(void __iomem *base)
{
	if (readl(base + 0x10))
		return -EIO;
	return 0;
}
static void init_hw(struct device *dev, void __iomem *base)
{
	if (bist_check(base) == 0) {
		dev_info(dev, "controller ready\\n");
		return;
	} else {
		writel(0, base);
	}
}`,
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'one caller drops the failure silently',
      code: `static int bist_check(void __iomem *base)
{
	if (readl(base + 0x10))
		return -EIO;
	return 0;
}
static int init_hw(struct device *dev, void __iomem *base)
{
	int err = bist_check(base);
	if (err) {
		dev_err(dev, "BIST check failed\\n");
		return err;
	}
	return 0;
}
static int resume(void __iomem *base)
{
	return bist_check(base);
}
static const struct dev_pm_ops pm = { .runtime_resume = resume };`,
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'a function installed as a callback has callers we cannot see',
      code: `static int get_temp(void __iomem *base)
{
	if (readl(base + 0x10) & 1)
		return -EIO;
	return 0;
}
static int show(struct device *dev, void __iomem *base)
{
	if (get_temp(base)) {
		dev_err(dev, "no temperature\n");
		return -EIO;
	}
	return 0;
}
static const struct sensor_ops ops = { .read_value = get_temp };`,
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'sets an error and jumps to a label that does not log',
      code: `static int f(void __iomem *base)
{
	int ret = 0;
	u32 st = ioread32(base);
	if (st & 0x2) {
		ret = -EPROTO;
		goto out;
	}
out:
	return ret;
}`,
      errors: [{ line: 5, message: /-EPROTO/ }],
    },
    {
      name: 'a device value in an I2C read that is not the error test',
      code: `static int f(struct i2c_client *c)
{
	int id = i2c_smbus_read_byte_data(c, 0x0f);
	if (id != 0x33)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 4, message: /i2c_smbus_read_byte_data/ }],
    },
    {
      name: 'the caller drops the result it stored after the if/else',
      code: `static int download_fpga(void __iomem *base)
{
	if (readb(base + 0x8) != 0)
		return -EIO;
	return 0;
}
static int download_other(void __iomem *base);
static int probe_hw(struct device *dev, void __iomem *base, int kind)
{
	int r;
	if (kind == 1) {
		r = download_other(base);
	} else {
		r = download_fpga(base);
	}
	r = 0;
	if (r != 0) {
		dev_err(dev, "FPGA download failed (%d)\\n", r);
		return r;
	}
	return 0;
}`,
      errors: [{ line: 3, message: /-EIO/ }],
    },
    {
      name: 'near miss: an unbraced branch overwrites the result before the test after the if/else',
      code: `static int feed_image(void __iomem *base)
{
	if (readl(base + 0x10) > 1024)
		return -EOVERFLOW;
	return 0;
}
static int load_image(void __iomem *base);
static int load_firmware(struct device *dev, void __iomem *base, bool is_8764)
{
	int rc;
	if (is_8764) {
		rc = feed_image(base);
		rc = 0;
	} else
		rc = load_image(base);
	if (rc) {
		dev_err(dev, "unable to load firmware image\\n");
		return rc;
	}
	return 0;
}`,
      errors: [{ line: 3, message: /-EOVERFLOW/ }],
    },
    {
      name: 'near miss: the caller stores the result in an unbraced branch and returns success after the if/else',
      code: `static int feed_image(void __iomem *base)
{
	if (readl(base + 0x10) > 1024)
		return -EOVERFLOW;
	return 0;
}
static int load_image(void __iomem *base);
static int load_firmware(struct device *dev, void __iomem *base, bool is_8764)
{
	int rc;
	if (is_8764)
		rc = feed_image(base);
	else
		rc = load_image(base);
	return 0;
}`,
      errors: [{ line: 3, message: /-EOVERFLOW/ }],
    },
    {
      name: 'a break out of the switch to a log only on the success path',
      code: `static int check_status(struct device *dev, void __iomem *base, bool verbose)
{
	u32 reg = readl(base + 0x10);
	int ret = 0;
	switch (reg & 0x7) {
	case 0:
		if (reg & 0x800) {
			ret = -EFAULT;
			break;
		}
		break;
	default:
		break;
	}
	if (verbose)
		dev_dbg(dev, "status %#x\\n", reg);
	return ret;
}`,
      errors: [{ line: 7, message: /-EFAULT/ }],
    },
    {
      name: 'a break out of the switch to a log under a success test of the error (if (!ret))',
      code: `static int check_status(struct device *dev, void __iomem *base)
{
	u32 reg = readl(base + 0x10);
	int ret = 0;
	switch (reg & 0x7) {
	case 0:
		if (reg & 0x800) {
			ret = -EFAULT;
			break;
		}
		break;
	default:
		break;
	}
	if (!ret)
		dev_dbg(dev, "status %#x\\n", reg);
	return ret;
}`,
      errors: [{ line: 7, message: /-EFAULT/ }],
    },
    {
      name: 'a register mask narrowed by another register in the condition',
      code: `static int check_pins(void __iomem *base)
{
	u32 mask = readl(base + 0x24);
	if ((mask &= ~readl(base + 0x20)) == 0)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: 'a field compared with a smaller limit than its FIELD_MAX',
      code: `#define FADER_MASK GENMASK(5, 4)
static int show_fader(struct i2c_client *c, char *buf)
{
	int val = i2c_smbus_read_byte_data(c, 0x40);
	if (val < 0)
		return val;
	val = FIELD_GET(FADER_MASK, val);
	if (val > FIELD_MAX(FADER_MASK) - 1)
		return -EINVAL;
	buf[0] = val + '0';
	return 1;
}`,
      errors: [{ line: 8, message: /-EINVAL/ }],
    },
    {
      name: 'an error bit of a status register read next to a capability register',
      code: `#define PCI_EXP_DEVSTA 0x0a
#define PCI_EXP_DEVSTA_FED 0x04
static int check_errors(struct pci_dev *dev)
{
	u16 sta;
	pcie_capability_read_word(dev, PCI_EXP_DEVSTA, &sta);
	if (sta & PCI_EXP_DEVSTA_FED)
		return -EIO;
	return 0;
}`,
      errors: [{ line: 7, message: /-EIO/ }],
    },
    {
      name: 'a byte read tested above a limit inside its range',
      code: `static int get_mode(struct i2c_client *client)
{
	int val = i2c_smbus_read_byte_data(client, 0x12);
	if (val > 0x7f)
		return -EIO;
	return val;
}`,
      errors: [{ line: 4, message: /-EIO/ }],
    },
    {
      name: 'a transfer callback of another member (a DSI host) is not the DP AUX core',
      code: `static ssize_t foo_aux_transfer(struct drm_dp_aux *aux, struct drm_dp_aux_msg *msg)
{
	struct foo_dp *dp = container_of(aux, struct foo_dp, aux);
	u32 st = readl(dp->base + 0x40);
	if (st & 0x2)
		return -ETIMEDOUT;
	return msg->size;
}
static int foo_probe_dsi(struct foo_dp *dp)
{
	dp->dsi.transfer = foo_aux_transfer;
	return 0;
}`,
      errors: [{ line: 5, message: /-ETIMEDOUT/ }],
    },
    {
      name: 'the same function installed as another irq_chip callback',
      code: `static int foo_gpio_irq_type(struct irq_data *d, unsigned int type)
{
	struct foo_gpio *chip = irq_data_get_irq_chip_data(d);
	u32 conf = readl(chip->base + 0x4);
	if ((conf & 0x1) == 0)
		return -EINVAL;
	return 0;
}
static struct irq_chip foo_irq_chip = {
	.name = "foo-gpio",
	.irq_set_wake = foo_gpio_irq_type,
};`,
      errors: [{ line: 5, message: /-EINVAL/ }],
    },
    {
      name: 'an ethtool nway_reset callback failing with -EIO is still reported',
      code: `static int foo_nway_reset(struct net_device *dev)
{
	struct foo_priv *priv = netdev_priv(dev);
	u16 bmcr = ioread16(priv->base + 0x40);
	if (!(bmcr & BMCR_ANENABLE))
		return -EIO;
	iowrite16(bmcr | BMCR_ANRESTART, priv->base + 0x40);
	return 0;
}
static const struct ethtool_ops foo_ethtool_ops = {
	.nway_reset = foo_nway_reset,
};`,
      errors: [{ line: 5, message: /-EIO/ }],
    },
    {
      name: "a regmap's reg_write callback whose map's creation is in a local (its accesses not followed)",
      code: `struct foo_priv {
	struct regmap *map;
	void __iomem *base;
	struct device *dev;
};
static int foo_bus_write(void *context, unsigned int reg, unsigned int val)
{
	struct foo_priv *priv = context;
	writel(val, priv->base + reg);
	if (readl(priv->base + 0x40) & 0x1)
		return -EIO;
	return 0;
}
static const struct regmap_bus foo_bus = {
	.reg_write = foo_bus_write,
};
static int foo_setup(struct foo_priv *priv)
{
	int ret = regmap_write(priv->map, 0x10, 1);
	if (ret)
		dev_err(priv->dev, "setup failed: %d\\n", ret);
	return ret;
}
static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	struct regmap *map = devm_regmap_init(&pdev->dev, &foo_bus, priv, &foo_config);
	if (IS_ERR(map))
		return PTR_ERR(map);
	priv->map = map;
	return foo_setup(priv);
}`,
      errors: [{ line: 10, message: /returns -EIO without logging/ }],
    },
    {
      name: 'DP_VERBOSE on the success path only: the failure is not logged',
      code: `static int read_tx_ts(struct qed_hwfn *p_hwfn, void __iomem *base, u64 *ts)
{
	u32 val = readl(base + 0x10);
	if (!(val & 0x10000))
		return -EINVAL;
	*ts = readl(base + 0x14);
	DP_VERBOSE(p_hwfn, QED_MSG_DEBUG, "Tx timestamp %llx\\n", *ts);
	return 0;
}`,
      errors: [{ line: 4, message: /returns -EINVAL without logging/ }],
    },
  ],
});
