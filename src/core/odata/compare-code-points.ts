const SURROGATE = /[\ud800-\udfff]/;

/**
 * Compares two strings by Unicode code point (PROTOCOL.md §2.3, §2.4), not by UTF-16 code unit
 * and never by locale: `-1`, `0` or `1`.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  // Without surrogates, UTF-16 order is code point order and the engine's compare is exact.
  if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return shift(x) < shift(y) ? -1 : 1;
  }
  return a.length < b.length ? -1 : 1;
}

// Surrogates (U+D800–DFFF) start code points above U+FFFF, so they must sort after U+E000–FFFF.
function shift(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  return unit >= 0xe000 ? unit - 0x800 : unit;
}
