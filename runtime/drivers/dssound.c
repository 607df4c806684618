/*
 * dssound: driver for the driverscope PCI audio controller (vendor 0x1d5c, device 0x1371), in
 * the shape of ens1371: an I/O-port register file, an AC'97-style codec reached through a busy
 * bit, one playback DAC that fetches the ring buffer by DMA and interrupts at every period, and
 * mixer controls for master and PCM volume.
 *
 * Trusting the hardware: the codec busy bit is polled with no timeout (as ens1371's
 * wait-for-ready loops were), and the interrupt handler uses the DMA position the device reports
 * to index its per-period bookkeeping without a range check.
 */
#include "kernel.h"
#include "io.h"
#include "pci.h"
#include "sound.h"

#define DRV_NAME "dssound"

enum {
	REG_CTRL = 0x00,
	REG_INT_STATUS = 0x04,
	REG_INT_MASK = 0x08,
	REG_CODEC_ADDR = 0x0c,
	REG_CODEC_DATA = 0x10,
	REG_CODEC_STATUS = 0x14,
	REG_DAC_ADDR = 0x18,
	REG_DAC_SIZE = 0x1c,
	REG_DAC_PERIOD = 0x20,
	REG_DAC_POS = 0x24,
	REG_RATE = 0x28,
};
#define CTRL_DAC_EN BIT(0)
#define CTRL_CODEC_RESET BIT(1)
#define INT_PERIOD BIT(0)
#define INT_UNDERRUN BIT(1)
#define CODEC_BUSY BIT(0)
#define CODEC_READY BIT(1)
#define CODEC_READ BIT(31)

#define AC97_MASTER 0x02
#define AC97_PCM 0x18
#define AC97_POWERDOWN 0x26
#define AC97_VENDOR_ID1 0x7c

#define MAX_PERIODS 16
#define CODEC_READY_TIMEOUT_MS 20

struct dssound {
	struct pci_dev *pdev;
	unsigned long port;
	struct snd_card *card;
	struct snd_pcm *pcm;
	struct snd_pcm_substream *substream;
	spinlock_t reg_lock;
	u32 ctrl;
	unsigned int periods;
	unsigned long period_count[MAX_PERIODS];
	unsigned long underruns;
	u16 saved_master;
	u16 saved_pcm;
	bool running;
};

static const struct pci_device_id dssound_ids[] = {
	{ PCI_DEVICE(0x1d5c, 0x1371), 0 },
	{ 0, 0, 0 },
};

static void codec_wait(struct dssound *chip)
{
	/* Trusts the device: no timeout on the codec busy bit. */
	while (inl(chip->port + REG_CODEC_STATUS) & CODEC_BUSY)
		udelay(5);
}

static void codec_write(struct dssound *chip, u8 reg, u16 val)
{
	codec_wait(chip);
	outl(val, chip->port + REG_CODEC_DATA);
	outl(reg, chip->port + REG_CODEC_ADDR);
}

static u16 codec_read(struct dssound *chip, u8 reg)
{
	codec_wait(chip);
	outl(CODEC_READ | reg, chip->port + REG_CODEC_ADDR);
	codec_wait(chip);
	return inl(chip->port + REG_CODEC_DATA) & 0xffff;
}

static int codec_reset(struct dssound *chip)
{
	unsigned long deadline;
	outl(chip->ctrl | CTRL_CODEC_RESET, chip->port + REG_CTRL);
	udelay(20);
	outl(chip->ctrl, chip->port + REG_CTRL);
	deadline = jiffies + msecs_to_jiffies(CODEC_READY_TIMEOUT_MS);
	while (!(inl(chip->port + REG_CODEC_STATUS) & CODEC_READY)) {
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		msleep(1);
	}
	codec_write(chip, AC97_POWERDOWN, 0);
	codec_write(chip, AC97_MASTER, chip->saved_master);
	codec_write(chip, AC97_PCM, chip->saved_pcm);
	return 0;
}

/* --- PCM --- */

static int dssound_pcm_open(struct snd_pcm_substream *s)
{
	struct dssound *chip = s->private_data;
	if (chip->substream)
		return -EBUSY;
	chip->substream = s;
	return 0;
}

static int dssound_pcm_close(struct snd_pcm_substream *s)
{
	struct dssound *chip = s->private_data;
	snd_pcm_lib_free_pages(s);
	chip->substream = NULL;
	return 0;
}

