/**
 * What the trial checks in a read's SEG before storing it: that the bytes are a DICOM Segmentation
 * (header parsed by core/seg/readSeg.ts), that it belongs to the task's study and references the
 * task's series, and its SOP Instance UID (the SEG UID recorded in the read and the audit trail comes
 * from the file itself, never from the client).
 */
import { readSegHeader, SdpmError } from '../../core/index';

export interface SegIdentity {
  segUid: string;
  seriesUid: string;
  contentCreatorName: string;
}

export function inspectSeg(bytes: Uint8Array, study: { studyCode: string; studyUid: string; seriesUid: string }): SegIdentity {
  const what = `the SEG saved for study ${study.studyCode}`;
  const header = readSegHeader(bytes, what);
  if (header.sopInstanceUid === '') throw new SdpmError('SEG_INVALID', `${what} has no SOP Instance UID`);
  if (header.studyInstanceUid !== study.studyUid) throw new SdpmError('SEG_NO_REFERENCE', `${what} belongs to study ${header.studyInstanceUid || '(none)'}, not to ${study.studyUid}`);
  if (!header.referencedSeriesUids.includes(study.seriesUid)) {
    throw new SdpmError('SEG_NO_REFERENCE', `${what} references series ${header.referencedSeriesUids.join(', ') || '(none)'}, not the study's series ${study.seriesUid}`);
  }
  return { segUid: header.sopInstanceUid, seriesUid: header.seriesInstanceUid, contentCreatorName: header.contentCreatorName };
}
