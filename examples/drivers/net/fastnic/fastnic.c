// SPDX-License-Identifier: GPL-2.0
/*
 * fastnic: an example PCI network driver written for driverscope's examples.
 * It trusts its hardware the way real drivers often do.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/netdevice.h>
#include <linux/io.h>

#define FN_CTRL		0x00
#define FN_STATUS	0x04
#define FN_RX_INDEX	0x08
#define FN_EEPROM	0x0c
#define  FN_CTRL_RESET	0x01
#define  FN_STATUS_BUSY	0x80
#define FN_NUM_QUEUES	8

struct fastnic_priv {
	void __iomem *base;
	struct pci_dev *pdev;
	struct net_device *ndev;
	u32 queue_stats[FN_NUM_QUEUES];
	spinlock_t lock;
};

static void fastnic_reset(struct fastnic_priv *priv)
{
	writel(FN_CTRL_RESET, priv->base + FN_CTRL);
	/* wait for the reset to finish */
	while (readl(priv->base + FN_STATUS) & FN_STATUS_BUSY)
		cpu_relax();
}

static int fastnic_read_eeprom(struct fastnic_priv *priv, u16 *word)
{
	int timeout = 1000;
	u32 val;

	do {
		val = readl(priv->base + FN_EEPROM);
		udelay(10);
	} while ((val & FN_STATUS_BUSY) && --timeout);

	if (!timeout)
		return -ETIMEDOUT;
	*word = val >> 16;
	return 0;
}

static irqreturn_t fastnic_interrupt(int irq, void *dev_id)
{
	struct fastnic_priv *priv = dev_id;
	u32 queue = readl(priv->base + FN_RX_INDEX);

	priv->queue_stats[queue]++;
	BUG_ON(queue == 0xffffffff);
	return IRQ_HANDLED;
}

static int fastnic_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct fastnic_priv *priv;
	u16 word;
	int err;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->base = pcim_iomap(pdev, 0, 0);
	fastnic_reset(priv);
	err = fastnic_read_eeprom(priv, &word);
	if (err)
		return err;
	if (readl(priv->base + FN_STATUS) & 0x40)
		return -EIO;
	dev_info(&pdev->dev, "fastnic ready, eeprom %04x\n", word);
	return 0;
}

static const struct pci_device_id fastnic_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x1000) },
	{ }
};
MODULE_DEVICE_TABLE(pci, fastnic_ids);

static struct pci_driver fastnic_driver = {
	.name = "fastnic",
	.id_table = fastnic_ids,
	.probe = fastnic_probe,
};
module_pci_driver(fastnic_driver);
MODULE_LICENSE("GPL");
