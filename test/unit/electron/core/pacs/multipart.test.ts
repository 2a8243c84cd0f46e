import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MultipartError, boundaryOf, buildMultipart, parseMultipart } from '../../../../../electron/core/pacs/multipart';

const part = (s: string): { headers: Record<string, string>; body: Uint8Array } => ({ headers: { 'Content-Type': 'application/dicom' }, body: new Uint8Array(Buffer.from(s, 'latin1')) });

test('build + parse round trip keeps every byte (binary bodies with CRLF and dashes inside)', () => {
  const bodies = ['\r\n--not-the-boundary\r\n\0\xff', '', 'x'.repeat(1000)];
  const { body, contentType } = buildMultipart(bodies.map(part), 'application/dicom', 'b0undary');
  const parts = parseMultipart(body, contentType);
  assert.deepEqual(parts.map((p) => Buffer.from(p.body).toString('latin1')), bodies);
  assert.equal(parts[0]?.headers['content-type'], 'application/dicom');
});

test('a quoted boundary parameter is accepted', () => {
  assert.equal(boundaryOf('multipart/related; type="application/dicom"; boundary="a b"'), 'a b');
});

test('truncated answers throw instead of yielding fewer parts', () => {
  const { body, contentType } = buildMultipart([part('first'), part('second')], 'application/dicom', 'bnd');
  for (const cut of [body.length - 3, body.length - 20, Math.floor(body.length / 2), 8]) {
    assert.throws(() => parseMultipart(body.subarray(0, cut), contentType), (e) => e instanceof MultipartError && /truncated|no boundary/.test(e.message), `cut at ${cut}`);
  }
});

test('corrupt boundary, wrong content type and missing boundary parameter throw MultipartError', () => {
  const { body, contentType } = buildMultipart([part('a')], 'application/dicom', 'bnd');
  assert.throws(() => parseMultipart(Buffer.from(body.toString('latin1').replaceAll('--bnd', '--xyz'), 'latin1'), contentType), MultipartError);
  assert.throws(() => parseMultipart(body, 'application/json'), /expected multipart\/related/);
  assert.throws(() => parseMultipart(body, 'multipart/related; type="application/dicom"'), /no usable boundary/);
  assert.throws(() => parseMultipart(body, null), /no Content-Type/);
});
