#ifndef DS_NETDEVICE_H
#define DS_NETDEVICE_H
#include "kernel.h"

#define ETH_ALEN 6
#define ETH_ZLEN 60
#define ETH_FRAME_LEN 1514

struct sk_buff {
	u8 *data;
	u32 len;
	u32 size; /* capacity of data */
	u32 handle;
};

struct net_device;
typedef int netdev_tx_t;
#define NETDEV_TX_OK 0
#define NETDEV_TX_BUSY 16

struct net_device_ops {
	int (*ndo_open)(struct net_device *dev);
	int (*ndo_stop)(struct net_device *dev);
	netdev_tx_t (*ndo_start_xmit)(struct sk_buff *skb, struct net_device *dev);
	void (*ndo_tx_timeout)(struct net_device *dev, unsigned int txqueue);
	int (*ndo_do_ioctl)(struct net_device *dev, int cmd, void *arg);
	void (*ndo_set_rx_mode)(struct net_device *dev);
};

struct net_device_stats {
	unsigned long rx_packets, tx_packets, rx_bytes, tx_bytes, rx_errors, tx_errors, rx_dropped;
};

struct net_device {
	char name[16];
	u8 dev_addr[ETH_ALEN];
	u16 pad;
	u32 mtu;
	u32 flags;
	u32 watchdog_timeo;
	const struct net_device_ops *netdev_ops;
	struct net_device_stats stats;
	struct device *parent;
	void *priv;
	u32 handle;
};
_Static_assert(offsetof(struct net_device, mtu) == 24 && offsetof(struct net_device, netdev_ops) == 36 &&
	       offsetof(struct net_device, stats) == 40 && offsetof(struct net_device, priv) == 72 &&
	       sizeof(struct net_device) == 80, "net_device ABI");
_Static_assert(sizeof(struct sk_buff) == 16, "sk_buff ABI");
_Static_assert(offsetof(struct net_device_ops, ndo_start_xmit) == 8 && offsetof(struct net_device_ops, ndo_do_ioctl) == 16, "net_device_ops ABI");
#define IFF_PROMISC 0x100

extern struct net_device *alloc_etherdev(int sizeof_priv);
extern void free_netdev(struct net_device *dev);
extern int register_netdev(struct net_device *dev);
extern void unregister_netdev(struct net_device *dev);
extern struct sk_buff *netdev_alloc_skb(struct net_device *dev, unsigned int len);
extern void dev_kfree_skb_any(struct sk_buff *skb);
extern int netif_rx(struct sk_buff *skb);
extern void netif_stop_queue(struct net_device *dev);
extern void netif_wake_queue(struct net_device *dev);
extern void netif_carrier_on(struct net_device *dev);
extern void netif_carrier_off(struct net_device *dev);
#define netif_start_queue netif_wake_queue
#define SET_NETDEV_DEV(n, d) ((n)->parent = (d))
static inline void *netdev_priv(const struct net_device *dev) { return dev->priv; }
static inline u8 *skb_put(struct sk_buff *skb, unsigned int len) {
	u8 *p = skb->data + skb->len;
	skb->len += len;
	return p;
}
#define dev_kfree_skb_irq dev_kfree_skb_any
#define SIOCDEVPRIVATE 0x89F0

#endif
