/**
 * Studies to import into a trial: the segmentable CT series found in a folder (header-only
 * discovery), or the input folders of the successful rows of a batch run's results.csv.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { discoverSeries, type Logger, SdpmError } from '../../core/index';
import type { StudyImport } from '../../services/trial/AdminService';
import { csvFields } from '../../services/batch/manifest';

export async function studiesInFolder(folder: string, log: Logger): Promise<StudyImport[]> {
  const scan = await discoverSeries(folder, { log });
  // source: the series' own folder (where its first slice is), so a reader's workstation opens just that series
  return scan.series.filter((s) => s.segmentable).map((s) => ({ studyUid: s.studyInstanceUid, seriesUid: s.seriesInstanceUid, source: resolve(s.slices[0] === undefined ? folder : dirname(s.slices[0].filePath)) }));
}


export async function studiesInBatchResults(csvPath: string, log: Logger): Promise<StudyImport[]> {
  const lines = (await readFile(csvPath, 'utf8')).split(/\r?\n/).filter((l) => l !== '');
  const head = csvFields(lines[0] ?? '');
  const pathCol = head.indexOf('path');
  const statusCol = head.indexOf('status');
  if (pathCol < 0 || statusCol < 0) throw new SdpmError('INVALID_ARGUMENT', `${csvPath}: not a batch results.csv (needs the columns path and status)`, { path: csvPath });
  const out: StudyImport[] = [];
  for (const line of lines.slice(1)) {
    const f = csvFields(line);
    if (f[statusCol] !== 'ok') continue;
    const p = f[pathCol] ?? '';
    out.push(...(await studiesInFolder(isAbsolute(p) ? p : resolve(dirname(csvPath), p), log)));
  }
  return out;
}
