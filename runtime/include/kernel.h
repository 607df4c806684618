/*
 * driverscope kernel API: the small subset of Linux's in-kernel interface our drivers use, in
 * Linux's names and shapes. Functions declared `extern` here are imported from the simulated
 * kernel (module "env"); everything else is inline so it is compiled into the driver's own
 * protection domain, as it would be inlined into a real module.
 */
#ifndef DS_KERNEL_H
#define DS_KERNEL_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long long s64;
typedef unsigned long size_t;
typedef long ssize_t;
typedef u32 dma_addr_t;
typedef u32 gfp_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#define __iomem
#define __init
#define __exit

#define EPERM 1
#define ENOENT 2
#define EIO 5
#define ENXIO 6
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define ENODEV 19
#define EINVAL 22
#define ENOSPC 28
#define ENOTTY 25
#define ETIMEDOUT 110

#define GFP_KERNEL 0x0cc0u
#define GFP_ATOMIC 0x0820u

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define BIT(n) (1u << (n))
#define offsetof(t, m) __builtin_offsetof(t, m)
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-4095)

#define KERN_ERR "<3>"
#define KERN_WARNING "<4>"
#define KERN_INFO "<6>"
#define KERN_DEBUG "<7>"

/* --- imported from the kernel --- */
extern int printk(const char *fmt, ...);
extern void *kmalloc(size_t size, gfp_t flags);
extern void *kzalloc(size_t size, gfp_t flags);
extern void kfree(const void *p);
extern void udelay(unsigned long usecs);
extern void mdelay(unsigned long msecs);
extern void msleep(unsigned int msecs);
extern unsigned long __jiffies(void);
extern void panic(const char *msg) __attribute__((noreturn));

#define HZ 1000
#define jiffies (__jiffies())
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
#define msecs_to_jiffies(m) ((unsigned long)(m) * HZ / 1000)
#define usecs_to_jiffies(u) (((unsigned long)(u) + 999) / 1000)

static inline void *memcpy(void *d, const void *s, size_t n) { return __builtin_memcpy(d, s, n); }
static inline void *memset(void *d, int c, size_t n) { return __builtin_memset(d, c, n); }
static inline int memcmp(const void *a, const void *b, size_t n) {
	const u8 *x = a, *y = b;
	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}
static inline size_t strlen(const char *s) {
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

#define BUG() panic("BUG at " __FILE__)
#define BUG_ON(c) do { if (unlikely(c)) BUG(); } while (0)
#define WARN_ON(c) ({ int __w = !!(c); if (unlikely(__w)) printk(KERN_WARNING "WARNING at %s:%d\n", __FILE__, __LINE__); __w; })

/* Spinlocks: the simulated kernel runs one context at a time, so a lock is a depth counter
 * kept in driver memory; it exists so drivers have Linux's shape and so a lock held at the
 * moment a driver fails is visible to recovery. */
typedef struct { int locked; } spinlock_t;
#define spin_lock_init(l) ((l)->locked = 0)
#define spin_lock(l) ((l)->locked++)
#define spin_unlock(l) ((l)->locked--)
#define spin_lock_irqsave(l, f) ((f) = 0, (l)->locked++)
#define spin_unlock_irqrestore(l, f) ((void)(f), (l)->locked--)
#define spin_lock_irq(l) spin_lock(l)
#define spin_unlock_irq(l) spin_unlock(l)

/* Timers */
struct timer_list {
	unsigned long expires;
	void (*function)(struct timer_list *);
	u32 flags;
};
extern int mod_timer(struct timer_list *t, unsigned long expires);
extern int del_timer(struct timer_list *t);
#define del_timer_sync del_timer
static inline void timer_setup(struct timer_list *t, void (*fn)(struct timer_list *), u32 flags) {
	t->function = fn;
	t->flags = flags;
	t->expires = 0;
}
#define from_timer(var, t, field) container_of(t, __typeof__(*var), field)

/* Devices and logging */
struct device {
	const char *name;
	void *driver_data;
};
extern int _dev_printk(int level, const struct device *dev, const char *fmt, ...);
#define dev_err(d, fmt, ...) _dev_printk(3, d, fmt, ##__VA_ARGS__)
#define dev_warn(d, fmt, ...) _dev_printk(4, d, fmt, ##__VA_ARGS__)
#define dev_info(d, fmt, ...) _dev_printk(6, d, fmt, ##__VA_ARGS__)
#define dev_dbg(d, fmt, ...) ((void)0)
#define pr_err(fmt, ...) printk(KERN_ERR fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...) printk(KERN_INFO fmt, ##__VA_ARGS__)

/* Interrupts */
typedef int irqreturn_t;
#define IRQ_NONE 0
#define IRQ_HANDLED 1
#define IRQF_SHARED 0x80
typedef irqreturn_t (*irq_handler_t)(int irq, void *dev_id);
extern int request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char *name, void *dev_id);
extern void free_irq(unsigned int irq, void *dev_id);
extern void disable_irq(unsigned int irq);
extern void enable_irq(unsigned int irq);

/* Modules: the kernel calls the exported init_module/cleanup_module, as insmod/rmmod do. */
#define module_init(fn) __attribute__((export_name("init_module"))) int __ds_init(void) { return fn(); }
#define module_exit(fn) __attribute__((export_name("cleanup_module"))) void __ds_exit(void) { fn(); }
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_DEVICE_TABLE(t, n)

#endif
