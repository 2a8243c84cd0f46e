/**
 * Rule: a compressed frame's declared size is checked against the DICOM header and a memory budget
 * BEFORE any decoder allocates for it. The decoders (our own and the wasm ones) size their output from
 * the codestream's own header, so a frame that claims 60000 x 60000 pixels in a 512 x 512 series would
 * otherwise allocate gigabytes before failing. Read here, without decoding:
 *   - JPEG family (lossless, baseline, extended, progressive, JPEG-LS): the SOFn / SOF55 segment
 *     (precision, lines, samples per line, components);
 *   - JPEG 2000 / HTJ2K: the SIZ segment after SOC (image size minus offset, components, bit depth);
 *   - RLE: the output size is the header's, so only the budget applies.
 * Throws SdpmError DICOM_DECODE_FAILED naming the file, the declared and expected sizes.
 */
import { SdpmError } from '../../errors';
import type { CodecKind } from './transferSyntaxes';

/** Largest decoded frame accepted (bytes). A 4096 x 4096 RGB 16-bit frame is 96 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

export interface FrameExpectation {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  filePath: string;
}

export interface DeclaredFrame {
  width: number;
  height: number;
  components: number;
  precision: number;
}

const u16 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const u32 = (b: Uint8Array, i: number): number => (u16(b, i) * 65536) + u16(b, i + 2);

/** The frame header of a JPEG-family codestream (SOF0-SOF15 except DHT/JPG/DAC, or JPEG-LS SOF55); null if none. */
export function readJpegFrameHeader(b: Uint8Array): DeclaredFrame | null {
  if (b[0] !== 0xff || b[1] !== 0xd8) return null;
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const m = b[i + 1] ?? 0;
    if (m === 0xff) {
      i++;
      continue;
    }
    if (m === 0xd8 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = u16(b, i + 2);
    const isSof = (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) || m === 0xf7;
    if (isSof) {
      if (len < 8 || i + 2 + len > b.length) return null;
      return { precision: b[i + 4] ?? 0, height: u16(b, i + 5), width: u16(b, i + 7), components: b[i + 9] ?? 0 };
    }
    if (m === 0xda || m === 0xd9 || len < 2) return null; // scan or end before any frame header
    i += 2 + len;
  }
  return null;
}

/** The SIZ segment of a JPEG 2000 codestream (raw, or inside a JP2 'jp2c' box within the first 4 KB); null if none. */
export function readJ2kFrameHeader(b: Uint8Array): DeclaredFrame | null {
  let s = -1;
  const limit = Math.min(b.length - 4, 4096);
  for (let i = 0; i <= limit; i++) {
    if (b[i] === 0xff && b[i + 1] === 0x4f && b[i + 2] === 0xff && b[i + 3] === 0x51) {
      s = i + 2;
      break;
    }
  }
  if (s < 0 || s + 40 > b.length) return null;
  const xsiz = u32(b, s + 6);
  const ysiz = u32(b, s + 10);
  const xo = u32(b, s + 14);
  const yo = u32(b, s + 18);
  const csiz = u16(b, s + 38);
  const ssiz = b[s + 40] ?? 0;
  return { width: xsiz - xo, height: ysiz - yo, components: csiz, precision: (ssiz & 0x7f) + 1 };
}

/** `label` names the frame and syntax in messages, e.g. "frame 1 in JPEG Lossless (1.2.840.10008.1.2.4.70)". */
export function checkCompressedFrame(codec: CodecKind, frame: Uint8Array, e: FrameExpectation, label: string, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): void {
  const fail = (why: string): SdpmError => new SdpmError('DICOM_DECODE_FAILED', `${e.filePath}: ${label}: ${why}`, { path: e.filePath });
  const bytes = e.rows * e.columns * e.samplesPerPixel * Math.ceil(e.bitsAllocated / 8);
  if (!(e.rows > 0 && e.columns > 0 && e.samplesPerPixel > 0)) throw fail(`the header declares ${e.columns}x${e.rows} pixels with ${e.samplesPerPixel} sample(s): nothing to decode`);
  if (bytes > maxFrameBytes) throw fail(`a ${e.columns}x${e.rows}x${e.samplesPerPixel} frame of ${e.bitsAllocated} bits needs ${bytes} bytes, over the frame budget of ${maxFrameBytes} bytes`);
  if (codec === 'rle' || codec === 'native-le' || codec === 'native-be' || codec === 'none') return;
  const declared = codec === 'jpeg2000' ? readJ2kFrameHeader(frame) : readJpegFrameHeader(frame);
  const kind = codec === 'jpeg2000' ? 'JPEG 2000 SIZ' : 'JPEG frame (SOF)';
  if (declared === null) throw fail(`no ${kind} header at the start of the compressed frame (${frame.length} bytes): not a ${codec} codestream`);
  if (declared.width !== e.columns || declared.height !== e.rows || declared.components !== e.samplesPerPixel) {
    throw fail(`the codestream is ${declared.width}x${declared.height}x${declared.components}, the header says ${e.columns}x${e.rows}x${e.samplesPerPixel} (read from its ${kind} header; refused before decoding)`);
  }
  if (declared.precision < 1 || declared.precision > Math.max(16, e.bitsAllocated)) throw fail(`the ${kind} header declares ${declared.precision}-bit samples, BitsAllocated is ${e.bitsAllocated}`);
}
