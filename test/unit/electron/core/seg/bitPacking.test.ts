import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packBits, unpackFrame } from '../../../../../electron/core/seg/bitPacking';

test('frames of an odd pixel count are packed back to back, LSB first, padded to even bytes', () => {
  // 3 frames of 5 pixels = 15 bits -> 2 bytes
  const f0 = Uint8Array.from([1, 0, 0, 0, 1]);
  const f1 = Uint8Array.from([0, 1, 1, 0, 0]);
  const f2 = Uint8Array.from([1, 1, 1, 1, 1]);
  const packed = packBits([f0, f1, f2], 5);
  assert.equal(packed.length, 2);
  // bits 0..7: 1,0,0,0,1,0,1,1 -> 0b11010001 ; bits 8..14: 0,0,1,1,1,1,1 -> 0b01111100
  assert.equal(packed[0], 0b11010001);
  assert.equal(packed[1], 0b01111100);
  assert.deepEqual(unpackFrame(packed, 1, 5), f1);
  assert.deepEqual(unpackFrame(packed, 2, 5), f2);
  assert.equal(packBits([f0], 5).length, 2, 'a single byte is padded to two');
});
