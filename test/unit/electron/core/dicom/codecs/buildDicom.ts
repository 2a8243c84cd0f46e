/**
 * Test helper: writes a minimal DICOM Part 10 file (explicit VR little endian data set) with native or
 * encapsulated Pixel Data, so decoder tests can make exactly the byte layouts they need.
 */
import { concatBytes } from '../../../../../../electron/core/bytes';

export interface PixelAttributes {
  rows: number;
  columns: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  samplesPerPixel?: number;
  planarConfiguration?: 0 | 1;
  numberOfFrames?: number;
}

export type PixelPayload = { native: Uint8Array } | { fragments: Uint8Array[]; basicOffsetTable?: number[] };

const LONG_VRS = new Set(['OB', 'OW', 'OF', 'SQ', 'UT', 'UN']);

function element(group: number, elem: number, vr: string, value: Uint8Array): Uint8Array {
  const padded = value.length % 2 === 0 ? value : concat([value, new Uint8Array([vr === 'UI' ? 0 : 0x20])]);
  const long = LONG_VRS.has(vr);
  const head = new Uint8Array(long ? 12 : 8);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, group, true);
  dv.setUint16(2, elem, true);
  head[4] = vr.charCodeAt(0);
  head[5] = vr.charCodeAt(1);
  if (long) dv.setUint32(8, padded.length, true);
  else dv.setUint16(6, padded.length, true);
  return concat([head, padded]);
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const us = (v: number): Uint8Array => new Uint8Array(new Uint16Array([v]).buffer);

/** Byte concatenation for the builders and their tests: the core helper. */
export const concat = concatBytes;

function item(tagElem: number, payload: Uint8Array): Uint8Array {
  const head = new Uint8Array(8);
  const dv = new DataView(head.buffer);
  dv.setUint16(0, 0xfffe, true);
  dv.setUint16(2, tagElem, true);
  dv.setUint32(4, payload.length, true);
  return concat([head, payload]);
}

export function buildDicom(transferSyntaxUid: string, attrs: PixelAttributes, pixels: PixelPayload): Uint8Array {
  const meta = concat([element(0x0002, 0x0010, 'UI', text(transferSyntaxUid))]);
  const body: Uint8Array[] = [
    element(0x0008, 0x0060, 'CS', text('CT')),
    element(0x0028, 0x0002, 'US', us(attrs.samplesPerPixel ?? 1)),
    element(0x0028, 0x0004, 'CS', text((attrs.samplesPerPixel ?? 1) === 3 ? 'RGB' : 'MONOCHROME2')),
  ];
  if (attrs.planarConfiguration !== undefined) body.push(element(0x0028, 0x0006, 'US', us(attrs.planarConfiguration)));
  if (attrs.numberOfFrames !== undefined) body.push(element(0x0028, 0x0008, 'IS', text(String(attrs.numberOfFrames))));
  body.push(
    element(0x0028, 0x0010, 'US', us(attrs.rows)),
    element(0x0028, 0x0011, 'US', us(attrs.columns)),
    element(0x0028, 0x0100, 'US', us(attrs.bitsAllocated)),
    element(0x0028, 0x0101, 'US', us(attrs.bitsStored)),
    element(0x0028, 0x0102, 'US', us(attrs.bitsStored - 1)),
    element(0x0028, 0x0103, 'US', us(attrs.pixelRepresentation)),
  );
  if ('native' in pixels) {
    body.push(element(0x7fe0, 0x0010, attrs.bitsAllocated > 8 ? 'OW' : 'OB', pixels.native));
  } else {
    const head = new Uint8Array(12);
    const dv = new DataView(head.buffer);
    dv.setUint16(0, 0x7fe0, true);
    dv.setUint16(2, 0x0010, true);
    head[4] = 0x4f; // 'O'
    head[5] = 0x42; // 'B'
    dv.setUint32(8, 0xffffffff, true);
    const bot = new Uint8Array(new Uint32Array(pixels.basicOffsetTable ?? []).buffer);
    const frags = pixels.fragments.map((f) => item(0xe000, f.length % 2 === 0 ? f : concat([f, new Uint8Array([0])])));
    body.push(head, item(0xe000, bot), ...frags, item(0xe0dd, new Uint8Array(0)));
  }
  const preamble = new Uint8Array(132);
  preamble.set(text('DICM'), 128);
  return concat([preamble, meta, ...body]);
}

/** Byte offsets of each fragment item relative to the first fragment (what a Basic Offset Table holds). */
export function offsetsOf(fragments: Uint8Array[]): number[] {
  const out: number[] = [];
  let o = 0;
  for (const f of fragments) {
    out.push(o);
    o += 8 + f.length + (f.length % 2);
  }
  return out;
}
