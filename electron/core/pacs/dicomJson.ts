/**
 * Reading the DICOM JSON model (PS3.18 F.2) that QIDO-RS answers with. Untrusted input: every accessor
 * checks shapes and returns '' / null instead of trusting the archive.
 */
export type DicomJsonObject = Record<string, unknown>;

/** Parses a QIDO-RS answer body: a JSON array of objects (an empty body means no match). */
export function parseDicomJsonArray(text: string): DicomJsonObject[] {
  if (text.trim() === '') return [];
  const v: unknown = JSON.parse(text);
  if (!Array.isArray(v)) throw new SyntaxError(`expected a JSON array, got ${v === null ? 'null' : typeof v}`);
  return v.map((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new SyntaxError(`item ${i} is not an object`);
    return item as DicomJsonObject;
  });
}

function firstValue(obj: DicomJsonObject, tag: string): unknown {
  const el = obj[tag];
  if (typeof el !== 'object' || el === null) return undefined;
  const value = (el as { Value?: unknown }).Value;
  return Array.isArray(value) ? value[0] : undefined;
}

export function jsonString(obj: DicomJsonObject, tag: string): string {
  const v = firstValue(obj, tag);
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null) {
    const alpha = (v as { Alphabetic?: unknown }).Alphabetic; // PN
    if (typeof alpha === 'string') return alpha;
  }
  return '';
}

export function jsonStrings(obj: DicomJsonObject, tag: string): string[] {
  const el = obj[tag];
  if (typeof el !== 'object' || el === null) return [];
  const value = (el as { Value?: unknown }).Value;
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

export function jsonNumber(obj: DicomJsonObject, tag: string): number | null {
  const v = firstValue(obj, tag);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

export const TAG = {
  studyInstanceUid: '0020000D',
  seriesInstanceUid: '0020000E',
  sopInstanceUid: '00080018',
  sopClassUid: '00080016',
  patientId: '00100020',
  patientName: '00100010',
  accessionNumber: '00080050',
  studyDate: '00080020',
  studyDescription: '00081030',
  modalitiesInStudy: '00080061',
  modality: '00080060',
  seriesNumber: '00200011',
  seriesDescription: '0008103E',
  seriesInStudy: '00201206',
  instancesInStudy: '00201208',
  instancesInSeries: '00201209',
} as const;
