/**
 * The loader's entry to DICOM parsing. It delegates to codecs/parseDicomFile (the one place that calls
 * dicom-parser: deflate inflater, files without preamble, error mapping to DICOM_NOT_DICOM /
 * DICOM_TRUNCATED naming the file) and adds what discovery needs: parsing only a prefix of a file.
 * When a prefix is not enough (a header longer than the prefix, a deflated body cut short), it throws
 * PrefixTooShortError and the caller reads the whole file.
 */
import type { DataSet } from 'dicom-parser';
import { SdpmError, isSdpmError } from '../errors';
import { parseDicomFile as parseWithCodecs } from './codecs/parseDicomFile';

export const PIXEL_DATA_TAG = 'x7fe00010';

export interface ParseDicomFileOptions {
  /** Stop at the PixelData element (its offset and declared length are still recorded). */
  headerOnly?: boolean;
  /** True when `bytes` is only the start of the file: failures other than "not DICOM" ask for the whole file. */
  isPrefix?: boolean;
}

/** Thrown when a header-only parse of a file prefix needs more bytes. */
export class PrefixTooShortError extends Error {
  constructor() {
    super('DICOM header extends beyond the bytes read');
    this.name = 'PrefixTooShortError';
  }
}

function hasDicmPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** A raw (pre-Part-10) data set starts with a group 0x0008 element. */
function mayBeRawDataSet(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x08 && bytes[1] === 0x00;
}

export function parseDicomFile(bytes: Uint8Array, filePath: string, options: ParseDicomFileOptions = {}): DataSet {
  // Decided here, before dicom-parser: a short non-DICOM file would otherwise read past its end and look truncated.
  if (!hasDicmPrefix(bytes) && !mayBeRawDataSet(bytes)) {
    throw new SdpmError('DICOM_NOT_DICOM', `${filePath}: not a DICOM file (no "DICM" marker at byte 128 and no raw DICOM data set)`, { path: filePath });
  }
  try {
    return parseWithCodecs(bytes, filePath, options.headerOnly === true ? { headerOnly: true } : {});
  } catch (err) {
    // A Part-10 file whose prefix fails to parse may simply be longer than the prefix: retry whole.
    if (options.isPrefix === true && (hasDicmPrefix(bytes) || !isSdpmError(err, 'DICOM_NOT_DICOM'))) throw new PrefixTooShortError();
    throw err;
  }
}
