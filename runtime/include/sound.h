/*
 * A PCM and control interface in the shape of ALSA's: a card with one playback PCM whose ops the
 * core calls (open, hw_params, prepare, trigger, pointer, close), a DMA ring buffer the core
 * allocates in the driver's domain, snd_pcm_period_elapsed from the interrupt handler, and mixer
 * controls with get/put.
 */
#ifndef DS_SOUND_H
#define DS_SOUND_H
#include "kernel.h"

typedef u32 snd_pcm_uframes_t;
#define SNDRV_PCM_TRIGGER_STOP 0
#define SNDRV_PCM_TRIGGER_START 1

struct snd_card {
	char id[16];
	void *private_data;
	u32 handle;
};
_Static_assert(sizeof(struct snd_card) == 24, "snd_card ABI");

struct snd_pcm_substream {
	void *private_data;
	u8 *dma_area;
	dma_addr_t dma_addr;
	u32 buffer_bytes;
	u32 period_bytes;
	u32 rate;
	u32 channels;
	u32 handle;
};
_Static_assert(offsetof(struct snd_pcm_substream, period_bytes) == 16 && sizeof(struct snd_pcm_substream) == 32, "substream ABI");

struct snd_pcm_ops {
	int (*open)(struct snd_pcm_substream *s);
	int (*close)(struct snd_pcm_substream *s);
	int (*hw_params)(struct snd_pcm_substream *s);
	int (*prepare)(struct snd_pcm_substream *s);
	int (*trigger)(struct snd_pcm_substream *s, int cmd);
	snd_pcm_uframes_t (*pointer)(struct snd_pcm_substream *s);
};

struct snd_pcm {
	struct snd_card *card;
	const struct snd_pcm_ops *ops;
	void *private_data;
	u32 handle;
};

struct snd_kcontrol_new {
	const char *name;
	int min, max;
	int (*get)(struct snd_card *card, int *value);
	int (*put)(struct snd_card *card, int value);
};
_Static_assert(offsetof(struct snd_kcontrol_new, get) == 12 && sizeof(struct snd_kcontrol_new) == 20, "kcontrol ABI");

extern int snd_card_new(struct device *parent, int idx, const char *id, int extra_size, struct snd_card **card);
extern int snd_card_register(struct snd_card *card);
extern int snd_card_free(struct snd_card *card);
extern int snd_pcm_new(struct snd_card *card, const char *id, int device, struct snd_pcm **pcm);
extern void snd_pcm_set_ops(struct snd_pcm *pcm, const struct snd_pcm_ops *ops);
extern int snd_pcm_lib_malloc_pages(struct snd_pcm_substream *s, size_t size);
extern int snd_pcm_lib_free_pages(struct snd_pcm_substream *s);
extern void snd_pcm_period_elapsed(struct snd_pcm_substream *s);
extern int snd_ctl_add(struct snd_card *card, const struct snd_kcontrol_new *ctl);
static inline u32 bytes_to_frames(struct snd_pcm_substream *s, u32 bytes) { return bytes / (2 * s->channels); }

#endif
