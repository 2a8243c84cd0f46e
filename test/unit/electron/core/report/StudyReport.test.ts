import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStudyReport, studyReportJson } from '../../../../../electron/core/report/StudyReport';
import { studyReportCsv, STUDY_REPORT_CSV_HEADER } from '../../../../../electron/core/report/studyReportCsv';
import { studyReportHtml } from '../../../../../electron/core/report/studyReportHtml';
import { keyImages } from '../../../../../electron/core/report/keyImages';
import { totalIntervalNote } from '../../../../../renderer/src/panels/intervalNotes';
import { parseCalibration } from '../../../../../electron/core/bundle/Calibration';
import { measureLesions } from '../../../../../electron/core/lesions/measureLesions';
import { compareVolumes } from '../../../../../electron/core/volumetry/compareVolumes';
import { syntheticVolume } from '../seg/syntheticVolume';

const vol = syntheticVolume(16, 12, 6);
vol.identity.studyDescription = 'CT <script>alert(1)</script> & "head"';
const mask = new Uint8Array(16 * 12 * 6);
for (let k = 1; k < 4; k++) for (let j = 2; j < 6; j++) for (let i = 2; i < 7; i++) mask[i + 16 * (j + 12 * k)] = 1; // 60 voxels
mask[14 + 16 * (10 + 12 * 5)] = 1; // 1 voxel
const m = measureLesions(mask, vol, { hu: vol.voxels });
const input = {
  identity: vol.identity,
  corrections: vol.corrections,
  lesionTypes: [{ name: 'Intracranial hemorrhage', rule: 'meanHu >= 45', category: null, type: null, anatomicRegion: null, recommendedDisplayRgb: null }, { name: 'Cerebral infarction', rule: 'meanHu < 45', category: null, type: null, anatomicRegion: null, recommendedDisplayRgb: null }],
  measurements: m,
  calibration: parseCalibration({ schema: 1, method: 'split-conformal-relative', nominalCoverage: 0.9, cMl: 0.5, mode: 'all', profile: 'cpu-fast', nSamples: 4, study: { q: 0.2, nCalibration: 40, measuredCoverage: 0.9, nTest: 40 }, lesion: { q: 0.5, nCalibration: 60, measuredCoverage: 0.88, nTest: 50 }, calibrationSet: 'synth seed 1', testSet: 'synth seed 2' }),
  droppedCandidates: [{ id: 3, volumeMl: 0.002, meanHu: 400, rule: 'meanHu', value: 400, reason: 'mean 400 HU is above the range of acute lesions (10-100 HU): bone or calcification' }],
  uncertainty: { nSamples: 4, total: { meanMl: 0.046, p5Ml: 0.04, p95Ml: 0.05, samplesMl: [0.04, 0.045, 0.047, 0.05] }, lesions: [{ id: 1, interval: { meanMl: 0.045, p5Ml: 0.039, p95Ml: 0.049, samplesMl: [] }, doubtMl: 0.003, rank: 1 }] },
  comparison: compareVolumes(0.03, 0.046),
  seg: { sopInstanceUid: '2.25.1', seriesInstanceUid: '2.25.2' },
  provenance: { bundle: { name: 'sdpm-ich', version: '1.0.0' }, seed: 42, settings: { mode: 'y_sal', nSamples: 4 }, reader: 'Doe^Jane', softwareVersion: '0.1.0', timestamps: { reportedAt: '2026-01-01T00:00:00Z' } },
};

