import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSdpmError } from '../../../../../electron/core/errors';
import { SeriesCache } from '../../../../../electron/core/pacs/SeriesCache';
import { instanceRefOf } from '../../../../../electron/core/pacs/sendAndVerify';

const TS = join(import.meta.dirname, '../../../../../../shared/data/dicom/transfer-syntaxes');
const FILE = join(TS, 'CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm');


test('an instance is stored only when it parses with the UIDs asked for; the marker needs every instance', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sdpm-cache-'));
  try {
    const bytes = new Uint8Array(readFileSync(FILE));
    const ref = instanceRefOf(bytes, FILE); // a JPEG-LS file: compressed syntaxes are stored as sent
    const cache = new SeriesCache(root);
    const other = { ...ref, sopInstanceUid: `${ref.sopInstanceUid}.9` };
    await assert.rejects(cache.putInstance(other, bytes, 'x'), (e) => isSdpmError(e, 'PACS_INSTANCE_INVALID') && /is not the instance asked for/.test(e.message));
    await assert.rejects(cache.putInstance(ref, bytes.subarray(0, bytes.length - 500), 'cut'), (e) => isSdpmError(e, 'PACS_INSTANCE_INVALID') && /does not parse/.test(e.message));
    assert.equal(existsSync(cache.instancePath(ref)), false);
    await cache.putInstance(ref, bytes, 'ok');
    assert.equal(await cache.markComplete([ref, other], 'peer', ref.studyInstanceUid, ref.seriesInstanceUid), false);
    assert.equal(await cache.isComplete(ref.studyInstanceUid, ref.seriesInstanceUid), false);
    await assert.rejects(cache.completeSeriesFolder(ref.studyInstanceUid, ref.seriesInstanceUid), (e) => isSdpmError(e, 'PACS_RETRIEVE_INCOMPLETE'));
    assert.equal(await cache.markComplete([ref], 'peer', ref.studyInstanceUid, ref.seriesInstanceUid), true);
    assert.equal(await cache.isComplete(ref.studyInstanceUid, ref.seriesInstanceUid), true);
    truncateSync(cache.instancePath(ref), 100); // damaged after the fact: no longer complete
    assert.equal(await cache.isComplete(ref.studyInstanceUid, ref.seriesInstanceUid), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
