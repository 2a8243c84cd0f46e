/**
 * Seeded generator: xoshiro128** (Blackman & Vigna, 2018; 32-bit state words, period 2^128 - 1) with
 * standard normals by the Box-Muller transform (both values of each pair are used, in order cos, sin).
 *
 * Streams are derived from a key of 32-bit integers (seed, slice index, stream tag, sample index) by
 * hashing the key with the murmur3 finaliser and expanding it with splitmix32 into the four state words,
 * so each (slice, sample) stream is independent of how work is batched or split across workers.
 * Only `Math.imul` and unsigned shifts are used, so every JS engine produces the same numbers.
 */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) >>> 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

const TWO_PI = 2 * Math.PI;
const INV_2_32 = 1 / 4294967296;

export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  /** A generator for one stream. `key` entries are taken as 32-bit unsigned integers. */
  constructor(key: readonly number[]) {
    let h = 0x2545f491;
    for (const k of key) h = fmix32((h ^ (k >>> 0)) + 0x9e3779b9);
    const st = { s: h };
    this.a = splitmix32(st);
    this.b = splitmix32(st);
    this.c = splitmix32(st);
    this.d = splitmix32(st);
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** Next 32-bit unsigned integer (xoshiro128**: rotl(b * 5, 7) * 9). */
  nextU32(): number {
    const r0 = Math.imul(this.b, 5);
    const result = Math.imul((r0 << 7) | (r0 >>> 25), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return result;
  }

  /** Uniform in the open interval (0, 1): (u32 + 0.5) / 2^32. */
  nextUniform(): number {
    return (this.nextU32() + 0.5) * INV_2_32;
  }

  /** One standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  nextNormal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(this.nextUniform()));
    const th = TWO_PI * this.nextUniform();
    this.spare = r * Math.sin(th);
    return r * Math.cos(th);
  }

  /** Fills `out` with standard normals (rounded to float32 by the array). */
  fillNormal(out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.nextNormal();
  }
}
