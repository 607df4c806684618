/** Unit tests of the study's rules: purposes from field names, API categories, text helpers, loops. */
import { describe, expect, it } from 'vitest';
import { BUS_APIS, DEVICE_ACCESS, KERNEL_APIS, NameClassifier } from '../../src/study/apis.js';
import { extractFile, isTerminator, splitArgs, stripComments } from '../../src/study/extract.js';
import { purposeOfField, purposeOfName } from '../../src/study/purpose.js';
import { classFromPath, studyModule } from '../../src/study/record.js';

describe('purpose of an entry point from its field name', () => {
  it.each([
    ['probe', 'pci_driver', 'init'],
    ['remove', 'platform_driver', 'cleanup'],
    ['disconnect', 'usb_driver', 'cleanup'],
    ['ndo_open', 'net_device_ops', 'init'],
    ['ndo_stop', 'net_device_ops', 'cleanup'],
    ['ndo_start_xmit', 'net_device_ops', 'coreIo'],
    ['ndo_tx_timeout', 'net_device_ops', 'error'],
    ['ndo_eth_ioctl', 'net_device_ops', 'ioctl'],
    ['unlocked_ioctl', 'file_operations', 'ioctl'],
    ['compat_ioctl', 'file_operations', 'ioctl'],
    ['read', 'file_operations', 'coreIo'],
    ['read', 'bin_attribute', 'procSysfs'],
    ['show', 'device_attribute', 'procSysfs'],
    ['suspend', 'usb_driver', 'pm'],
    ['reset_resume', 'usb_driver', 'pm'],
    ['runtime_suspend', 'dev_pm_ops', 'pm'],
    ['prepare', 'dev_pm_ops', 'pm'],
    ['prepare', 'snd_pcm_ops', 'config'],
    ['resume', 'pci_error_handlers', 'error'],
    ['slot_reset', 'pci_error_handlers', 'error'],
    ['eh_abort_handler', 'scsi_host_template', 'error'],
    ['queuecommand', 'scsi_host_template', 'coreIo'],
    ['get_link_ksettings', 'ethtool_ops', 'config'],
    ['hw_params', 'snd_pcm_ops', 'config'],
    ['trigger', 'snd_pcm_ops', 'coreIo'],
    ['pointer', 'snd_pcm_ops', 'coreIo'],
    ['get', 'snd_kcontrol_new', 'config'],
    ['owner', 'file_operations', 'other'],
  ])('.%s in struct %s → %s', (field, struct, purpose) => {
    expect(purposeOfField(field, struct)).toBe(purpose);
  });

  it('reads a purpose from a callback’s own name, with a fallback', () => {
    expect(purposeOfName('e1000_reset_task')).toBe('error');
    expect(purposeOfName('foo_poll_work', 'coreIo')).toBe('coreIo');
    expect(purposeOfName('foo_frobnicate', 'coreIo')).toBe('coreIo');
    expect(purposeOfName('foo_frobnicate')).toBe('other');
  });
});

describe('API categories', () => {
  const da = new NameClassifier(DEVICE_ACCESS);
  const bus = new NameClassifier(BUS_APIS);
  const k = new NameClassifier(KERNEL_APIS);
  it('classifies device access', () => {
    expect(
      ['inb', 'readl', 'writel_relaxed', 'ioread32', 'dma_map_single', 'foo'].map((n) => da.classify(n)),
    ).toEqual(['portIo', 'mmio', 'mmio', 'mmio', 'dma', undefined]);
  });
  it('classifies bus APIs and kernel services, longest prefix first', () => {
    expect(bus.classify('pci_enable_device')).toBe('pci');
    expect(bus.classify('usb_submit_urb')).toBe('usb');
    expect(bus.classify('regmap_update_bits')).toBe('regmap');
    expect(k.classify('kzalloc')).toBe('memory');
    expect(k.classify('devm_kzalloc')).toBe('memory');
    expect(k.classify('spin_lock_irqsave')).toBe('sync');
    expect(k.classify('msleep')).toBe('timers');
    expect(k.classify('dev_err')).toBe('kernelLibrary');
    expect(k.classify('netif_napi_add')).toBe('deviceLibrary');
    expect(k.classify('request_firmware')).toBe('kernelServices');
  });
  it('keeps every list free of duplicates across categories', () => {
    for (const lists of [DEVICE_ACCESS, KERNEL_APIS] as Record<string, { exact: readonly string[] }>[]) {
      const seen = new Map<string, string>();
      for (const [cat, l] of Object.entries(lists))
        for (const e of l.exact) {
          expect(seen.get(e), `${e} in ${cat} and ${seen.get(e)}`).toBeUndefined();
          seen.set(e, cat);
        }
    }
  });
});

