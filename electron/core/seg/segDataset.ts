/**
 * Small helpers shared by the SEG writer: DICOM value formatting and dcmjs file assembly.
 */
import dcmjs from 'dcmjs';
import type { CodedConcept } from './codes';

export const SEG_SOP_CLASS_BINARY = '1.2.840.10008.5.1.4.1.1.66.4';
export const SEG_SOP_CLASS_LABELMAP = '1.2.840.10008.5.1.4.1.1.66.7';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
/** Our implementation class UID (2.25 root, fixed) and version name (≤ 16 chars). */
export const IMPLEMENTATION_CLASS_UID = '2.25.302131393460469722218419386093839180870';
export const IMPLEMENTATION_VERSION_NAME = 'SDPM_SEG_1';

/** DS value: at most 16 characters (PS3.5 6.2). */
export function ds(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`DS value must be finite, got ${x}`);
  for (let digits = 10; digits >= 1; digits--) {
    const s = String(Number(x.toFixed(digits)));
    if (s.length <= 16) return s;
  }
  return x.toExponential(8);
}

export function da(d: Date): string {
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

export function tm(d: Date): string {
  return `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}${String(d.getUTCSeconds()).padStart(2, '0')}`;
}

/** CS value: upper case, [A-Z0-9 _], ≤ 16 chars. */
export function cs(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9 _]/g, '_').slice(0, 16);
}

/** LO value: ≤ 64 chars, no backslash or control characters. */
export function lo(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\\\u0000-\u001f]/g, ' ').slice(0, 64);
}

export function codeItem(c: CodedConcept): Record<string, unknown> {
  return { CodeValue: c.CodeValue, CodingSchemeDesignator: c.CodingSchemeDesignator, CodeMeaning: c.CodeMeaning };
}

/** Writes a naturalized dataset as a DICOM Part-10 file (explicit VR little endian). */
export function writePart10(dataset: Record<string, unknown>, sopClassUid: string, sopInstanceUid: string): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const versionBytes = new Uint8Array([0, 1]);
  const meta = DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: versionBytes.buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  });
  const dict = new DicomDict(meta);
  dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
  return new Uint8Array(dict.write());
}
