/**
 * SEG writer benchmark: a synthetic 512x512x40 head-CT-sized study (0.45 mm pixels, 5 mm slices) with
 * three ellipsoid lesions, written as BINARY and LABELMAP SEG. Also a tilted variant (18.5°: the
 * source slices are sheared, so every frame is resampled from the corrected grid by nearest neighbour).
 * Prints median wall time, frames and file size per case, and the cost of reading it back; no
 * assertions (machines are noisy: compare ratios within one run).
 *
 *   npm run bench:seg [-- --runs 5]
 */
import { parseArgs } from 'node:util';
import type { Mat3, Vec3, Volume } from '../../electron/core/index';
import { writeSeg } from '../../electron/core/index';
import { readSeg } from '../../electron/core/index';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number(values.runs));
const [nx, ny, nz] = [512, 512, 40];

function study(tiltDeg: number): Volume {
  const th = (tiltDeg * Math.PI) / 180;
  const sp: Vec3 = [0.45, 0.45, 5 * Math.cos(th)];
  // source slices: rows tilted about L, positions stepped along S by 5 mm (table motion)
  const iop = [1, 0, 0, 0, Math.cos(th), -Math.sin(th)] as const;
  const slices = Array.from({ length: nz }, (_, k) => ({
    sopInstanceUid: `2.25.1000${k}`,
    sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    positionLps: [-115, -115, 5 * k] as Vec3,
    normalPositionMm: 5 * k * Math.cos(th),
    instanceNumber: k + 1,
    filePath: '',
  }));
  // corrected grid: orthonormal, k along the slice normal (0, sin, cos)
  const dir: Mat3 = [1, 0, 0, 0, Math.cos(th), -Math.sin(th), 0, Math.sin(th), Math.cos(th)];
  return {
    dimensions: [nx, ny, nz], spacingMm: sp, originLps: [-115, -115, 0], directionLps: dir,
    voxels: new Int16Array(nx * ny * nz), paddingHu: -1024,
    identity: { patientName: 'Bench^Study', patientId: 'B1', patientBirthDate: '', patientSex: '', studyInstanceUid: '2.25.1', studyDate: '20260101', studyTime: '000000', studyDescription: 'bench', accessionNumber: '', seriesInstanceUid: '2.25.2', seriesNumber: 1, seriesDescription: 'bench', modality: 'CT', frameOfReferenceUid: '2.25.3', manufacturer: 'bench' },
    source: { imageOrientationPatient: iop, pixelSpacingMm: [0.45, 0.45], rows: ny, columns: nx, slices },
    corrections: { gantryTiltDeg: tiltDeg, tiltCorrected: tiltDeg !== 0, resampledToEquidistant: false, sliceGapsMm: [5], notes: [] },
  };
}

function lesions(): Uint8Array[] {
  const defs: Array<[number, number, number, number, number, number]> = [
    [200, 240, 20, 60, 45, 6], // centre i, j, k, semi-axes in voxels (i, j, k)
    [330, 300, 14, 25, 30, 3],
    [260, 150, 27, 12, 12, 2],
  ];
  return defs.map(([ci, cj, ck, a, b, c]) => {
    const m = new Uint8Array(nx * ny * nz);
    for (let k = Math.max(0, ck - c); k <= Math.min(nz - 1, ck + c); k++)
      for (let j = cj - b; j <= cj + b; j++)
        for (let i = ci - a; i <= ci + a; i++) {
          const x = (i - ci) / a, y = (j - cj) / b, z = (k - ck) / c;
          if (x * x + y * y + z * z <= 1) m[i + nx * (j + ny * k)] = 1;
        }
    return m;
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const masks = lesions();
process.stdout.write(`SEG writer, ${nx}x${ny}x${nz}, three lesions (${masks.map((m) => m.reduce((s, v) => s + v, 0)).join(' / ')} voxels), ${runs} runs, median\n`);
const rows: string[] = [];
for (const tilt of [0, 18.5]) {
  const v = study(tilt);
  for (const type of ['BINARY', 'LABELMAP'] as const) {
    const times: number[] = [];
    const readTimes: number[] = [];
    let bytes = 0;
    let frames = 0;
    for (let r = -1; r < runs; r++) {
      // r = -1 is a warm-up run, not timed
      const t0 = performance.now();
      const w = writeSeg({ volume: v, segments: masks.map((m, i) => ({ label: `Lesion ${i + 1}`, kind: 'hemorrhage' as const, mask: m })), algorithm: { name: 'bench', version: '0' }, segmentationType: type });
      if (r >= 0) times.push(performance.now() - t0);
      bytes = w.bytes.length;
      frames = w.numberOfFrames;
      const t1 = performance.now();
      readSeg(w.bytes, { seriesInstanceUid: v.identity.seriesInstanceUid, studyInstanceUid: v.identity.studyInstanceUid, frameOfReferenceUid: v.identity.frameOfReferenceUid, source: v.source });
      if (r >= 0) readTimes.push(performance.now() - t1);
    }
    rows.push(`${`tilt ${tilt}°`.padEnd(10)} ${type.padEnd(8)} write ${median(times).toFixed(0).padStart(5)} ms   read ${median(readTimes).toFixed(0).padStart(5)} ms   ${String(frames).padStart(3)} frames   ${(bytes / 1024).toFixed(1).padStart(8)} KiB`);
  }
}
process.stdout.write(`${rows.join('\n')}\n`);
