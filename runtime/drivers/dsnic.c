/*
 * dsnic: driver for the driverscope PCI Ethernet controller (vendor 0x1d5c, device 0x8139).
 * Structured like a classic PCI NIC driver (8139too, e100): probe maps BAR0, resets the chip,
 * reads the MAC address and registers a net_device; open allocates descriptor rings in coherent
 * DMA memory and requests the interrupt; the interrupt handler reaps transmitted descriptors and
 * passes received frames up with netif_rx.
 *
 * Like many real drivers it trusts the hardware in places (the test subjects for `check`):
 * the reset loop polls a status bit with no timeout, and the receive path takes the ring index
 * the device reports without checking it against the ring size.
 */
#include "kernel.h"
#include "io.h"
#include "pci.h"
#include "netdevice.h"

#define DRV_NAME "dsnic"

/* Registers (BAR0, 256 bytes) */
enum {
	REG_CTRL = 0x00,
	REG_STATUS = 0x04,
	REG_INT_STATUS = 0x08, /* write 1 to clear */
	REG_INT_MASK = 0x0c,
	REG_RX_RING = 0x10,
	REG_RX_SIZE = 0x14,
	REG_RX_HEAD = 0x18, /* device: next descriptor it will fill */
	REG_RX_TAIL = 0x1c, /* driver: last descriptor handed back */
	REG_TX_RING = 0x20,
	REG_TX_SIZE = 0x24,
	REG_TX_HEAD = 0x28, /* device: next descriptor it will send */
	REG_TX_TAIL = 0x2c, /* driver: doorbell, next free descriptor */
	REG_MAC_LO = 0x30,
	REG_MAC_HI = 0x34,
	REG_RX_MISSED = 0x38,
	REG_RX_FILTER = 0x3c,
};
#define CTRL_RESET BIT(0)
#define CTRL_RX_EN BIT(1)
#define CTRL_TX_EN BIT(2)
#define STATUS_LINK BIT(0)
#define INT_RX_DONE BIT(0)
#define INT_TX_DONE BIT(1)
#define INT_LINK BIT(2)
#define INT_RX_OVERFLOW BIT(3)
#define INT_ALL (INT_RX_DONE | INT_TX_DONE | INT_LINK | INT_RX_OVERFLOW)

/* Descriptor, 16 bytes, shared with the device */
struct dsnic_desc {
	u32 addr;
	u16 len;
	u16 flags;
	u32 status;
	u32 reserved;
};
#define DESC_OWN 0x8000 /* the device owns the descriptor */
#define DESC_EOP 0x0001
#define RXS_OK 0x1
#define RXS_CRC 0x2

#define NUM_RX_DESC 16
#define NUM_TX_DESC 8
#define RX_BUF_SIZE 1536
#define TX_BUF_SIZE 1536
#define LINK_TIMEOUT_MS 100

struct dsnic_priv {
	struct pci_dev *pdev;
	struct net_device *dev;
	void __iomem *mmio;
	spinlock_t lock;
	struct dsnic_desc *rx_ring;
	dma_addr_t rx_ring_dma;
	struct dsnic_desc *tx_ring;
	dma_addr_t tx_ring_dma;
	u8 *rx_bufs;
	dma_addr_t rx_bufs_dma;
	u8 *tx_bufs;
	dma_addr_t tx_bufs_dma;
	unsigned int rx_tail; /* next descriptor the driver will look at */
	unsigned int tx_head; /* oldest descriptor not yet reaped */
	unsigned int tx_tail; /* next free descriptor */
	struct timer_list link_timer;
	u32 saved_filter;
	bool opened;
	u32 *mc_filter; /* multicast hash table, rebuilt by set_rx_mode */
};
#define MC_FILTER_WORDS 2

static const struct pci_device_id dsnic_ids[] = {
	{ PCI_DEVICE(0x1d5c, 0x8139), 0 },
	{ PCI_DEVICE(0x1d5c, 0x8140), 1 },
	{ 0, 0, 0 },
};
MODULE_DEVICE_TABLE(pci, dsnic_ids);

