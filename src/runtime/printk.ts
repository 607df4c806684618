/** printk's format language over a clang/wasm32 va_list (each argument 4-byte, 64-bit ones 8-byte aligned). */
import type { DriverMemory } from './memory.js';

export function formatPrintk(mem: DriverMemory, fmtPtr: number, va: number): string {
  const fmt = mem.cstring(fmtPtr, 512);
  let out = '';
  let ap = va;
  const next32 = (): number => {
    if (!mem.inRange(ap, 4)) return 0;
    const v = mem.u32(ap);
    ap += 4;
    return v;
  };
  const next64 = (): bigint => {
    ap = (ap + 7) & ~7;
    if (!mem.inRange(ap, 8)) return 0n;
    const v = mem.view.getBigUint64(ap, true);
    ap += 8;
    return v;
  };
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if (c !== '%') {
      out += c;
      continue;
    }
    const m = /^([-0 +#]*)(\d*)(?:\.(\d+))?(hh|h|ll|l|z)?([diuxXscp%])/.exec(fmt.slice(i + 1));
    if (!m) {
      out += c;
      continue;
    }
    i += m[0].length;
    const [, flags = '', width = '', , len, conv] = m;
    let s: string;
    const wide = len === 'll';
    switch (conv) {
      case '%':
        s = '%';
        break;
      case 'd':
      case 'i':
        s = wide ? BigInt.asIntN(64, next64()).toString() : (next32() | 0).toString();
        break;
      case 'u':
        s = wide ? next64().toString() : next32().toString();
        break;
      case 'x':
      case 'X':
        s = (wide ? next64() : next32()).toString(16);
        if (conv === 'X') s = s.toUpperCase();
        break;
      case 'p':
        s = `0x${next32().toString(16).padStart(8, '0')}`;
        break;
      case 'c':
        s = String.fromCharCode(next32() & 0xff);
        break;
      default: {
        const p = next32();
        s = p === 0 ? '(null)' : mem.inRange(p, 1) ? mem.cstring(p) : '(efault)';
      }
    }
    const w = Number(width || 0);
    if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') ? '0' : ' ');
    out += s;
  }
  return out.replace(/\n$/, '');
}
