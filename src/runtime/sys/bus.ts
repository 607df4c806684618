/**
 * PCI and platform buses: driver registration and matching, probe/remove/suspend/resume, BAR
 * mapping (MMIO cookies and port ranges) and register access. struct pci_dev lives in the
 * driver's domain as the kernel's copy, as Nooks' wrappers copied kernel objects for drivers.
 */
import { DriverFailure } from '../errors.js';
import { NS } from '../costs.js';
import type { DeviceModel } from '../devices/device.js';
import { hex, type ImportFn, type Kernel, type Subsystem } from '../kernel.js';

/** MMIO cookies live above the driver's 1 MiB domain, so dereferencing one directly traps. */
const IOMEM_BASE = 0xf000_0000;
const IOMEM_WINDOW = 0x10000;

// struct pci_dev { struct device dev {name, driver_data}; u16 vendor, device; u8 revision; u32 irq; u32 handle }
const PCI_DEV = {
  name: 0,
  driverData: 4,
  vendor: 8,
  device: 10,
  revision: 12,
  irq: 16,
  handle: 20,
  size: 24,
};
// struct pci_driver { name, id_table, probe, remove, suspend, resume }
const PCI_DRV = { name: 0, idTable: 4, probe: 8, remove: 12, suspend: 16, resume: 20 };
// struct platform_driver { name, probe, remove, suspend, resume }; struct platform_device { dev; irq; handle }
const PLAT_DRV = { name: 0, probe: 4, remove: 8, suspend: 12, resume: 16 };
const PLAT_DEV = { irq: 8, handle: 12, size: 16 };

interface Binding {
  dev: DeviceModel;
  index: number;
  drv: number; // driver struct address
  devPtr: number; // struct pci_dev / platform_device in the driver's domain
  bound: boolean;
  kind: 'pci' | 'platform';
  mapped: Set<number>;
  savedState?: boolean;
}

export class BusSubsystem implements Subsystem {
  private bindings: Binding[] = [];
  private driverStruct = 0;
  private driverKind: 'pci' | 'platform' | undefined;
  suspended = false;

  constructor(private readonly k: Kernel) {}

  driverGone(): void {
    this.bindings = [];
    this.driverStruct = 0;
    this.driverKind = undefined;
  }

  get boundDevices(): number {
    return this.bindings.filter((b) => b.bound).length;
  }

  /** Probe every matching device (Linux probes inside pci_register_driver; we do it right after init_module). */
  driverLoaded(): void {
    if (!this.driverStruct || !this.driverKind) return;
    const k = this.k;
    const drv = this.driverStruct;
    k.devices.forEach((dev, index) => {
      if (dev.bus !== this.driverKind || k.dead) return;
      const match = this.driverKind === 'pci' ? this.matchPci(drv, dev) : this.matchPlatform(drv, dev);
      if (match === undefined) return;
      const devPtr = this.makeDevice(dev, index);
      if (!devPtr) return;
      const b: Binding = { dev, index, drv, devPtr, bound: false, kind: this.driverKind!, mapped: new Set() };
      this.bindings.push(b);
      const probe = k.mem.u32(drv + (b.kind === 'pci' ? PCI_DRV.probe : PLAT_DRV.probe));
      const r = k.call('probe', probe, b.kind === 'pci' ? [devPtr, match] : [devPtr]);
      if (r === 0) {
        b.bound = true;
        k.tracker.add('bound-device', index, () => {
          b.bound = false;
        });
      } else if (r !== undefined) k.printk(`${dev.name}: probe failed with ${r | 0}`);
    });
  }

  private matchPci(drv: number, dev: DeviceModel): number | undefined {
    const m = this.k.mem;
    if (!dev.pciId) return undefined;
    let ids = m.u32(drv + PCI_DRV.idTable);
    for (let n = 0; n < 64 && m.inRange(ids, 8); n++, ids += 8) {
      const vendor = m.u16(ids);
      if (vendor === 0) break;
      if (vendor === dev.pciId.vendor && m.u16(ids + 2) === dev.pciId.device) return ids;
    }
    return undefined;
  }

  private matchPlatform(drv: number, dev: DeviceModel): number | undefined {
    const m = this.k.mem;
    return m.cstring(m.u32(drv + PLAT_DRV.name)) === dev.name ? 0 : undefined;
  }

  private makeDevice(dev: DeviceModel, index: number): number {
    const k = this.k;
    const m = k.mem;
    const size = dev.bus === 'pci' ? PCI_DEV.size : PLAT_DEV.size;
    const p = m.alloc(size + 32, 'pci_dev');
    if (!p) return 0;
    m.fill(p, size + 32, 0);
    const name = p + size;
    const label = dev.bus === 'pci' ? `0000:00:0${index + 3}.0` : dev.name;
    m.write(name, new TextEncoder().encode(label.slice(0, 31)));
    m.setU32(p + PCI_DEV.name, name);
    if (dev.bus === 'pci') {
      m.setU16(p + PCI_DEV.vendor, dev.pciId!.vendor);
      m.setU16(p + PCI_DEV.device, dev.pciId!.device);
      m.setU8(p + PCI_DEV.revision, dev.pciId!.revision);
      m.setU32(p + PCI_DEV.irq, dev.irq);
      m.setU32(p + PCI_DEV.handle, 0xd5000000 + index);
    } else {
      m.setU32(p + PLAT_DEV.irq, dev.irq);
      m.setU32(p + PLAT_DEV.handle, 0xd5000000 + index);
    }
    return p;
  }

