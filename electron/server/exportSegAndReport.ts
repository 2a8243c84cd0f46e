/**
 * Export of a reviewed result: a DICOM SEG (core writer; SEMIAUTOMATIC when a reader edited the mask,
 * the reader as ContentCreatorName) and the study report (JSON, HTML, CSV) next to it.
 */
import type { Request, Response } from '../ipc/contract';
import { SdpmError } from '../core/errors';
import { loadBundle } from '../core/bundle/loadBundle';
import { measureLesions } from '../core/volumetry/measureLesions';
import { writeSeg } from '../core/seg/writeSeg';
import type { LesionKind } from '../core/seg/codes';
import { buildStudyReport, studyReportJson } from '../core/report/StudyReport';
import { studyReportHtml } from '../core/report/studyReportHtml';
import { studyReportCsv } from '../core/report/studyReportCsv';
import type { ResultMessage } from '../worker/protocol';
import type { LoadedStudy } from './createServices';

/** Mean HU at or above which a lesion is called a haemorrhage (acute blood 50-90 HU; infarct is hypodense). */
const HAEMORRHAGE_MIN_MEAN_HU = 45;

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
  const measurements = measureLesions(mask, v, { hu: v.voxels });
  let huSum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    if (mask[i] !== 0) {
      huSum += v.voxels[i] ?? 0;
      count++;
    }
  }
  const kind: LesionKind = count > 0 && huSum / count >= HAEMORRHAGE_MIN_MEAN_HU ? 'hemorrhage' : 'infarct';
  const bundle = loadBundle(x.bundleDir);
  const reader = toPersonName(request.readerName);
  const w = writeSeg({
    volume: v,
    segments: [{ label: kind === 'hemorrhage' ? 'Hemorrhage' : 'Infarct', kind, mask, algorithmType: request.edited ? 'SEMIAUTOMATIC' : 'AUTOMATIC' }],
    algorithm: { name: bundle.name, version: bundle.version },
    reader,
    softwareVersion: x.softwareVersion,
    seriesDescription: request.edited ? 'SDPM lesion segmentation (reader-edited)' : 'SDPM lesion segmentation',
  });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const segPath = x.join(x.outFolder, `seg-${stamp}.dcm`);
  await x.write(segPath, w.bytes);
  const report = buildStudyReport({
    identity: v.identity,
    corrections: v.corrections,
    lesionKind: kind,
    measurements,
    seg: { sopInstanceUid: w.sopInstanceUid, seriesInstanceUid: w.seriesInstanceUid, file: segPath },
    provenance: {
      bundle: { name: bundle.name, version: bundle.version, sha256: bundle.sumsSha256 },
      seed: x.result?.report.seed ?? 0,
      settings: x.result === null ? { source: 'manual segmentation (no SDPM run)' } : { mode: x.result.report.mode, ...x.result.report.settings },
      reader,
      edited: request.edited,
      softwareVersion: x.softwareVersion,
      timestamps: { reportedAt: new Date().toISOString() },
    },
  });
  const reportPath = x.join(x.outFolder, `report-${stamp}.html`);
  await x.write(x.join(x.outFolder, `report-${stamp}.json`), studyReportJson(report));
  await x.write(x.join(x.outFolder, `report-${stamp}.csv`), studyReportCsv(report));
  await x.write(reportPath, studyReportHtml(report));
  const segPixels = w.placeholderEmptyFrame ? 0 : w.sourceMasks.reduce((acc, m) => acc + m.reduce((a, b) => a + (b !== 0 ? 1 : 0), 0), 0);
  return { segPath, reportPath, totalMl: measurements.totalVolumeMl, segPixels, algorithmType: request.edited ? 'SEMIAUTOMATIC' : 'AUTOMATIC' };
}
