/**
 * BINARY segmentation pixel data (PS3.5 8.1.1, PS3.3 C.8.20.2.1): one bit per pixel, bits packed
 * least-significant first, frames CONCATENATED without padding between them (frame f starts at bit
 * f·rows·cols, which need not be a byte boundary), the whole padded to an even byte count.
 */
export function packBits(frames: readonly Uint8Array[], pixelsPerFrame: number): Uint8Array {
  const totalBits = frames.length * pixelsPerFrame;
  const bytes = Math.ceil(totalBits / 8);
  const out = new Uint8Array(bytes + (bytes % 2));
  let bit = 0;
  for (const f of frames) {
    for (let p = 0; p < pixelsPerFrame; p++, bit++) {
      if (f[p] !== 0) out[bit >> 3] = (out[bit >> 3] as number) | (1 << (bit & 7));
    }
  }
  return out;
}

/** Unpacks frame `frame` (0-based) of bit-packed pixel data into one byte (0/1) per pixel. */
export function unpackFrame(data: Uint8Array, frame: number, pixelsPerFrame: number): Uint8Array {
  const out = new Uint8Array(pixelsPerFrame);
  let bit = frame * pixelsPerFrame;
  for (let p = 0; p < pixelsPerFrame; p++, bit++) out[p] = ((data[bit >> 3] as number) >> (bit & 7)) & 1;
  return out;
}
