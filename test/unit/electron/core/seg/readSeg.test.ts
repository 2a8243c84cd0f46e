import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeSeg } from '../../../../../electron/core/seg/writeSeg';
import { readSeg } from '../../../../../electron/core/seg/readSeg';
import { packBits, unpackFrame } from '../../../../../electron/core/seg/bitPacking';
import { parseDicom, pixelBytes, seq, type Dataset } from '../../../../../electron/core/seg/segParse';
import { writePart10 } from '../../../../../electron/core/seg/segDataset';
import type { ReferencedSeries } from '../../../../../electron/core/seg/referencedSeries';
import { syntheticVolume } from './syntheticVolume';

const vol = syntheticVolume(8, 6, 5);
const ref: ReferencedSeries = { seriesInstanceUid: vol.identity.seriesInstanceUid, studyInstanceUid: vol.identity.studyInstanceUid, frameOfReferenceUid: vol.identity.frameOfReferenceUid, source: vol.source };
const per = 8 * 6;

function twoSegments(): [Uint8Array, Uint8Array] {
  const a = new Uint8Array(per * 5);
  const b = new Uint8Array(per * 5);
  for (let k = 0; k < 5; k++) a[k * per + k + 1] = 1; // a different pixel on every slice
  b[2 * per + 10] = 1;
  b[4 * per + 40] = 1;
  return [a, b];
}

/** Rewrites a SEG after `edit` changed its dataset (frames and functional groups). */
function rewrite(bytes: Uint8Array, edit: (ds: Dataset, frames: Uint8Array[]) => Uint8Array[]): Uint8Array {
  const { dataset } = parseDicom(bytes, 'mem');
  const n = Number(dataset.NumberOfFrames);
  const px = pixelBytes(dataset, 'mem');
  const frames = Array.from({ length: n }, (_, f) => unpackFrame(px, f, per));
  const out = edit(dataset, frames);
  const packed = packBits(out, per);
  dataset.PixelData = packed.buffer;
  dataset.NumberOfFrames = out.length;
  dataset._vrMap = { PixelData: 'OB' };
  return writePart10(dataset, String(dataset.SOPClassUID), String(dataset.SOPInstanceUID));
}

test('frames are placed by position, not by frame order: reversing frames and their functional groups changes nothing', () => {
  const [a, b] = twoSegments();
  const w = writeSeg({ volume: vol, segments: [{ label: 'a', kind: 'hemorrhage', sourceMask: a }, { label: 'b', kind: 'infarct', sourceMask: b }], algorithm: { name: 'x', version: '1' } });
  const reversed = rewrite(w.bytes, (ds, frames) => {
    ds.PerFrameFunctionalGroupsSequence = [...seq(ds, 'PerFrameFunctionalGroupsSequence')].reverse();
    return [...frames].reverse();
  });
  const r = readSeg(reversed, ref);
  assert.deepEqual(r.frameSlices, [4, 2, 4, 3, 2, 1, 0]);
  assert.deepEqual(r.masks[0], a);
  assert.deepEqual(r.masks[1], b);
});

test('a frame without a position is placed by its ReferencedSOPInstanceUID', () => {
  const [a] = twoSegments();
  const w = writeSeg({ volume: vol, segments: [{ label: 'a', kind: 'hemorrhage', sourceMask: a }], algorithm: { name: 'x', version: '1' } });
  const noPos = rewrite(w.bytes, (ds, frames) => {
    for (const item of seq(ds, 'PerFrameFunctionalGroupsSequence')) delete item.PlanePositionSequence;
    return frames;
  });
  assert.equal(parseDicom(noPos, 'mem').dataset.PerFrameFunctionalGroupsSequence !== undefined, true);
  const r = readSeg(noPos, ref);
  assert.deepEqual(r.masks[0], a);
});

test('a frame at a position between source slices is refused with GEOMETRY_MISMATCH', () => {
  const [a] = twoSegments();
  const w = writeSeg({ volume: vol, segments: [{ label: 'a', kind: 'hemorrhage', sourceMask: a }], algorithm: { name: 'x', version: '1' } });
  const shifted = rewrite(w.bytes, (ds, frames) => {
    const item = seq(ds, 'PerFrameFunctionalGroupsSequence')[0] as Dataset;
    item.PlanePositionSequence = [{ ImagePositionPatient: ['-10', '-20', '31.25'] }]; // half way between slices 0 and 1
    return frames;
  });
  assert.throws(() => readSeg(shifted, ref), { code: 'GEOMETRY_MISMATCH' });
});

test('a cropped frame is placed at its whole-pixel in-plane offset', () => {
  const [a] = twoSegments();
  const w = writeSeg({ volume: vol, segments: [{ label: 'a', kind: 'hemorrhage', sourceMask: a }], algorithm: { name: 'x', version: '1' } });
  // shift every frame's origin by +2 columns (1.0 mm along the row direction) and its pixels 2 to the left
  const moved = rewrite(w.bytes, (ds, frames) => {
    for (const item of seq(ds, 'PerFrameFunctionalGroupsSequence')) {
      const pos = seq(item, 'PlanePositionSequence')[0] as Dataset;
      const ipp = (pos.ImagePositionPatient as Array<string | number>).map(Number);
      pos.ImagePositionPatient = [String((ipp[0] as number) + 1.0), String(ipp[1]), String(ipp[2])];
    }
    return frames.map((f) => {
      const g = new Uint8Array(per);
      for (let j = 0; j < 6; j++) for (let i = 2; i < 8; i++) g[j * 8 + i - 2] = f[j * 8 + i] as number;
      return g;
    });
  });
  const r = readSeg(moved, ref);
  // pixels at i >= 2 survive at their original place; a has pixels at i = 1..5 on slices 0..4 -> slice 0 (i=1) is lost
  const want = new Uint8Array(a);
  want[0 * per + 1] = 0;
  assert.deepEqual(r.masks[0], want);
});
