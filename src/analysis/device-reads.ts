/**
 * Device reads: the taint sources. Kept as data so the list is documented (docs/device-reads.md)
 * and can be extended from a config file (`--device-reads file.json`, same shape).
 *
 * Carburizer (2009) knew inb/readl/ioread and ioremap'd pointers; it missed readq, `__raw_*`,
 * `*_relaxed`, PCI config reads, regmap, I2C/SPI reads and the contents of DMA and USB buffers.
 * We cover all of those.
 */

export type ReadCategory = 'pio' | 'mmio' | 'pci-config' | 'regmap' | 'i2c' | 'spi' | 'usb' | 'dma';

export interface DeviceReadApi {
  /** Exact function or macro name, or a regular expression (anchored) in `pattern`. */
  name?: string;
  pattern?: string;
  category: ReadCategory;
  /**
   * - `return`: the call's value is device data;
   * - `out`: argument `arg` (usually `&v`) receives one device value;
   * - `buffer`: argument `arg` points to a buffer the device fills;
   * - `region`: the returned pointer points at memory the device writes (DMA-coherent).
   */
  kind: 'return' | 'out' | 'buffer' | 'region';
  arg?: number;
  /**
   * For `return` and `out` reads: how many bits of device data the value holds (`readb` 8, `readw`
   * 16, `regmap_read` 32: its `unsigned int`, `i2c_smbus_read_byte_data` 8: its data, the `s32` being
   * there only for the errno). The value read, as an unsigned number, is below 2^bits wherever it is
   * stored afterwards; with `errorCodes` that holds for the data, not for a negative errno.
   */
  bits?: number;
  /** The return value is also a negative errno on bus failure (I2C/SPI helpers). */
  errorCodes?: boolean;
  /** Only when argument `when.arg`'s text matches `when.pattern` (e.g. a USB receive pipe). */
  when?: { arg: number; pattern: string };
  /** Not when argument `unless.arg`'s text matches `unless.pattern` (e.g. a PCI ID register). */
  unless?: { arg: number; pattern: string };
}

/**
 * Does this call read the device? Applies `when` and `unless`, which look at an argument's text.
 */
export function readApplies(api: DeviceReadApi, argTexts: (i: number) => string | undefined): boolean {
  if (api.when) {
    const a = argTexts(api.when.arg);
    if (a === undefined || !compiled(api.when.pattern).test(a)) return false;
  }
  if (api.unless) {
    const a = argTexts(api.unless.arg);
    if (a !== undefined && compiled(api.unless.pattern).test(a.trim())) return false;
  }
  return true;
}

const regexps = new Map<string, RegExp>();
function compiled(pattern: string): RegExp {
  let re = regexps.get(pattern);
  if (!re) regexps.set(pattern, (re = new RegExp(pattern)));
  return re;
}

/**
 * The identity registers of a PCI function (vendor, device, subsystem vendor and subsystem IDs,
 * by name or offset). The PCI core read them at enumeration and bound this driver only because they
 * matched its ID table: the driver re-reading them learns nothing the core has not validated.
 */
export const PCI_ID_REGISTERS =
  '^(PCI_(VENDOR_ID|DEVICE_ID|SUBSYSTEM_VENDOR_ID|SUBSYSTEM_ID)|0x0*(0|2|2[cC]|2[eE])|0|2|44|46)$';

