/**
 * FNV-1a (32 bits) of a string's UTF-16 code units from `seed`, as 8 hex digits: a short, stable,
 * non-cryptographic name for a value (aggregation ids, watermark attribute names).
 * @example fnv1aHex("totals", 0x811c9dc5) // 8 hex digits, the same on every run
 */
export const fnv1aHex = (text: string, seed: number): string => {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
};
