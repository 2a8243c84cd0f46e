/**
 * Returns the compressed bytes of one frame of encapsulated Pixel Data (PS3.5 A.4): the concatenation of
 * the fragments that make up frame `frameIndex`. Frame boundaries come from, in order of trust:
 *   1. the Basic Offset Table (first item), when it is not empty;
 *   2. the Extended Offset Table (7FE0,0001), when present;
 *   3. a single frame: every fragment belongs to it (however many there are);
 *   4. as many fragments as frames: one fragment per frame;
 *   5. otherwise the start-of-codestream markers: JPEG family SOI (FFD8) or JPEG 2000 SOC (FF4F) at the
 *      start of a fragment (what dicom-parser's createJPEGBasicOffsetTable does, extended to J2K).
 * Throws SdpmError DICOM_TRUNCATED when a fragment runs past the end of the file, DICOM_DECODE_FAILED
 * when the frames cannot be told apart, INVALID_ARGUMENT for a frame index out of range.
 */
import type { DataSet, Element, Fragment } from 'dicom-parser';
import { SdpmError } from '../../errors';

export function readCompressedFrame(dataSet: DataSet, pixelData: Element, frameIndex: number, numberOfFrames: number, filePath: string): Uint8Array {
  const fragments = pixelData.fragments ?? [];
  if (fragments.length === 0) {
    throw new SdpmError('DICOM_DECODE_FAILED', `${filePath}: encapsulated pixel data has no fragments`, { path: filePath });
  }
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= numberOfFrames) {
    throw new SdpmError('INVALID_ARGUMENT', `${filePath}: frame ${frameIndex} requested, the file has ${numberOfFrames}`, { path: filePath });
  }
  const bytes = dataSet.byteArray;
  for (const [i, f] of fragments.entries()) {
    if (f.position + f.length > bytes.byteLength) {
      throw new SdpmError('DICOM_TRUNCATED', `${filePath}: pixel data fragment ${i + 1} of ${fragments.length} needs ${f.length} bytes at offset ${f.position}, the file ends at ${bytes.byteLength}`, { path: filePath });
    }
  }
  const [first, count] = frameFragments(dataSet, pixelData, fragments, frameIndex, numberOfFrames, filePath);
  return concatFragments(bytes, fragments.slice(first, first + count));
}

/** [index of the first fragment of the frame, number of fragments]. */
function frameFragments(dataSet: DataSet, pixelData: Element, fragments: Fragment[], frameIndex: number, numberOfFrames: number, filePath: string): [number, number] {
  const offsets = pixelData.basicOffsetTable !== undefined && pixelData.basicOffsetTable.length > 0 ? pixelData.basicOffsetTable : extendedOffsetTable(dataSet);
  if (offsets !== undefined && offsets.length > 0) {
    if (offsets.length !== numberOfFrames) {
      throw new SdpmError('DICOM_DECODE_FAILED', `${filePath}: the pixel data offset table lists ${offsets.length} frames, NumberOfFrames is ${numberOfFrames}`, { path: filePath });
    }
    const starts = offsets.map((o) => fragments.findIndex((f) => f.offset === o));
    return startsToRange(starts, fragments.length, frameIndex, filePath, 'offset table entries that point at no fragment');
  }
  if (numberOfFrames === 1) return [0, fragments.length];
  if (fragments.length === numberOfFrames) return [frameIndex, 1];
  const starts: number[] = [];
  fragments.forEach((f, i) => {
    if (startsCodestream(dataSet.byteArray, f)) starts.push(i);
  });
  if (starts.length !== numberOfFrames) {
    throw new SdpmError('DICOM_DECODE_FAILED', `${filePath}: ${fragments.length} fragments, ${numberOfFrames} frames, no offset table, and ${starts.length} codestream starts: cannot tell the frames apart`, { path: filePath });
  }
  return startsToRange(starts, fragments.length, frameIndex, filePath, 'fragments');
}

function startsToRange(starts: number[], nFragments: number, frameIndex: number, filePath: string, what: string): [number, number] {
  const first = starts[frameIndex] ?? -1;
  const next = frameIndex + 1 < starts.length ? (starts[frameIndex + 1] ?? -1) : nFragments;
  if (first < 0 || next <= first) {
    throw new SdpmError('DICOM_DECODE_FAILED', `${filePath}: frame ${frameIndex + 1} cannot be located in the pixel data (${what})`, { path: filePath });
  }
  return [first, next - first];
}

/** Extended Offset Table (7FE0,0001), 64-bit offsets, relative like the Basic Offset Table's. */
function extendedOffsetTable(dataSet: DataSet): number[] | undefined {
  const el = dataSet.elements.x7fe00001;
  if (el === undefined || el.length === 0 || el.length % 8 !== 0) return undefined;
  const view = new DataView(dataSet.byteArray.buffer, dataSet.byteArray.byteOffset + el.dataOffset, el.length);
  const out: number[] = [];
  for (let i = 0; i < el.length; i += 8) out.push(Number(view.getBigUint64(i, true)));
  return out;
}

function startsCodestream(bytes: Uint8Array, f: Fragment): boolean {
  if (f.length < 2) return false;
  const a = bytes[f.position];
  const b = bytes[f.position + 1];
  return a === 0xff && (b === 0xd8 || b === 0x4f);
}

function concatFragments(bytes: Uint8Array, parts: Fragment[]): Uint8Array {
  const first = parts[0];
  if (parts.length === 1 && first !== undefined) return bytes.subarray(first.position, first.position + first.length);
  const total = parts.reduce((s, f) => s + f.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const f of parts) {
    out.set(bytes.subarray(f.position, f.position + f.length), o);
    o += f.length;
  }
  return out;
}
