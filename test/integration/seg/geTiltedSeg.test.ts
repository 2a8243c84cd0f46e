/**
 * Our SEG for the real GE head CT (18.5° gantry tilt, uneven gaps) with a synthetic two-ellipsoid mask:
 * dciodvfy reports 0 errors, pydicom reads back exactly the per-frame bits of the mask resampled onto
 * the source slices, and our own reader reads back the same voxels.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSeries } from '../../../electron/core/dicom/loadSeries';
import type { Volume } from '../../../electron/core/dicom/Volume';
import { writeSeg, type WrittenSeg } from '../../../electron/core/seg/writeSeg';
import { readSeg } from '../../../electron/core/seg/readSeg';
import { findReferencedSeries } from '../../../electron/core/seg/referencedSeries';
import { maskVolumeMl, sourceMaskVolumeMl } from '../../../electron/core/volumetry/maskVolume';

const GE = join(import.meta.dirname, '../../../../shared/data/dicom/ge-head-ncct');
const out = mkdtempSync(join(tmpdir(), 'sdpm-seg-'));

function ellipsoids(v: Volume): [Uint8Array, Uint8Array] {
  const [nx, ny, nz] = v.dimensions;
  const a = new Uint8Array(nx * ny * nz);
  const b = new Uint8Array(nx * ny * nz);
  const [sx, sy, sz] = v.spacingMm;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const x1 = ((i - nx * 0.4) * sx) / 25, y1 = ((j - ny * 0.45) * sy) / 18, z1 = ((k - nz * 0.5) * sz) / 20;
        const x2 = ((i - nx * 0.62) * sx) / 12, y2 = ((j - ny * 0.6) * sy) / 15, z2 = ((k - nz * 0.4) * sz) / 14;
        if (x1 * x1 + y1 * y1 + z1 * z1 <= 1) a[i + nx * (j + ny * k)] = 1;
        if (x2 * x2 + y2 * y2 + z2 * z2 <= 1) b[i + nx * (j + ny * k)] = 1;
      }
  return [a, b];
}

function dciodvfy(file: string): { errors: string[]; warnings: string[] } {
  const r = spawnSync('/usr/bin/dciodvfy', [file], { encoding: 'utf8' });
  const lines = `${r.stdout}\n${r.stderr}`.split('\n');
  return { errors: lines.filter((l) => /^Error/.test(l)), warnings: lines.filter((l) => /^Warning/.test(l)) };
}

/** pydicom's view of each frame: segment, referenced SOP, IPP, sha256 of the 0/1 bytes and the count. */
function pydicomFrames(file: string): Array<{ seg: number; sop: string; ipp: number[]; sha: string; ones: number }> {
  const py = `
import sys, json, hashlib, pydicom, numpy as np
d = pydicom.dcmread(sys.argv[1]); a = d.pixel_array
if a.ndim == 2: a = a[None]
out = []
for f, it in enumerate(d.PerFrameFunctionalGroupsSequence):
    seg = int(it.SegmentIdentificationSequence[0].ReferencedSegmentNumber) if 'SegmentIdentificationSequence' in it else 0
    sop = it.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID
    fr = (a[f] > 0).astype(np.uint8) if seg else a[f].astype(np.uint8)
    out.append({'seg': seg, 'sop': sop, 'ipp': [float(x) for x in it.PlanePositionSequence[0].ImagePositionPatient], 'sha': hashlib.sha256(fr.tobytes()).hexdigest(), 'ones': int((fr > 0).sum())})
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{ seg: number; sop: string; ipp: number[]; sha: string; ones: number }>;
}

function sliceBytes(m: Uint8Array, s: number, n: number): Uint8Array {
  return m.subarray(s * n, (s + 1) * n);
}

const available = existsSync(GE) && existsSync('/usr/bin/dciodvfy') && existsSync('/usr/bin/python3');

test('GE tilted series, BINARY SEG of two ellipsoids: dciodvfy 0 errors, pydicom and our reader read back the exact source-slice bits', { skip: !available && 'GE data, dciodvfy or python3 missing' }, async () => {
  const files = readdirSync(GE).filter((f) => f.endsWith('.dcm')).map((f) => join(GE, f));
  const v = await loadSeries(files);
  assert.ok(v.corrections.tiltCorrected, 'the GE series is tilt-corrected by the loader');
  const [a, b] = ellipsoids(v);
  const w: WrittenSeg = writeSeg({ volume: v, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: a }, { label: 'Infarct', kind: 'infarct', mask: b }], algorithm: { name: 'sdpm-test', version: '0.0.1' }, reader: 'Doe^Jane' });
  const file = join(out, 'ge-binary.dcm');
  writeFileSync(file, w.bytes);

  const v1 = dciodvfy(file);
  process.stdout.write(`# dciodvfy ${file}: ${v1.errors.length} errors, ${v1.warnings.length} warnings${v1.warnings.length > 0 ? `\n#   ${v1.warnings.join('\n#   ')}` : ''}\n`);
  assert.deepEqual(v1.errors, []);

  const perFrame = v.source.rows * v.source.columns;
  const sopIndex = new Map(v.source.slices.map((s, i) => [s.sopInstanceUid, i]));
  const frames = pydicomFrames(file);
  assert.equal(frames.length, w.numberOfFrames);
  let pyOnes = 0;
  for (const f of frames) {
    const s = sopIndex.get(f.sop);
    assert.ok(s !== undefined, `frame references unknown SOP ${f.sop}`);
    const expected = sliceBytes(w.sourceMasks[f.seg - 1] as Uint8Array, s, perFrame);
    assert.equal(f.sha, createHash('sha256').update(expected).digest('hex'), `segment ${f.seg} slice ${s} bits differ`);
    const pos = v.source.slices[s]?.positionLps ?? [0, 0, 0];
    assert.ok(f.ipp.every((x, i) => Math.abs(x - (pos[i] as number)) < 1e-3), 'frame IPP is the source slice IPP');
    pyOnes += f.ones;
  }
  const expectedOnes = w.sourceMasks.reduce((s, m) => s + m.reduce((t, x) => t + x, 0), 0);
  assert.equal(pyOnes, expectedOnes);

  const ref = await findReferencedSeries(v.identity.seriesInstanceUid, [GE]);
  const r = readSeg(w.bytes, ref, { filePath: file });
  // our reader's slice order comes from the headers; map by SOP UID to compare with the writer's order
  r.masks.forEach((m, sIdx) => {
    ref.source.slices.forEach((sl, k) => {
      const wk = sopIndex.get(sl.sopInstanceUid) as number;
      assert.deepEqual(sliceBytes(m, k, perFrame), sliceBytes(w.sourceMasks[sIdx] as Uint8Array, wk, perFrame));
    });
  });
  const ourOnes = r.masks.reduce((s, m) => s + m.reduce((t, x) => t + x, 0), 0);
  const gridMl = [maskVolumeMl(a, v), maskVolumeMl(b, v)];
  const srcMl = w.sourceMasks.map((m) => sourceMaskVolumeMl(m, v.source));
  process.stdout.write(`# GE SEG: ${w.numberOfFrames} frames (${w.framesPerSegment.join(' + ')}), ${w.bytes.length} bytes; voxels on source slices: written ${expectedOnes}, pydicom ${pyOnes}, our reader ${ourOnes}\n`);
  process.stdout.write(`# volumes: corrected grid ${gridMl.map((x) => x.toFixed(2)).join(' / ')} mL; on the oblique source slices (pixel area x slab along the normal) ${srcMl.map((x) => x.toFixed(2)).join(' / ')} mL\n`);
  assert.equal(ourOnes, expectedOnes);
  gridMl.forEach((g, i) => assert.ok(Math.abs((srcMl[i] as number) - g) / g < 0.15, `volume on source slices ${srcMl[i]} vs grid ${g}`));
});

