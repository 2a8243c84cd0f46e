/**
 * Lazy loading of the Cornerstone WebAssembly codecs (CharLS, OpenJPEG, libjpeg-turbo 8-bit) in Node.
 * Each package ships an Emscripten factory (CommonJS, `dist/*_decode.js`) and its `.wasm`; the factory is
 * required on first use only, and the wasm bytes are read here and handed over as `wasmBinary`, so
 * nothing depends on Emscripten's own file lookup (`__dirname`, fetch) and startup pays nothing until a
 * compressed file is met. One decoder object per codec is kept and reused: decode calls are synchronous,
 * so a Node thread never runs two at once.
 */
import { readFileSync } from 'node:fs';
import { nodeRequire } from './nodeRequire';

/** The decoder object shared by the three Cornerstone codec builds (only the members used here). */
export interface WasmFrameDecoder {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getNearLossless?(): number;
}

export type WasmCodecName = 'charls' | 'openjpeg' | 'libjpeg-turbo-8bit';

interface CodecSpec {
  pkg: string;
  factoryExport: string;
  wasmExport: string;
  decoderClass: string;
}

const SPECS: Record<WasmCodecName, CodecSpec> = {
  charls: { pkg: '@cornerstonejs/codec-charls', factoryExport: 'decodewasmjs', wasmExport: 'decodewasm', decoderClass: 'JpegLSDecoder' },
  openjpeg: { pkg: '@cornerstonejs/codec-openjpeg', factoryExport: 'decodewasmjs', wasmExport: 'decodewasm', decoderClass: 'J2KDecoder' },
  'libjpeg-turbo-8bit': { pkg: '@cornerstonejs/codec-libjpeg-turbo-8bit', factoryExport: 'decodewasmjs', wasmExport: 'decodewasm', decoderClass: 'JPEGDecoder' },
};

const loaded = new Map<WasmCodecName, Promise<WasmFrameDecoder>>();

export function loadWasmDecoder(name: WasmCodecName): Promise<WasmFrameDecoder> {
  let p = loaded.get(name);
  if (p === undefined) {
    p = instantiate(SPECS[name]);
    // A failed load is not cached, so a later call can retry (and report the same error again).
    p.catch(() => loaded.delete(name));
    loaded.set(name, p);
  }
  return p;
}

async function instantiate(spec: CodecSpec): Promise<WasmFrameDecoder> {
  const require = nodeRequire();
  const factory: unknown = require(`${spec.pkg}/${spec.factoryExport}`);
  const fn = typeof factory === 'function' ? factory : (factory as { default?: unknown } | null)?.default;
  if (typeof fn !== 'function') throw new Error(`${spec.pkg}: no Emscripten factory at ${spec.factoryExport}`);
  const wasmBinary = readFileSync(require.resolve(`${spec.pkg}/${spec.wasmExport}`));
  // print/printErr: OpenJPEG writes "[INFO] ..." lines to stdout for every frame; core code never prints.
  const quiet = (): void => undefined;
  const instance: unknown = await (fn as (opts: object) => Promise<unknown>)({ wasmBinary, print: quiet, printErr: quiet });
  const Ctor = (instance as Record<string, unknown> | null)?.[spec.decoderClass];
  if (typeof Ctor !== 'function') throw new Error(`${spec.pkg}: module has no ${spec.decoderClass}`);
  const decoder: unknown = new (Ctor as new () => unknown)();
  if (!isFrameDecoder(decoder)) throw new Error(`${spec.pkg}: ${spec.decoderClass} lacks the decode API`);
  return decoder;
}

function isFrameDecoder(x: unknown): x is WasmFrameDecoder {
  const d = x as Partial<Record<keyof WasmFrameDecoder, unknown>> | null;
  return d !== null && typeof d.getEncodedBuffer === 'function' && typeof d.decode === 'function' && typeof d.getDecodedBuffer === 'function' && typeof d.getFrameInfo === 'function';
}

/**
 * Runs one decode and copies the result out of WebAssembly memory (the decoder's buffer is reused by
 * the next call). Emscripten codecs throw numbers or strings; those are turned into Errors.
 */
export function runWasmDecode(decoder: WasmFrameDecoder, encoded: Uint8Array): { bytes: Uint8Array; info: ReturnType<WasmFrameDecoder['getFrameInfo']> } {
  try {
    decoder.getEncodedBuffer(encoded.byteLength).set(encoded);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return { bytes: decoder.getDecodedBuffer().slice(), info: { ...info } };
  } catch (err) {
    throw err instanceof Error ? err : new Error(`codec error ${String(err)}`);
  }
}
