/**
 * DICOMweb against a real Orthanc (authentication on): load the GE head with STOW-RS, find it by
 * patient ID over QIDO-RS, retrieve it over WADO-RS into the cache, load it voxel for voxel equal to the
 * local folder, store a SEG with STOW-RS and read it back; wrong password; the secret never in logs.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSdpmError } from '../../../electron/core/errors';
import { memoryLogger } from '../../../electron/core/logger';
import { loadVolumeFromFolder } from '../../../electron/core/dicom/loadVolumeFromFolder';
import { DicomWebTransport } from '../../../electron/core/pacs/DicomWebTransport';
import { createTransport } from '../../../electron/core/pacs/createTransport';
import type { DicomWebPeer } from '../../../electron/core/pacs/PacsConfig';
import { memorySecretSource } from '../../../electron/core/pacs/secrets';
import { SeriesCache } from '../../../electron/core/pacs/SeriesCache';
import { retrieveSeries, type RetrieveProgress } from '../../../electron/core/pacs/retrieveSeries';
import { instanceRefOf, sendAndVerify } from '../../../electron/core/pacs/sendAndVerify';
import { compareDicom } from '../../../electron/core/pacs/compareDicom';
import { parseDicomFile } from '../../../electron/core/dicom/parseDicomFile';
import { readFrameInfo } from '../../../electron/core/dicom/codecs/readFrameInfo';
import { decodeFrame } from '../../../electron/core/dicom/codecs/decodeFrame';
import { GE_HEAD_PATIENT_ID, GE_HEAD_SERIES_UID, GE_HEAD_STUDY_UID, OrthancServer, freePort, orthancMissing } from './orthanc';
import { assertSameVolume, loadGeHead, smallGeHeadSeg } from './helpers';

const skip = orthancMissing();
const TS_DIR = join(import.meta.dirname, '../../../../shared/data/dicom/transfer-syntaxes');
const orthanc = new OrthancServer();
const work = mkdtempSync(join(tmpdir(), 'sdpm-pacs-web-'));
const log = memoryLogger();
let peer: DicomWebPeer;

describe('DICOMweb against a real Orthanc', { skip }, () => {
  before(async () => {
    await orthanc.init();
    await orthanc.start();
    peer = { kind: 'dicomweb', name: 'orthanc-test', baseUrl: orthanc.dicomWebUrl, auth: { type: 'basic', username: orthanc.user }, timeoutMs: 20_000 };
    const t = await createTransport(peer, memorySecretSource({ [peer.name]: orthanc.password }));
    assert.equal(await loadGeHead(t), 28);
  });
  after(async () => {
    await orthanc.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  const transport = async (): Promise<DicomWebTransport> => (await createTransport(peer, memorySecretSource({ [peer.name]: orthanc.password }))) as DicomWebTransport;

  test('QIDO-RS finds the GE head by patient ID, with series counts; series and instances list', async () => {
    const t = await transport();
    const page = await t.findStudies({ patientId: GE_HEAD_PATIENT_ID, modality: 'CT', limit: 10 });
    assert.equal(page.studies.length, 1);
    assert.equal(page.studies[0]?.studyInstanceUid, GE_HEAD_STUDY_UID);
    assert.equal(page.studies[0]?.seriesCount, 1);
    assert.equal(page.studies[0]?.instanceCount, 28);
    assert.equal(page.mayHaveMore, false);
    assert.equal((await t.findStudies({ patientId: 'NOBODY' })).studies.length, 0);
    const series = await t.findSeries(GE_HEAD_STUDY_UID);
    assert.deepEqual(series.map((s) => [s.seriesInstanceUid, s.modality, s.instanceCount]), [[GE_HEAD_SERIES_UID, 'CT', 28]]);
  });

  test('WADO-RS retrieves the series into the cache (progress, marker), resumes, loads voxel for voxel equal', async () => {
    const cache = new SeriesCache(join(work, 'cache'));
    const seen: RetrieveProgress[] = [];
    const r = await retrieveSeries(await transport(), cache, GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID, { onProgress: (p) => seen.push(p), log });
    assert.equal(r.status, 'complete', r.message);
    assert.equal(r.fetched, 28);
    assert.equal(seen.at(-1)?.done, 28);
    assert.ok(seen.length >= 29);
    assert.equal(await cache.isComplete(GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID), true);
    const folder = await cache.completeSeriesFolder(GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID);
    assert.equal(readdirSync(folder).length, 28);
    await assertSameVolume(await loadVolumeFromFolder(folder));
    const again = await retrieveSeries(await transport(), cache, GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID);
    assert.equal(again.status, 'complete');
    assert.equal(again.fetched, 0);
  });

  test('a SEG stored with STOW-RS is read back over WADO-RS and compared before "stored and verified"', async (t) => {
    const seg = await smallGeHeadSeg();
    const r = await sendAndVerify(await transport(), seg, 'seg.dcm');
    assert.match(r.message, /stored and verified/);
    t.diagnostic(`user sees: ${r.message}`);
    assert.ok(r.comparison.level === 'identical' || r.comparison.level === 'dataset-bytes', r.comparison.level);
    assert.equal(r.ref.studyInstanceUid, GE_HEAD_STUDY_UID);
    const series = await (await transport()).findSeries(GE_HEAD_STUDY_UID);
    assert.ok(series.some((s) => s.modality === 'SEG'));
  });

  test('a compressed instance (JPEG-LS) arrives as the archive stores it and decodes to the same pixels as the uncompressed file', async () => {
    const jls = new Uint8Array(readFileSync(join(TS_DIR, 'CTImage.dcm_JPEGLSLosslessTransferSyntax_1.2.840.10008.1.2.4.80.dcm')));
    const plain = new Uint8Array(readFileSync(join(TS_DIR, 'CTImage.dcm_LittleEndianExplicitTransferSyntax_1.2.840.10008.1.2.1.dcm')));
    const ref = instanceRefOf(jls, 'jls');
    const t = await transport();
    await t.storeInstance(jls, ref);
    const cache = new SeriesCache(join(work, 'cache-jls'));
    const r = await retrieveSeries(t, cache, ref.studyInstanceUid, ref.seriesInstanceUid);
    assert.equal(r.status, 'complete', r.message);
    const cached = new Uint8Array(readFileSync(cache.instancePath(ref)));
    assert.notEqual(compareDicom(jls, cached).level, 'different');
    assert.equal(readFrameInfo(parseDicomFile(cached, 'cached'), 'cached').transferSyntaxUid, '1.2.840.10008.1.2.4.80', 'still JPEG-LS in the cache');
    const decode = async (bytes: Uint8Array, label: string): Promise<number[]> => {
      const ds = parseDicomFile(bytes, label);
      return Array.from(await decodeFrame(ds, readFrameInfo(ds, label)));
    };
    assert.deepEqual(await decode(cached, 'cached'), await decode(plain, 'plain'));
  });

  test('wrong password: PACS_AUTH_FAILED naming the peer; nothing in the cache', async () => {
    const t = await createTransport(peer, memorySecretSource({ [peer.name]: 'not-the-password' }));
    const cache = new SeriesCache(join(work, 'cache-badpw'));
    await assert.rejects(t.findStudies({ patientId: GE_HEAD_PATIENT_ID }), (e) => isSdpmError(e, 'PACS_AUTH_FAILED') && e.message.includes('DICOMweb peer "orthanc-test"') && /HTTP 401/.test(e.message));
    await assert.rejects(retrieveSeries(t, cache, GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID), (e) => isSdpmError(e, 'PACS_AUTH_FAILED') && e.message.includes(GE_HEAD_STUDY_UID));
    assert.equal(await cache.isComplete(GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID), false);
  });

  test('archive down: PACS_UNREACHABLE naming the peer', async () => {
    const down = new DicomWebTransport({ ...peer, name: 'nowhere', baseUrl: `http://127.0.0.1:${await freePort()}/dicom-web` }, orthanc.password);
    await assert.rejects(down.findStudies({}), (e) => isSdpmError(e, 'PACS_UNREACHABLE') && e.message.includes('DICOMweb peer "nowhere"') && /ECONNREFUSED/.test(e.message));
  });

  test('the secret is in no log record and no cache file', () => {
    assert.ok(log.records.length > 0);
    assert.ok(!JSON.stringify(log.records).includes(orthanc.password));
    const scan = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) scan(p);
        else if (e.name.endsWith('.json')) assert.ok(!readFileSync(p, 'utf8').includes(orthanc.password), p);
      }
    };
    scan(work);
  });
});