test('report JSON carries volumes, the per-lesion table with ABC/2 and intervals, comparison and provenance', () => {
  const r = buildStudyReport(input);
  const voxMl = (0.5 * 0.6 * 2.5) / 1000;
  assert.equal(r.lesionCount, 2);
  assert.ok(Math.abs(r.totalVolumeMl - 61 * voxMl) < 1e-12);
  assert.ok(Math.abs((r.lesions[0]?.volumeMl ?? 0) - 60 * voxMl) < 1e-12);
  assert.deepEqual(r.lesions[0]?.sampleRangeMl, { p5: 0.039, p95: 0.049, mean: 0.045 });
  assert.equal(r.lesions[1]?.sampleRangeMl, null);
  // calibrated interval: V ± q (V + cMl), low clipped at 0; it contains the volume
  const v0 = r.lesions[0]?.volumeMl ?? NaN;
  assert.deepEqual(r.lesions[0]?.calibratedIntervalMl, { low: Math.max(0, v0 - 0.5 * (v0 + 0.5)), high: v0 + 0.5 * (v0 + 0.5) });
  assert.deepEqual(r.totalCalibratedIntervalMl, { low: Math.max(0, r.totalVolumeMl - 0.2 * (r.totalVolumeMl + 0.5)), high: r.totalVolumeMl + 0.2 * (r.totalVolumeMl + 0.5) });
  assert.match(r.intervalNote, /40 held-out .* 90% of cases \(nominal 90%\)/);
  // the app's lesion panel words the total's interval with the same core function: the same sentence
  const c = input.calibration;
  assert.ok(c !== null && c !== undefined);
  assert.equal(totalIntervalNote(r.totalVolumeMl, { cMl: c.cMl, nominalCoverage: c.nominalCoverage, study: c.study, lesion: c.lesion }, undefined), r.intervalNote);
  // the lesion intervals say what they mean with the lesion level's own numbers, counted in lesions
  assert.match(r.lesionIntervalNote ?? '', /^On 50 lesions the model reported .* 88% of lesions \(nominal 90%\)\.$/);
  assert.doesNotMatch(r.lesionIntervalNote ?? '', /cases \(nominal/);
  assert.match(studyReportHtml(r), /Lesion intervals: On \d+ lesions the model reported/);
  assert.equal(r.lesions[0]?.type, 'Cerebral infarction', 'mean 0 HU: the labels.json rule meanHu < 45');
  assert.equal(r.lesions[0]?.sliceRange[0], 1);
  assert.ok((r.lesions[0]?.abc2Ml ?? 0) > 0);
  assert.equal(r.comparison?.expansion, true);
  assert.equal(r.provenance.seed, 42);
  const back = JSON.parse(studyReportJson(r)) as { schemaVersion: number; totalSampleRangeMl: { nSamples: number } };
  assert.equal(back.schemaVersion, 2);
  assert.equal(back.totalSampleRangeMl.nSamples, 4);
  // without a detection note the report says nothing about detection
  assert.equal(r.detectionNote, null);
  assert.doesNotMatch(studyReportHtml(r), /data-detection-note/);
});

test("the report states the model's held-out detection per lesion kind (escaped) when the run's bundle records it", () => {
  const note = 'This model misses most infarcts: a study in which it lists none does not rule one out <b>.';
  const r = buildStudyReport({ ...input, detectionNote: note });
  assert.equal(r.detectionNote, note);
  assert.match(studyReportHtml(r), /<p class="note" data-detection-note>Detection by lesion type: This model misses most infarcts: .* &lt;b&gt;\.<\/p>/);
  assert.equal((JSON.parse(studyReportJson(r)) as { detectionNote: string }).detectionNote, note);
});

test('report CSV: one row per lesion, per dropped candidate, plus TOTAL, header fixed, quoting per RFC 4180', () => {
  const csv = studyReportCsv(buildStudyReport({ ...input, provenance: { ...input.provenance, reader: 'Doe, "JJ"' } }));
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], STUDY_REPORT_CSV_HEADER.join(','));
  assert.equal(lines.length, 5);
  assert.match(lines[3] ?? '', /,dropped,3,.*,meanHu,/);
  assert.match(lines[4] ?? '', /,total,TOTAL,/);
  assert.match(lines[1] ?? '', /"Doe, ""JJ"""/);
});

test('HTML report is self-contained (no external resources), escapes DICOM text, embeds decodable key images', () => {
  const r = buildStudyReport(input);
  const unc = new Float32Array(mask.length);
  for (let i = 0; i < unc.length; i++) unc[i] = mask[i] === 1 ? 0.2 : 0;
  const imgs = keyImages(vol, mask, m, { uncertainty: unc, uncertaintyLabel: 'sample variance' });
  assert.equal(imgs.length, 4, 'contour + heat map for each of the two lesions');
  const html = studyReportHtml(r, imgs);
  assert.ok(!html.includes('<script>'), 'study description escaped');
  assert.ok(html.includes('&lt;script&gt;'));
  assert.ok(!/(src|href)="(?!data:)/.test(html), 'only data: URIs');
  assert.equal((html.match(/data:image\/png;base64,/g) ?? []).length, 4);
  const png = Buffer.from(/base64,([^"]+)"/.exec(html)?.[1] ?? '', 'base64');
  assert.deepEqual([...png.subarray(1, 4)], [80, 78, 71]);
  assert.match(html, /Expansion/);
});
