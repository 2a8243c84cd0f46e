/**
 * JPEG Lossless, Non-Hierarchical (Process 14, predictors 1-7; SV1 is predictor 1): ITU T.81 Annex H,
 * Huffman-coded, 2-16 bit, 1-4 components with 1x1 sampling (what DICOM uses), point transform and
 * restart intervals. Written here because jpeg-lossless-decoder-js drops the last sample of some
 * streams (the SV1 file of the test set decodes its final pixel as 0): its marker handling is heuristic.
 * Output: colour-by-pixel samples, Uint16Array when BitsAllocated > 8 else Uint8Array; the values are the
 * encoder's input exactly (reconstructed modulo 2^16 per H.1.2.1, then shifted left by the point transform).
 * Malformed streams throw Error (decodeFrame turns that into DICOM_DECODE_FAILED with the file named).
 */
import type { DecodedSamples } from './decodeCompressedFrame';

interface HuffmanTable {
  maxCode: Int32Array; // per code length 1..16, -1 when none
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
}

interface Header {
  precision: number;
  height: number;
  width: number;
  componentIds: number[];
  tables: Map<number, HuffmanTable>;
  restartInterval: number;
}

export function decodeJpegLossless(frame: Uint8Array, bitsAllocated: number): DecodedSamples {
  if (frame[0] !== 0xff || frame[1] !== 0xd8) throw new Error('JPEG lossless stream does not start with SOI (FFD8)');
  const h: Header = { precision: 0, height: 0, width: 0, componentIds: [], tables: new Map(), restartInterval: 0 };
  let pos = 2;
  for (;;) {
    while (frame[pos] === 0xff && frame[pos + 1] === 0xff) pos++; // fill bytes
    if (pos + 4 > frame.length || frame[pos] !== 0xff) throw new Error(`JPEG lossless: expected a marker at byte ${pos}`);
    const marker = frame[pos + 1] ?? 0;
    const len = ((frame[pos + 2] ?? 0) << 8) | (frame[pos + 3] ?? 0);
    const seg = frame.subarray(pos + 4, pos + 2 + len);
    if (pos + 2 + len > frame.length) throw new Error(`JPEG lossless: marker segment FF${marker.toString(16)} runs past the end of the data`);
    if (marker === 0xc3) readSof3(seg, h);
    else if ((marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xd9) {
      throw new Error(`JPEG lossless: unexpected marker FF${marker.toString(16).toUpperCase()} (not a Process 14 stream)`);
    } else if (marker === 0xc4) readDht(seg, h.tables);
    else if (marker === 0xdd) h.restartInterval = ((seg[0] ?? 0) << 8) | (seg[1] ?? 0);
    else if (marker === 0xda) {
      const samples = decodeScan(frame, seg, pos + 2 + len, h, bitsAllocated);
      return { samples, width: h.width, height: h.height, components: h.componentIds.length, precision: h.precision };
    }
    pos += 2 + len;
  }
}

function readSof3(seg: Uint8Array, h: Header): void {
  h.precision = seg[0] ?? 0;
  h.height = ((seg[1] ?? 0) << 8) | (seg[2] ?? 0);
  h.width = ((seg[3] ?? 0) << 8) | (seg[4] ?? 0);
  const nf = seg[5] ?? 0;
  if (h.precision < 2 || h.precision > 16) throw new Error(`JPEG lossless: precision ${h.precision} outside 2..16`);
  if (h.height === 0 || h.width === 0 || nf < 1 || nf > 4) throw new Error(`JPEG lossless: frame ${h.width}x${h.height}x${nf} not supported (DNL or >4 components)`);
  for (let c = 0; c < nf; c++) {
    const sampling = seg[7 + 3 * c] ?? 0;
    if (sampling !== 0x11) throw new Error('JPEG lossless: subsampled components are not supported');
    h.componentIds.push(seg[6 + 3 * c] ?? 0);
  }
}

function readDht(seg: Uint8Array, tables: Map<number, HuffmanTable>): void {
  let p = 0;
  while (p < seg.length) {
    const tcth = seg[p] ?? 0;
    const counts = seg.subarray(p + 1, p + 17);
    const total = counts.reduce((s, c) => s + c, 0);
    const values = seg.slice(p + 17, p + 17 + total);
    const maxCode = new Int32Array(17).fill(-1);
    const valPtr = new Int32Array(17);
    const minCode = new Int32Array(17);
    let code = 0;
    let k = 0;
    for (let l = 1; l <= 16; l++) {
      const n = counts[l - 1] ?? 0;
      valPtr[l] = k;
      minCode[l] = code;
      code += n;
      k += n;
      maxCode[l] = n > 0 ? code - 1 : -1;
      code <<= 1;
    }
    tables.set(tcth & 0x0f, { maxCode, valPtr, minCode, values }); // lossless uses DC tables only (Tc = 0)
    p += 17 + total;
  }
}

/** Bit reader over entropy-coded data: removes FF00 stuffing, stops at a marker and then feeds zeros (as libjpeg does). */
class BitReader {
  private acc = 0;
  private nBits = 0;
  constructor(private readonly data: Uint8Array, public pos: number) {}
  bit(): number {
    if (this.nBits === 0) {
      this.acc = this.nextByte();
      this.nBits = 8;
    }
    this.nBits--;
    return (this.acc >> this.nBits) & 1;
  }
  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }
  private nextByte(): number {
    const b = this.data[this.pos];
    if (b === undefined) return 0;
    if (b !== 0xff) {
      this.pos++;
      return b;
    }
    const next = this.data[this.pos + 1];
    if (next === 0x00) {
      this.pos += 2;
      return 0xff;
    }
    return 0; // a marker: do not consume it
  }
  /** Drops the partial byte and consumes an RSTn marker (H.1.2.1 / E.2.4). */
  restart(): void {
    this.nBits = 0;
    while (this.data[this.pos] === 0xff && this.data[this.pos + 1] === 0xff) this.pos++;
    const m = this.data[this.pos + 1] ?? 0;
    if (this.data[this.pos] !== 0xff || m < 0xd0 || m > 0xd7) throw new Error(`JPEG lossless: restart marker expected at byte ${this.pos}`);
    this.pos += 2;
  }
}

