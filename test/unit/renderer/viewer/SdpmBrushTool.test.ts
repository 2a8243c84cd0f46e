// The brush skips Cornerstone's whole-labelmap preview scan only when that scan could not change a voxel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

test('nothing to accept exactly when there is no preview segment and no segment-centre change', async () => {
  const { previewHasNothingToAccept } = await import('../../../../renderer/src/viewer/SdpmBrushTool');
  assert.equal(previewHasNothingToAccept(null, []), true);
  assert.equal(previewHasNothingToAccept(undefined, undefined), true);
  assert.equal(previewHasNothingToAccept(255, []), false);
  assert.equal(previewHasNothingToAccept(null, [17]), false);
});

test("Cornerstone's AcceptPreview changes voxels only through the preview segment or the segment-centre list (what the skip relies on)", () => {
  const tools = dirname(createRequire(import.meta.url).resolve('@cornerstonejs/tools/package.json'));
  const src = readFileSync(join(tools, 'dist', 'esm', 'tools', 'segmentation', 'strategies', 'compositions', 'preview.js'), 'utf8');
  const accept = src.slice(src.indexOf('[StrategyCallbacks.AcceptPreview]'), src.indexOf('[StrategyCallbacks.RejectPreview]'));
  assert.ok(accept.length > 0);
  // the only writes: changedIndices (segment centre) or voxels holding previewSegmentIndex
  assert.equal((accept.match(/setAtIndex\(/g) ?? []).length, 2);
  assert.match(accept, /if \(changedIndices\.includes\(index\)\)/);
  assert.match(accept, /if \(oldValue === previewSegmentIndex\)/);
});
