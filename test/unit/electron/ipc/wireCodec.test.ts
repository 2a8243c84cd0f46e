import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWire, encodeWire } from '../../../../electron/ipc/wireCodec';

test('values with several byte arrays round-trip, and blobs are 8-byte aligned', () => {
  const f = new Float32Array([1.5, -2, 3.25]);
  const value = { a: 1, s: 'héllo', nested: { data: new Uint8Array(f.buffer), list: [new Uint8Array([1, 2, 3]), null] } };
  for (let pad = 0; pad < 40; pad++) {
    const v = { ...value, pad: 'x'.repeat(pad) };
    const out = decodeWire(encodeWire(v)) as typeof v;
    assert.equal(out.pad.length, pad);
    assert.deepEqual(Array.from(out.nested.list[0] as Uint8Array), [1, 2, 3]);
    const d = out.nested.data;
    assert.equal(d.byteOffset % 8, 0);
    assert.deepEqual(Array.from(new Float32Array(d.buffer, d.byteOffset, 3)), [1.5, -2, 3.25]);
  }
});

test('truncated or malformed messages are rejected', () => {
  const msg = encodeWire({ x: new Uint8Array(100) });
  assert.throws(() => decodeWire(msg.subarray(0, 3)), /shorter/);
  assert.throws(() => decodeWire(msg.subarray(0, msg.byteLength - 10)), /outside/);
  const bad = new Uint8Array(8);
  new DataView(bad.buffer).setUint32(0, 1000, true);
  assert.throws(() => decodeWire(bad), /exceeds/);
});
