/**
 * DICOM RLE Lossless decoder (PS3.5 Annex G). One frame = one RLE "image": a 64-byte header of sixteen
 * little-endian uint32 (segment count, then up to 15 segment offsets from the header start) followed by
 * PackBits-coded segments. Each segment holds one byte plane of one sample: for 16-bit data the first
 * segment of a sample is its most significant byte (G.2), and samples are stored one after another
 * (colour-by-plane). Returns little-endian bytes in colour-by-pixel order, `rows*columns*samplesPerPixel*
 * bytesPerSample` long, ready to be viewed as a typed array.
 *
 * Errors: a malformed header or a segment that overruns or comes up short throws
 * SdpmError('DICOM_DECODE_FAILED') naming `filePath`.
 */
import { SdpmError } from '../../errors';

export interface RleFrameShape {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  filePath: string;
}

export function decodeRle(frame: Uint8Array, shape: RleFrameShape): Uint8Array {
  const fail = (why: string): SdpmError =>
    new SdpmError('DICOM_DECODE_FAILED', `${shape.filePath}: RLE Lossless pixel data is malformed: ${why}`, { path: shape.filePath });
  if (shape.bitsAllocated % 8 !== 0) throw fail(`BitsAllocated ${shape.bitsAllocated} is not a whole number of bytes`);
  const bytesPerSample = shape.bitsAllocated / 8;
  const pixels = shape.rows * shape.columns;
  const expectedSegments = shape.samplesPerPixel * bytesPerSample;
  if (frame.byteLength < 64) throw fail(`frame is ${frame.byteLength} bytes, shorter than the 64-byte RLE header`);
  const header = new DataView(frame.buffer, frame.byteOffset, 64);
  const nSegments = header.getUint32(0, true);
  if (nSegments !== expectedSegments) {
    throw fail(`header declares ${nSegments} segments, ${shape.samplesPerPixel} sample(s) of ${shape.bitsAllocated} bits need ${expectedSegments}`);
  }
  const offsets: number[] = [];
  for (let s = 0; s < nSegments; s++) offsets.push(header.getUint32(4 + 4 * s, true));
  const out = new Uint8Array(pixels * shape.samplesPerPixel * bytesPerSample);
  const stride = shape.samplesPerPixel * bytesPerSample;
  for (let s = 0; s < nSegments; s++) {
    const start = offsets[s] ?? 0;
    const end = s + 1 < nSegments ? (offsets[s + 1] ?? 0) : frame.byteLength;
    if (start < 64 || end > frame.byteLength || end < start) throw fail(`segment ${s + 1} offsets ${start}..${end} lie outside the ${frame.byteLength}-byte frame`);
    const sample = Math.floor(s / bytesPerSample);
    // Segment order within a sample is most significant byte first; output is little endian.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample);
    const written = unpackBits(frame, start, end, out, sample * bytesPerSample + byteInSample, stride, pixels);
    if (written < pixels) throw fail(`segment ${s + 1} decodes to ${written} bytes, ${pixels} expected (truncated data?)`);
  }
  return out;
}

/**
 * PackBits (G.3.1): header byte n as int8; 0..127 copies the next n+1 bytes, -1..-127 repeats the next
 * byte 1-n times, -128 is a no-op. Writes at most `count` bytes to out[first + i*stride] and returns how
 * many it wrote. Stops at `count` so the even-length padding byte of a segment is ignored; a run that
 * would overrun `count` is clipped (encoders are not allowed to produce one, decoders tolerate it).
 */
export function unpackBits(src: Uint8Array, start: number, end: number, out: Uint8Array, first: number, stride: number, count: number): number {
  let i = start;
  let n = 0;
  let o = first;
  while (i < end && n < count) {
    const h = src[i++] ?? 0;
    if (h < 128) {
      const len = Math.min(h + 1, count - n, end - i);
      for (let k = 0; k < len; k++, o += stride) out[o] = src[i + k] ?? 0;
      i += h + 1;
      n += len;
    } else if (h > 128) {
      if (i >= end) break;
      const v = src[i++] ?? 0;
      const len = Math.min(257 - h, count - n);
      for (let k = 0; k < len; k++, o += stride) out[o] = v;
      n += len;
    }
  }
  return n;
}
