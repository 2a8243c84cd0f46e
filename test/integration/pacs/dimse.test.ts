/**
 * DIMSE against a real Orthanc: load the GE head with C-STORE, find it by patient ID with C-FIND,
 * retrieve it with C-GET into the cache, load it voxel for voxel equal to the local folder, store a SEG
 * with C-STORE and read it back with C-GET (compared tag for tag); a peer that is down.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSdpmError } from '../../../electron/core/errors';
import { loadVolumeFromFolder } from '../../../electron/core/dicom/loadVolumeFromFolder';
import { DimseTransport } from '../../../electron/core/pacs/DimseTransport';
import type { DimsePeer } from '../../../electron/core/pacs/PacsConfig';
import { SeriesCache } from '../../../electron/core/pacs/SeriesCache';
import { retrieveSeries } from '../../../electron/core/pacs/retrieveSeries';
import { instanceRefOf, sendAndVerify } from '../../../electron/core/pacs/sendAndVerify';
import { compareDicom } from '../../../electron/core/pacs/compareDicom';
import { GE_HEAD_PATIENT_ID, GE_HEAD_SERIES_UID, GE_HEAD_STUDY_UID, OrthancServer, freePort, geHeadFiles, orthancMissing } from './orthanc';
import { assertSameVolume, loadGeHead, smallGeHeadSeg } from './helpers';

const skip = orthancMissing();
const orthanc = new OrthancServer();
const work = mkdtempSync(join(tmpdir(), 'sdpm-pacs-dimse-'));
const OUR_AE = 'SDPMTEST';
let peer: DimsePeer;

describe('DIMSE against a real Orthanc', { skip }, () => {
  before(async () => {
    await orthanc.init({ modalities: { sdpm: [OUR_AE, '127.0.0.1', 104] } });
    await orthanc.start();
    peer = { kind: 'dimse', name: 'orthanc-dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: OUR_AE, timeoutMs: 20_000 };
    assert.equal(await loadGeHead(new DimseTransport(peer)), 28);
  });
  after(async () => {
    await orthanc.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('C-FIND finds the GE head by patient ID, with series counts; series and instances list', async () => {
    const t = new DimseTransport(peer);
    const page = await t.findStudies({ patientId: GE_HEAD_PATIENT_ID });
    assert.equal(page.studies.length, 1);
    assert.equal(page.studies[0]?.studyInstanceUid, GE_HEAD_STUDY_UID);
    assert.equal(page.studies[0]?.seriesCount, 1);
    assert.equal((await t.findStudies({ patientId: 'NOBODY' })).studies.length, 0);
    const series = await t.findSeries(GE_HEAD_STUDY_UID);
    assert.deepEqual(series.map((s) => [s.seriesInstanceUid, s.modality, s.instanceCount]), [[GE_HEAD_SERIES_UID, 'CT', 28]]);
    assert.equal((await t.listInstances(GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID)).length, 28);
  });

  test('C-GET retrieves the series into the cache; loads voxel for voxel equal to the local folder', async () => {
    const cache = new SeriesCache(join(work, 'cache'));
    const r = await retrieveSeries(new DimseTransport(peer), cache, GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID, { concurrency: 2 });
    assert.equal(r.status, 'complete', r.message);
    assert.equal(r.fetched, 28);
    const folder = await cache.completeSeriesFolder(GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID);
    await assertSameVolume(await loadVolumeFromFolder(folder));
    // the cached files carry the archive's data set bytes (GE private elements included), not a re-encoding
    for (const f of await geHeadFiles()) {
      const original = new Uint8Array(readFileSync(f));
      const cached = new Uint8Array(readFileSync(join(folder, `${instanceRefOf(original, f).sopInstanceUid}.dcm`)));
      assert.equal(compareDicom(original, cached).level, 'dataset-bytes', f);
    }
  });

  test('a SEG stored with C-STORE is read back with C-GET and compared tag for tag', async (t) => {
    const r = await sendAndVerify(new DimseTransport(peer), await smallGeHeadSeg(), 'seg.dcm');
    assert.match(r.message, /stored and verified/);
    t.diagnostic(`user sees: ${r.message}`);
    assert.notEqual(r.comparison.level, 'different');
  });

  test('archive down: PACS_UNREACHABLE naming the peer', async () => {
    const down = new DimseTransport({ ...peer, name: 'nowhere', port: await freePort() });
    await assert.rejects(down.findStudies({}), (e) => isSdpmError(e, 'PACS_UNREACHABLE') && e.message.includes('DIMSE peer "nowhere"'));
  });
});
