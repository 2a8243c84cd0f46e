/**
 * One study of a batch or queue run: its key (StudyInstanceUID + hash of input and settings), and its DICOM SEG
 * written next to the NIfTI maps and report.json. Shared by `sdpm batch` (cli/batch/runShard.ts) and the queue
 * workers (services/queue/studyWorker.ts), so both publish the same result folder.
 */
import { statSync } from 'node:fs';
import { candidateIdMap, loadBundle, loadStudyInput, packageVersion, writeLesionSeg, type LesionType } from '../../core/index';
import type { ResultMessage } from '../../worker/protocol';
import type { ManifestEntry, StudyRecord } from './resultStore';
import { hashStudyInput, readStudyUid, studyKey } from './studyKey';

export async function prepareStudy(s: ManifestEntry, settingsSha256: string): Promise<{ key: string; uid: string; inputSha256: string }> {
  const [inputSha256, uid] = await Promise.all([hashStudyInput(s.path), readStudyUid(s.path)]);
  return { key: studyKey(uid, s.id, inputSha256, settingsSha256), uid, inputSha256 };
}

/**
 * The study's DICOM SEG (core writeLesionSeg, the same writer as the app's export): the DICOM folder is read
 * again by the same loader (so the grid is the worker's), lesion IDs from the run's candidate ID map (those of
 * report.json). A study read from NIfTI, or one whose SEG cannot be written, keeps its result with a note.
 */
/** What the SEG needs from the bundle and the product, read once per bundle folder (loadBundle hashes every file). */
const segInfoByBundle = new Map<string, { algorithm: { name: string; version: string }; lesionTypes: LesionType[]; softwareVersion: string }>();
function segInfo(bundleDir: string) {
  let info = segInfoByBundle.get(bundleDir);
  if (info === undefined) {
    const bundle = loadBundle(bundleDir);
    info = { algorithm: { name: bundle.name, version: bundle.version }, lesionTypes: bundle.labels.lesionTypes, softwareVersion: packageVersion() };
    segInfoByBundle.set(bundleDir, info);
  }
  return info;
}

export async function batchSeg(path: string, r: ResultMessage, bundleDir: string): Promise<{ bytes: Uint8Array | null; nifti: boolean; record: NonNullable<StudyRecord['seg']> }> {
  const none = (note: string, nifti = false) => ({ bytes: null, nifti, record: { file: null, sopInstanceUid: null, segments: 0, note } });
  if (!statSync(path).isDirectory()) return none('the input is a NIfTI file: a DICOM SEG needs the DICOM slices it segments', true);
  try {
    const volume = await loadStudyInput(path);
    const [nx, ny, nz] = volume.dimensions;
    if (nx * ny * nz !== r.mask.length) return none(`the study read again has ${nx * ny * nz} voxels, the result ${r.mask.length}; not written`);
    const info = segInfo(bundleDir);
    const { written } = writeLesionSeg({
      volume,
      mask: r.mask,
      reference: candidateIdMap(r.mask, r.droppedVoxels, volume.dimensions),
      algorithm: info.algorithm,
      lesionTypes: info.lesionTypes,
      algorithmType: 'AUTOMATIC',
      softwareVersion: info.softwareVersion,
      seriesDescription: 'SDPM lesion segmentation (batch, not reviewed)',
    });
    return { bytes: written.bytes, nifti: false, record: { file: 'seg.dcm', sopInstanceUid: written.sopInstanceUid, segments: written.framesPerSegment.length, note: null } };
  } catch (err) {
    return none(err instanceof Error ? err.message : String(err));
  }
}
