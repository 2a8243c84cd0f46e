/**
 * Writes a study report as `<base>.json`, `<base>.csv` and `<base>.html` (self-contained, key images
 * embedded) and returns the three paths.
 */
import { writeFile } from 'node:fs/promises';
import { SdpmError } from '../errors';
import type { KeyImage } from './keyImages';
import { studyReportJson, type StudyReport } from './StudyReport';
import { studyReportCsv } from './studyReportCsv';
import { studyReportHtml } from './studyReportHtml';

export async function writeStudyReportFiles(basePath: string, report: StudyReport, images: readonly KeyImage[] = []): Promise<{ json: string; csv: string; html: string }> {
  const paths = { json: `${basePath}.json`, csv: `${basePath}.csv`, html: `${basePath}.html` };
  try {
    await writeFile(paths.json, studyReportJson(report));
    await writeFile(paths.csv, studyReportCsv(report));
    await writeFile(paths.html, studyReportHtml(report, images));
  } catch (err) {
    throw new SdpmError('IO_ERROR', `${basePath}: cannot write the report (${err instanceof Error ? err.message : String(err)})`, { path: basePath, cause: err });
  }
  return paths;
}