static int dssound_hw_params(struct snd_pcm_substream *s)
{
	if (s->period_bytes == 0 || s->buffer_bytes / s->period_bytes > MAX_PERIODS)
		return -EINVAL;
	return snd_pcm_lib_malloc_pages(s, s->buffer_bytes);
}

static int dssound_prepare(struct snd_pcm_substream *s)
{
	struct dssound *chip = s->private_data;
	unsigned long flags;
	spin_lock_irqsave(&chip->reg_lock, flags);
	chip->periods = s->buffer_bytes / s->period_bytes;
	memset(chip->period_count, 0, sizeof(chip->period_count));
	outl(s->dma_addr, chip->port + REG_DAC_ADDR);
	outl(s->buffer_bytes, chip->port + REG_DAC_SIZE);
	outl(s->period_bytes, chip->port + REG_DAC_PERIOD);
	outl(s->rate, chip->port + REG_RATE);
	spin_unlock_irqrestore(&chip->reg_lock, flags);
	return 0;
}

static int dssound_trigger(struct snd_pcm_substream *s, int cmd)
{
	struct dssound *chip = s->private_data;
	unsigned long flags;
	spin_lock_irqsave(&chip->reg_lock, flags);
	if (cmd == SNDRV_PCM_TRIGGER_START) {
		chip->ctrl |= CTRL_DAC_EN;
		chip->running = true;
	} else if (cmd == SNDRV_PCM_TRIGGER_STOP) {
		chip->ctrl &= ~CTRL_DAC_EN;
		chip->running = false;
	} else {
		spin_unlock_irqrestore(&chip->reg_lock, flags);
		return -EINVAL;
	}
	outl(chip->ctrl, chip->port + REG_CTRL);
	spin_unlock_irqrestore(&chip->reg_lock, flags);
	return 0;
}

static snd_pcm_uframes_t dssound_pointer(struct snd_pcm_substream *s)
{
	struct dssound *chip = s->private_data;
	u32 pos = inl(chip->port + REG_DAC_POS);
	return bytes_to_frames(s, pos);
}

static const struct snd_pcm_ops dssound_pcm_ops = {
	.open = dssound_pcm_open,
	.close = dssound_pcm_close,
	.hw_params = dssound_hw_params,
	.prepare = dssound_prepare,
	.trigger = dssound_trigger,
	.pointer = dssound_pointer,
};

/* --- interrupt --- */

static irqreturn_t dssound_interrupt(int irq, void *dev_id)
{
	struct dssound *chip = dev_id;
	u32 status = inl(chip->port + REG_INT_STATUS);

	if (!(status & (INT_PERIOD | INT_UNDERRUN)))
		return IRQ_NONE;
	outl(status, chip->port + REG_INT_STATUS);
	if (status & INT_UNDERRUN)
		chip->underruns++;
	if ((status & INT_PERIOD) && chip->substream && chip->running) {
		struct snd_pcm_substream *s = chip->substream;
		u32 pos = inl(chip->port + REG_DAC_POS);
		/* Trusts the device: the position indexes period_count[] unchecked. */
		chip->period_count[pos / s->period_bytes]++;
		snd_pcm_period_elapsed(s);
	}
	return IRQ_HANDLED;
}

/* --- mixer --- */

static int master_get(struct snd_card *card, int *value)
{
	struct dssound *chip = card->private_data;
	*value = 63 - (codec_read(chip, AC97_MASTER) & 0x3f);
	return 0;
}

static int master_put(struct snd_card *card, int value)
{
	struct dssound *chip = card->private_data;
	u16 v = 63 - (value & 0x3f);
	if (v == chip->saved_master)
		return 0;
	chip->saved_master = v;
	codec_write(chip, AC97_MASTER, v);
	return 1;
}

static int pcm_get(struct snd_card *card, int *value)
{
	struct dssound *chip = card->private_data;
	*value = 31 - (codec_read(chip, AC97_PCM) & 0x1f);
	return 0;
}

static int pcm_put(struct snd_card *card, int value)
{
	struct dssound *chip = card->private_data;
	u16 v = 31 - (value & 0x1f);
	if (v == chip->saved_pcm)
		return 0;
	chip->saved_pcm = v;
	codec_write(chip, AC97_PCM, v);
	return 1;
}