  /** The binding for a struct pci_dev pointer from the driver (Nooks checks the handle in it). */
  private binding(devPtr: number, what: string): Binding {
    const k = this.k;
    const b = this.bindings.find((x) => x.devPtr === devPtr >>> 0);
    if (k.isolated) {
      k.checkPtr(devPtr, PCI_DEV.size, what);
      const handleOff = b?.kind === 'platform' ? PLAT_DEV.handle : PCI_DEV.handle;
      k.checkHandle(!!b && k.mem.u32(devPtr + handleOff) === 0xd5000000 + b.index, what);
    } else k.checkHandle(!!b, what);
    return b!;
  }

  private cookie(addr: number): { b: Binding; bar: number; offset: number } {
    const k = this.k;
    addr >>>= 0;
    const rel = addr - IOMEM_BASE;
    const slot = Math.floor(rel / IOMEM_WINDOW);
    const b = this.bindings.find((x) => x.mapped.has(slot));
    if (rel < 0 || !b)
      throw new DriverFailure(
        k.isolated ? 'wrapper' : 'trap',
        `MMIO access to unmapped address ${hex(addr)}`,
      );
    const bar = slot % 8;
    const offset = rel % IOMEM_WINDOW;
    if (offset >= b.dev.bars[bar]!.size) {
      if (k.isolated)
        throw new DriverFailure('wrapper', `MMIO offset ${hex(offset)} beyond BAR${bar} of ${b.dev.name}`);
    }
    return { b, bar, offset };
  }

  private port(port: number): {
    b: Binding | undefined;
    dev: DeviceModel | undefined;
    bar: number;
    offset: number;
  } {
    const k = this.k;
    for (const dev of k.devices) {
      for (let bar = 0; bar < dev.bars.length; bar++) {
        const r = dev.bars[bar]!;
        if (r.kind === 'io' && r.base !== undefined && port >= r.base && port < r.base + r.size) {
          const b = this.bindings.find((x) => x.dev === dev);
          return { b, dev, bar, offset: port - r.base };
        }
      }
    }
    return { b: undefined, dev: undefined, bar: 0, offset: 0 };
  }

