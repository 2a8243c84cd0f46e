import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { crc32, encodePng } from '../../../../../electron/core/report/encodePng';

test('crc32 of "123456789" is the standard check value cbf43926', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

const hasPil = existsSync('/usr/bin/python3') && spawnSync('/usr/bin/python3', ['-c', 'import PIL'], { encoding: 'utf8' }).status === 0;

test('PIL (independent decoder) reads back the exact RGBA pixels', { skip: !hasPil && 'PIL not available' }, () => {
  const w = 7;
  const h = 5;
  const px = new Uint8Array(w * h * 4);
  for (let i = 0; i < px.length; i++) px[i] = (i * 37) % 256;
  const png = encodePng(w, h, px, 4);
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys,io,json; from PIL import Image; im=Image.open(io.BytesIO(sys.stdin.buffer.read())); print(json.dumps([im.mode, im.size, list(im.tobytes())]))'], { input: png, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [mode, size, bytes] = JSON.parse(r.stdout) as [string, [number, number], number[]];
  assert.equal(mode, 'RGBA');
  assert.deepEqual(size, [w, h]);
  assert.deepEqual(bytes, [...px]);
});