static const struct snd_kcontrol_new dssound_controls[] = {
	{ "Master Playback Volume", 0, 63, master_get, master_put },
	{ "PCM Playback Volume", 0, 31, pcm_get, pcm_put },
};

/* --- PCI --- */

static int dssound_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct snd_card *card;
	struct dssound *chip;
	u16 vendor;
	unsigned int i;
	int err;

	err = pci_enable_device(pdev);
	if (err)
		return err;
	err = snd_card_new(&pdev->dev, 0, DRV_NAME, sizeof(struct dssound), &card);
	if (err < 0)
		goto err_disable;
	chip = card->private_data;
	chip->card = card;
	chip->pdev = pdev;
	spin_lock_init(&chip->reg_lock);
	err = pci_request_regions(pdev, DRV_NAME);
	if (err)
		goto err_card;
	chip->port = pci_resource_start(pdev, 0);
	pci_set_master(pdev);
	chip->saved_master = 0x08;
	chip->saved_pcm = 0x08;
	err = codec_reset(chip);
	if (err) {
		dev_err(&pdev->dev, "codec not ready\n");
		goto err_regions;
	}
	vendor = codec_read(chip, AC97_VENDOR_ID1);
	if (vendor == 0xffff) {
		dev_err(&pdev->dev, "no codec\n");
		err = -ENODEV;
		goto err_regions;
	}
	err = request_irq(pdev->irq, dssound_interrupt, IRQF_SHARED, DRV_NAME, chip);
	if (err)
		goto err_regions;
	outl(INT_PERIOD | INT_UNDERRUN, chip->port + REG_INT_MASK);
	err = snd_pcm_new(card, "dssound", 0, &chip->pcm);
	if (err < 0)
		goto err_irq;
	chip->pcm->private_data = chip;
	snd_pcm_set_ops(chip->pcm, &dssound_pcm_ops);
	for (i = 0; i < ARRAY_SIZE(dssound_controls); i++) {
		err = snd_ctl_add(card, &dssound_controls[i]);
		if (err < 0)
			goto err_irq;
	}
	err = snd_card_register(card);
	if (err < 0)
		goto err_irq;
	pci_set_drvdata(pdev, card);
	dev_info(&pdev->dev, "codec %04x at port 0x%lx irq %d\n", vendor, chip->port, pdev->irq);
	return 0;

err_irq:
	free_irq(pdev->irq, chip);
err_regions:
	pci_release_regions(pdev);
err_card:
	snd_card_free(card);
err_disable:
	pci_disable_device(pdev);
	return err;
}

static void dssound_remove(struct pci_dev *pdev)
{
	struct snd_card *card = pci_get_drvdata(pdev);
	struct dssound *chip = card->private_data;
	outl(0, chip->port + REG_INT_MASK);
	outl(0, chip->port + REG_CTRL);
	free_irq(pdev->irq, chip);
	pci_release_regions(pdev);
	snd_card_free(card);
	pci_disable_device(pdev);
}

static int dssound_suspend(struct pci_dev *pdev, u32 state)
{
	struct snd_card *card = pci_get_drvdata(pdev);
	struct dssound *chip = card->private_data;
	outl(chip->ctrl & ~CTRL_DAC_EN, chip->port + REG_CTRL);
	pci_save_state(pdev);
	pci_set_power_state(pdev, PCI_D3hot);
	return 0;
}

static int dssound_resume(struct pci_dev *pdev)
{
	struct snd_card *card = pci_get_drvdata(pdev);
	struct dssound *chip = card->private_data;
	int err;
	pci_set_power_state(pdev, PCI_D0);
	pci_restore_state(pdev);
	err = codec_reset(chip);
	if (err)
		return err;
	outl(INT_PERIOD | INT_UNDERRUN, chip->port + REG_INT_MASK);
	if (chip->substream) {
		dssound_prepare(chip->substream);
		outl(chip->ctrl, chip->port + REG_CTRL);
	}
	return 0;
}

static struct pci_driver dssound_driver = {
	.name = DRV_NAME,
	.id_table = dssound_ids,
	.probe = dssound_probe,
	.remove = dssound_remove,
	.suspend = dssound_suspend,
	.resume = dssound_resume,
};

static int __init dssound_init(void)
{
	return pci_register_driver(&dssound_driver);
}

static void __exit dssound_exit(void)
{
	pci_unregister_driver(&dssound_driver);
}

module_init(dssound_init);
module_exit(dssound_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("driverscope PCI audio driver");
