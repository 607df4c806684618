/*
 * dsblk: driver for the driverscope PCI block device (vendor 0x1d5c, device 0x1001), a simple
 * queue-based disk in the style of virtio-blk: requests are written into a ring of descriptors in
 * coherent DMA memory, the doorbell is rung, and the device writes back a completion entry per
 * request and interrupts.
 *
 * Trusting the hardware, as real drivers do: completions carry the request's tag, and the driver
 * uses the tag from the device to find the in-flight request without checking its range; the
 * completion index the device reports is used as is.
 */
#include "kernel.h"
#include "io.h"
#include "pci.h"
#include "blkdev.h"

#define DRV_NAME "dsblk"

enum {
	REG_CTRL = 0x00,
	REG_STATUS = 0x04,
	REG_INT_STATUS = 0x08,
	REG_INT_MASK = 0x0c,
	REG_CAPACITY = 0x10,
	REG_SQ_ADDR = 0x14,
	REG_Q_SIZE = 0x18,
	REG_SQ_TAIL = 0x1c, /* driver: doorbell */
	REG_CQ_ADDR = 0x20,
	REG_CQ_HEAD = 0x24, /* device: completions written so far (mod size) */
	REG_FEATURES = 0x28,
	REG_CACHE = 0x2c, /* write cache enable */
};
#define CTRL_RESET BIT(0)
#define CTRL_ENABLE BIT(1)
#define STATUS_READY BIT(0)
#define STATUS_FAILED BIT(1)
#define INT_COMPLETE BIT(0)
#define FEAT_FLUSH BIT(0)

struct dsblk_sqe {
	u32 sector;
	u32 nr_sectors;
	u32 buf;
	u16 op;
	u16 tag;
};
struct dsblk_cqe {
	u16 tag;
	u16 status;
};

#define QUEUE_SIZE 16
#define READY_TIMEOUT_MS 50

struct dsblk {
	struct pci_dev *pdev;
	void __iomem *mmio;
	struct gendisk *disk;
	spinlock_t lock;
	struct dsblk_sqe *sq;
	dma_addr_t sq_dma;
	struct dsblk_cqe *cq;
	dma_addr_t cq_dma;
	struct request *inflight[QUEUE_SIZE];
	unsigned int sq_tail;
	unsigned int cq_head;
	unsigned int busy;
	u32 features;
	bool cache_on;
	unsigned long completed;
	unsigned long errors;
};

static const struct pci_device_id dsblk_ids[] = {
	{ PCI_DEVICE(0x1d5c, 0x1001), 0 },
	{ 0, 0, 0 },
};

static int dsblk_wait_ready(struct dsblk *bd)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(READY_TIMEOUT_MS);
	u32 status;
	for (;;) {
		status = readl(bd->mmio + REG_STATUS);
		if (status & STATUS_FAILED)
			return -EIO;
		if (status & STATUS_READY)
			return 0;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		msleep(1);
	}
}

static int dsblk_hw_init(struct dsblk *bd)
{
	int err;
	writel(CTRL_RESET, bd->mmio + REG_CTRL);
	udelay(20);
	err = dsblk_wait_ready(bd);
	if (err)
		return err;
	memset(bd->sq, 0, QUEUE_SIZE * sizeof(struct dsblk_sqe));
	memset(bd->cq, 0, QUEUE_SIZE * sizeof(struct dsblk_cqe));
	bd->sq_tail = 0;
	bd->cq_head = 0;
	bd->busy = 0;
	writel(bd->sq_dma, bd->mmio + REG_SQ_ADDR);
	writel(bd->cq_dma, bd->mmio + REG_CQ_ADDR);
	writel(QUEUE_SIZE, bd->mmio + REG_Q_SIZE);
	writel(bd->cache_on, bd->mmio + REG_CACHE);
	writel(INT_COMPLETE, bd->mmio + REG_INT_STATUS);
	writel(INT_COMPLETE, bd->mmio + REG_INT_MASK);
	writel(CTRL_ENABLE, bd->mmio + REG_CTRL);
	return 0;
}

