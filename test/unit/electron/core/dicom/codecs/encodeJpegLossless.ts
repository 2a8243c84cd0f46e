/**
 * Test helper: a small, independent JPEG lossless (ITU T.81 Annex H, Process 14) encoder, so the decoder
 * can be checked on streams with every predictor, restart intervals, a point transform and several
 * components. Huffman table: the 17 difference categories (SSSS 0..16) each get a 5-bit code.
 * `samples` is colour-by-pixel, each value < 2^precision and a multiple of 2^pointTransform.
 */
export interface LosslessEncodeOptions {
  width: number;
  height: number;
  components: number;
  precision: number;
  predictor: number;
  pointTransform?: number;
  restartInterval?: number;
  /** Bit used to pad the last byte: 1 per F.1.2.3; some encoders (the test set's SV1 file) pad with 0. */
  padBit?: 0 | 1;
}

class BitWriter {
  readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;
  put(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      this.n++;
      if (this.n === 8) this.flushByte();
    }
  }
  /** Pads the last byte (with 1-bits per F.1.2.3 unless told otherwise). */
  align(bit: 0 | 1 = 1): void {
    while (this.n !== 0) this.put(bit, 1);
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00);
    this.acc = 0;
    this.n = 0;
  }
}

function predict(sv: number, ra: number, rb: number, rc: number): number {
  return [0, ra, rb, rc, ra + rb - rc, ra + ((rb - rc) >> 1), rb + ((ra - rc) >> 1), (ra + rb) >> 1][sv] ?? 0;
}

export function encodeJpegLossless(samples: ArrayLike<number>, o: LosslessEncodeOptions): Uint8Array {
  const pt = o.pointTransform ?? 0;
  const ri = o.restartInterval ?? 0;
  const { width: w, height: h, components: nc } = o;
  const x = Array.from({ length: samples.length }, (_, i) => (samples[i] ?? 0) >> pt);
  const out: number[] = [0xff, 0xd8];
  const seg = (marker: number, payload: number[]): void => {
    out.push(0xff, marker, ((payload.length + 2) >> 8) & 0xff, (payload.length + 2) & 0xff, ...payload);
  };
  const sof = [o.precision, h >> 8, h & 0xff, w >> 8, w & 0xff, nc];
  for (let c = 0; c < nc; c++) sof.push(c + 1, 0x11, 0);
  seg(0xc3, sof);
  const counts = new Array<number>(16).fill(0);
  counts[4] = 17;
  seg(0xc4, [0x00, ...counts, ...Array.from({ length: 17 }, (_, i) => i)]);
  if (ri > 0) seg(0xdd, [ri >> 8, ri & 0xff]);
  const sos = [nc];
  for (let c = 0; c < nc; c++) sos.push(c + 1, 0x00);
  sos.push(o.predictor, 0, pt);
  seg(0xda, sos);
  const bw = new BitWriter();
  let mcus = 0;
  let rst = 0;
  let intervalFirst = true;
  let intervalRow = 0;
  for (let y = 0; y < h; y++) {
    for (let col = 0; col < w; col++) {
      if (ri > 0 && mcus > 0 && mcus % ri === 0) {
        bw.align();
        bw.bytes.push(0xff, 0xd0 + (rst++ % 8));
        intervalFirst = true;
        intervalRow = y;
      }
      for (let c = 0; c < nc; c++) {
        const i = (y * w + col) * nc + c;
        let pred: number;
        if (intervalFirst) pred = 1 << (o.precision - pt - 1);
        else if (y === intervalRow) pred = x[i - nc] ?? 0;
        else if (col === 0) pred = x[i - w * nc] ?? 0;
        else pred = predict(o.predictor, x[i - nc] ?? 0, x[i - w * nc] ?? 0, x[i - w * nc - nc] ?? 0);
        let diff = ((x[i] ?? 0) - pred) & 0xffff;
        if (diff >= 32768) diff -= 65536;
        const mag = Math.abs(diff);
        const ssss = diff === -32768 ? 16 : mag === 0 ? 0 : Math.floor(Math.log2(mag)) + 1;
        bw.put(ssss, 5);
        if (ssss > 0 && ssss < 16) bw.put(diff > 0 ? diff : diff - 1, ssss);
      }
      intervalFirst = false;
      mcus++;
    }
  }
  bw.align(o.padBit ?? 1);
  out.push(...bw.bytes, 0xff, 0xd9);
  return new Uint8Array(out);
}
