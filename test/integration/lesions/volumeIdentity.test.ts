/**
 * One mask, one number, wherever it is read (issue 11 "Must show"): on the demo study, the engine (tiny test
 * bundle, y_avg only, so it is cheap) writes report.json and prints the CLI summary; the app's code path (the
 * renderer's thresholdMask on the published probability, then the core lesion measurement the renderer's lesion
 * worker and the services use) recomputes the mask and lesions; the export writes the study report (JSON, CSV,
 * HTML) and a DICOM SEG (one segment per lesion, Tracking ID = lesion ID) that pydicom reads back. Every reader
 * must print the same total and per-lesion volumes (formatVolumeMl, 2 decimals) for the same stable lesion IDs,
 * for the model output and after an edit (reject a lesion that is not the largest, erase part of another).
 * The demo series is tilted (18.5°) with uneven gaps, so the loader's grid differs from the source slices: this is
 * the case where a grid voxel count would disagree with the SEG; volumes are defined on the source slices.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commands } from '../../../electron/cli/commands';
import { createLogger } from '../../../electron/core/logger';
import { readNifti } from '../../../electron/core/dicom/niftiRead';
import { loadVolumeFromFolder } from '../../../electron/core/dicom/loadVolumeFromFolder';
import { formatVolumeMl, measureLesions, rejectLesion, candidateIdMap } from '../../../electron/core/lesions/index';
import { thresholdMask } from '../../../renderer/src/segmentation/thresholdMask';
import { exportSegAndReport } from '../../../electron/services/app/exportSegAndReport';
import type { InferenceReport } from '../../../electron/core/inference/InferenceReport';
import type { ResultMessage } from '../../../electron/worker/protocol';
import type { LoadedStudy } from '../../../electron/services/app/createServices';

const ROOT = new URL('../../..', import.meta.url).pathname;
const TINY = join(ROOT, 'models/bundles/sdpm-tiny-test');
const DEMO = join(ROOT, 'models/demo/ge-head-ich/dicom');
const f = formatVolumeMl;

interface Readout {
  total: string;
  lesions: Map<number, string>;
}

/**
 * pydicom's reading of the SEG, independent of our code: per segment (Tracking ID), the pixels of its frames times
 * the voxel volume of the frame's source slice = pixel area × the slice's slab along the normal (half the gap to
 * each neighbour; an end slice: its one gap), with the slice positions read from the source DICOM files.
 */
