/**
 * Pixel data decoding for every transfer syntax the loader meets. The loader calls only `decodeFrame`
 * and `describeTransferSyntax`; everything codec-specific stays in this folder.
 *
 * Contract: `decodeFrame` returns the stored pixel values of one frame (before RescaleSlope/Intercept),
 * row-major, `rows*columns*samplesPerPixel` values (colour-by-pixel), as Int16Array when
 * PixelRepresentation = 1 and Uint16Array otherwise (Uint8Array for BitsAllocated 8). Values are
 * reduced to BitsStored bits (HighBit = BitsStored-1 assumed): sign-extended when signed, masked when
 * unsigned, so bits above the high bit (old overlay planes) never leak into HU.
 *
 * Errors (SdpmError):
 *   DICOM_UNSUPPORTED_TRANSFER_SYNTAX  the syntax is unknown or has no codec; the message names the
 *                                      syntax (name and UID) and the file.
 *   DICOM_MISSING_ATTRIBUTE            no Pixel Data.
 *   DICOM_TRUNCATED                    native pixel data or a fragment runs past the end of the file.
 *   DICOM_DECODE_FAILED                the codec rejects the data, or decodes to another size / depth, or
 *                                      the codestream declares another size than the header or one over
 *                                      the frame budget (checked before decoding: checkFrameSize.ts).
 *
 * Codecs: RLE (own, PS3.5 Annex G), JPEG lossless (own, T.81 Annex H), JPEG-LS (CharLS wasm),
 * JPEG 2000 and HTJ2K (OpenJPEG wasm), 8-bit baseline JPEG (libjpeg-turbo wasm), 12-bit extended and
 * progressive JPEG (vendored pdf.js-derived decoder, fixed for 12 bits). Each is loaded on first use only.
 * Refused: MPEG-2/H.264/HEVC video, JPEG XL, JPEG 2000 Part 2 multi-component, and any unknown UID.
 */
import type { DataSet } from 'dicom-parser';
import { SdpmError } from '../../errors';
import { TRANSFER_SYNTAXES } from './transferSyntaxes';
import { readCompressedFrame } from './readCompressedFrame';
import { checkCompressedFrame } from './checkFrameSize';

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
  /** PlanarConfiguration (0028,0006) of native colour data; 1 = colour-by-plane. Default 0. */
  planarConfiguration?: 0 | 1;
  /** NumberOfFrames (0028,0008). Default 1. */
  numberOfFrames?: number;
  /** Largest decoded frame accepted, checked with the codestream's declared size before decoding (checkFrameSize.ts). */
  maxFrameBytes?: number;
}

export interface TransferSyntaxInfo {
  uid: string;
  name: string;
  supported: boolean;
  lossy: boolean;
}

export type FramePixels = Int16Array | Uint16Array | Uint8Array;

export function describeTransferSyntax(uid: string): TransferSyntaxInfo {
  const known = TRANSFER_SYNTAXES[uid];
  if (known === undefined) return { uid, name: 'unknown transfer syntax', supported: false, lossy: false };
  return { uid, name: known.name, supported: known.codec !== 'none', lossy: known.lossy };
}

