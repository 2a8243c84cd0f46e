/**
 * Human-readable, self-contained HTML report (no external resources: inline CSS, images as base64
 * PNG data URIs). Every text from DICOM or the user is HTML-escaped: study descriptions are untrusted.
 */
import type { KeyImage } from './keyImages';
import { formatVolumeMl } from '../lesions/voxelVolume';
import type { StudyReport } from './StudyReport';

export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Volumes print through the one formatter (lesions/voxelVolume.ts), as in the app and the CLI. */
const ml = (x: number): string => formatVolumeMl(x);
const n = (x: number | null | undefined, d = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(d));

function row(cells: unknown[], tag = 'td'): string {
  return `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
}

export function studyReportHtml(r: StudyReport, images: readonly KeyImage[] = []): string {
  const p = r.provenance;
  const ci = r.totalCalibratedIntervalMl === null ? '' : ` (calibrated interval ${ml(r.totalCalibratedIntervalMl.low)}–${ml(r.totalCalibratedIntervalMl.high)} mL)`;
  const sampleRange = r.totalSampleRangeMl === null ? '' : `Sample range (5th–95th percentile of ${r.totalSampleRangeMl.nSamples} SDPM samples, how much the samples disagree; not a confidence interval): ${ml(r.totalSampleRangeMl.p5)}–${ml(r.totalSampleRangeMl.p95)} mL.`;
  const lesionRows = r.lesions.map((l) =>
    row([l.id, l.type ?? '–', ml(l.volumeMl), l.calibratedIntervalMl === null ? '–' : `${ml(l.calibratedIntervalMl.low)}–${ml(l.calibratedIntervalMl.high)}`, l.sampleRangeMl === null ? '–' : `${ml(l.sampleRangeMl.p5)}–${ml(l.sampleRangeMl.p95)}`, n(l.abc2Ml), `${n(l.aMm, 1)} × ${n(l.bMm, 1)} × ${n(l.cMm, 1)}`, l.centroidLps.map((x) => x.toFixed(1)).join(', '), `${l.sliceRange[0] + 1}–${l.sliceRange[1] + 1}`, n(l.meanHu, 1)]),
  );
  const droppedRows = r.droppedCandidates.map((d) => row([d.id, ml(d.volumeMl), n(d.meanHu, 1), d.rule, d.reason]));
  const dropped =
    r.droppedCandidates.length === 0
      ? ''
      : `<h2>Dropped candidates</h2><p class="note">Found by SDPM but dropped by the bundle's plausibility rules (engine post-processing, not part of SDPM). Not counted in the total; the reader can restore any of them.</p><table><thead>${row(['Candidate', 'Volume mL', 'Mean HU', 'Rule', 'Why'], 'th')}</thead><tbody>${droppedRows.join('')}</tbody></table>`;
  const comparison =
    r.comparison === null
      ? ''
      : `<h2>Change from baseline</h2><p>Baseline ${n(r.comparison.baselineMl)} mL → follow-up ${n(r.comparison.followUpMl)} mL: ${n(r.comparison.absoluteChangeMl)} mL${r.comparison.relativeChange === null ? '' : ` (${n(r.comparison.relativeChange * 100, 1)} %)`}. <strong>${r.comparison.expansion ? `Expansion: ${escapeHtml(r.comparison.reasons.join('; '))}` : 'No expansion'}</strong> (thresholds ${r.comparison.thresholds.absoluteMl} mL / ${n(r.comparison.thresholds.relative * 100, 0)} %).</p>`;
  const imgs = images
    .map((im) => `<figure><img alt="${escapeHtml(im.title)}" src="data:image/png;base64,${Buffer.from(im.png).toString('base64')}"><figcaption><b>${escapeHtml(im.title)}</b><br>${escapeHtml(im.caption)}</figcaption></figure>`)
    .join('\n');
  const settings = Object.entries(p.settings).map(([k, v]) => row([k, typeof v === 'object' ? JSON.stringify(v) : v]));
  const ts = Object.entries(p.timestamps).map(([k, v]) => row([k, v]));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lesion report ${escapeHtml(r.study.patientId)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#111}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #bbb;padding:.25em .6em;text-align:right}
th{background:#eee}td:first-child,th:first-child{text-align:left}
figure{display:inline-block;margin:.5em;vertical-align:top;max-width:520px}img{max-width:512px;image-rendering:pixelated;border:1px solid #444}
.big{font-size:1.6em;font-weight:600}.note{color:#555;font-size:.9em}
</style></head><body>
<h1>Lesion volumetry</h1>
<p>Patient ${escapeHtml(r.study.patientName)} (${escapeHtml(r.study.patientId)}) · study ${escapeHtml(r.study.studyDate)} ${escapeHtml(r.study.studyDescription)} · series ${escapeHtml(r.study.seriesDescription)} · accession ${escapeHtml(r.study.accessionNumber)}</p>
<p class="big">Total <span data-total-ml>${ml(r.totalVolumeMl)}</span> mL in ${r.lesionCount} lesion${r.lesionCount === 1 ? '' : 's'}${escapeHtml(ci)}</p>
<p class="note">${escapeHtml(r.intervalNote)} ${escapeHtml(sampleRange)}</p>
<table><thead>${row(['Lesion', 'Type', 'Volume mL', 'Calibrated interval mL', 'Sample range mL', 'ABC/2 mL', 'A × B × C mm', 'Centroid LPS mm', 'Slices', 'Mean HU'], 'th')}</thead><tbody>${lesionRows.join('')}</tbody></table>
${r.lesionIntervalNote === null ? '' : `<p class="note">Lesion intervals: ${escapeHtml(r.lesionIntervalNote)}</p>`}
${r.detectionNote === null ? '' : `<p class="note" data-detection-note>Detection by lesion type: ${escapeHtml(r.detectionNote)}</p>`}
${dropped}
<p class="note">Volume = voxel count × true voxel volume (${n(r.geometry.voxelVolumeMm3, 4)} mm³). ABC/2 per Kothari (largest slice; C weighted 1 / 0.5 / 0 by slice area ≥75 % / 25–75 % / &lt;25 %). </p>
${comparison}
<h2>Key images</h2>
${imgs || '<p>No images.</p>'}
<h2>Geometry</h2>
<p>Gantry tilt ${n(r.geometry.gantryTiltDeg, 1)}°${r.geometry.tiltCorrected ? ', corrected onto an orthogonal grid' : ''}${r.geometry.resampledToEquidistant ? ', irregular gaps resampled' : ''}.</p>
<ul>${r.geometry.notes.map((x) => `<li>${escapeHtml(x)}</li>`).join('')}</ul>
<h2>Provenance</h2>
<table><tbody>${row(['Model bundle', `${p.bundle.name} ${p.bundle.version}${p.bundle.sha256 === undefined ? '' : ` (sha256 ${p.bundle.sha256.slice(0, 16)}…)`}`])}${row(['Seed', p.seed])}${row(['Reader', p.reader ?? '–'])}${row(['Edited by reader', p.edited === true ? 'yes' : 'no'])}${row(['Software', p.softwareVersion])}${r.seg === null ? '' : row(['DICOM SEG', `${r.seg.sopInstanceUid}${r.seg.file === undefined ? '' : ` (${r.seg.file})`}`])}${settings.join('')}${ts.join('')}</tbody></table>
<p class="note">Research software. Volumes and contours must be reviewed by a qualified reader.</p>
</body></html>
`;
}