function pydicomSegVolumes(segPath: string, dicomDir: string): Array<{ trackingId: string; label: string; pixels: number; volumeMl: number }> {
  const py = `
import json, os, sys, pydicom, numpy as np
ds = pydicom.dcmread(sys.argv[1])
src = [pydicom.dcmread(os.path.join(sys.argv[2], f), stop_before_pixels=True) for f in sorted(os.listdir(sys.argv[2]))]
iop = np.array(src[0].ImageOrientationPatient, dtype=float)
n = np.cross(iop[:3], iop[3:]); n /= np.linalg.norm(n)
d = np.sort(np.array([np.dot(np.array(s.ImagePositionPatient, dtype=float), n) for s in src]))
gaps = np.diff(d)
slab = np.array([(gaps[0] if k == 0 else gaps[-1] if k == len(d) - 1 else (gaps[k - 1] + gaps[k]) / 2) for k in range(len(d))])
ps = [float(v) for v in src[0].PixelSpacing]
area = ps[0] * ps[1]
segs = {int(s.SegmentNumber): s for s in ds.SegmentSequence}
px = ds.pixel_array
if px.ndim == 2: px = px[None]
pixels = {k: 0 for k in segs}
vol = {k: 0.0 for k in segs}
for i, fr in enumerate(ds.PerFrameFunctionalGroupsSequence):
    k = int(fr.SegmentIdentificationSequence[0].ReferencedSegmentNumber)
    pos = np.dot(np.array(fr.PlanePositionSequence[0].ImagePositionPatient, dtype=float), n)
    sl = int(np.argmin(np.abs(d - pos)))
    c = int(np.count_nonzero(px[i]))
    pixels[k] += c
    vol[k] += c * area * slab[sl] / 1000.0
out = [{"trackingId": str(getattr(segs[k], "TrackingID", "")), "label": str(segs[k].SegmentLabel), "pixels": pixels[k], "volumeMl": vol[k]} for k in sorted(segs)]
print(json.dumps(out))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, segPath, dicomDir], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{ trackingId: string; label: string; pixels: number; volumeMl: number }>;
}

function csvReadout(csv: string): Readout {
  const [head, ...rows] = csv.trim().split('\n').map((l) => l.split(','));
  const col = (name: string): number => (head ?? []).indexOf(name);
  const out: Readout = { total: '', lesions: new Map() };
  for (const r of rows) {
    const v = Number(r[col('volume_ml')]);
    if (r[col('row')] === 'total') out.total = f(v);
    if (r[col('row')] === 'lesion') out.lesions.set(Number(r[col('lesion_id')]), f(v));
  }
  return out;
}

function htmlReadout(html: string): Readout {
  const total = /data-total-ml>([^<]+)</.exec(html)?.[1] ?? '';
  const table = html.slice(html.indexOf('<th>Lesion</th>'), html.indexOf('</table>', html.indexOf('<th>Lesion</th>')));
  const lesions = new Map<number, string>();
  for (const m of table.matchAll(/<tr><td>(\d+)<\/td><td>[^<]*<\/td><td>([^<]+)<\/td>/g)) lesions.set(Number(m[1]), m[2] ?? '');
  return { total, lesions };
}

function cliReadout(out: string): Readout {
  const total = /total lesion volume (\S+) mL/.exec(out)?.[1] ?? '';
  const lesions = new Map<number, string>();
  for (const m of out.matchAll(/^ {2}lesion (\d+): (\S+) mL/gm)) lesions.set(Number(m[1]), m[2] ?? '');
  return { total, lesions };
}

function same(what: string, a: Readout, b: Readout): void {
  assert.equal(b.total, a.total, `${what}: total`);
  assert.deepEqual([...b.lesions.entries()].sort((x, y) => x[0] - y[0]), [...a.lesions.entries()].sort((x, y) => x[0] - y[0]), `${what}: per-lesion volumes by ID`);
}

test('demo study: total and per-lesion volumes are identical in report.json, CLI, app, CSV, HTML and the SEG read back by pydicom (model output and after an edit)', { timeout: 600_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-identity-'));
  const outDir = join(tmp, 'run');
  let cliOut = '';
  let cliErr = '';
  const ctx = { log: createLogger((r) => (cliErr += `${r.message}\n`), 'warn'), stdout: (s: string) => void (cliOut += s), stderr: (s: string) => void (cliErr += s) };
  const segment = commands.find((c) => c.name === 'segment');
  assert.ok(segment !== undefined);
  // y_avg with the tiny bundle: cheap, and several lesions of different sizes
  const code = await segment.run([DEMO, '--out', outDir, '--bundle', TINY, '--mode', 'avg', '--provider', 'cpu', '--threads', '1'], ctx);
  assert.equal(code, 0, cliErr);
  const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8')) as InferenceReport;
  const engine: Readout = { total: f(report.totalVolumeMl), lesions: new Map(report.lesions.map((l) => [l.id, f(l.volumeMl)])) };
  process.stdout.write(`# engine: ${report.lesions.length} lesions, total ${engine.total} mL, dropped ${report.droppedCandidates.length}\n`);
  assert.ok(report.lesions.length >= 2, `need at least two lesions for the edit (got ${report.lesions.length})`);
  // the CLI prints the first 10 lesions (the rest: "… n more in report.json")
  const cli = cliReadout(cliOut);
  assert.equal(cli.lesions.size, Math.min(10, report.lesions.length));
  same('CLI output vs report.json', { total: engine.total, lesions: new Map([...engine.lesions].filter(([id]) => cli.lesions.has(id))) }, cli);

  // the app: renderer thresholdMask on the published probability, at the run's threshold
  const prob = (await readNifti(join(outDir, 'probability.nii.gz'))).voxels as Float32Array;
  const engineMask = (await readNifti(join(outDir, 'mask.nii.gz'))).voxels;
  const threshold = report.settings.parameters.threshold;
  const appMask = thresholdMask(prob, threshold);
  let diff = 0;
  for (let i = 0; i < appMask.length; i++) if ((appMask[i] !== 0) !== ((engineMask[i] as number) !== 0)) diff++;
  assert.equal(diff, 0, 'app mask == engine mask, voxel for voxel');
  const volume = await loadVolumeFromFolder(DEMO);
  const reference = candidateIdMap(appMask, new Int32Array(0), volume.dimensions);
  const app = measureLesions(appMask, volume, { hu: volume.voxels, reference });
  same('app vs report.json', engine, { total: f(app.totalVolumeMl), lesions: new Map(app.lesions.map((l) => [l.id, f(l.volumeMl)])) });

  const study = { volume, folder: DEMO } as unknown as LoadedStudy;
  // the run's detection note (the tiny bundle has no detection.json; a note is set here) goes into the exported report as the run stated it
  const runNote = 'This model misses most infarcts: a study in which it lists none does not rule one out.';
  const result = { report: { ...report, detectionNote: runNote }, mask: appMask, droppedVoxels: new Int32Array(0) } as unknown as ResultMessage;
  const exportAndRead = async (mask: Uint8Array, edited: boolean, dir: string): Promise<{ json: Readout; csv: Readout; html: Readout; seg: Readout }> => {
    const written: Record<string, string | Uint8Array> = {};
    const r = await exportSegAndReport({
      study, request: { volumeId: 'v', runId: 'r', labelmap: mask, readerName: 'Jane Doe', edited }, outFolder: dir, result, reference, bundleDir: TINY, softwareVersion: 'test',
      write: async (p, d) => { written[p] = d; writeFileSync(p, d); }, join,
    });
    const files = readdirSync(dir);
    const read = (ext: string): string => readFileSync(join(dir, files.find((x) => x.endsWith(ext) && x.startsWith('report-')) as string), 'utf8');
    const json = JSON.parse(read('.json')) as { totalVolumeMl: number; lesions: Array<{ id: number; volumeMl: number }>; geometry: { voxelVolumeMl: number }; detectionNote: string | null };
    assert.equal(json.detectionNote, runNote, "the study report states the run's detection note");
    const py = pydicomSegVolumes(r.segPath, DEMO);
    const seg: Readout = { total: f(py.reduce((acc, x) => acc + x.volumeMl, 0)), lesions: new Map(py.map((x) => [Number(x.trackingId), f(x.volumeMl)])) };
    for (const x of py) assert.equal(x.label, `Lesion ${x.trackingId}`);
    // the SEG carries one segment per lesion, by stable ID, and exactly the pixels the writer encoded
    assert.deepEqual(py.map((x) => Number(x.trackingId)).sort((a, b) => a - b), json.lesions.map((l) => l.id).sort((a, b) => a - b));
    assert.equal(py.reduce((acc, x) => acc + x.pixels, 0), r.segPixels);
    return { json: { total: f(json.totalVolumeMl), lesions: new Map(json.lesions.map((l) => [l.id, f(l.volumeMl)])) }, csv: csvReadout(read('.csv')), html: htmlReadout(read('.html')), seg };
  };

  const d1 = mkdtempSync(join(tmp, 'export1-'));
  const e1 = await exportAndRead(appMask, false, d1);
  same('study report JSON vs report.json', engine, e1.json);
  same('CSV vs report.json', engine, e1.csv);
  same('HTML vs report.json', engine, e1.html);
  same('SEG read back by pydicom vs report.json', engine, e1.seg);

  // an edit: reject lesion 2 (not the largest) and erase the top slice of lesion 1
  const edited = appMask.slice();
  const removed = rejectLesion(edited, app.idMap, 2);
  assert.ok(removed > 0);
  const l1 = app.lesions.find((l) => l.id === 1);
  assert.ok(l1 !== undefined);
  const [nx, ny] = volume.dimensions;
  const kTop = l1.sliceRange[1];
  for (let i = kTop * nx * ny; i < (kTop + 1) * nx * ny; i++) if (app.idMap[i] === 1) edited[i] = 0;
  const after = measureLesions(edited, volume, { hu: volume.voxels, reference });
  assert.ok(!after.lesions.some((l) => l.id === 2), 'lesion 2 is gone');
  assert.equal(after.totalVoxelCount, app.totalVoxelCount - removed - (l1.voxelCount - (after.lesions.find((l) => l.id === 1)?.voxelCount ?? 0)));
  const appAfter: Readout = { total: f(after.totalVolumeMl), lesions: new Map(after.lesions.map((l) => [l.id, f(l.volumeMl)])) };
  const d2 = mkdtempSync(join(tmp, 'export2-'));
  const e2 = await exportAndRead(edited, true, d2);
  same('after edit: study report JSON vs app', appAfter, e2.json);
  same('after edit: CSV vs app', appAfter, e2.csv);
  same('after edit: HTML vs app', appAfter, e2.html);
  same('after edit: SEG read back by pydicom vs app', appAfter, e2.seg);

  process.stdout.write(`# after edit: ${after.lesions.length} lesions, total ${appAfter.total} mL (was ${engine.total})\n`);
});
