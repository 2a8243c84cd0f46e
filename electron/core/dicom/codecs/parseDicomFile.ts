/**
 * The one place that calls dicom-parser's `parseDicom`. Handles:
 *   - Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99): the data set after the File Meta
 *     Information is raw-deflated (PS3.5 A.5); it is inflated with node:zlib inflateRawSync, capped at
 *     `maxInflatedBytes` so a deflate bomb cannot exhaust memory (see inflateIfDeflated for why this is
 *     done here rather than through dicom-parser's `inflater` option).
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
const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';

export interface ParseDicomFileOptions {
  /** Largest inflated size accepted for a deflated file. Default 2 GiB - 1. */
  maxInflatedBytes?: number;
  /** Stop before Pixel Data (7FE0,0010): header-only reads for series discovery. */
  headerOnly?: boolean;
}

export function parseDicomFile(bytes: Uint8Array, filePath: string, options: ParseDicomFileOptions = {}): DataSet {
  const parseOptions: { untilTag?: string; TransferSyntaxUID?: string } = {};
  if (options.headerOnly === true) parseOptions.untilTag = 'x7fe00010';
  const part10 = hasPart10Prefix(bytes);
  if (!part10 && looksLikeRawImplicitDataSet(bytes)) parseOptions.TransferSyntaxUID = IMPLICIT_VR_LE;
  try {
    const deflated = part10 ? inflateIfDeflated(bytes, filePath, options.maxInflatedBytes ?? 2 ** 31 - 1) : undefined;
    if (deflated === undefined) return dicomParser.parseDicom(bytes, parseOptions);
    const dataSet = dicomParser.parseDicom(deflated.bytes, parseOptions);
    deflated.restoreUid();
    return dataSet;
  } catch (err) {
    if (err instanceof SdpmError) throw err;
    throw toSdpmError(err, filePath, bytes.byteLength);
  }
}

/**
 * Deflated Explicit VR Little Endian: returns the file with its data set inflated in place and the
 * Transfer Syntax UID value temporarily overwritten (same length, NUL-padded) with Explicit VR Little
 * Endian, so dicom-parser parses the inflated bytes from the right position. (Its own `inflater` hook
 * restarts parsing at byte 0 of the returned array, i.e. inside the preamble, and only comes out right
 * by chance.) `restoreUid` puts the original UID bytes back, so the data set still reports 1.2.1.99.
 */
function inflateIfDeflated(bytes: Uint8Array, filePath: string, maxOutputLength: number): { bytes: Uint8Array; restoreUid: () => void } | undefined {
  const meta = dicomParser.readPart10Header(bytes) as DataSet & { position?: number };
  const tsEl = meta.elements.x00020010;
  if (tsEl === undefined || meta.string('x00020010') !== DEFLATED || meta.position === undefined) return undefined;
  const position = meta.position;
  let inflated: Uint8Array;
  try {
    inflated = inflateRawSync(bytes.subarray(position), { maxOutputLength });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const code = /unexpected end/i.test(why) ? 'DICOM_TRUNCATED' : 'DICOM_NOT_DICOM';
    throw new SdpmError(code, `${filePath}: the deflated data set (${DEFLATED}) cannot be inflated: ${why}`, { path: filePath, cause: err });
  }
  const full = new Uint8Array(position + inflated.byteLength);
  full.set(bytes.subarray(0, position), 0);
  full.set(inflated, position);
  const original = full.slice(tsEl.dataOffset, tsEl.dataOffset + tsEl.length);
  const standIn = new Uint8Array(tsEl.length);
  standIn.set(new TextEncoder().encode(EXPLICIT_VR_LE).subarray(0, tsEl.length));
  full.set(standIn, tsEl.dataOffset);
  return { bytes: full, restoreUid: () => full.set(original, tsEl.dataOffset) };
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

/**
 * dicom-parser's failures as SdpmError naming the file: its parse errors, and those of its lazy accessors
 * (`string`, `uint16`... read element values only when asked, and throw strings or TypeErrors on elements
 * whose declared length runs past the data), which callers reading a parsed data set wrap with this.
 */
export function toSdpmError(err: unknown, filePath: string, size: number): SdpmError {
  const inner: unknown = typeof err === 'object' && err !== null && 'exception' in err ? (err as { exception: unknown }).exception : err;
  if (inner instanceof SdpmError) return inner;
  const why = inner instanceof Error ? inner.message : String(inner);
  if (/past end of buffer|overread|overrun|cannot be greater than or equal to|unexpected end|maxP ?osition/i.test(why)) {
    return new SdpmError('DICOM_TRUNCATED', `${filePath}: the DICOM data ends early (file is ${size} bytes): ${why}`, { path: filePath, cause: err });
  }
  return new SdpmError('DICOM_NOT_DICOM', `${filePath}: not a readable DICOM file: ${why}`, { path: filePath, cause: err });
}
