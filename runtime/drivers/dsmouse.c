/*
 * dsmouse: driver for a PS/2 mouse behind an i8042-style controller (data port 0x60, status and
 * command port 0x64, IRQ 12), structured like psmouse + serio: probe resets the mouse, reads its
 * ID and picks a protocol, sets the sample rate and resolution, and registers an input device
 * whose open enables data reporting. The interrupt handler assembles 3-byte packets and reports
 * relative motion and buttons.
 *
 * Trusting the hardware: the controller's input-buffer-full bit is polled with no timeout, and the
 * device ID the mouse returns indexes the protocol table unchecked.
 */
#include "kernel.h"
#include "io.h"
#include "input.h"

#define DRV_NAME "dsmouse"
#define I8042_DATA 0x60
#define I8042_STATUS 0x64
#define I8042_CMD 0x64
#define STR_OBF BIT(0) /* output buffer full: a byte for us */
#define STR_IBF BIT(1) /* input buffer full: controller busy */
#define STR_AUXDATA BIT(5)
#define CMD_WRITE_AUX 0xd4

#define PSMOUSE_CMD_RESET 0xff
#define PSMOUSE_CMD_GETID 0xf2
#define PSMOUSE_CMD_SETRATE 0xf3
#define PSMOUSE_CMD_SETRES 0xe8
#define PSMOUSE_CMD_ENABLE 0xf4
#define PSMOUSE_CMD_DISABLE 0xf5
#define PSMOUSE_CMD_GETINFO 0xe9
#define PSMOUSE_RET_ACK 0xfa
#define PSMOUSE_RET_BAT 0xaa

#define CMD_TIMEOUT_MS 100
#define RESET_TIMEOUT_MS 600

struct protocol {
	const char *name;
	int packet_size;
	bool wheel;
};
static const struct protocol protocols[] = {
	{ "PS/2", 3, false },
	{ "Generic", 3, false },
	{ "Generic", 3, false },
	{ "ImPS/2", 4, true },
};

enum state { ST_IGNORE, ST_CMD, ST_ACTIVATED };

struct dsmouse {
	struct platform_device *pdev;
	struct input_dev *input;
	spinlock_t lock;
	enum state state;
	const struct protocol *proto;
	u8 packet[8];
	unsigned int pktcnt;
	u8 cmdbuf[4];
	unsigned int cmdcnt; /* response bytes still expected */
	unsigned int cmdlen;
	bool acked;
	int rate;
	int resolution;
	unsigned long resyncs;
};

static struct dsmouse *the_mouse;

static void i8042_wait_write(void)
{
	/* Trusts the controller: no timeout on input-buffer-full. */
	while (inb(I8042_STATUS) & STR_IBF)
		udelay(50);
}

static void ps2_sendbyte(u8 byte)
{
	i8042_wait_write();
	outb(CMD_WRITE_AUX, I8042_CMD);
	i8042_wait_write();
	outb(byte, I8042_DATA);
}

/* The interrupt handler collects the ACK and response bytes; we wait with a timeout. */
static int ps2_command(struct dsmouse *m, u8 cmd, int param, u8 *resp, unsigned int resplen, unsigned int timeout_ms)
{
	unsigned long deadline;
	unsigned int i;

	m->state = ST_CMD;
	m->acked = false;
	m->cmdcnt = resplen;
	m->cmdlen = resplen;
	ps2_sendbyte(cmd);
	deadline = jiffies + msecs_to_jiffies(CMD_TIMEOUT_MS);
	while (!m->acked) {
		if (time_after(jiffies, deadline))
			goto timeout;
		msleep(1);
	}
	if (param >= 0) {
		m->acked = false;
		ps2_sendbyte(param);
		deadline = jiffies + msecs_to_jiffies(CMD_TIMEOUT_MS);
		while (!m->acked) {
			if (time_after(jiffies, deadline))
				goto timeout;
			msleep(1);
		}
	}
	deadline = jiffies + msecs_to_jiffies(timeout_ms);
	while (m->cmdcnt) {
		if (time_after(jiffies, deadline))
			goto timeout;
		msleep(1);
	}
	for (i = 0; i < resplen && i < sizeof(m->cmdbuf); i++)
		resp[i] = m->cmdbuf[i];
	m->state = ST_IGNORE;
	return 0;
timeout:
	m->state = ST_IGNORE;
	return -ETIMEDOUT;
}

