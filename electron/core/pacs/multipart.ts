/**
 * multipart/related (RFC 2387) as WADO-RS answers and STOW-RS requests use it (PS3.18 8.6.1.2).
 * The parser is strict on purpose: an answer that lacks its closing delimiter was cut short, and one
 * whose parts cannot be delimited was corrupted; both throw MultipartError, never a partial list.
 */
import { randomBytes } from 'node:crypto';

export class MultipartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MultipartError';
  }
}

export interface MultipartPart {
  headers: Record<string, string>;
  body: Uint8Array;
}

/** The boundary parameter of a Content-Type header, or throws MultipartError. */
export function boundaryOf(contentType: string | null): string {
  if (contentType === null) throw new MultipartError('the answer has no Content-Type');
  if (!/^multipart\/related\b/i.test(contentType.trim())) throw new MultipartError(`expected multipart/related, got "${contentType}"`);
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  if (b === undefined || b.length === 0 || b.length > 200) throw new MultipartError(`no usable boundary in "${contentType}"`);
  return b;
}

function parseHeaders(block: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.toString('latin1').split('\r\n')) {
    if (line === '') continue;
    const i = line.indexOf(':');
    if (i <= 0) throw new MultipartError(`malformed part header line "${line.slice(0, 60)}"`);
    out[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return out;
}

export function parseMultipart(body: Uint8Array, contentType: string | null): MultipartPart[] {
  const boundary = boundaryOf(contentType);
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const parts: MultipartPart[] = [];
  let pos = buf.indexOf(delim);
  if (pos < 0) throw new MultipartError(`no boundary "${boundary}" in ${buf.length} bytes`);
  for (;;) {
    let after = pos + delim.length;
    if (buf[after] === 0x2d && buf[after + 1] === 0x2d) break; // closing delimiter "--boundary--"
    // transport padding then CRLF (RFC 2046 5.1.1)
    while (buf[after] === 0x20 || buf[after] === 0x09) after += 1;
    if (buf[after] !== 0x0d || buf[after + 1] !== 0x0a) {
      if (after + 2 > buf.length) throw new MultipartError('truncated: the answer ends right after a boundary');
      throw new MultipartError(`malformed: no line break after boundary at byte ${pos}`);
    }
    const headStart = after + 2;
    const headEnd = buf.indexOf('\r\n\r\n', headStart, 'latin1');
    const blankFirst = buf[headStart] === 0x0d && buf[headStart + 1] === 0x0a;
    const bodyStart = blankFirst ? headStart + 2 : headEnd + 4;
    if (!blankFirst && headEnd < 0) throw new MultipartError(`truncated: part ${parts.length + 1} has no end of headers`);
    const headers = blankFirst ? {} : parseHeaders(buf.subarray(headStart, headEnd));
    const next = buf.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delim]), bodyStart);
    if (next < 0) throw new MultipartError(`truncated: part ${parts.length + 1} has no closing boundary (${buf.length} bytes received)`);
    parts.push({ headers, body: new Uint8Array(buf.buffer, buf.byteOffset + bodyStart, next - bodyStart) });
    pos = next + 2;
  }
  return parts;
}

export function newBoundary(): string {
  return `sdpm-${randomBytes(12).toString('hex')}`;
}

/** Builds a multipart/related body; returns it with its Content-Type. */
export function buildMultipart(parts: readonly MultipartPart[], type: string, boundary = newBoundary()): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const head = Object.entries(p.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'), Buffer.from(p.body.buffer, p.body.byteOffset, p.body.byteLength), Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { body: Buffer.concat(chunks), contentType: `multipart/related; type="${type}"; boundary=${boundary}` };
}
