/** Shared pieces of the PACS integration tests (real Orthanc). */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Volume } from '../../../electron/core/dicom/Volume';
import { loadVolumeFromFolder } from '../../../electron/core/dicom/loadVolumeFromFolder';
import type { PacsTransport } from '../../../electron/core/pacs/PacsTransport';
import { instanceRefOf } from '../../../electron/core/pacs/sendAndVerify';
import { writeSeg } from '../../../electron/core/seg/writeSeg';
import { GE_HEAD_DIR, geHeadFiles } from './orthanc';

/** Loads the GE head into the archive through the transport (STOW-RS or C-STORE); returns the count. */
export async function loadGeHead(transport: PacsTransport): Promise<number> {
  let n = 0;
  for (const f of await geHeadFiles()) {
    const bytes = new Uint8Array(await readFile(f));
    await transport.storeInstance(bytes, instanceRefOf(bytes, f));
    n += 1;
  }
  return n;
}

let localVolume: Promise<Volume> | undefined;
export function localGeHead(): Promise<Volume> {
  localVolume ??= loadVolumeFromFolder(GE_HEAD_DIR);
  return localVolume;
}

/** The volume from the cache equals the local-folder load voxel for voxel, on the same grid. */
export async function assertSameVolume(fromCache: Volume): Promise<void> {
  const local = await localGeHead();
  assert.deepEqual(fromCache.dimensions, local.dimensions);
  assert.deepEqual(fromCache.spacingMm, local.spacingMm);
  assert.deepEqual(fromCache.originLps, local.originLps);
  assert.deepEqual(fromCache.directionLps, local.directionLps);
  assert.equal(fromCache.voxels.constructor, local.voxels.constructor);
  assert.equal(fromCache.voxels.length, local.voxels.length);
  let diff = 0;
  for (let i = 0; i < local.voxels.length; i += 1) if (fromCache.voxels[i] !== local.voxels[i]) diff += 1;
  assert.equal(diff, 0, `${diff} voxels differ`);
}

/** A small SEG (a 12 mm cube in the middle of the brain) on the GE head, as our exporter writes it. */
export async function smallGeHeadSeg(): Promise<Uint8Array> {
  const v = await localGeHead();
  const [nx, ny, nz] = v.dimensions;
  const mask = new Uint8Array(nx * ny * nz);
  const half = [Math.round(6 / v.spacingMm[0]), Math.round(6 / v.spacingMm[1]), Math.max(1, Math.round(6 / v.spacingMm[2]))];
  const c = [Math.floor(nx / 2), Math.floor(ny / 2), Math.floor(nz / 2)];
  for (let k = c[2]! - half[2]!; k <= c[2]! + half[2]!; k += 1)
    for (let j = c[1]! - half[1]!; j <= c[1]! + half[1]!; j += 1)
      for (let i = c[0]! - half[0]!; i <= c[0]! + half[0]!; i += 1) mask[i + nx * (j + ny * k)] = 1;
  const seg = writeSeg({ volume: v, segments: [{ label: 'Lesion', kind: 'hemorrhage', mask }], algorithm: { name: 'pacs-test', version: '1' } });
  return seg.bytes;
}
