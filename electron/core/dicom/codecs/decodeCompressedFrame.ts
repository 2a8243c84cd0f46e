/**
 * Runs the codec of one compressed frame. Each codec module is loaded on first use only (dynamic import /
 * lazy WebAssembly instantiation), so reading an uncompressed series never pays for them.
 * Returns the decoded samples as the codec gives them (8- or 16-bit, colour-by-pixel) and the image size
 * the codestream declares; ../decodeFrame.ts checks the size and converts to the contract's array type.
 * Codec failures surface as plain Errors; decodeFrame wraps them with the file and syntax named.
 */
import type { CodecKind } from './transferSyntaxes';
import { decodeRle } from './decodeRle';

export interface DecodedSamples {
  samples: Uint8Array | Uint16Array | Int16Array;
  width: number;
  height: number;
  components: number;
  /** Bits per sample the codestream declares (its precision). */
  precision: number;
}

export interface CompressedFrameShape {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  filePath: string;
}

export async function decodeCompressedFrame(codec: CodecKind, frame: Uint8Array, shape: CompressedFrameShape): Promise<DecodedSamples> {
  switch (codec) {
    case 'rle': {
      const bytes = decodeRle(frame, shape);
      const samples = shape.bitsAllocated === 16 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) : bytes;
      return { samples, width: shape.columns, height: shape.rows, components: shape.samplesPerPixel, precision: shape.bitsAllocated };
    }
    case 'jpeg-lossless':
      return (await import('./decodeJpegLossless')).decodeJpegLossless(frame, shape.bitsAllocated);
    case 'jpeg-ls':
      return decodeWithWasm('charls', frame);
    case 'jpeg2000':
      return decodeWithWasm('openjpeg', frame);
    case 'jpeg-8bit':
      return decodeWithWasm('libjpeg-turbo-8bit', frame);
    case 'jpeg-dct':
      return (await import('./decodeJpegDct')).decodeJpegDct(frame);
    case 'native-le':
    case 'native-be':
    case 'none':
      throw new Error(`codec '${codec}' is not a compressed-frame codec`);
  }
}

async function decodeWithWasm(name: 'charls' | 'openjpeg' | 'libjpeg-turbo-8bit', frame: Uint8Array): Promise<DecodedSamples> {
  const { loadWasmDecoder, runWasmDecode } = await import('./loadWasmDecoder');
  const decoder = await loadWasmDecoder(name);
  const { bytes, info } = runWasmDecode(decoder, frame);
  const samples = info.bitsPerSample > 8 ? new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1) : bytes;
  return { samples, width: info.width, height: info.height, components: info.componentCount, precision: info.bitsPerSample };
}
