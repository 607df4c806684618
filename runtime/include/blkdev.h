/*
 * A block layer in the shape of blk-mq: the kernel hands the driver one request at a time through
 * queue_rq; the driver completes it later with blk_mq_end_request. Request data lives in a bounce
 * buffer in the driver's domain, copied in (writes) and out (reads) by the kernel.
 */
#ifndef DS_BLKDEV_H
#define DS_BLKDEV_H
#include "kernel.h"

#define SECTOR_SHIFT 9
#define SECTOR_SIZE 512

enum req_op { REQ_OP_READ = 0, REQ_OP_WRITE = 1, REQ_OP_FLUSH = 2 };
typedef u8 blk_status_t;
#define BLK_STS_OK 0
#define BLK_STS_RESOURCE 9
#define BLK_STS_IOERR 10

struct request {
	u32 sector;
	u32 nr_sectors;
	u32 op;
	void *buffer;
	u32 tag;
	u32 handle;
};
_Static_assert(sizeof(struct request) == 24, "request ABI");

struct gendisk;
struct block_device_operations {
	blk_status_t (*queue_rq)(struct gendisk *disk, struct request *rq);
	int (*ioctl)(struct gendisk *disk, unsigned int cmd, unsigned long arg);
	int (*open)(struct gendisk *disk);
	void (*release)(struct gendisk *disk);
};

struct gendisk {
	char disk_name[16];
	u32 capacity; /* sectors */
	const struct block_device_operations *fops;
	void *private_data;
	u32 queue_depth;
	u32 handle;
};
_Static_assert(offsetof(struct gendisk, capacity) == 16 && offsetof(struct gendisk, fops) == 20 &&
	       offsetof(struct gendisk, queue_depth) == 28 && sizeof(struct gendisk) == 36, "gendisk ABI");

extern struct gendisk *blk_mq_alloc_disk(unsigned int queue_depth, void *private_data);
extern int add_disk(struct gendisk *disk);
extern void del_gendisk(struct gendisk *disk);
extern void put_disk(struct gendisk *disk);
extern void blk_mq_end_request(struct request *rq, blk_status_t status);
extern void blk_mq_stop_hw_queues(struct gendisk *disk);
extern void blk_mq_start_hw_queues(struct gendisk *disk);
static inline void set_capacity(struct gendisk *d, u32 sectors) { d->capacity = sectors; }
static inline unsigned int blk_rq_bytes(const struct request *rq) { return rq->nr_sectors << SECTOR_SHIFT; }
#define BLKFLSBUF 0x1261
#define BLKGETSIZE 0x1260

#endif