static blk_status_t dsblk_queue_rq(struct gendisk *disk, struct request *rq)
{
	struct dsblk *bd = disk->private_data;
	struct dsblk_sqe *e;
	unsigned long flags;
	unsigned int slot;

	if (rq->op == REQ_OP_FLUSH && !(bd->features & FEAT_FLUSH)) {
		blk_mq_end_request(rq, BLK_STS_OK);
		return BLK_STS_OK;
	}
	if (rq->sector + rq->nr_sectors > disk->capacity) {
		blk_mq_end_request(rq, BLK_STS_IOERR);
		return BLK_STS_OK;
	}
	spin_lock_irqsave(&bd->lock, flags);
	if (bd->busy == QUEUE_SIZE - 1) {
		blk_mq_stop_hw_queues(disk);
		spin_unlock_irqrestore(&bd->lock, flags);
		return BLK_STS_RESOURCE;
	}
	slot = bd->sq_tail;
	e = &bd->sq[slot];
	e->sector = rq->sector;
	e->nr_sectors = rq->nr_sectors;
	/* the request's bounce buffer is in our domain, so its address is also its bus address */
	e->buf = (u32)(unsigned long)rq->buffer;
	e->op = rq->op;
	e->tag = slot;
	bd->inflight[slot] = rq;
	bd->busy++;
	bd->sq_tail = (slot + 1) % QUEUE_SIZE;
	wmb();
	writel(bd->sq_tail, bd->mmio + REG_SQ_TAIL);
	spin_unlock_irqrestore(&bd->lock, flags);
	return BLK_STS_OK;
}

static irqreturn_t dsblk_interrupt(int irq, void *dev_id)
{
	struct dsblk *bd = dev_id;
	u32 status = readl(bd->mmio + REG_INT_STATUS);
	unsigned int head;
	unsigned long flags;

	if (!(status & INT_COMPLETE))
		return IRQ_NONE;
	writel(status, bd->mmio + REG_INT_STATUS);
	spin_lock_irqsave(&bd->lock, flags);
	head = readl(bd->mmio + REG_CQ_HEAD);
	while (bd->cq_head != head) {
		struct dsblk_cqe *c = &bd->cq[bd->cq_head];
		/* trusts the device: the tag indexes inflight[] unchecked */
		struct request *rq = bd->inflight[c->tag];
		bd->inflight[c->tag] = NULL;
		bd->cq_head = (bd->cq_head + 1) % QUEUE_SIZE;
		bd->busy--;
		if (c->status)
			bd->errors++;
		bd->completed++;
		blk_mq_end_request(rq, c->status ? BLK_STS_IOERR : BLK_STS_OK);
	}
	spin_unlock_irqrestore(&bd->lock, flags);
	blk_mq_start_hw_queues(bd->disk);
	return IRQ_HANDLED;
}

#define DSBLK_IOC_CACHE 0x4401
#define DSBLK_IOC_STATS 0x4402

static int dsblk_ioctl(struct gendisk *disk, unsigned int cmd, unsigned long arg)
{
	struct dsblk *bd = disk->private_data;
	u32 *out = (u32 *)arg;
	switch (cmd) {
	case BLKGETSIZE:
		*out = disk->capacity;
		return 0;
	case DSBLK_IOC_CACHE:
		bd->cache_on = !!*out;
		writel(bd->cache_on, bd->mmio + REG_CACHE);
		return 0;
	case DSBLK_IOC_STATS:
		out[0] = bd->completed;
		out[1] = bd->errors;
		return 0;
	case BLKFLSBUF:
		return 0;
	default:
		return -ENOTTY;
	}
}

static int dsblk_open(struct gendisk *disk)
{
	struct dsblk *bd = disk->private_data;
	return (readl(bd->mmio + REG_STATUS) & STATUS_READY) ? 0 : -EIO;
}

static void dsblk_release(struct gendisk *disk)
{
}

static const struct block_device_operations dsblk_fops = {
	.queue_rq = dsblk_queue_rq,
	.ioctl = dsblk_ioctl,
	.open = dsblk_open,
	.release = dsblk_release,
};

static void dsblk_free_queues(struct dsblk *bd)
{
	struct device *d = &bd->pdev->dev;
	if (bd->sq)
		dma_free_coherent(d, QUEUE_SIZE * sizeof(struct dsblk_sqe), bd->sq, bd->sq_dma);
	if (bd->cq)
		dma_free_coherent(d, QUEUE_SIZE * sizeof(struct dsblk_cqe), bd->cq, bd->cq_dma);
	bd->sq = NULL;
	bd->cq = NULL;
}