function huffDecode(r: BitReader, t: HuffmanTable): number {
  let code = 0;
  for (let l = 1; l <= 16; l++) {
    code = (code << 1) | r.bit();
    if (code <= (t.maxCode[l] ?? -1)) return t.values[(t.valPtr[l] ?? 0) + code - (t.minCode[l] ?? 0)] ?? 0;
  }
  throw new Error('JPEG lossless: invalid Huffman code');
}

function decodeScan(frame: Uint8Array, sos: Uint8Array, dataStart: number, h: Header, bitsAllocated: number): Uint8Array | Uint16Array {
  const ns = sos[0] ?? 0;
  if (ns !== h.componentIds.length) throw new Error(`JPEG lossless: scan has ${ns} of ${h.componentIds.length} components (multi-scan streams are not supported)`);
  const tables: HuffmanTable[] = [];
  const order: number[] = [];
  for (let i = 0; i < ns; i++) {
    const ci = h.componentIds.indexOf(sos[1 + 2 * i] ?? -1);
    const t = h.tables.get((sos[2 + 2 * i] ?? 0) >> 4);
    if (ci < 0 || t === undefined) throw new Error('JPEG lossless: scan names an unknown component or Huffman table');
    order.push(ci);
    tables.push(t);
  }
  const predictor = sos[1 + 2 * ns] ?? 0;
  const pt = (sos[3 + 2 * ns] ?? 0) & 0x0f;
  if (predictor < 1 || predictor > 7) throw new Error(`JPEG lossless: predictor ${predictor} is not 1..7`);
  const { width: w, height: ht, precision: p } = h;
  const nc = ns;
  const recon = new Int32Array(w * ht * nc); // reconstructed samples, point-transformed domain, colour-by-pixel
  const r = new BitReader(frame, dataStart);
  const initial = 1 << (p - pt - 1);
  let mcus = 0;
  let intervalStartRow = 0;
  let intervalFirst = true;
  for (let y = 0; y < ht; y++) {
    for (let x = 0; x < w; x++) {
      if (h.restartInterval > 0 && mcus > 0 && mcus % h.restartInterval === 0) {
        r.restart();
        intervalFirst = true;
        intervalStartRow = y;
      }
      for (let k = 0; k < nc; k++) {
        const c = order[k] ?? k;
        const i = (y * w + x) * nc + c;
        let pred: number;
        if (intervalFirst) pred = initial;
        else if (y === intervalStartRow) pred = recon[i - nc] ?? 0;
        else if (x === 0) pred = recon[i - w * nc] ?? 0;
        else pred = predict(predictor, recon[i - nc] ?? 0, recon[i - w * nc] ?? 0, recon[i - w * nc - nc] ?? 0);
        const s = huffDecode(r, tables[k] as HuffmanTable);
        let diff = 0;
        if (s === 16) diff = 32768;
        else if (s > 0) {
          const v = r.bits(s);
          diff = v < 1 << (s - 1) ? v - (1 << s) + 1 : v;
        }
        recon[i] = (pred + diff) & 0xffff;
      }
      intervalFirst = false;
      mcus++;
    }
  }
  const out = bitsAllocated > 8 ? new Uint16Array(recon.length) : new Uint8Array(recon.length);
  for (let i = 0; i < recon.length; i++) out[i] = (recon[i] ?? 0) << pt;
  return out;
}

/** T.81 Table H.1. Ra = left, Rb = above, Rc = above-left. */
function predict(sv: number, ra: number, rb: number, rc: number): number {
  switch (sv) {
    case 1:
      return ra;
    case 2:
      return rb;
    case 3:
      return rc;
    case 4:
      return ra + rb - rc;
    case 5:
      return ra + ((rb - rc) >> 1);
    case 6:
      return rb + ((ra - rc) >> 1);
    default:
      return (ra + rb) >> 1;
  }
}
