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
  ],
  invalid: [
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
static const struct dev_pm_ops pm = { .resume = resume };`,
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
  ],
});
