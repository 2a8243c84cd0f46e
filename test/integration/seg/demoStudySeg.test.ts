/**
 * The demo study (models/demo/ge-head-ich: the GE tilted series with a synthetic 18 mL hemorrhage and its
 * truth mask on the source slices): the truth's volume from the oblique geometry, its SEG passes dciodvfy
 * with 0 errors, pydicom and our reader read back exactly the truth voxels; and, when the loader accepts
 * the series, the truth moved onto the loader's corrected grid keeps its volume.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSdpmError } from '../../../electron/core/errors';
import { loadSeries } from '../../../electron/core/dicom/loadSeries';
import { readNifti } from '../../../electron/core/dicom/niftiRead';
import { readSliceHeaderFile } from '../../../electron/core/dicom/readSliceHeaderFile';
import type { StudyIdentity } from '../../../electron/core/dicom/Volume';
import { writeSeg } from '../../../electron/core/seg/writeSeg';
import { readSeg } from '../../../electron/core/seg/readSeg';
import { findReferencedSeries } from '../../../electron/core/seg/referencedSeries';
import { maskToSourceSlices, sourceSlicesToGrid } from '../../../electron/core/seg/sourceSliceMask';
import { countForeground, maskVolumeMl, sourceMaskVolumeMl } from '../../../electron/core/volumetry/maskVolume';
import { measureLesions } from '../../../electron/core/lesions/measureLesions';
import { dice } from '../../../electron/core/volumetry/metrics/dice';

const DEMO = join(import.meta.dirname, '../../../models/demo/ge-head-ich');
const DICOM = join(DEMO, 'dicom');
const ready = existsSync(join(DEMO, 'truth/mask.nii.gz')) && existsSync('/usr/bin/dciodvfy') && existsSync('/usr/bin/python3');
const skip = !ready && 'models/demo/ge-head-ich, dciodvfy or python3 missing';

interface TruthJson { trueVolumeMl: number; lesionVoxels: number; slices: Array<{ sopInstanceUid: string }> }

async function truthOnSource(): Promise<{ truthJson: TruthJson; truthSrc: Uint8Array; ref: Awaited<ReturnType<typeof findReferencedSeries>> }> {
  const truthJson = JSON.parse(readFileSync(join(DEMO, 'truth.json'), 'utf8')) as TruthJson;
  const first = await readSliceHeaderFile(join(DICOM, readdirSync(DICOM).filter((f) => f.endsWith('.dcm')).sort()[0] as string));
  const ref = await findReferencedSeries(first.seriesInstanceUid, [DICOM]);
  assert.deepEqual(ref.source.slices.map((s) => s.sopInstanceUid), truthJson.slices.map((s) => s.sopInstanceUid), 'truth slice k = source slice k (sorted along the normal)');
  const truth = await readNifti(join(DEMO, 'truth/mask.nii.gz'));
  assert.equal(truth.voxels.length, ref.source.rows * ref.source.columns * ref.source.slices.length);
  return { truthJson, truthSrc: Uint8Array.from(truth.voxels, (x) => (x > 0.5 ? 1 : 0)), ref };
}

test('demo study: truth volume from the oblique geometry; its SEG has 0 dciodvfy errors and reads back exactly (pydicom, ours)', { skip }, async () => {
  const { truthJson, truthSrc, ref } = await truthOnSource();
  const src = ref.source;
  assert.equal(countForeground(truthSrc), truthJson.lesionVoxels);
  const srcMl = sourceMaskVolumeMl(truthSrc, src);
  process.stdout.write(`# demo truth: ${truthJson.lesionVoxels} voxels; truth.json ${truthJson.trueVolumeMl.toFixed(3)} mL; ours on the oblique source slices (pixel area x slab along the normal) ${srcMl.toFixed(3)} mL\n`);
  // equal up to the DS rounding of the written positions (relative 1e-5)
  assert.ok(Math.abs(srcMl - truthJson.trueVolumeMl) / truthJson.trueVolumeMl < 1e-5, `source-slice volume ${srcMl} vs truth ${truthJson.trueVolumeMl}`);

  const h = await readSliceHeaderFile(src.slices[0]?.filePath as string);
  const identity: StudyIdentity = {
    patientName: h.patientName, patientId: h.patientId, patientBirthDate: h.patientBirthDate, patientSex: h.patientSex,
    studyInstanceUid: h.studyInstanceUid, studyDate: h.studyDate, studyTime: h.studyTime, studyDescription: h.studyDescription,
    accessionNumber: h.accessionNumber, seriesInstanceUid: h.seriesInstanceUid, seriesNumber: h.seriesNumber, seriesDescription: h.seriesDescription,
    modality: h.modality, frameOfReferenceUid: h.frameOfReferenceUid, manufacturer: h.manufacturer,
  };
  // frames = the truth's own source slices (sourceMask), so the grid fields are not used
  const volume = { dimensions: [src.columns, src.rows, src.slices.length] as const, spacingMm: [1, 1, 1] as const, originLps: [0, 0, 0] as const, directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] as const, identity, source: src };
  const w = writeSeg({ volume, segments: [{ label: 'Hemorrhage', kind: 'hemorrhage', sourceMask: truthSrc, description: 'demo truth' }], algorithm: { name: 'demo-truth', version: '1' }, ...(h.sliceThicknessMm !== null ? { sliceThicknessMm: h.sliceThicknessMm } : {}) });
  const file = join(mkdtempSync(join(tmpdir(), 'sdpm-demo-seg-')), 'demo-truth-seg.dcm');
  writeFileSync(file, w.bytes);
  const d = spawnSync('/usr/bin/dciodvfy', [file], { encoding: 'utf8' });
  const lines = `${d.stdout}\n${d.stderr}`.split('\n');
  const errors = lines.filter((l) => /^Error/.test(l));
  process.stdout.write(`# dciodvfy demo SEG: ${errors.length} errors, ${lines.filter((l) => /^Warning/.test(l)).length} warnings; ${w.numberOfFrames} frames, ${w.bytes.length} bytes\n`);
  assert.deepEqual(errors, []);

  const py = `
import sys, json, hashlib, pydicom, numpy as np
d = pydicom.dcmread(sys.argv[1]); a = d.pixel_array
if a.ndim == 2: a = a[None]
print(json.dumps([{'sop': it.DerivationImageSequence[0].SourceImageSequence[0].ReferencedSOPInstanceUID, 'sha': hashlib.sha256((a[f] > 0).astype(np.uint8).tobytes()).hexdigest(), 'ones': int((a[f] > 0).sum())} for f, it in enumerate(d.PerFrameFunctionalGroupsSequence)]))`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  assert.equal(r.status, 0, r.stderr);
  const frames = JSON.parse(r.stdout) as Array<{ sop: string; sha: string; ones: number }>;
  const per = src.rows * src.columns;
  const idx = new Map(src.slices.map((s, i) => [s.sopInstanceUid, i]));
  let pyOnes = 0;
  for (const f of frames) {
    const k = idx.get(f.sop) as number;
    assert.equal(f.sha, createHash('sha256').update(truthSrc.subarray(k * per, (k + 1) * per)).digest('hex'), `slice ${k}`);
    pyOnes += f.ones;
  }
  const ours = readSeg(w.bytes, ref, { filePath: file });
  assert.deepEqual(ours.masks[0], truthSrc);
  process.stdout.write(`# demo SEG read back: pydicom ${pyOnes} voxels in ${frames.length} frames, our reader ${countForeground(ours.masks[0] as Uint8Array)} voxels (truth ${truthJson.lesionVoxels})\n`);
  assert.equal(pyOnes, truthJson.lesionVoxels);
});

test('demo study: the truth on the loader\'s tilt-corrected grid keeps its volume and survives the round trip', { skip }, async (t) => {
  const { truthJson, truthSrc, ref } = await truthOnSource();
  let v;
  try {
    v = await loadSeries(ref.source.slices.map((s) => s.filePath));
  } catch (err) {
    if (isSdpmError(err, 'SERIES_NOT_CT')) {
      t.skip(`the loader refuses the demo series: ${err.message}`);
      return;
    }
    throw err;
  }
  const onGrid = sourceSlicesToGrid(truthSrc, v.source, v);
  const gridMl = maskVolumeMl(onGrid, v);
  const lesions = measureLesions(onGrid, v, { hu: v.voxels });
  const roundTripDice = dice(maskToSourceSlices(onGrid, v, v.source), truthSrc);
  process.stdout.write(`# demo truth on the corrected grid: ${gridMl.toFixed(3)} mL (truth ${truthJson.trueVolumeMl.toFixed(3)}), ${lesions.lesions.length} lesion(s), ABC/2 ${lesions.lesions[0]?.abc2.volumeMl.toFixed(2)} mL; round trip Dice ${roundTripDice.toFixed(4)}\n`);
  assert.ok(Math.abs(gridMl - truthJson.trueVolumeMl) / truthJson.trueVolumeMl < 0.05);
  assert.ok(roundTripDice > 0.95);
});