export async function decodeFrame(dataSet: DataSet, info: FrameInfo, frameIndex = 0): Promise<FramePixels> {
  const entry = TRANSFER_SYNTAXES[info.transferSyntaxUid];
  const tsName = entry?.name ?? 'unknown transfer syntax';
  if (entry === undefined || entry.codec === 'none') {
    throw new SdpmError(
      'DICOM_UNSUPPORTED_TRANSFER_SYNTAX',
      `${info.filePath}: transfer syntax ${tsName} (${info.transferSyntaxUid}) is not supported: no decoder for it in this build`,
      { path: info.filePath },
    );
  }
  if (![8, 16].includes(info.bitsAllocated) || info.bitsStored < 1 || info.bitsStored > info.bitsAllocated) {
    throw new SdpmError('DICOM_DECODE_FAILED', `${info.filePath}: BitsAllocated ${info.bitsAllocated} / BitsStored ${info.bitsStored} is not supported (8 or 16 bits allocated)`, { path: info.filePath });
  }
  const el = dataSet.elements.x7fe00010;
  if (el === undefined) throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${info.filePath}: no PixelData (7FE0,0010)`, { path: info.filePath });
  const n = info.rows * info.columns * info.samplesPerPixel;
  const numberOfFrames = info.numberOfFrames ?? 1;

  if (entry.encapsulated !== (el.encapsulatedPixelData === true)) {
    const [expected, found] = entry.encapsulated ? ['encapsulated', 'native'] : ['native', 'encapsulated'];
    throw new SdpmError('DICOM_DECODE_FAILED', `${info.filePath}: transfer syntax ${tsName} (${info.transferSyntaxUid}) requires ${expected} pixel data, the file has ${found} pixel data`, { path: info.filePath });
  }
  if (!entry.encapsulated) return decodeNative(dataSet, el.dataOffset, info, frameIndex, entry.codec === 'native-be');

  const frame = readCompressedFrame(dataSet, el, frameIndex, numberOfFrames, info.filePath);
  checkCompressedFrame(entry.codec, frame, info, `frame ${frameIndex + 1} in ${tsName} (${info.transferSyntaxUid})`, info.maxFrameBytes);
  const { decodeCompressedFrame } = await import('./decodeCompressedFrame');
  let decoded;
  try {
    decoded = await decodeCompressedFrame(entry.codec, frame, info);
  } catch (err) {
    if (err instanceof SdpmError) throw err;
    const why = err instanceof Error ? err.message : String(err);
    throw new SdpmError('DICOM_DECODE_FAILED', `${info.filePath}: frame ${frameIndex + 1} in ${tsName} (${info.transferSyntaxUid}) could not be decoded: ${why}`, { path: info.filePath, cause: err });
  }
  if (decoded.width !== info.columns || decoded.height !== info.rows || decoded.components !== info.samplesPerPixel || decoded.samples.length !== n) {
    throw new SdpmError(
      'DICOM_DECODE_FAILED',
      `${info.filePath}: ${tsName} codestream is ${decoded.width}x${decoded.height}x${decoded.components}, the header says ${info.columns}x${info.rows}x${info.samplesPerPixel}`,
      { path: info.filePath },
    );
  }
  if (decoded.precision > info.bitsAllocated) {
    throw new SdpmError('DICOM_DECODE_FAILED', `${info.filePath}: ${tsName} codestream has ${decoded.precision}-bit samples, BitsAllocated is ${info.bitsAllocated}`, { path: info.filePath });
  }
  return toContractArray(decoded.samples, info);
}

function decodeNative(dataSet: DataSet, dataOffset: number, info: FrameInfo, frameIndex: number, bigEndian: boolean): FramePixels {
  const n = info.rows * info.columns * info.samplesPerPixel;
  const bytesPer = info.bitsAllocated / 8;
  const frameBytes = n * bytesPer;
  const offset = dataOffset + frameIndex * frameBytes;
  if (offset + frameBytes > dataSet.byteArray.byteLength) {
    throw new SdpmError('DICOM_TRUNCATED', `${info.filePath}: pixel data is shorter than frame ${frameIndex + 1} of ${info.rows}x${info.columns} pixels`, { path: info.filePath });
  }
  const copy = dataSet.byteArray.slice(offset, offset + frameBytes);
  if (bigEndian && bytesPer === 2) {
    for (let i = 0; i < copy.length; i += 2) {
      const a = copy[i] ?? 0;
      copy[i] = copy[i + 1] ?? 0;
      copy[i + 1] = a;
    }
  }
  const samples = bytesPer === 1 ? copy : new Uint16Array(copy.buffer, copy.byteOffset, n);
  const interleaved = info.planarConfiguration === 1 && info.samplesPerPixel > 1 ? planarToInterleaved(samples, info.samplesPerPixel) : samples;
  return toContractArray(interleaved, info);
}

function planarToInterleaved<T extends Uint8Array | Uint16Array>(planar: T, spp: number): T {
  const out = planar.slice() as T;
  const pixels = planar.length / spp;
  for (let s = 0; s < spp; s++) for (let p = 0; p < pixels; p++) out[p * spp + s] = planar[s * pixels + p] ?? 0;
  return out;
}

/** Converts to the contract's array type and reduces to BitsStored bits (see the file comment). */
function toContractArray(samples: Uint8Array | Uint16Array | Int16Array, info: FrameInfo): FramePixels {
  let out: FramePixels;
  if (info.bitsAllocated === 8) out = samples instanceof Uint8Array ? samples : Uint8Array.from(samples);
  else if (info.pixelRepresentation === 1) {
    out = samples instanceof Int16Array ? samples : new Int16Array(samples.length);
    if (out !== samples) out.set(samples instanceof Uint8Array ? samples : new Int16Array(samples.buffer, samples.byteOffset, samples.length));
  } else {
    out = samples instanceof Uint16Array ? samples : new Uint16Array(samples.length);
    if (out !== samples) out.set(samples instanceof Uint8Array ? samples : new Uint16Array(samples.buffer, samples.byteOffset, samples.length));
  }
  const bs = info.bitsStored;
  // 8-bit signed data cannot be sign-extended into the contract's Uint8Array; it is left as stored.
  if (bs < info.bitsAllocated && !(info.bitsAllocated === 8 && info.pixelRepresentation === 1)) {
    if (info.pixelRepresentation === 1) {
      const shift = 32 - bs;
      for (let i = 0; i < out.length; i++) out[i] = ((out[i] ?? 0) << shift) >> shift;
    } else {
      const mask = (1 << bs) - 1;
      for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) & mask;
    }
  }
  return out;
}