static void dsmouse_process_packet(struct dsmouse *m)
{
	struct input_dev *dev = m->input;
	u8 *p = m->packet;
	int dx = p[1] - ((p[0] << 4) & 0x100);
	int dy = p[2] - ((p[0] << 3) & 0x100);

	input_report_key(dev, BTN_LEFT, p[0] & 1);
	input_report_key(dev, BTN_RIGHT, p[0] & 2);
	input_report_key(dev, BTN_MIDDLE, p[0] & 4);
	input_report_rel(dev, REL_X, dx);
	input_report_rel(dev, REL_Y, -dy);
	if (m->proto->wheel)
		input_report_rel(dev, REL_WHEEL, -(s8)p[3]);
	input_sync(dev);
}

static irqreturn_t dsmouse_interrupt(int irq, void *dev_id)
{
	struct dsmouse *m = dev_id;
	unsigned long flags;
	u8 str = inb(I8042_STATUS);
	u8 data;

	if (!(str & STR_OBF))
		return IRQ_NONE;
	data = inb(I8042_DATA);
	spin_lock_irqsave(&m->lock, flags);
	switch (m->state) {
	case ST_CMD:
		if (!m->acked) {
			if (data == PSMOUSE_RET_ACK)
				m->acked = true;
		} else if (m->cmdcnt) {
			m->cmdbuf[m->cmdlen - m->cmdcnt] = data;
			m->cmdcnt--;
		}
		break;
	case ST_ACTIVATED:
		if (m->pktcnt == 0 && !(data & 0x08)) {
			/* out of sync: the first byte always has bit 3 set */
			m->resyncs++;
			break;
		}
		m->packet[m->pktcnt++] = data;
		if (m->pktcnt == m->proto->packet_size) {
			dsmouse_process_packet(m);
			m->pktcnt = 0;
		}
		break;
	default:
		break;
	}
	spin_unlock_irqrestore(&m->lock, flags);
	return IRQ_HANDLED;
}

static int dsmouse_set_rate(struct dsmouse *m, int rate, int res)
{
	int err = ps2_command(m, PSMOUSE_CMD_SETRATE, rate, NULL, 0, CMD_TIMEOUT_MS);
	if (!err)
		err = ps2_command(m, PSMOUSE_CMD_SETRES, res, NULL, 0, CMD_TIMEOUT_MS);
	if (!err) {
		m->rate = rate;
		m->resolution = res;
	}
	return err;
}

static int dsmouse_open(struct input_dev *dev)
{
	struct dsmouse *m = input_get_drvdata(dev);
	int err = ps2_command(m, PSMOUSE_CMD_ENABLE, -1, NULL, 0, CMD_TIMEOUT_MS);
	if (err)
		return err;
	m->pktcnt = 0;
	m->state = ST_ACTIVATED;
	return 0;
}

static void dsmouse_close(struct input_dev *dev)
{
	struct dsmouse *m = input_get_drvdata(dev);
	ps2_command(m, PSMOUSE_CMD_DISABLE, -1, NULL, 0, CMD_TIMEOUT_MS);
}

static int dsmouse_probe_device(struct dsmouse *m)
{
	u8 resp[4];
	int err;

	err = ps2_command(m, PSMOUSE_CMD_RESET, -1, resp, 2, RESET_TIMEOUT_MS);
	if (err)
		return err;
	if (resp[0] != PSMOUSE_RET_BAT) {
		printk(KERN_ERR DRV_NAME ": self test failed (%x)\n", resp[0]);
		return -ENODEV;
	}
	err = ps2_command(m, PSMOUSE_CMD_GETID, -1, resp, 1, CMD_TIMEOUT_MS);
	if (err)
		return err;
	/* Trusts the device: the ID indexes the protocol table unchecked. */
	m->proto = &protocols[resp[0]];
	return 0;
}

