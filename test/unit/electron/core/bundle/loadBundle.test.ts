import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBundle } from '../../../../../electron/core/bundle/loadBundle';
import { sha256File } from '../../../../../electron/core/bundle/verifyChecksums';
import { isSdpmError } from '../../../../../electron/core/errors';

const TINY = new URL('../../../../../models/bundles/sdpm-tiny-test', import.meta.url).pathname;

function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-bundle-'));
  cpSync(TINY, dir, { recursive: true });
  return dir;
}

/** Rewrites a file and its SHA256SUMS line, so only the content check under test can fail. */
function rewrite(dir: string, rel: string, edit: (s: string) => string): void {
  const p = join(dir, rel);
  const old = sha256File(p);
  writeFileSync(p, edit(readFileSync(p, 'utf8')));
  const sums = join(dir, 'SHA256SUMS');
  writeFileSync(sums, readFileSync(sums, 'utf8').replace(old, sha256File(p)));
}

test('the tiny test bundle loads: schedule, presets, profiles, preprocessing, labels, checksum', () => {
  const b = loadBundle(TINY);
  assert.equal(b.preprocessing.imageSize, 64);
  assert.equal(b.schedule.T, 500);
  assert.ok(b.sampler.presets.paper !== undefined && b.sampler.presets.code !== undefined);
  assert.equal(b.sampler.presets.paper?.yInfer.startIndex, 249);
  assert.equal(b.sampler.defaultProfile.cpu, 'cpu-fast');
  assert.match(b.sumsSha256, /^[0-9a-f]{64}$/);
  assert.ok(b.epsPath?.endsWith('sdpm_eps.onnx'));
  // float32 tables: every value round-trips through Math.fround
  for (const v of b.schedule.sab) assert.equal(Math.fround(v), v);
});

test('a missing bundle folder is BUNDLE_NOT_FOUND naming the folder', () => {
  assert.throws(() => loadBundle('/nonexistent/sdpm-bundle'), (e: unknown) => isSdpmError(e, 'BUNDLE_NOT_FOUND') && /\/nonexistent\/sdpm-bundle/.test((e as Error).message));
});

test('a modified file is BUNDLE_CHECKSUM naming the file', () => {
  const dir = copy();
  try {
    appendFileSync(join(dir, 'sdpm_net.onnx'), Buffer.from([0]));
    assert.throws(() => loadBundle(dir), (e: unknown) => isSdpmError(e, 'BUNDLE_CHECKSUM') && /sdpm_net\.onnx/.test((e as Error).message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a listed file that is missing, and an unlisted extra file, are BUNDLE_CHECKSUM', () => {
  const dir = copy();
  try {
    rmSync(join(dir, 'labels.json'));
    assert.throws(() => loadBundle(dir), (e: unknown) => isSdpmError(e, 'BUNDLE_CHECKSUM') && /labels\.json.*missing/.test((e as Error).message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const dir2 = copy();
  try {
    writeFileSync(join(dir2, 'golden', 'extra.bin'), 'x');
    assert.throws(() => loadBundle(dir2), (e: unknown) => isSdpmError(e, 'BUNDLE_CHECKSUM') && /golden\/extra\.bin.*not listed/.test((e as Error).message));
  } finally {
    rmSync(dir2, { recursive: true, force: true });
  }
});

test('a bad field is BUNDLE_INVALID naming file and field', () => {
  const cases: [string, (s: string) => string, RegExp][] = [
    ['sampler.json', (s) => s.replace('"window": 251', '"window": "wide"'), /sampler\.json: presets\.paper\.ySal\.window must be an integer/],
    ['schedule.json', (s) => s.replace('"T": 500', '"T": 499'), /schedule\.json: betas must have 499 entries/],
    ['preprocessing.json', (s) => s.replace('"upperHu": 80.0', '"upperHu": -5'), /preprocessing\.json: huWindow\.upperHu must be greater than lowerHu/],
    ['metadata.json', (s) => s.replace('"formatVersion": 1', '"formatVersion": 2'), /metadata\.json: formatVersion must be 1/],
    ['labels.json', () => '{ not json', /labels\.json is not valid JSON/],
  ];
  for (const [file, edit, re] of cases) {
    const dir = copy();
    try {
      rewrite(dir, file, edit);
      assert.throws(() => loadBundle(dir), (e: unknown) => isSdpmError(e, 'BUNDLE_INVALID') && re.test((e as Error).message), `${file}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
});
