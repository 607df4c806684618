/*
 * Device access. MMIO cookies from pci_iomap and port numbers are not memory in the driver's
 * domain: every access is a call into the kernel, which routes it to the device model. Each
 * access carries its source line so a fault can be forced at one read site, as Carburizer's
 * injector forced values at chosen call sites.
 */
#ifndef DS_IO_H
#define DS_IO_H
#include "kernel.h"

extern u32 __ds_ioread(const volatile void __iomem *addr, int width, int site);
extern void __ds_iowrite(u32 val, volatile void __iomem *addr, int width, int site);
extern u32 __ds_in(unsigned long port, int width, int site);
extern void __ds_out(u32 val, unsigned long port, int width, int site);

#define readb(a) ((u8)__ds_ioread((a), 1, __LINE__))
#define readw(a) ((u16)__ds_ioread((a), 2, __LINE__))
#define readl(a) ((u32)__ds_ioread((a), 4, __LINE__))
#define writeb(v, a) __ds_iowrite((u8)(v), (a), 1, __LINE__)
#define writew(v, a) __ds_iowrite((u16)(v), (a), 2, __LINE__)
#define writel(v, a) __ds_iowrite((u32)(v), (a), 4, __LINE__)
#define ioread8 readb
#define ioread16 readw
#define ioread32 readl
#define iowrite8 writeb
#define iowrite16 writew
#define iowrite32 writel
#define inb(p) ((u8)__ds_in((p), 1, __LINE__))
#define inw(p) ((u16)__ds_in((p), 2, __LINE__))
#define inl(p) ((u32)__ds_in((p), 4, __LINE__))
#define outb(v, p) __ds_out((u8)(v), (p), 1, __LINE__)
#define outw(v, p) __ds_out((u16)(v), (p), 2, __LINE__)
#define outl(v, p) __ds_out((u32)(v), (p), 4, __LINE__)
/* Posted-write flush: a read of any register. */
#define wmb() __asm__ __volatile__("" ::: "memory")
#define rmb() __asm__ __volatile__("" ::: "memory")
#define mb() __asm__ __volatile__("" ::: "memory")

#endif
