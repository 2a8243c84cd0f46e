/**
 * Per-reader randomised case order (FDA imaging endpoint standards: readers see cases in an order
 * that does not reveal the site, arm or time point). Fisher-Yates on the seeded xoshiro128** stream
 * keyed by (trial seed, reader): the same charter seed and reader always give the same order, and two
 * readers get independent orders. The input order does not matter (items are sorted first).
 */
import { Xoshiro128 } from '../sdpm/Xoshiro128';

/** FNV-1a of a string's UTF-16 code units: a 32-bit key for the reader's name. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const CASE_ORDER_STREAM = 0x7472; // 'tr': keeps this stream apart from the SDPM noise streams

export function caseOrder<T extends string>(items: readonly T[], seed: number, reader: string): T[] {
  const out = [...items].sort();
  const rng = new Xoshiro128([seed, fnv1a(reader), CASE_ORDER_STREAM]);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.nextUniform() * (i + 1));
    const t = out[i]!;
    out[i] = out[j]!;
    out[j] = t;
  }
  return out;
}
