/**
 * Parsing helpers at the dcmjs edge: naturalized datasets are `unknown`, these narrow them.
 */
import dcmjs from 'dcmjs';
import { SdpmError } from '../errors';
import { concatBytes } from '../bytes';

export type Dataset = Record<string, unknown>;

// dcmjs reports implicit-VR pixel data ('ox') on the console; we validate ourselves, so silence it.
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

export function parseDicom(bytes: Uint8Array, filePath: string): { dataset: Dataset; transferSyntaxUid: string } {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let dict;
  try {
    dict = dcmjs.data.DicomMessage.readFile(ab as ArrayBuffer);
  } catch (err) {
    throw new SdpmError('DICOM_NOT_DICOM', `${filePath}: not a readable DICOM file (${err instanceof Error ? err.message : String(err)})`, { path: filePath, cause: err });
  }
  const meta = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.meta);
  const dataset = dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict);
  return { dataset, transferSyntaxUid: str(meta, 'TransferSyntaxUID') };
}

export function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}

export function str(ds: Dataset, key: string): string {
  const v = first(ds[key]);
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && v !== null && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic ?? '');
  return String(v).trim();
}

export function num(ds: Dataset, key: string): number | null {
  const v = first(ds[key]);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
}

export function nums(ds: Dataset, key: string): number[] | null {
  const v = ds[key];
  if (v === undefined || v === null) return null;
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split('\\') : [v];
  const out = arr.map((x) => (typeof x === 'number' ? x : Number(x)));
  return out.every((x) => Number.isFinite(x)) ? out : null;
}

export function seq(ds: Dataset, key: string): Dataset[] {
  const v = ds[key];
  if (Array.isArray(v)) return v.filter((x): x is Dataset => typeof x === 'object' && x !== null && !(x instanceof ArrayBuffer));
  if (typeof v === 'object' && v !== null && !(v instanceof ArrayBuffer)) return [v as Dataset];
  return [];
}

/** First item of a functional-group macro, per-frame item first, then the shared item. */
export function groupItem(perFrame: Dataset | undefined, shared: Dataset | undefined, macro: string): Dataset | undefined {
  return (perFrame !== undefined ? seq(perFrame, macro)[0] : undefined) ?? (shared !== undefined ? seq(shared, macro)[0] : undefined);
}

export function pixelBytes(ds: Dataset, filePath: string): Uint8Array {
  const v = ds.PixelData;
  const parts = (Array.isArray(v) ? v : [v]).filter((x): x is ArrayBuffer | ArrayBufferView => x instanceof ArrayBuffer || ArrayBuffer.isView(x));
  if (parts.length === 0) throw new SdpmError('SEG_INVALID', `${filePath}: no Pixel Data`, { path: filePath });
  const arrays = parts.map((p) => (p instanceof ArrayBuffer ? new Uint8Array(p) : new Uint8Array(p.buffer, p.byteOffset, p.byteLength)));
  return concatBytes(arrays);
}
