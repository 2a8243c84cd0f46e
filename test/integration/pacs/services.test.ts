/**
 * The PACS channels of the API contract, served by createPacsHandlers against a real Orthanc: save a
 * connection (secret to the secret store only), list, find, series, retrieve as a job with progress
 * events to "complete" and the folder to load, send a SEG ("stored and verified"). Requests and responses
 * go through the contract's parsers, as over IPC or HTTP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../electron/core/logger';
import { DicomWebTransport } from '../../../electron/core/pacs/DicomWebTransport';
import { memorySecretSource } from '../../../electron/core/pacs/secrets';
import { channels, events, type EventPayload } from '../../../electron/ipc/contract';
import { createPacsHandlers, type PacsHandlers } from '../../../electron/services/pacs/PacsService';
import { GE_HEAD_PATIENT_ID, GE_HEAD_SERIES_UID, GE_HEAD_STUDY_UID, OrthancServer, orthancMissing } from './orthanc';
import { loadGeHead, smallGeHeadSeg } from './helpers';

const skip = orthancMissing();
const orthanc = new OrthancServer();
const work = mkdtempSync(join(tmpdir(), 'sdpm-pacs-svc-'));
const progress: EventPayload<'pacs:progress'>[] = [];
let handlers: PacsHandlers;

async function call<C extends keyof PacsHandlers>(channel: C, raw: unknown): Promise<unknown> {
  const req = channels[channel].request(raw, 'request');
  const res = await (handlers[channel] as (r: unknown) => Promise<unknown>)(req);
  return channels[channel].response(res, 'response');
}

describe('PACS channels against a real Orthanc', { skip }, () => {
  before(async () => {
    await orthanc.init();
    await orthanc.start();
    await loadGeHead(new DicomWebTransport({ kind: 'dicomweb', name: 'load', baseUrl: orthanc.dicomWebUrl, auth: { type: 'basic', username: orthanc.user }, timeoutMs: 20_000 }, orthanc.password));
    handlers = createPacsHandlers({
      dataDir: work,
      secrets: memorySecretSource(),
      logger: silentLogger,
      env: {},
      emit: (name, payload) => {
        if (name === 'pacs:progress') progress.push(events['pacs:progress'](payload, 'event'));
      },
    });
  });
  after(async () => {
    await orthanc.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('save a connection with its password: listed with hasSecret, the settings file has no password', async () => {
    const peer = { kind: 'dicomweb', name: 'hospital', baseUrl: orthanc.dicomWebUrl, auth: { type: 'basic', username: orthanc.user }, timeoutMs: 20_000 };
    assert.deepEqual(await call('pacs:savePeer', { peer, secret: orthanc.password }), { label: `DICOMweb peer "hospital" (${orthanc.dicomWebUrl})` });
    const list = (await call('pacs:peers', {})) as { peers: { hasSecret: boolean }[] };
    assert.equal(list.peers.length, 1);
    assert.equal(list.peers[0]?.hasSecret, true);
    assert.ok(!readFileSync(join(work, 'pacs-peers.json'), 'utf8').includes(orthanc.password));
  });

  test('find and series over the channels', async () => {
    const page = (await call('pacs:find', { peer: 'hospital', patientId: GE_HEAD_PATIENT_ID })) as { studies: { studyInstanceUid: string; seriesCount: number }[] };
    assert.deepEqual(page.studies.map((s) => [s.studyInstanceUid, s.seriesCount]), [[GE_HEAD_STUDY_UID, 1]]);
    const s = (await call('pacs:series', { peer: 'hospital', studyInstanceUid: GE_HEAD_STUDY_UID })) as { series: { seriesInstanceUid: string }[] };
    assert.equal(s.series[0]?.seriesInstanceUid, GE_HEAD_SERIES_UID);
  });

  test('retrieve runs as a job: progress events, then "complete" with the folder', async () => {
    const { jobId } = (await call('pacs:retrieve', { peer: 'hospital', studyInstanceUid: GE_HEAD_STUDY_UID, seriesInstanceUid: GE_HEAD_SERIES_UID })) as { jobId: string };
    for (let i = 0; i < 600 && !progress.some((p) => p.jobId === jobId && p.status !== 'running'); i += 1) await new Promise((r) => setTimeout(r, 100));
    const mine = progress.filter((p) => p.jobId === jobId);
    const last = mine.at(-1);
    assert.equal(last?.status, 'complete', last?.message);
    assert.equal(last?.done, 28);
    assert.ok(last?.folder?.startsWith(join(work, 'pacs-cache')));
    assert.ok(mine.filter((p) => p.status === 'running').length >= 28);
  });

  test('send an exported SEG: answered only after the read-back, "stored and verified"', async () => {
    const seg = join(work, 'seg.dcm');
    writeFileSync(seg, await smallGeHeadSeg());
    const r = (await call('pacs:send', { peer: 'hospital', segPath: seg })) as { message: string; level: string };
    assert.match(r.message, /stored and verified/);
    assert.ok(r.level === 'identical' || r.level === 'dataset-bytes');
  });
});
