/**
 * y_avg, paper variant (SDPM-SPEC §3.4): one call `net(x0n*m, t = 0)` per slice,
 * `p = m * (clip(y0_hat) + 1) / 2`. Slices are packed into batches. (The code-mean variant is computed
 * inside runYSal from the t = 0 calls.)
 */
import type { CallTicker } from './CallTicker';
import type { SdpmNetwork } from './SdpmNetwork';
import type { SliceInput } from './SliceInput';

/** m*(clip(y)+1)/2 rounded as float32 arithmetic does it (y is a float32 value, m is 0 or 1). */
export function toProbability(y: number, m: number): number {
  const c = y < -1 ? -1 : y > 1 ? 1 : y;
  return m * (Math.fround(c + 1) / 2);
}

export async function runYAvg(slices: readonly SliceInput[], net: SdpmNetwork, ticker: CallTicker): Promise<Float32Array[]> {
  const P = net.imageSize * net.imageSize;
  const B = Math.max(1, ticker.batchSize);
  const x = new Float32Array(B * P);
  const t = new Int32Array(B);
  const out: Float32Array[] = [];
  for (let start = 0; start < slices.length; start += B) {
    const chunk = slices.slice(start, start + B);
    chunk.forEach((s, b) => {
      for (let i = 0; i < P; i++) x[b * P + i] = (s.x0n[i] ?? 0) * (s.m[i] ?? 0);
    });
    await ticker.beforeCall();
    const { y0Hat } = await net.runFull(x, t, chunk.length);
    ticker.afterCall(chunk.length, 'avg');
    chunk.forEach((s, b) => {
      const p = new Float32Array(P);
      for (let i = 0; i < P; i++) p[i] = toProbability(y0Hat[b * P + i] ?? 0, s.m[i] ?? 0);
      out.push(p);
    });
  }
  return out;
}
