/**
 * Compares what we sent with what the archive gives back. Archives rewrite the File Meta Information
 * (group 0002: source AE, implementation UID), and a DIMSE read-back is re-encoded, so the comparison
 * goes from strict to semantic:
 *   'identical'      the whole file is byte for byte the same;
 *   'dataset-bytes'  the data set after group 0002 is byte for byte the same;
 *   'tags'           every data element (group 0002 aside) has the same value, tag for tag;
 *   'different'      with the tags that differ.
 */
import dcmjs from 'dcmjs';

export interface DicomComparison {
  level: 'identical' | 'dataset-bytes' | 'tags' | 'different';
  /** Tags (ggggeeee) whose values differ or that are missing on one side, when level is 'different'. */
  differingTags: string[];
}

/** Byte offset where the data set starts (after preamble, "DICM" and the explicit-VR group 0002). */
export function datasetOffset(bytes: Uint8Array): number {
  if (bytes.length < 132 || bytes[128] !== 0x44 || bytes[129] !== 0x49 || bytes[130] !== 0x43 || bytes[131] !== 0x4d) return 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let p = 132;
  while (p + 8 <= bytes.length && view.getUint16(p, true) === 0x0002) {
    const vr = String.fromCharCode(bytes[p + 4] ?? 0, bytes[p + 5] ?? 0);
    if (['OB', 'OW', 'OF', 'SQ', 'UT', 'UN', 'UC', 'UR', 'OD', 'OL', 'OV'].includes(vr)) p += 12 + view.getUint32(p + 8, true);
    else p += 8 + view.getUint16(p + 6, true);
  }
  return p;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function canonical(v: unknown): unknown {
  if (v instanceof ArrayBuffer) return Buffer.from(v).toString('base64');
  if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, canonical(x)]));
  if (typeof v === 'string') return v.replace(/[\0 ]+$/, '');
  return v;
}

function elements(bytes: Uint8Array): Record<string, { vr: string; Value?: unknown[] }> {
  return dcmjs.data.DicomMessage.readFile(bytes.slice().buffer).dict;
}

export function compareDicom(sent: Uint8Array, got: Uint8Array): DicomComparison {
  if (sameBytes(sent, got)) return { level: 'identical', differingTags: [] };
  if (sameBytes(sent.subarray(datasetOffset(sent)), got.subarray(datasetOffset(got)))) return { level: 'dataset-bytes', differingTags: [] };
  const a = elements(sent);
  const b = elements(got);
  const differing: string[] = [];
  for (const tag of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[tag];
    const y = b[tag];
    if (x === undefined || y === undefined) differing.push(tag);
    else if (JSON.stringify(canonical(x.Value ?? [])) !== JSON.stringify(canonical(y.Value ?? []))) differing.push(tag);
  }
  return differing.length === 0 ? { level: 'tags', differingTags: [] } : { level: 'different', differingTags: differing.sort() };
}
