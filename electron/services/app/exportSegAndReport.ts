/**
 * Export of a reviewed result: a DICOM SEG (core writeLesionSeg; SEMIAUTOMATIC when a reader edited the mask,
 * the reader as ContentCreatorName) with ONE SEGMENT PER LESION (segment label "Lesion <id>", Tracking ID = the
 * stable lesion ID, coded terms of the lesion's type from the bundle's labels.json), and the study report
 * (JSON, HTML, CSV) next to it, measured by the same core function as the engine and the app.
 */
import type { Request, Response } from '../../ipc/contract';
import { SdpmError } from '../../core/index';
import { loadBundle } from '../../core/index';
import { calibrationForMode, writeLesionSeg } from '../../core/index';
import { buildStudyReport, studyReportJson, type ReportDroppedCandidate } from '../../core/index';
import { keyImages, studyReportHtml } from '../../core/index';
import { studyReportCsv } from '../../core/index';
import type { ResultMessage } from '../../worker/protocol';
import type { LoadedStudy } from './createServices';

/** "Jane Doe" -> "Doe^Jane"; a name already in DICOM PN form is kept. */
export function toPersonName(name: string): string {
  const t = name.trim();
  if (t.includes('^') || !t.includes(' ')) return t;
  const parts = t.split(/\s+/);
  const family = parts.pop() ?? '';
  return `${family}^${parts.join(' ')}`;
}

export interface ExportInput {
  study: LoadedStudy;
  request: Request<'export:seg'>;
  outFolder: string;
  result: ResultMessage | null;
  /** the run's candidate ID map (lesion IDs to keep); null without a run */
  reference: Int32Array | null;
  bundleDir: string;
  softwareVersion: string;
  write: (path: string, data: Uint8Array | string) => Promise<void>;
  join: (...p: string[]) => string;
}

export async function exportSegAndReport(x: ExportInput): Promise<Response<'export:seg'>> {
  const { study, request } = x;
  const v = study.volume;
  const n = v.dimensions[0] * v.dimensions[1] * v.dimensions[2];
  if (request.labelmap.byteLength !== n) throw new SdpmError('GEOMETRY_MISMATCH', `labelmap has ${request.labelmap.byteLength} voxels, the volume ${n}`);
  const mask = request.labelmap;
  const bundle = loadBundle(x.bundleDir);
  const reader = toPersonName(request.readerName);
  const algorithmType = request.edited ? 'SEMIAUTOMATIC' : 'AUTOMATIC';
  const { written: w, measurements } = writeLesionSeg({
    volume: v,
    mask,
    reference: x.reference,
    algorithm: { name: bundle.name, version: bundle.version },
    lesionTypes: bundle.labels.lesionTypes,
    algorithmType,
    reader,
    softwareVersion: x.softwareVersion,
    seriesDescription: request.edited ? 'SDPM lesion segmentation (reader-edited)' : 'SDPM lesion segmentation',
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const segPath = x.join(x.outFolder, `seg-${stamp}.dcm`);
  await x.write(segPath, w.bytes);
  const rep = x.result?.report ?? null;
  const present = new Set(measurements.lesions.map((l) => l.id));
  const droppedCandidates: ReportDroppedCandidate[] = (rep?.droppedCandidates ?? []).filter((d) => !present.has(d.id)).map((d) => ({ id: d.id, volumeMl: d.volumeMl, meanHu: d.meanHu, rule: d.rule, value: d.value, reason: d.reason }));
  const report = buildStudyReport({
    identity: v.identity,
    corrections: v.corrections,
    lesionTypes: bundle.labels.lesionTypes,
    measurements,
    calibration: calibrationForMode(bundle.calibration, rep?.mode ?? null),
    detectionNote: rep?.detectionNote ?? null,
    droppedCandidates,
    ...(rep !== null && rep.sampleRangeMl !== null && rep.sampleMeanVolumeMl !== null
      ? {
          uncertainty: {
            nSamples: rep.nUncertaintySamples,
            total: { p5Ml: rep.sampleRangeMl[0], p95Ml: rep.sampleRangeMl[1], meanMl: rep.sampleMeanVolumeMl, samplesMl: [] },
            lesions: rep.lesions.flatMap((l) => (l.sampleRangeMl === null ? [] : [{ id: l.id, interval: { p5Ml: l.sampleRangeMl[0], p95Ml: l.sampleRangeMl[1], meanMl: l.sampleMeanMl ?? 0, samplesMl: [] }, ...(l.doubtMl !== null ? { doubtMl: l.doubtMl } : {}) }])),
          },
        }
      : {}),
    seg: { sopInstanceUid: w.sopInstanceUid, seriesInstanceUid: w.seriesInstanceUid, file: segPath },
    provenance: {
      bundle: { name: bundle.name, version: bundle.version, sha256: bundle.sumsSha256 },
      seed: rep?.seed ?? 0,
      settings: rep === null ? { source: 'manual segmentation (no SDPM run)' } : { mode: rep.mode, ...rep.settings },
      reader,
      edited: request.edited,
      softwareVersion: x.softwareVersion,
      timestamps: { reportedAt: new Date().toISOString() },
    },
  });
  const reportPath = x.join(x.outFolder, `report-${stamp}.html`);
  await x.write(x.join(x.outFolder, `report-${stamp}.json`), studyReportJson(report));
  await x.write(x.join(x.outFolder, `report-${stamp}.csv`), studyReportCsv(report));
  // key images: each of the largest lesions' reference slice with its contour (and the run's uncertainty map)
  const unc = x.result?.uncertainty ?? null;
  const images = keyImages(v, mask, measurements, unc !== null && unc.length === n ? { uncertainty: unc, uncertaintyLabel: "uncertainty (entropy of the samples' mean, bits)" } : {});
  await x.write(reportPath, studyReportHtml(report, images));
  const segPixels = w.placeholderEmptyFrame ? 0 : w.sourceMasks.reduce((acc, m) => acc + m.reduce((a, b) => a + (b !== 0 ? 1 : 0), 0), 0);
  return { segPath, reportPath, totalMl: measurements.totalVolumeMl, segPixels, algorithmType };
}
