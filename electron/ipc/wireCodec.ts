/**
 * Binary-safe message codec for the HTTP transport (IPC uses structured clone instead). A message is
 * `[u32 LE header length][UTF-8 JSON header][padding to 8][blob 0][padding][blob 1]...`; each Uint8Array
 * in the value is replaced in the JSON by `{ "$bytes": [offset, length] }`. Blobs start on 8-byte
 * boundaries so the receiver can view them as Float32Array/Int16Array without copying.
 */
const ALIGN = 8;

export function encodeWire(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  const inner =
    JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof Uint8Array) {
        blobs.push(v);
        return { $bytes: blobs.length - 1 };
      }
      return v;
    }) ?? 'null';
  // The blob offsets depend on the header length, which depends on the offsets' digits: iterate to a fixed point.
  let headerLen = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    let offset = align(4 + headerLen);
    const placed = blobs.map((b) => {
      const at = offset;
      offset = align(offset + b.byteLength);
      return [at, b.byteLength] as const;
    });
    const header = new TextEncoder().encode(`{"v":${inner},"b":${JSON.stringify(placed)}}`);
    if (header.length === headerLen) {
      const out = new Uint8Array(Math.max(4 + header.length, offset));
      new DataView(out.buffer).setUint32(0, header.length, true);
      out.set(header, 4);
      blobs.forEach((b, i) => out.set(b, placed[i]![0]));
      return out;
    }
    headerLen = header.length;
  }
  throw new Error('wire codec: header length did not settle');
}

export function decodeWire(buf: Uint8Array): unknown {
  if (buf.byteLength < 4) throw new Error('wire codec: message shorter than its length prefix');
  const headerLen = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0, true);
  if (4 + headerLen > buf.byteLength) throw new Error('wire codec: header length exceeds the message');
  const parsed: unknown = JSON.parse(new TextDecoder().decode(buf.subarray(4, 4 + headerLen)));
  if (typeof parsed !== 'object' || parsed === null || !('v' in parsed) || !('b' in parsed) || !Array.isArray(parsed.b)) {
    throw new Error('wire codec: malformed header');
  }
  const places = parsed.b as unknown[];
  const blobs = places.map((p) => {
    if (!Array.isArray(p) || typeof p[0] !== 'number' || typeof p[1] !== 'number' || p[0] < 0 || p[1] < 0 || p[0] + p[1] > buf.byteLength) {
      throw new Error('wire codec: blob outside the message');
    }
    return buf.subarray(p[0], p[0] + p[1]);
  });
  return revive(parsed.v, blobs);
}

function revive(v: unknown, blobs: Uint8Array[]): unknown {
  if (Array.isArray(v)) return v.map((x) => revive(x, blobs));
  if (typeof v === 'object' && v !== null) {
    const rec = v as Record<string, unknown>;
    const keys = Object.keys(rec);
    if (keys.length === 1 && keys[0] === '$bytes' && typeof rec.$bytes === 'number') {
      const b = blobs[rec.$bytes];
      if (b === undefined) throw new Error('wire codec: unknown blob index');
      return b;
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = revive(rec[k], blobs);
    return out;
  }
  return v;
}

function align(n: number): number {
  return Math.ceil(n / ALIGN) * ALIGN;
}
