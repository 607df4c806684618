import { describe, expect, it } from 'vitest';
import { DeviceReadTable, defaultDeviceReads, validateDeviceReads } from '../../src/analysis/device-reads.js';
import { integerType, widthThrough } from '../../src/analysis/ranges.js';

describe('DeviceReadTable.lookup', () => {
  const table = new DeviceReadTable();

  it('finds exact names and names matching a pattern, and nothing else', () => {
    expect(table.lookup('readl')?.category).toBe('mmio');
    expect(table.lookup('ioread32be')?.category).toBe('mmio');
    expect(table.lookup('pci_read_config_dword')?.kind).toBe('out');
    expect(table.lookup('i2c_smbus_read_byte_data')?.kind).toBe('return');
    expect(table.lookup('dma_alloc_coherent')?.kind).toBe('region');
    // Near misses: a pattern matches the whole name only.
    expect(table.lookup('readl_poll')).toBeUndefined();
    expect(table.lookup('my_readl')).toBeUndefined();
    expect(table.lookup('pci_read_config_qword')).toBeUndefined();
    expect(table.lookup('')).toBeUndefined();
  });

  it('answers the first matching pattern in table order', () => {
    const t = new DeviceReadTable([
      { pattern: 'foo_(a|b)', category: 'mmio', kind: 'return' },
      { pattern: 'foo_\\w', category: 'pio', kind: 'return' },
    ]);
    expect(t.lookup('foo_b')?.category).toBe('mmio');
    expect(t.lookup('foo_c')?.category).toBe('pio');
    expect(t.lookup('foo_cd')).toBeUndefined();
  });

  it('keeps a user pattern with a back-reference working (it cannot be joined with the others)', () => {
    const t = table.extend([{ pattern: '(rd|wr)_\\1', category: 'mmio', kind: 'return' }]);
    expect(t.lookup('rd_rd')?.kind).toBe('return');
    expect(t.lookup('rd_wr')).toBeUndefined();
    expect(t.lookup('inb')?.category).toBe('pio');
    expect(t.lookup('ioread16')?.category).toBe('mmio');
  });
});

describe('device-read widths', () => {
  it('states the width of each value read', () => {
    const bits = (name: string) => defaultDeviceReads.lookup(name)?.bits;
    expect(['inb', 'inb_p', 'readb', '__raw_readb', 'readb_relaxed', 'ioread8', 'in_8'].map(bits)).toEqual(
      Array(7).fill(8),
    );
    expect(['inw', 'readw', 'ioread16', 'ioread16be', 'in_le16', 'pci_read_config_word'].map(bits)).toEqual(
      Array(6).fill(16),
    );
    expect(
      ['inl', 'readl', 'ioread32be', 'pci_read_config_dword', 'regmap_read', 'regmap_field_read'].map(bits),
    ).toEqual(Array(6).fill(32));
    expect(
      ['readq', 'readq_relaxed', 'ioread64', 'lo_hi_readq', 'ioread64_hi_lo', 'in_be64'].map(bits),
    ).toEqual(Array(6).fill(64));
    expect(bits('pci_read_config_byte')).toBe(8);
    expect(bits('pci_bus_read_config_byte')).toBe(8);
    // An s32 that is an errno or the data: the data's width.
    expect(defaultDeviceReads.lookup('i2c_smbus_read_byte_data')).toMatchObject({
      bits: 8,
      errorCodes: true,
    });
    expect(defaultDeviceReads.lookup('i2c_smbus_read_word_swapped')).toMatchObject({
      bits: 16,
      errorCodes: true,
    });
    expect(defaultDeviceReads.lookup('spi_w8r16be')).toMatchObject({ bits: 16, errorCodes: true });
    // Buffers have no one width.
    expect(bits('memcpy_fromio')).toBeUndefined();
  });

  it('takes widths from a config file, and rejects a width that is not a C integer width', () => {
    const extra = validateDeviceReads([{ name: 'my_rd8', category: 'mmio', kind: 'return', bits: 8 }]);
    expect(defaultDeviceReads.extend(extra).lookup('my_rd8')?.bits).toBe(8);
    expect(() => validateDeviceReads([{ name: 'x', category: 'mmio', kind: 'return', bits: 12 }])).toThrow(
      /bits/,
    );
  });
});

describe('widths through types', () => {
  it('knows the kernel integer types', () => {
    expect(integerType('u8')).toEqual({ bits: 8, signed: false });
    expect(integerType('const unsigned int')).toEqual({ bits: 32, signed: false });
    expect(integerType('s16')).toEqual({ bits: 16, signed: true });
    expect(integerType('struct foo')).toBeUndefined();
  });

  it('narrows by unsigned types, keeps through wider signed ones, loses it to a signed one as narrow', () => {
    expect(widthThrough(32, 'u8')).toBe(8);
    expect(widthThrough(8, 'unsigned int')).toBe(8);
    expect(widthThrough(undefined, 'u16')).toBe(16);
    expect(widthThrough(8, 'int')).toBe(8);
    expect(widthThrough(8, 'char')).toBeUndefined();
    expect(widthThrough(32, 'int')).toBeUndefined();
    expect(widthThrough(8, 'enum foo_state')).toBe(8);
  });
});
