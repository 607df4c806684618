import { describe, expect, it } from 'vitest';
import { DeviceReadTable } from '../../src/analysis/device-reads.js';

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
