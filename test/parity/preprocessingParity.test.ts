/**
 * Preprocessing and the way back to the study grid against the Python reference
 * (models/training/sdpm/preprocessing.py, run with /usr/bin/python3): pad-to-square, area/bilinear resize,
 * window, mask, and S×S → slice bilinear + crop, on odd and even, square and non-square slices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Preprocessing, WindowExtension } from '../../electron/core/bundle/Preprocessing';
import { preprocessSlice, ToStudySlice } from '../../electron/core/inference/sliceResampling';
import { Xoshiro128 } from '../../electron/core/sdpm/Xoshiro128';

const ROOT = new URL('../..', import.meta.url).pathname;
const PY = `
import sys, numpy as np
sys.path.insert(0, '${ROOT}models/training')
from sdpm.preprocessing import PreprocessingConfig, preprocess_slice, probability_to_native
d, nx, ny, S = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
ext = None if sys.argv[5] == 'none' else tuple(float(v) for v in sys.argv[5].split(','))
hu = np.fromfile(d + '/hu.i16', dtype='<i2').reshape(ny, nx)
cfg = PreprocessingConfig(image_size=S, lower_hu=0.0, upper_hu=80.0, pad_hu=-1024.0, extension=ext)
x0n, m = preprocess_slice(hu, cfg)
x0n.astype('<f4').tofile(d + '/x0n.f32'); m.astype('<f4').tofile(d + '/m.f32')
p = np.fromfile(d + '/p.f32', dtype='<f4').reshape(S, S)
probability_to_native(p, (ny, nx)).astype('<f4').tofile(d + '/back.f32')
`;

const prep: Preprocessing = { imageSize: 32, lowerHu: 0, upperHu: 80, padHu: -1024, inPlaneMethod: 'pad-square-then-area-or-bilinear', maskRule: 'x0n > -1', threshold: 0.5 };

const cases: [number, number, number, WindowExtension | undefined][] = [[64, 64, 32, undefined], [96, 77, 32, undefined], [77, 96, 32, undefined], [50, 50, 32, undefined], [20, 17, 32, undefined],
  [64, 64, 32, { upperValue: 0.85, ceilingHu: 160, ceilingValue: 1 }], [96, 77, 32, { upperValue: 0.7, ceilingHu: 300.5, ceilingValue: 1 }],
  [77, 96, 32, { upperValue: 1, ceilingHu: 160, ceilingValue: 1.25 }], [50, 50, 32, { upperValue: 0.9, ceilingHu: 250, ceilingValue: 1.7 }]];
for (const [nx, ny, S, windowExtension] of cases) {
  const what = windowExtension ? ` with the window extended to ${windowExtension.ceilingValue} at ${windowExtension.ceilingHu} HU` : '';
  test(`preprocessing and back-mapping equal the Python reference for a ${nx}x${ny} slice, S=${S}${what}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdpm-prep-'));
    const rng = new Xoshiro128([nx, ny]);
    // HU from -20 to 100, and with an extension up to 400 (calcification and bone above the plain window)
    const top = windowExtension ? 420 : 120;
    const hu = Int16Array.from({ length: nx * ny }, () => (rng.nextUniform() < 0.2 ? -1024 : Math.round(-20 + top * rng.nextUniform())));
    const p = Float32Array.from({ length: S * S }, () => rng.nextUniform());
    writeFileSync(join(dir, 'hu.i16'), Buffer.from(hu.buffer));
    writeFileSync(join(dir, 'p.f32'), Buffer.from(p.buffer));
    const ext = windowExtension ? `${windowExtension.upperValue},${windowExtension.ceilingHu},${windowExtension.ceilingValue}` : 'none';
    const r = spawnSync('/usr/bin/python3', ['-c', PY, dir, String(nx), String(ny), String(S), ext], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const read = (f: string): Float32Array => {
      const b = readFileSync(join(dir, f));
      return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    };
    const mine = preprocessSlice(hu, nx, ny, 0, { ...prep, imageSize: S, ...(windowExtension ? { windowExtension } : {}) });
    const x0nRef = read('x0n.f32');
    let dx = 0;
    for (let i = 0; i < S * S; i++) dx = Math.max(dx, Math.abs((mine.x0n[i] ?? 0) - (x0nRef[i] ?? 0)));
    assert.ok(dx <= 1e-6, `x0n max diff ${dx}`);
    assert.deepEqual(mine.m, read('m.f32'));
    const back = new Float32Array(nx * ny);
    new ToStudySlice(S, nx, ny).map(p, back);
    const backRef = read('back.f32');
    let db = 0;
    for (let i = 0; i < nx * ny; i++) db = Math.max(db, Math.abs((back[i] ?? 0) - (backRef[i] ?? 0)));
    assert.ok(db <= 1e-6, `back-mapped max diff ${db}`);
  });
}
