/** Reads a bundle's golden/manifest.json and its raw little-endian arrays (models/BUNDLE-FORMAT.md § golden/). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GoldenArray {
  shape: number[];
  data: Float32Array | BigInt64Array | Uint8Array;
}
export interface GoldenCase {
  name: string;
  kind: 'network' | 'yAvg' | 'ySal' | 'yInfer' | 'yAll';
  settings: unknown;
  inputs: Record<string, GoldenArray>;
  outputs: Record<string, GoldenArray & { nearThreshold?: number }>;
}

interface Entry {
  file: string;
  shape: number[];
  dtype: 'float32' | 'int64' | 'uint8';
  nearThreshold?: number;
}

function readArray(dir: string, e: Entry): GoldenArray {
  const buf = readFileSync(join(dir, e.file));
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = e.dtype === 'float32' ? new Float32Array(ab) : e.dtype === 'int64' ? new BigInt64Array(ab) : new Uint8Array(ab);
  const n = e.shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) throw new Error(`${e.file}: ${data.length} values for shape ${e.shape.join('x')}`);
  return { shape: e.shape, data };
}

export function readGolden(bundleDir: string): GoldenCase[] {
  const dir = join(bundleDir, 'golden');
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { cases: { name: string; kind: GoldenCase['kind']; settings: unknown; inputs: Record<string, Entry>; outputs: Record<string, Entry> }[] };
  return m.cases.map((c) => ({
    name: c.name,
    kind: c.kind,
    settings: c.settings,
    inputs: Object.fromEntries(Object.entries(c.inputs).map(([k, e]) => [k, readArray(dir, e)])),
    outputs: Object.fromEntries(Object.entries(c.outputs).map(([k, e]) => [k, { ...readArray(dir, e), ...(e.nearThreshold !== undefined ? { nearThreshold: e.nearThreshold } : {}) }])),
  }));
}