export const DEVICE_READS: DeviceReadApi[] = [
  // Port I/O
  { pattern: 'inb(_p)?', category: 'pio', kind: 'return', bits: 8 },
  { pattern: 'inw(_p)?', category: 'pio', kind: 'return', bits: 16 },
  { pattern: 'inl(_p)?', category: 'pio', kind: 'return', bits: 32 },
  { pattern: 'ins[bwl]', category: 'pio', kind: 'buffer', arg: 1 },
  // Memory-mapped I/O
  { pattern: '(__raw_)?readb(_relaxed)?', category: 'mmio', kind: 'return', bits: 8 },
  { pattern: '(__raw_)?readw(_relaxed)?', category: 'mmio', kind: 'return', bits: 16 },
  { pattern: '(__raw_)?readl(_relaxed)?', category: 'mmio', kind: 'return', bits: 32 },
  { pattern: '(__raw_)?readq(_relaxed)?', category: 'mmio', kind: 'return', bits: 64 },
  { pattern: 'ioread8', category: 'mmio', kind: 'return', bits: 8 },
  { pattern: 'ioread16(be)?', category: 'mmio', kind: 'return', bits: 16 },
  { pattern: 'ioread32(be)?', category: 'mmio', kind: 'return', bits: 32 },
  { pattern: 'ioread64(be)?', category: 'mmio', kind: 'return', bits: 64 },
  { pattern: 'ioread64_(lo_hi|hi_lo)', category: 'mmio', kind: 'return', bits: 64 },
  { pattern: '(lo_hi|hi_lo)_readq(_relaxed)?', category: 'mmio', kind: 'return', bits: 64 },
  { pattern: 'ioread(8|16|32|64)(be)?_rep', category: 'mmio', kind: 'buffer', arg: 1 },
  { pattern: 'reads[bwlq]', category: 'mmio', kind: 'buffer', arg: 1 },
  { pattern: '(_)?memcpy_fromio', category: 'mmio', kind: 'buffer', arg: 0 },
  { pattern: 'in_8', category: 'mmio', kind: 'return', bits: 8 },
  { pattern: 'in_(le|be)16', category: 'mmio', kind: 'return', bits: 16 },
  { pattern: 'in_(le|be)32', category: 'mmio', kind: 'return', bits: 32 },
  { pattern: 'in_(le|be)64', category: 'mmio', kind: 'return', bits: 64 },
  // PCI configuration space
  ...(
    [
      ['byte', 8],
      ['word', 16],
      ['dword', 32],
    ] as const
  ).flatMap(([size, bits]): DeviceReadApi[] => [
    {
      name: `pci_read_config_${size}`,
      category: 'pci-config',
      kind: 'out',
      arg: 2,
      bits,
      unless: { arg: 1, pattern: PCI_ID_REGISTERS },
    },
    { name: `pci_bus_read_config_${size}`, category: 'pci-config', kind: 'out', arg: 3, bits },
    { name: `pci_user_read_config_${size}`, category: 'pci-config', kind: 'out', arg: 2, bits },
  ]),
  { name: 'pcie_capability_read_word', category: 'pci-config', kind: 'out', arg: 2, bits: 16 },
  { name: 'pcie_capability_read_dword', category: 'pci-config', kind: 'out', arg: 2, bits: 32 },
  // regmap: values are `unsigned int`
  { name: 'regmap_read', category: 'regmap', kind: 'out', arg: 2, bits: 32 },
  { name: 'regmap_read_bypassed', category: 'regmap', kind: 'out', arg: 2, bits: 32 },
  { name: 'regmap_field_read', category: 'regmap', kind: 'out', arg: 1, bits: 32 },
  { name: 'regmap_fields_read', category: 'regmap', kind: 'out', arg: 2, bits: 32 },
  { name: 'regmap_bulk_read', category: 'regmap', kind: 'buffer', arg: 2 },
  { name: 'regmap_raw_read', category: 'regmap', kind: 'buffer', arg: 2 },
  { name: 'regmap_noinc_read', category: 'regmap', kind: 'buffer', arg: 2 },
  // I2C / SMBus: an s32 that is a negative errno or the data (a byte or a word)
  { pattern: 'i2c_smbus_read_byte(_data)?', category: 'i2c', kind: 'return', errorCodes: true, bits: 8 },
  {
    pattern: 'i2c_smbus_read_word_(data|swapped)',
    category: 'i2c',
    kind: 'return',
    errorCodes: true,
    bits: 16,
  },
  { name: 'i2c_smbus_read_block_data', category: 'i2c', kind: 'buffer', arg: 2 },
  { pattern: 'i2c_smbus_read_i2c_block_data(_or_emulated)?', category: 'i2c', kind: 'buffer', arg: 3 },
  { name: 'i2c_master_recv', category: 'i2c', kind: 'buffer', arg: 1 },
  // SPI: a negative errno or the data
  { name: 'spi_w8r8', category: 'spi', kind: 'return', errorCodes: true, bits: 8 },
  { pattern: 'spi_w8r16(be)?', category: 'spi', kind: 'return', errorCodes: true, bits: 16 },
  { name: 'spi_read', category: 'spi', kind: 'buffer', arg: 1 },
  { name: 'spi_write_then_read', category: 'spi', kind: 'buffer', arg: 3 },
  // USB: receive transfers only
  { name: 'usb_control_msg', category: 'usb', kind: 'buffer', arg: 6, when: { arg: 1, pattern: 'rcv' } },
  { name: 'usb_control_msg_recv', category: 'usb', kind: 'buffer', arg: 6 },
  { name: 'usb_bulk_msg', category: 'usb', kind: 'buffer', arg: 2, when: { arg: 1, pattern: 'rcv' } },
  { name: 'usb_interrupt_msg', category: 'usb', kind: 'buffer', arg: 2, when: { arg: 1, pattern: 'rcv' } },
  // DMA-coherent memory: the device writes it behind the CPU's back
  { pattern: '(dma|dmam|pci)_(alloc|zalloc)_coherent', category: 'dma', kind: 'region' },
];

