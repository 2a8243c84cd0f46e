/**
 * The one place that calls dicom-parser's `parseDicom`. Handles:
 *   - Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99): the data set after the File Meta
 *     Information is raw-deflated (PS3.5 A.5); it is inflated with node:zlib, capped at `maxInflatedBytes`
 *     so a deflate bomb cannot exhaust memory.
 *   - Files without the 128-byte preamble and "DICM" (old archives, raw C-STORE dumps): accepted as
 *     Implicit VR Little Endian when the first bytes are a plausible group 0008 element; the returned
 *     data set then has no (0002,0010) and `transferSyntaxOf` reports Implicit VR Little Endian.
 *   - dicom-parser's exceptions (it throws strings, or `{ exception, dataSet }`): turned into SdpmError
 *     DICOM_TRUNCATED (the data runs past the end of the file) or DICOM_NOT_DICOM, naming the file.
 */
import type { DataSet } from 'dicom-parser';
import dicomParser from 'dicom-parser';
import { inflateRawSync } from 'node:zlib';
import { SdpmError } from '../../errors';

const IMPLICIT_VR_LE = '1.2.840.10008.1.2';
const DEFLATED = '1.2.840.10008.1.2.1.99';

export interface ParseDicomFileOptions {
  /** Largest inflated size accepted for a deflated file. Default 2 GiB. */
  maxInflatedBytes?: number;
}

export function parseDicomFile(bytes: Uint8Array, filePath: string, options: ParseDicomFileOptions = {}): DataSet {
  const maxOutputLength = options.maxInflatedBytes ?? 2 ** 31 - 1;
  const inflater = (arr: Uint8Array, position: number): Uint8Array => {
    let inflated: Uint8Array;
    try {
      inflated = inflateRawSync(arr.subarray(position), { maxOutputLength });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      const code = /unexpected end/i.test(why) ? 'DICOM_TRUNCATED' : 'DICOM_NOT_DICOM';
      throw new SdpmError(code, `${filePath}: the deflated data set (${DEFLATED}) cannot be inflated: ${why}`, { path: filePath, cause: err });
    }
    const full = new Uint8Array(position + inflated.byteLength);
    full.set(arr.subarray(0, position), 0);
    full.set(inflated, position);
    return full;
  };
  // dicom-parser's typings declare the inflater as returning void; at run time it uses the returned array.
  const parseOptions = { inflater: inflater as unknown as (arr: Uint8Array, position: number) => void };
  const raw = !hasPart10Prefix(bytes) && looksLikeRawImplicitDataSet(bytes);
  try {
    return dicomParser.parseDicom(bytes, raw ? { ...parseOptions, TransferSyntaxUID: IMPLICIT_VR_LE } : parseOptions);
  } catch (err) {
    if (err instanceof SdpmError) throw err;
    throw toSdpmError(err, filePath, bytes.byteLength);
  }
}

/** The data set's transfer syntax UID; Implicit VR Little Endian for files read without File Meta Information. */
export function transferSyntaxOf(dataSet: DataSet): string {
  return dataSet.string('x00020010')?.replace(/\0/g, '').trim() || IMPLICIT_VR_LE;
}

function hasPart10Prefix(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** First element is (0008,xxxx) with an even implicit-VR length that fits in the file. */
function looksLikeRawImplicitDataSet(bytes: Uint8Array): boolean {
  if (bytes.byteLength < 8) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset, 8);
  const length = view.getUint32(4, true);
  return view.getUint16(0, true) === 0x0008 && length % 2 === 0 && length + 8 <= bytes.byteLength;
}

function toSdpmError(err: unknown, filePath: string, size: number): SdpmError {
  const inner: unknown = typeof err === 'object' && err !== null && 'exception' in err ? (err as { exception: unknown }).exception : err;
  if (inner instanceof SdpmError) return inner;
  const why = inner instanceof Error ? inner.message : String(inner);
  if (/past end of buffer|overread|overrun|cannot be greater than or equal to|unexpected end/i.test(why)) {
    return new SdpmError('DICOM_TRUNCATED', `${filePath}: the DICOM data ends early (file is ${size} bytes): ${why}`, { path: filePath, cause: err });
  }
  return new SdpmError('DICOM_NOT_DICOM', `${filePath}: not a readable DICOM file: ${why}`, { path: filePath, cause: err });
}
