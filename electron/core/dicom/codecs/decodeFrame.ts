/**
 * Pixel data decoding for every transfer syntax the loader meets. The loader calls only `decodeFrame`
 * and `describeTransferSyntax`; everything codec-specific stays in this folder.
 *
 * Contract: `decodeFrame` returns the stored pixel values of one frame (before RescaleSlope/Intercept),
 * row-major, `rows*columns*samplesPerPixel` values, as Int16Array when PixelRepresentation = 1 and
 * Uint16Array otherwise (Uint8Array for BitsAllocated 8). A syntax that cannot be decoded throws
 * SdpmError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX') whose message names the syntax (name and UID) and the file.
 */
import type { DataSet } from 'dicom-parser';
import { SdpmError } from '../../errors';

export interface FrameInfo {
  transferSyntaxUid: string;
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  samplesPerPixel: number;
  photometricInterpretation: string;
  /** For error messages. */
  filePath: string;
}

export interface TransferSyntaxInfo {
  uid: string;
  name: string;
  supported: boolean;
  lossy: boolean;
}

const NAMES: Record<string, { name: string; lossy: boolean }> = {
  '1.2.840.10008.1.2': { name: 'Implicit VR Little Endian', lossy: false },
  '1.2.840.10008.1.2.1': { name: 'Explicit VR Little Endian', lossy: false },
};

export function describeTransferSyntax(uid: string): TransferSyntaxInfo {
  const known = NAMES[uid];
  return known === undefined ? { uid, name: 'unknown transfer syntax', supported: false, lossy: false } : { uid, ...known, supported: true };
}

export async function decodeFrame(dataSet: DataSet, info: FrameInfo, frameIndex = 0): Promise<Int16Array | Uint16Array | Uint8Array> {
  const ts = describeTransferSyntax(info.transferSyntaxUid);
  if (!ts.supported) {
    throw new SdpmError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', `${info.filePath}: transfer syntax ${ts.name} (${ts.uid}) is not supported`, { path: info.filePath });
  }
  const el = dataSet.elements.x7fe00010;
  if (el === undefined) throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${info.filePath}: no PixelData (7FE0,0010)`, { path: info.filePath });
  const n = info.rows * info.columns * info.samplesPerPixel;
  const bytesPer = info.bitsAllocated / 8;
  const offset = el.dataOffset + frameIndex * n * bytesPer;
  if (offset + n * bytesPer > dataSet.byteArray.byteLength) {
    throw new SdpmError('DICOM_TRUNCATED', `${info.filePath}: pixel data is shorter than ${info.rows}x${info.columns} pixels`, { path: info.filePath });
  }
  const copy = dataSet.byteArray.slice(offset, offset + n * bytesPer);
  if (info.bitsAllocated === 8) return copy;
  return info.pixelRepresentation === 1 ? new Int16Array(copy.buffer, copy.byteOffset, n) : new Uint16Array(copy.buffer, copy.byteOffset, n);
}