/** Struct fields that point at device-written memory wherever they appear. */
export const DEVICE_BUFFER_FIELDS: { field: string; category: ReadCategory }[] = [
  { field: 'transfer_buffer', category: 'usb' },
];

export class DeviceReadTable {
  private readonly exact = new Map<string, DeviceReadApi>();
  private readonly patterns: { re: RegExp; api: DeviceReadApi }[] = [];
  /** Matches a name any of {@link patterns} matches. */
  private readonly anyPattern: RegExp;
  /** A quick text pre-filter: a file that mentions none of these cannot read the device directly. */
  readonly prefilter: RegExp;
  readonly bufferFields: Map<string, ReadCategory>;

  constructor(apis: readonly DeviceReadApi[] = DEVICE_READS, fields = DEVICE_BUFFER_FIELDS) {
    for (const a of apis) {
      if (a.name) this.exact.set(a.name, a);
      else if (a.pattern) this.patterns.push({ re: new RegExp(`^(?:${a.pattern})$`), api: a });
    }
    const sources = this.patterns.map((p) => p.api.pattern!);
    // Joined, a back-reference (`\1`) would name another group: such a table asks each pattern.
    this.anyPattern = sources.some((x) => /\\[1-9]/.test(x))
      ? /^/
      : new RegExp(`^(?:${sources.join('|') || '$^'})$`);
    const alts = [...this.exact.keys(), ...this.patterns.map((p) => p.api.pattern!)];
    this.prefilter = new RegExp(
      `\\b(?:${alts.join('|')})\\s*\\(|${fields.map((f) => f.field).join('|') || '$^'}`,
    );
    this.bufferFields = new Map(fields.map((f) => [f.field, f.category]));
  }

  lookup(name: string): DeviceReadApi | undefined {
    const e = this.exact.get(name);
    if (e) return e;
    // One test for most names, which match no pattern. (Not a cache by name: call names are
    // slices of their file's text and would keep every file alive in a table that lives on.)
    if (!this.anyPattern.test(name)) return undefined;
    for (const p of this.patterns) if (p.re.test(name)) return p.api;
    return undefined;
  }

  /** A table with more APIs (from a user's config file). */
  extend(apis: readonly DeviceReadApi[]): DeviceReadTable {
    const all = [...this.exact.values(), ...this.patterns.map((p) => p.api), ...apis];
    return new DeviceReadTable(
      all,
      [...this.bufferFields].map(([field, category]) => ({ field, category })),
    );
  }
}

export function validateDeviceReads(data: unknown): DeviceReadApi[] {
  if (!Array.isArray(data)) throw new Error('device-read config must be a JSON array of API entries');
  const kinds = new Set(['return', 'out', 'buffer', 'region']);
  return data.map((d, i) => {
    const e = d as DeviceReadApi;
    if (!e || (typeof e.name !== 'string' && typeof e.pattern !== 'string'))
      throw new Error(`device-read entry ${i}: needs "name" or "pattern"`);
    if (!kinds.has(e.kind))
      throw new Error(`device-read entry ${i}: "kind" must be one of ${[...kinds].join(', ')}`);
    if ((e.kind === 'out' || e.kind === 'buffer') && typeof e.arg !== 'number')
      throw new Error(`device-read entry ${i}: kind "${e.kind}" needs a numeric "arg"`);
    if (typeof e.category !== 'string') throw new Error(`device-read entry ${i}: needs a "category"`);
    if (e.bits !== undefined && ![8, 16, 32, 64].includes(e.bits))
      throw new Error(`device-read entry ${i}: "bits" must be 8, 16, 32 or 64`);
    return e;
  });
}

export const defaultDeviceReads = new DeviceReadTable();