test('GE tilted series, LABELMAP SEG: pydicom and our reader read back the same labels (dciodvfy 2022 does not know the LABELMAP class)', { skip: !available && 'GE data or python3 missing' }, async () => {
  const files = readdirSync(GE).filter((f) => f.endsWith('.dcm')).map((f) => join(GE, f));
  const v = await loadSeries(files);
  const [a, b] = ellipsoids(v);
  for (let i = 0; i < a.length; i++) if (a[i] === 1) b[i] = 0;
  const w = writeSeg({ volume: v, segments: [{ label: 'ICH', kind: 'hemorrhage', mask: a }, { label: 'Infarct', kind: 'infarct', mask: b }], algorithm: { name: 'sdpm-test', version: '0.0.1' }, segmentationType: 'LABELMAP' });
  const file = join(out, 'ge-labelmap.dcm');
  writeFileSync(file, w.bytes);
  const perFrame = v.source.rows * v.source.columns;
  const sopIndex = new Map(v.source.slices.map((s, i) => [s.sopInstanceUid, i]));
  const frames = pydicomFrames(file);
  assert.equal(frames.length, w.numberOfFrames);
  for (const f of frames) {
    const s = sopIndex.get(f.sop) as number;
    const expected = new Uint8Array(perFrame);
    w.sourceMasks.forEach((m, idx) => {
      for (let p = 0; p < perFrame; p++) if (m[s * perFrame + p] === 1) expected[p] = idx + 1;
    });
    assert.equal(f.sha, createHash('sha256').update(expected).digest('hex'), `slice ${s} labels differ`);
  }
  const ref = await findReferencedSeries(v.identity.seriesInstanceUid, [GE]);
  const r = readSeg(w.bytes, ref, { filePath: file });
  const ourOnes = r.masks.map((m) => m.reduce((t, x) => t + x, 0));
  const written = w.sourceMasks.map((m) => m.reduce((t, x) => t + x, 0));
  process.stdout.write(`# GE LABELMAP SEG: ${w.numberOfFrames} frames, ${w.bytes.length} bytes; voxels per segment written ${written.join('/')}, our reader ${ourOnes.join('/')}\n`);
  assert.deepEqual(ourOnes, written);
});
