#ifndef DS_INPUT_H
#define DS_INPUT_H
#include "kernel.h"

#define EV_SYN 0x00
#define EV_KEY 0x01
#define EV_REL 0x02
#define REL_X 0x00
#define REL_Y 0x01
#define REL_WHEEL 0x08
#define BTN_LEFT 0x110
#define BTN_RIGHT 0x111
#define BTN_MIDDLE 0x112

struct input_dev {
	const char *name;
	const char *phys;
	int (*open)(struct input_dev *dev);
	void (*close)(struct input_dev *dev);
	void *driver_data;
	u32 handle;
};
_Static_assert(offsetof(struct input_dev, open) == 8 && sizeof(struct input_dev) == 24, "input_dev ABI");

extern struct input_dev *input_allocate_device(void);
extern void input_free_device(struct input_dev *dev);
extern int input_register_device(struct input_dev *dev);
extern void input_unregister_device(struct input_dev *dev);
extern void input_set_capability(struct input_dev *dev, unsigned int type, unsigned int code);
extern void input_event(struct input_dev *dev, unsigned int type, unsigned int code, int value);
static inline void input_report_key(struct input_dev *d, unsigned int code, int v) { input_event(d, EV_KEY, code, !!v); }
static inline void input_report_rel(struct input_dev *d, unsigned int code, int v) { input_event(d, EV_REL, code, v); }
static inline void input_sync(struct input_dev *d) { input_event(d, EV_SYN, 0, 0); }
static inline void input_set_drvdata(struct input_dev *d, void *p) { d->driver_data = p; }
static inline void *input_get_drvdata(struct input_dev *d) { return d->driver_data; }

/* Platform devices (the PS/2 port is not on PCI) */
struct platform_device {
	struct device dev;
	unsigned int irq;
	u32 handle;
};
struct platform_driver {
	const char *name;
	int (*probe)(struct platform_device *pdev);
	int (*remove)(struct platform_device *pdev);
	int (*suspend)(struct platform_device *pdev);
	int (*resume)(struct platform_device *pdev);
};
_Static_assert(offsetof(struct platform_device, irq) == 8 && sizeof(struct platform_device) == 16, "platform_device ABI");
_Static_assert(offsetof(struct platform_driver, probe) == 4 && offsetof(struct platform_driver, resume) == 16, "platform_driver ABI");
extern int platform_driver_register(struct platform_driver *drv);
extern void platform_driver_unregister(struct platform_driver *drv);
static inline void platform_set_drvdata(struct platform_device *p, void *d) { p->dev.driver_data = d; }
static inline void *platform_get_drvdata(struct platform_device *p) { return p->dev.driver_data; }
extern int request_region(unsigned long start, unsigned long n, const char *name);
extern void release_region(unsigned long start, unsigned long n);

#endif
