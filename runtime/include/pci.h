#ifndef DS_PCI_H
#define DS_PCI_H
#include "kernel.h"
#include "io.h"

struct pci_device_id {
	u16 vendor;
	u16 device;
	u32 driver_data;
};
#define PCI_DEVICE(v, d) .vendor = (v), .device = (d)

/* Filled in by the kernel (a copy in the driver's domain, as Nooks wrappers copy kernel objects). */
struct pci_dev {
	struct device dev;
	u16 vendor;
	u16 device;
	u8 revision;
	unsigned int irq;
	u32 handle;
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;
	int (*probe)(struct pci_dev *pdev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *pdev);
	int (*suspend)(struct pci_dev *pdev, u32 state);
	int (*resume)(struct pci_dev *pdev);
};

/* The kernel reads and writes these structures in the driver's memory: keep the layout fixed. */
_Static_assert(offsetof(struct pci_dev, vendor) == 8 && offsetof(struct pci_dev, irq) == 16 && sizeof(struct pci_dev) == 24, "pci_dev ABI");
_Static_assert(offsetof(struct pci_driver, probe) == 8 && offsetof(struct pci_driver, resume) == 20, "pci_driver ABI");

extern int pci_register_driver(struct pci_driver *drv);
extern void pci_unregister_driver(struct pci_driver *drv);
extern int pci_enable_device(struct pci_dev *pdev);
extern void pci_disable_device(struct pci_dev *pdev);
extern void pci_set_master(struct pci_dev *pdev);
extern int pci_request_regions(struct pci_dev *pdev, const char *name);
extern void pci_release_regions(struct pci_dev *pdev);
extern void __iomem *pci_iomap(struct pci_dev *pdev, int bar, unsigned long maxlen);
extern void pci_iounmap(struct pci_dev *pdev, void __iomem *addr);
extern unsigned long pci_resource_start(struct pci_dev *pdev, int bar);
extern int pci_read_config_dword(struct pci_dev *pdev, int where, u32 *val);
extern int pci_save_state(struct pci_dev *pdev);
extern int pci_restore_state(struct pci_dev *pdev);
extern int pci_set_power_state(struct pci_dev *pdev, int state);
#define PCI_D0 0
#define PCI_D3hot 3
static inline void pci_set_drvdata(struct pci_dev *p, void *d) { p->dev.driver_data = d; }
static inline void *pci_get_drvdata(struct pci_dev *p) { return p->dev.driver_data; }

/* Coherent DMA memory lives in the driver's domain; the bus address is what the device sees. */
extern void *dma_alloc_coherent(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp);
extern void dma_free_coherent(struct device *dev, size_t size, void *cpu, dma_addr_t handle);

#endif