static void dsnic_hw_reset(struct dsnic_priv *tp)
{
	writel(CTRL_RESET, tp->mmio + REG_CTRL);
	/* Trusts the device: no timeout on the reset bit. */
	while (readl(tp->mmio + REG_CTRL) & CTRL_RESET)
		udelay(10);
}

static int dsnic_wait_link(struct dsnic_priv *tp)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(LINK_TIMEOUT_MS);
	while (!(readl(tp->mmio + REG_STATUS) & STATUS_LINK)) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		msleep(1);
	}
	return 0;
}

static void dsnic_init_rings(struct dsnic_priv *tp)
{
	unsigned int i;
	for (i = 0; i < NUM_RX_DESC; i++) {
		tp->rx_ring[i].addr = tp->rx_bufs_dma + i * RX_BUF_SIZE;
		tp->rx_ring[i].len = RX_BUF_SIZE;
		tp->rx_ring[i].status = 0;
		tp->rx_ring[i].flags = DESC_OWN;
	}
	for (i = 0; i < NUM_TX_DESC; i++) {
		tp->tx_ring[i].addr = tp->tx_bufs_dma + i * TX_BUF_SIZE;
		tp->tx_ring[i].len = 0;
		tp->tx_ring[i].flags = 0;
		tp->tx_ring[i].status = 0;
	}
	tp->rx_tail = 0;
	tp->tx_head = 0;
	tp->tx_tail = 0;
}

static void dsnic_hw_start(struct dsnic_priv *tp)
{
	writel(tp->rx_ring_dma, tp->mmio + REG_RX_RING);
	writel(NUM_RX_DESC, tp->mmio + REG_RX_SIZE);
	writel(NUM_RX_DESC - 1, tp->mmio + REG_RX_TAIL);
	writel(tp->tx_ring_dma, tp->mmio + REG_TX_RING);
	writel(NUM_TX_DESC, tp->mmio + REG_TX_SIZE);
	writel(0, tp->mmio + REG_TX_TAIL);
	writel(tp->saved_filter, tp->mmio + REG_RX_FILTER);
	writel(INT_ALL, tp->mmio + REG_INT_STATUS);
	writel(INT_ALL, tp->mmio + REG_INT_MASK);
	writel(CTRL_RX_EN | CTRL_TX_EN, tp->mmio + REG_CTRL);
}

static void dsnic_rx(struct dsnic_priv *tp)
{
	struct net_device *dev = tp->dev;
	/* Trusts the device: the head index is used without checking it against the ring size. */
	unsigned int head = readl(tp->mmio + REG_RX_HEAD);
	unsigned int budget = 64;

	while (tp->rx_tail != head && budget--) {
		struct dsnic_desc *d = &tp->rx_ring[tp->rx_tail];
		unsigned int len = d->len;
		if (d->flags & DESC_OWN)
			break;
		if (!(d->status & RXS_OK) || len > RX_BUF_SIZE) {
			dev->stats.rx_errors++;
		} else {
			struct sk_buff *skb = netdev_alloc_skb(dev, len);
			if (!skb) {
				dev->stats.rx_dropped++;
			} else {
				memcpy(skb_put(skb, len), tp->rx_bufs + tp->rx_tail * RX_BUF_SIZE, len);
				netif_rx(skb);
				dev->stats.rx_packets++;
				dev->stats.rx_bytes += len;
			}
		}
		d->len = RX_BUF_SIZE;
		d->status = 0;
		d->flags = DESC_OWN;
		writel(tp->rx_tail, tp->mmio + REG_RX_TAIL);
		tp->rx_tail = (tp->rx_tail + 1) % NUM_RX_DESC;
	}
}

static void dsnic_tx_reap(struct dsnic_priv *tp)
{
	struct net_device *dev = tp->dev;
	unsigned int hw_head = readl(tp->mmio + REG_TX_HEAD) % NUM_TX_DESC;
	while (tp->tx_head != hw_head) {
		struct dsnic_desc *d = &tp->tx_ring[tp->tx_head];
		if (d->flags & DESC_OWN)
			break;
		dev->stats.tx_packets++;
		dev->stats.tx_bytes += d->len;
		d->len = 0;
		tp->tx_head = (tp->tx_head + 1) % NUM_TX_DESC;
	}
	if ((tp->tx_tail + 1) % NUM_TX_DESC != tp->tx_head)
		netif_wake_queue(dev);
}