  imports(): Record<string, ImportFn> {
    const k = this.k;
    const crossing = () => k.advanceInDriver(NS.crossing);
    const register = (kind: 'pci' | 'platform') => (drv: number) => {
      crossing();
      k.checkPtr(drv, 24, `${kind}_register_driver`);
      if (this.driverStruct) return -16;
      this.driverStruct = drv >>> 0;
      this.driverKind = kind;
      k.tracker.add('driver-registration', kind, () => {
        this.driverStruct = 0;
      });
      return 0;
    };
    const unregister = (kind: 'pci' | 'platform') => (drv: number) => {
      crossing();
      k.checkHandle(drv >>> 0 === this.driverStruct, `${kind}_unregister_driver`);
      // the driver core calls remove for each bound device before unregister returns (nested)
      for (const b of this.bindings.filter((x) => x.bound)) {
        const remove = k.mem.u32(b.drv + (kind === 'pci' ? PCI_DRV.remove : PLAT_DRV.remove));
        b.bound = false;
        k.tracker.remove('bound-device', b.index);
        k.call('remove', remove, [b.devPtr]);
      }
      this.driverStruct = 0;
      k.tracker.remove('driver-registration', kind);
    };
    return {
      pci_register_driver: register('pci'),
      pci_unregister_driver: unregister('pci'),
      platform_driver_register: register('platform'),
      platform_driver_unregister: unregister('platform'),
      pci_enable_device: (p) => {
        crossing();
        const b = this.binding(p, 'pci_enable_device');
        k.tracker.add('pci-enabled', b.index, () => {});
        return 0;
      },
      pci_disable_device: (p) => {
        crossing();
        const b = this.binding(p, 'pci_disable_device');
        k.tracker.remove('pci-enabled', b.index);
      },
      pci_set_master: (p) => {
        crossing();
        this.binding(p, 'pci_set_master');
      },
      pci_request_regions: (p) => {
        crossing();
        const b = this.binding(p, 'pci_request_regions');
        if (k.tracker.has('regions', b.index)) return -16;
        k.tracker.add('regions', b.index, () => {});
        return 0;
      },
      pci_release_regions: (p) => {
        crossing();
        const b = this.binding(p, 'pci_release_regions');
        k.tracker.remove('regions', b.index);
      },
      pci_iomap: (p, bar) => {
        crossing();
        const b = this.binding(p, 'pci_iomap');
        if (bar < 0 || bar >= b.dev.bars.length || b.dev.bars[bar]!.kind !== 'mmio') return 0;
        const slot = b.index * 8 + bar;
        b.mapped.add(slot);
        if (!k.tracker.has('iomap', slot)) k.tracker.add('iomap', slot, () => b.mapped.delete(slot));
        return IOMEM_BASE + slot * IOMEM_WINDOW;
      },
      pci_iounmap: (p, addr) => {
        crossing();
        const b = this.binding(p, 'pci_iounmap');
        const slot = Math.floor(((addr >>> 0) - IOMEM_BASE) / IOMEM_WINDOW);
        k.checkHandle(b.mapped.has(slot), 'pci_iounmap');
        b.mapped.delete(slot);
        k.tracker.remove('iomap', slot);
      },
      pci_resource_start: (p, bar) => {
        crossing();
        const b = this.binding(p, 'pci_resource_start');
        return b.dev.bars[bar]?.base ?? 0;
      },
      pci_read_config_dword: (p, where, out) => {
        crossing();
        const b = this.binding(p, 'pci_read_config_dword');
        k.checkPtr(out, 4, 'pci_read_config_dword');
        const id = b.dev.pciId;
        k.mem.setU32(out, where === 0 && id ? (id.device << 16) | id.vendor : 0);
        return 0;
      },
      pci_save_state: (p) => {
        crossing();
        this.binding(p, 'pci_save_state').savedState = true;
        return 0;
      },
      pci_restore_state: (p) => {
        crossing();
        this.binding(p, 'pci_restore_state');
        return 0;
      },
      pci_set_power_state: (p, state) => {
        crossing();
        const b = this.binding(p, 'pci_set_power_state');
        // D3hot → D0 resets the function, as a real device loses its state in D3.
        if (state === 0 && b.savedState) b.dev.reset();
        return 0;
      },
      request_region: (start, n) => {
        crossing();
        if (n <= 0 || (start >>> 0) + n > 0x10000) return 0; // outside the 64 KiB port space
        for (let port = start >>> 0; port < (start >>> 0) + n; port++) {
          if (k.tracker.has('region', port)) return 0;
        }
        for (let port = start >>> 0; port < (start >>> 0) + n; port++)
          k.tracker.add('region', port, () => {});
        return 1;
      },
      release_region: (start, n) => {
        crossing();
        if (n <= 0 || (start >>> 0) + n > 0x10000)
          throw new DriverFailure(k.isolated ? 'wrapper' : 'trap', 'release_region: bad range');
        for (let port = start >>> 0; port < (start >>> 0) + n; port++) {
          if (k.isolated) k.checkHandle(k.tracker.has('region', port), 'release_region');
          k.tracker.remove('region', port);
        }
      },
      __ds_ioread: (addr, width, site) => {
        k.advanceInDriver(NS.mmioRead);
        const { b, bar, offset } = this.cookie(addr);
        return k.deviceRead(b.dev, bar, offset, width, site);
      },
      __ds_iowrite: (value, addr, width) => {
        k.advanceInDriver(NS.mmioWrite);
        const { b, bar, offset } = this.cookie(addr);
        if (!b.dev.gone && offset < b.dev.bars[bar]!.size) b.dev.write(bar, offset, width, value >>> 0);
      },
      __ds_in: (port, width, site) => {
        k.advanceInDriver(NS.portIo);
        const { b, dev, bar, offset } = this.port(port >>> 0);
        if (k.isolated && !b)
          throw new DriverFailure('wrapper', `port read ${hex(port)} outside the driver's devices`);
        if (!dev) return 0xffffffff >>> 0; // floating bus
        return k.deviceRead(dev, bar, offset, width, site);
      },
      __ds_out: (value, port, width) => {
        k.advanceInDriver(NS.portIo);
        const { b, dev, bar, offset } = this.port(port >>> 0);
        if (k.isolated && !b)
          throw new DriverFailure('wrapper', `port write ${hex(port)} outside the driver's devices`);
        if (dev && !dev.gone) dev.write(bar, offset, width, value >>> 0);
      },
    };
  }

  /** Power management from the kernel side: suspend then resume every bound device. */
  suspendResume(): boolean {
    const k = this.k;
    for (const b of this.bindings.filter((x) => x.bound)) {
      const off = b.kind === 'pci' ? [PCI_DRV.suspend, PCI_DRV.resume] : [PLAT_DRV.suspend, PLAT_DRV.resume];
      const s = k.mem.u32(b.drv + off[0]!);
      const r = k.mem.u32(b.drv + off[1]!);
      if (s && k.call('suspend', s, b.kind === 'pci' ? [b.devPtr, 3] : [b.devPtr]) !== 0) return false;
      if (r && k.call('resume', r, [b.devPtr]) !== 0) return false;
    }
    return true;
  }
}
