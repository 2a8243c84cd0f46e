/** Tiny NRRD reader for tests (raw or gzip encoding, little endian, integer types). */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface Nrrd {
  sizes: number[];
  origin: number[];
  directions: number[][];
  data: Int32Array;
}

export function readNrrd(path: string): Nrrd {
  const buf = readFileSync(path);
  const end = buf.indexOf('\n\n');
  if (end < 0) throw new Error(`${path}: no NRRD header end`);
  const fields = new Map<string, string>();
  for (const line of buf.subarray(0, end).toString('latin1').split('\n')) {
    if (line.startsWith('#') || !line.includes(':')) continue;
    const i = line.indexOf(':');
    fields.set(line.slice(0, i).trim(), line.slice(i + 1).replace(/^=/, '').trim());
  }
  const sizes = (fields.get('sizes') ?? '').split(/\s+/).map(Number);
  const vec = (s: string): number[] => s.replace(/[()]/g, '').split(',').map(Number);
  const origin = vec(fields.get('space origin') ?? '(0,0,0)');
  const directions = (fields.get('space directions') ?? '').match(/\([^)]*\)/g)?.map(vec) ?? [];
  let raw = buf.subarray(end + 2);
  const enc = fields.get('encoding');
  if (enc === 'gzip' || enc === 'gz') raw = gunzipSync(raw);
  else if (enc !== 'raw') throw new Error(`${path}: encoding ${enc} not supported`);
  if ((fields.get('endian') ?? 'little') !== 'little') throw new Error(`${path}: big endian not supported`);
  const type = fields.get('type') ?? '';
  const n = sizes.reduce((a, b) => a * b, 1);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const data = new Int32Array(n);
  const readers: Record<string, [number, (o: number) => number]> = {
    short: [2, (o) => dv.getInt16(o, true)], int16: [2, (o) => dv.getInt16(o, true)],
    ushort: [2, (o) => dv.getUint16(o, true)], uint16: [2, (o) => dv.getUint16(o, true)],
    uchar: [1, (o) => dv.getUint8(o)], 'unsigned char': [1, (o) => dv.getUint8(o)], uint8: [1, (o) => dv.getUint8(o)],
    char: [1, (o) => dv.getInt8(o)], int: [4, (o) => dv.getInt32(o, true)], int32: [4, (o) => dv.getInt32(o, true)],
  };
  const r = readers[type];
  if (r === undefined) throw new Error(`${path}: type ${type} not supported`);
  for (let i = 0; i < n; i++) data[i] = r[1](i * r[0]);
  return { sizes, origin, directions, data };
}
