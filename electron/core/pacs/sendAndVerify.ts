/**
 * Sends a DICOM object (the exported SEG) back to the archive and reads it back before anyone is told
 * it is stored: an archive can acknowledge a STOW-RS (HTTP 200) or a C-STORE and keep nothing, or keep
 * something else. "stored and verified" is said only when the read-back matches (compareDicom.ts).
 */
import { SdpmError } from '../errors';
import { parseDicomFile } from '../dicom/parseDicomFile';
import { compareDicom, type DicomComparison } from './compareDicom';
import { pacsError, pacsMessage } from './pacsErrors';
import type { InstanceRef, PacsTransport } from './PacsTransport';

export interface SendResult {
  ref: InstanceRef;
  comparison: DicomComparison;
  /** "stored and verified (...)" */
  message: string;
}

/** Study/series/SOP UIDs of a Part-10 file (the SEG being sent). */
export function instanceRefOf(part10: Uint8Array, label: string): InstanceRef {
  const ds = parseDicomFile(part10, label, { headerOnly: true });
  const get = (tag: string): string => (ds.string(tag) ?? '').replace(/\0/g, '').trim();
  const ref = { studyInstanceUid: get('x0020000d'), seriesInstanceUid: get('x0020000e'), sopInstanceUid: get('x00080018'), sopClassUid: get('x00080016') };
  if (ref.studyInstanceUid === '' || ref.seriesInstanceUid === '' || ref.sopInstanceUid === '') {
    throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${label}: lacks Study/Series/SOP Instance UID; cannot send it`, { path: label });
  }
  return ref;
}

const LEVEL_TEXT: Record<DicomComparison['level'], string> = {
  identical: 'byte for byte identical',
  'dataset-bytes': 'data set byte for byte identical; the archive rewrote only the file meta header',
  tags: 'every data element identical, tag for tag (the archive re-encoded the file)',
  different: 'DIFFERENT',
};

export async function sendAndVerify(transport: PacsTransport, part10: Uint8Array, label: string, signal?: AbortSignal): Promise<SendResult> {
  const ref = instanceRefOf(part10, label);
  await transport.storeInstance(part10, ref, signal);
  const ctx = { peerLabel: transport.peerLabel, action: `verify stored instance ${ref.sopInstanceUid}`, studyInstanceUid: ref.studyInstanceUid };
  let back: Uint8Array;
  try {
    back = await transport.fetchInstance(ref, signal);
  } catch (err) {
    if (err instanceof SdpmError && err.code === 'PACS_NOT_FOUND') {
      throw pacsError('PACS_VERIFY_FAILED', ctx, 'the archive acknowledged the store but does not return the instance: it was NOT stored', err);
    }
    throw err;
  }
  const comparison = compareDicom(part10, back);
  if (comparison.level === 'different') {
    throw pacsError('PACS_VERIFY_FAILED', ctx, `the archive returns a different object: tags ${comparison.differingTags.slice(0, 12).join(', ')}${comparison.differingTags.length > 12 ? ', ...' : ''} differ`);
  }
  return { ref, comparison, message: pacsMessage(ctx, `stored and verified (${LEVEL_TEXT[comparison.level]})`) };
}