static int dsblk_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct dsblk *bd;
	u32 capacity;
	int err;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = pci_request_regions(pdev, DRV_NAME);
	if (err)
		goto err_disable;
	pci_set_master(pdev);
	bd = kzalloc(sizeof(*bd), GFP_KERNEL);
	if (!bd) {
		err = -ENOMEM;
		goto err_release;
	}
	bd->pdev = pdev;
	spin_lock_init(&bd->lock);
	bd->mmio = pci_iomap(pdev, 0, 64);
	if (!bd->mmio) {
		err = -EIO;
		goto err_free;
	}
	bd->sq = dma_alloc_coherent(&pdev->dev, QUEUE_SIZE * sizeof(struct dsblk_sqe), &bd->sq_dma, GFP_KERNEL);
	bd->cq = dma_alloc_coherent(&pdev->dev, QUEUE_SIZE * sizeof(struct dsblk_cqe), &bd->cq_dma, GFP_KERNEL);
	if (!bd->sq || !bd->cq) {
		err = -ENOMEM;
		goto err_queues;
	}
	bd->cache_on = true;
	err = dsblk_hw_init(bd);
	if (err) {
		dev_err(&pdev->dev, "device not ready (%d)\n", err);
		goto err_queues;
	}
	bd->features = readl(bd->mmio + REG_FEATURES);
	capacity = readl(bd->mmio + REG_CAPACITY);
	BUG_ON(capacity == 0);
	err = request_irq(pdev->irq, dsblk_interrupt, IRQF_SHARED, DRV_NAME, bd);
	if (err)
		goto err_reset;
	bd->disk = blk_mq_alloc_disk(QUEUE_SIZE - 1, bd);
	if (!bd->disk) {
		err = -ENOMEM;
		goto err_irq;
	}
	bd->disk->fops = &dsblk_fops;
	set_capacity(bd->disk, capacity);
	pci_set_drvdata(pdev, bd);
	err = add_disk(bd->disk);
	if (err)
		goto err_disk;
	dev_info(&pdev->dev, "%s: %u sectors, flush %s\n", bd->disk->disk_name, capacity,
		 (bd->features & FEAT_FLUSH) ? "yes" : "no");
	return 0;

err_disk:
	put_disk(bd->disk);
err_irq:
	free_irq(pdev->irq, bd);
err_reset:
	writel(CTRL_RESET, bd->mmio + REG_CTRL);
err_queues:
	dsblk_free_queues(bd);
	pci_iounmap(pdev, bd->mmio);
err_free:
	kfree(bd);
err_release:
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void dsblk_remove(struct pci_dev *pdev)
{
	struct dsblk *bd = pci_get_drvdata(pdev);
	del_gendisk(bd->disk);
	writel(0, bd->mmio + REG_INT_MASK);
	writel(CTRL_RESET, bd->mmio + REG_CTRL);
	free_irq(pdev->irq, bd);
	put_disk(bd->disk);
	dsblk_free_queues(bd);
	pci_iounmap(pdev, bd->mmio);
	kfree(bd);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
}

static int dsblk_suspend(struct pci_dev *pdev, u32 state)
{
	struct dsblk *bd = pci_get_drvdata(pdev);
	blk_mq_stop_hw_queues(bd->disk);
	/* quiesce: wait for in-flight requests, bounded */
	for (int i = 0; i < 100 && bd->busy; i++)
		msleep(1);
	writel(0, bd->mmio + REG_INT_MASK);
	pci_save_state(pdev);
	pci_set_power_state(pdev, PCI_D3hot);
	return bd->busy ? -EBUSY : 0;
}

static int dsblk_resume(struct pci_dev *pdev)
{
	struct dsblk *bd = pci_get_drvdata(pdev);
	int err;
	pci_set_power_state(pdev, PCI_D0);
	pci_restore_state(pdev);
	err = dsblk_hw_init(bd);
	if (!err)
		blk_mq_start_hw_queues(bd->disk);
	return err;
}

static struct pci_driver dsblk_driver = {
	.name = DRV_NAME,
	.id_table = dsblk_ids,
	.probe = dsblk_probe,
	.remove = dsblk_remove,
	.suspend = dsblk_suspend,
	.resume = dsblk_resume,
};

static int __init dsblk_init(void)
{
	return pci_register_driver(&dsblk_driver);
}

static void __exit dsblk_exit(void)
{
	pci_unregister_driver(&dsblk_driver);
}

module_init(dsblk_init);
module_exit(dsblk_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("driverscope PCI block device driver");
