import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binarise, despeckle } from '../../../../../electron/core/sdpm/despeckle';

function naive(mask: Uint8Array, w: number, h: number, kernel: number, minCount: number): Uint8Array {
  const r = (kernel - 1) / 2;
  const out = new Uint8Array(w * h);
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++) {
      if (!mask[j * w + i]) continue;
      let c = 0;
      for (let dj = -r; dj <= r; dj++)
        for (let di = -r; di <= r; di++) {
          const ii = i + di;
          const jj = j + dj;
          if (ii >= 0 && jj >= 0 && ii < w && jj < h && mask[jj * w + ii]) c++;
        }
      out[j * w + i] = c > minCount ? 1 : 0;
    }
  return out;
}

test('despeckle drops a foreground pixel with no other foreground in its 7x7 window, keeps pairs', () => {
  const w = 20;
  const m = new Uint8Array(w * w);
  m[5 * w + 5] = 1; // isolated
  m[0] = 1; // isolated in the corner (zero padding)
  m[10 * w + 10] = 1;
  m[13 * w + 13] = 1; // 3 apart diagonally: inside each other's 7x7 window
  m[2 * w + 17] = 1;
  m[2 * w + 19] = 0;
  const out = despeckle(m, w, w, 7, 1);
  assert.equal(out[5 * w + 5], 0);
  assert.equal(out[0], 0);
  assert.equal(out[10 * w + 10], 1);
  assert.equal(out[13 * w + 13], 1);
  assert.equal(out[2 * w + 17], 0);
});

test('despeckle equals the brute-force window count on random masks', () => {
  let s = 12345;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
  for (const [w, h, k, c] of [[17, 13, 7, 1], [32, 32, 3, 2], [9, 30, 5, 0]] as const) {
    const m = Uint8Array.from({ length: w * h }, () => (rnd() < 0.15 ? 1 : 0));
    assert.deepEqual(despeckle(m, w, h, k, c), naive(m, w, h, k, c));
  }
});

test('binarise is p > threshold (0.5 itself is background)', () => {
  assert.deepEqual(binarise(Float32Array.from([0.49, 0.5, 0.5000001, 1]), 0.5), Uint8Array.from([0, 0, 1, 1]));
});