describe('text helpers', () => {
  it('strips comments but not strings, keeping lines', () => {
    const { text, codeLine } = stripComments('a = "/* x */"; // c\n/* b\n c */\nint d;\n');
    expect(text.split('\n')[0]).toBe('a = "/* x */";     ');
    expect([...codeLine.slice(0, 4)]).toEqual([1, 0, 0, 1]);
  });
  it('recognises table terminators', () => {
    for (const t of [
      '{}',
      '{ }',
      '{ 0 }',
      '{ 0, }',
      '{ /* sentinel */ }',
      '{ .compatible = "" }',
      '{ NULL }',
    ])
      expect(isTerminator(t)).toBe(true);
    for (const t of ['{ PCI_DEVICE(1, 2) }', '{ .compatible = "a,b" }', '{ "foo", 0 }'])
      expect(isTerminator(t)).toBe(false);
  });
  it('splits macro arguments at top-level commas', () => {
    expect(splitArgs('a, f(b, c), { d, e }, "x"')).toEqual(['a', 'f(b, c)', '{ d, e }', '"x"']);
  });
  it('maps tree locations to classes', () => {
    expect(classFromPath('drivers/net/wireless/foo')).toEqual({ class: 'net', subclass: 'wireless' });
    expect(classFromPath('drivers/ata')).toEqual({ class: 'scsi', subclass: 'ata' });
    expect(classFromPath('sound/soc/codecs')).toEqual({ class: 'sound', subclass: 'soc' });
  });
});

describe('one-pass extraction', () => {
  it('reads calls with identifier arguments, field stores, loops and cases', async () => {
    const f = await extractFile(
      'x.c',
      `static int f(struct d *d, u8 *buf)
{
	int i, s = 0;
	d->handler = my_irq;
	request_irq(d->irq, my_irq, 0, "x", d);
	list_for_each_entry(p, &d->list, node) {
		s ^= p->v << 1;
	}
	for (i = 0; i < 8; i++)
		s += buf[i] * 3 + (buf[i] >> 2);
	switch (s) { case 1: case 2: break; }
	return ops->go(d);
}
`,
    );
    const fn = f.functions[0]!;
    expect(fn.name).toBe('f');
    expect(fn.isStatic).toBe(true);
    expect(fn.fieldAssigns).toEqual([['handler', 'my_irq']]);
    const req = fn.calls.find((c) => c.name === 'request_irq')!;
    expect(req.args).toEqual(['my_irq', 'd']);
    expect(fn.calls.find((c) => c.name === 'go')!.direct).toBe(false);
    expect(fn.cases).toBe(2);
    const loop = fn.loops.find((l) => l.line === 9)!;
    expect(loop.ops).toBe(4); // += * + >>
    expect(loop.mem).toBe(2);
    expect(fn.loops.find((l) => l.line === 6)!.calls).toContain('list_for_each_entry');
  });
});

describe('power management through library callbacks', () => {
  const study = async (fields: string) => {
    const src = `static int x_probe(struct pci_dev *p) { return 0; }\nstatic struct pci_driver x_driver = { .probe = x_probe, ${fields} };\n`;
    const f = await extractFile('/t/x.c', src);
    return studyModule({ name: 'x', dir: '/t', files: ['/t/x.c'], fromMakefile: true }, [f], '/');
  };
  it('counts a PM field pointing at a function the driver does not define', async () => {
    expect((await study('.suspend = ata_pci_device_suspend,')).powerManagement).toBe(true);
    expect((await study('.driver.pm = pm_sleep_ptr(&x_pm_ops),')).powerManagement).toBe(true);
  });
  it('does not count drivers without PM fields, with NULL ones, or PM-named flags', async () => {
    expect((await study('.remove = x_remove,')).powerManagement).toBe(false);
    expect((await study('.suspend = NULL,')).powerManagement).toBe(false);
    expect((await study('.suspend_bias_off = 1,')).powerManagement).toBe(false);
  });
  it('counts serio reconnect (run on resume) as power management', () => {
    expect(purposeOfField('reconnect', 'serio_driver')).toBe('pm');
    expect(purposeOfField('reconnect', 'foo_ops')).not.toBe('pm');
  });
});

describe('bus from the device-ID tables when no driver structure is seen', () => {
  it('takes USB from a usb_device_id table inside a wrapper driver struct', async () => {
    const src = `static const struct usb_device_id w_ids[] = { { USB_DEVICE(1, 2) }, { USB_DEVICE(1, 3) }, {} };
struct w_driver { struct usb_driver driver; };
static struct w_driver w = { .driver = { .probe = w_probe, .id_table = w_ids } };
static int w_probe(struct usb_interface *i, const struct usb_device_id *id) { return 0; }
`;
    const f = await extractFile('/t/w.c', src);
    const rec = studyModule({ name: 'w', dir: '/t', files: ['/t/w.c'], fromMakefile: true }, [f], '/');
    expect(rec.bus).toBe('USB');
    expect(rec.chipsets).toBe(2);
    expect(rec.entryPoints.find((e) => e.function === 'w_probe')?.purpose).toBe('init');
  });
});