static int dsmouse_probe(struct platform_device *pdev)
{
	struct dsmouse *m;
	struct input_dev *input;
	int err;

	if (!request_region(I8042_DATA, 1, DRV_NAME))
		return -EBUSY;
	if (!request_region(I8042_STATUS, 1, DRV_NAME)) {
		err = -EBUSY;
		goto err_region;
	}
	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m) {
		err = -ENOMEM;
		goto err_region2;
	}
	m->pdev = pdev;
	spin_lock_init(&m->lock);
	m->state = ST_IGNORE;
	err = request_irq(pdev->irq, dsmouse_interrupt, 0, DRV_NAME, m);
	if (err)
		goto err_free;
	/* drain anything the controller holds */
	while (inb(I8042_STATUS) & STR_OBF)
		inb(I8042_DATA);
	err = dsmouse_probe_device(m);
	if (err)
		goto err_irq;
	err = dsmouse_set_rate(m, 100, 3);
	if (err)
		goto err_irq;
	input = input_allocate_device();
	if (!input) {
		err = -ENOMEM;
		goto err_irq;
	}
	m->input = input;
	input->name = m->proto->name;
	input->phys = "isa0060/serio1/input0";
	input->open = dsmouse_open;
	input->close = dsmouse_close;
	input_set_drvdata(input, m);
	input_set_capability(input, EV_KEY, BTN_LEFT);
	input_set_capability(input, EV_KEY, BTN_RIGHT);
	input_set_capability(input, EV_KEY, BTN_MIDDLE);
	input_set_capability(input, EV_REL, REL_X);
	input_set_capability(input, EV_REL, REL_Y);
	if (m->proto->wheel)
		input_set_capability(input, EV_REL, REL_WHEEL);
	err = input_register_device(input);
	if (err)
		goto err_input;
	platform_set_drvdata(pdev, m);
	the_mouse = m;
	printk(KERN_INFO DRV_NAME ": %s mouse at %d Hz\n", m->proto->name, m->rate);
	return 0;

err_input:
	input_free_device(input);
err_irq:
	free_irq(pdev->irq, m);
err_free:
	kfree(m);
err_region2:
	release_region(I8042_STATUS, 1);
err_region:
	release_region(I8042_DATA, 1);
	return err;
}

static int dsmouse_remove(struct platform_device *pdev)
{
	struct dsmouse *m = platform_get_drvdata(pdev);
	input_unregister_device(m->input);
	free_irq(pdev->irq, m);
	kfree(m);
	release_region(I8042_STATUS, 1);
	release_region(I8042_DATA, 1);
	the_mouse = NULL;
	return 0;
}

static int dsmouse_suspend(struct platform_device *pdev)
{
	struct dsmouse *m = platform_get_drvdata(pdev);
	if (m->state == ST_ACTIVATED)
		ps2_command(m, PSMOUSE_CMD_DISABLE, -1, NULL, 0, CMD_TIMEOUT_MS);
	return 0;
}

static int dsmouse_resume(struct platform_device *pdev)
{
	struct dsmouse *m = platform_get_drvdata(pdev);
	bool was_active = m->state == ST_ACTIVATED;
	int err = dsmouse_probe_device(m);
	if (!err)
		err = dsmouse_set_rate(m, m->rate, m->resolution);
	if (!err && was_active)
		err = dsmouse_open(m->input);
	return err;
}

static struct platform_driver dsmouse_driver = {
	.name = "i8042-aux",
	.probe = dsmouse_probe,
	.remove = dsmouse_remove,
	.suspend = dsmouse_suspend,
	.resume = dsmouse_resume,
};

static int __init dsmouse_init(void)
{
	return platform_driver_register(&dsmouse_driver);
}

static void __exit dsmouse_exit(void)
{
	platform_driver_unregister(&dsmouse_driver);
}

module_init(dsmouse_init);
module_exit(dsmouse_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("driverscope PS/2 mouse driver");