static irqreturn_t dsnic_interrupt(int irq, void *dev_id)
{
	struct net_device *dev = dev_id;
	struct dsnic_priv *tp = netdev_priv(dev);
	unsigned long flags;
	u32 status = readl(tp->mmio + REG_INT_STATUS);

	if (!(status & INT_ALL))
		return IRQ_NONE;
	spin_lock_irqsave(&tp->lock, flags);
	writel(status, tp->mmio + REG_INT_STATUS);
	if (status & (INT_RX_DONE | INT_RX_OVERFLOW))
		dsnic_rx(tp);
	if (status & INT_TX_DONE)
		dsnic_tx_reap(tp);
	if (status & INT_LINK) {
		if (readl(tp->mmio + REG_STATUS) & STATUS_LINK)
			netif_carrier_on(dev);
		else
			netif_carrier_off(dev);
	}
	if (status & INT_RX_OVERFLOW)
		dev->stats.rx_dropped += readl(tp->mmio + REG_RX_MISSED);
	spin_unlock_irqrestore(&tp->lock, flags);
	return IRQ_HANDLED;
}

static netdev_tx_t dsnic_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct dsnic_priv *tp = netdev_priv(dev);
	unsigned int entry = tp->tx_tail;
	struct dsnic_desc *d = &tp->tx_ring[entry];
	unsigned long flags;
	unsigned int len = skb->len;

	if (len > TX_BUF_SIZE) {
		dev->stats.tx_errors++;
		dev_kfree_skb_any(skb);
		return NETDEV_TX_OK;
	}
	BUG_ON(entry >= NUM_TX_DESC);
	spin_lock_irqsave(&tp->lock, flags);
	if ((entry + 1) % NUM_TX_DESC == tp->tx_head) {
		netif_stop_queue(dev);
		spin_unlock_irqrestore(&tp->lock, flags);
		return NETDEV_TX_BUSY;
	}
	/* Copy into the bounce buffer, as 8139too does, and free the skb at once. */
	memcpy(tp->tx_bufs + entry * TX_BUF_SIZE, skb->data, len);
	if (len < ETH_ZLEN) {
		memset(tp->tx_bufs + entry * TX_BUF_SIZE + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	d->len = len;
	d->status = 0;
	wmb();
	d->flags = DESC_OWN | DESC_EOP;
	tp->tx_tail = (entry + 1) % NUM_TX_DESC;
	writel(tp->tx_tail, tp->mmio + REG_TX_TAIL);
	if ((tp->tx_tail + 1) % NUM_TX_DESC == tp->tx_head)
		netif_stop_queue(dev);
	spin_unlock_irqrestore(&tp->lock, flags);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static void dsnic_link_timer(struct timer_list *t)
{
	struct dsnic_priv *tp = from_timer(tp, t, link_timer);
	if (readl(tp->mmio + REG_STATUS) & STATUS_LINK)
		netif_carrier_on(tp->dev);
	else
		netif_carrier_off(tp->dev);
	mod_timer(&tp->link_timer, jiffies + msecs_to_jiffies(1000));
}

static int dsnic_alloc_rings(struct dsnic_priv *tp)
{
	struct device *d = &tp->pdev->dev;
	tp->rx_ring = dma_alloc_coherent(d, NUM_RX_DESC * sizeof(struct dsnic_desc), &tp->rx_ring_dma, GFP_KERNEL);
	tp->tx_ring = dma_alloc_coherent(d, NUM_TX_DESC * sizeof(struct dsnic_desc), &tp->tx_ring_dma, GFP_KERNEL);
	tp->rx_bufs = dma_alloc_coherent(d, NUM_RX_DESC * RX_BUF_SIZE, &tp->rx_bufs_dma, GFP_KERNEL);
	tp->tx_bufs = dma_alloc_coherent(d, NUM_TX_DESC * TX_BUF_SIZE, &tp->tx_bufs_dma, GFP_KERNEL);
	if (!tp->rx_ring || !tp->tx_ring || !tp->rx_bufs || !tp->tx_bufs)
		return -ENOMEM;
	return 0;
}

static void dsnic_free_rings(struct dsnic_priv *tp)
{
	struct device *d = &tp->pdev->dev;
	if (tp->rx_ring)
		dma_free_coherent(d, NUM_RX_DESC * sizeof(struct dsnic_desc), tp->rx_ring, tp->rx_ring_dma);
	if (tp->tx_ring)
		dma_free_coherent(d, NUM_TX_DESC * sizeof(struct dsnic_desc), tp->tx_ring, tp->tx_ring_dma);
	if (tp->rx_bufs)
		dma_free_coherent(d, NUM_RX_DESC * RX_BUF_SIZE, tp->rx_bufs, tp->rx_bufs_dma);
	if (tp->tx_bufs)
		dma_free_coherent(d, NUM_TX_DESC * TX_BUF_SIZE, tp->tx_bufs, tp->tx_bufs_dma);
	tp->rx_ring = tp->tx_ring = NULL;
	tp->rx_bufs = tp->tx_bufs = NULL;
}

static int dsnic_open(struct net_device *dev)
{
	struct dsnic_priv *tp = netdev_priv(dev);
	int err;

	err = dsnic_alloc_rings(tp);
	if (err)
		goto err_free;
	err = request_irq(tp->pdev->irq, dsnic_interrupt, IRQF_SHARED, dev->name, dev);
	if (err)
		goto err_free;
	dsnic_hw_reset(tp);
	dsnic_init_rings(tp);
	dsnic_hw_start(tp);
	if (dsnic_wait_link(tp))
		dev_warn(&tp->pdev->dev, "link did not come up\n");
	else
		netif_carrier_on(dev);
	timer_setup(&tp->link_timer, dsnic_link_timer, 0);
	mod_timer(&tp->link_timer, jiffies + msecs_to_jiffies(1000));
	tp->opened = true;
	netif_start_queue(dev);
	return 0;

err_free:
	dsnic_free_rings(tp);
	return err;
}

static int dsnic_stop(struct net_device *dev)
{
	struct dsnic_priv *tp = netdev_priv(dev);
	netif_stop_queue(dev);
	del_timer_sync(&tp->link_timer);
	writel(0, tp->mmio + REG_INT_MASK);
	writel(0, tp->mmio + REG_CTRL);
	free_irq(tp->pdev->irq, dev);
	dsnic_free_rings(tp);
	tp->opened = false;
	return 0;
}

static void dsnic_tx_timeout(struct net_device *dev, unsigned int txqueue)
{
	struct dsnic_priv *tp = netdev_priv(dev);
	dev_err(&tp->pdev->dev, "transmit timed out, resetting\n");
	dsnic_hw_reset(tp);
	dsnic_init_rings(tp);
	dsnic_hw_start(tp);
	netif_wake_queue(dev);
}

#define DSNIC_IOCTL_SET_FILTER (SIOCDEVPRIVATE + 0)
#define DSNIC_IOCTL_GET_MISSED (SIOCDEVPRIVATE + 1)

static int dsnic_ioctl(struct net_device *dev, int cmd, void *arg)
{
	struct dsnic_priv *tp = netdev_priv(dev);
	u32 *val = arg;
	switch (cmd) {
	case DSNIC_IOCTL_SET_FILTER:
		tp->saved_filter = *val;
		writel(*val, tp->mmio + REG_RX_FILTER);
		return 0;
	case DSNIC_IOCTL_GET_MISSED:
		*val = readl(tp->mmio + REG_RX_MISSED);
		return 0;
	default:
		return -ENOTTY;
	}
}

static void dsnic_set_rx_mode(struct net_device *dev)
{
	struct dsnic_priv *tp = netdev_priv(dev);
	u32 *mc = kzalloc(MC_FILTER_WORDS * sizeof(u32), GFP_ATOMIC);
	if (!mc)
		return;
	if (dev->flags & IFF_PROMISC)
		mc[0] = mc[1] = 0xffffffff;
	kfree(tp->mc_filter);
	tp->mc_filter = mc;
	tp->saved_filter = (dev->flags & IFF_PROMISC) ? 1 : 0;
	writel(tp->saved_filter | (tp->mc_filter[0] & 0xfffffff0), tp->mmio + REG_RX_FILTER);
}

static const struct net_device_ops dsnic_netdev_ops = {
	.ndo_open = dsnic_open,
	.ndo_stop = dsnic_stop,
	.ndo_start_xmit = dsnic_start_xmit,
	.ndo_tx_timeout = dsnic_tx_timeout,
	.ndo_do_ioctl = dsnic_ioctl,
	.ndo_set_rx_mode = dsnic_set_rx_mode,
};

static int dsnic_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct net_device *dev;
	struct dsnic_priv *tp;
	u32 lo, hi;
	int err;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = pci_request_regions(pdev, DRV_NAME);
	if (err)
		goto err_disable;
	pci_set_master(pdev);

	dev = alloc_etherdev(sizeof(struct dsnic_priv));
	if (!dev) {
		err = -ENOMEM;
		goto err_release;
	}
	SET_NETDEV_DEV(dev, &pdev->dev);
	tp = netdev_priv(dev);
	tp->pdev = pdev;
	tp->dev = dev;
	spin_lock_init(&tp->lock);
	tp->mmio = pci_iomap(pdev, 0, 256);
	if (!tp->mmio) {
		err = -EIO;
		goto err_free;
	}
	dsnic_hw_reset(tp);
	lo = readl(tp->mmio + REG_MAC_LO);
	hi = readl(tp->mmio + REG_MAC_HI);
	dev->dev_addr[0] = lo;
	dev->dev_addr[1] = lo >> 8;
	dev->dev_addr[2] = lo >> 16;
	dev->dev_addr[3] = lo >> 24;
	dev->dev_addr[4] = hi;
	dev->dev_addr[5] = hi >> 8;
	if (dev->dev_addr[0] & 1) {
		dev_err(&pdev->dev, "invalid MAC address\n");
		err = -EIO;
		goto err_unmap;
	}
	dev->netdev_ops = &dsnic_netdev_ops;
	dev->watchdog_timeo = 5 * HZ;
	dev->mtu = 1500;
	pci_set_drvdata(pdev, dev);
	err = register_netdev(dev);
	if (err)
		goto err_unmap;
	dev_info(&pdev->dev, "%s: dsnic rev %d at irq %d\n", dev->name, pdev->revision, pdev->irq);
	return 0;

err_unmap:
	pci_iounmap(pdev, tp->mmio);
err_free:
	free_netdev(dev);
err_release:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void dsnic_remove(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);
	struct dsnic_priv *tp = netdev_priv(dev);
	unregister_netdev(dev);
	kfree(tp->mc_filter);
	pci_iounmap(pdev, tp->mmio);
	free_netdev(dev);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

static int dsnic_suspend(struct pci_dev *pdev, u32 state)
{
	struct net_device *dev = pci_get_drvdata(pdev);
	struct dsnic_priv *tp = netdev_priv(dev);
	if (tp->opened) {
		netif_stop_queue(dev);
		writel(0, tp->mmio + REG_INT_MASK);
		writel(0, tp->mmio + REG_CTRL);
	}
	pci_save_state(pdev);
	pci_set_power_state(pdev, PCI_D3hot);
	return 0;
}

static int dsnic_resume(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);
	struct dsnic_priv *tp = netdev_priv(dev);
	pci_set_power_state(pdev, PCI_D0);
	pci_restore_state(pdev);
	if (tp->opened) {
		dsnic_hw_reset(tp);
		dsnic_init_rings(tp);
		dsnic_hw_start(tp);
		netif_wake_queue(dev);
	}
	return 0;
}

static struct pci_driver dsnic_driver = {
	.name = DRV_NAME,
	.id_table = dsnic_ids,
	.probe = dsnic_probe,
	.remove = dsnic_remove,
	.suspend = dsnic_suspend,
	.resume = dsnic_resume,
};

static int __init dsnic_init(void)
{
	return pci_register_driver(&dsnic_driver);
}

static void __exit dsnic_exit(void)
{
	pci_unregister_driver(&dsnic_driver);
}

module_init(dsnic_init);
module_exit(dsnic_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("driverscope PCI Ethernet driver");
