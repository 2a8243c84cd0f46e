/**
 * `sdpm batch` with the archive as input and output: --pacs-peer + a query retrieves the GE head from a
 * real Orthanc into the cache, segments it (tiny test bundle, y_avg), merges, and with --pacs-send stores the
 * SEG back verified; a rerun is a no-op (nothing fetched, nothing segmented, nothing sent again).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DicomWebTransport } from '../../../electron/core/pacs/DicomWebTransport';
import { PacsSettingsStore } from '../../../electron/services/pacs/PacsSettingsStore';
import { runCli } from '../batch/runCli';
import { GE_HEAD_PATIENT_ID, GE_HEAD_STUDY_UID, OrthancServer, orthancMissing } from './orthanc';
import { loadGeHead } from './helpers';

const ROOT = new URL('../../..', import.meta.url).pathname;
const BUNDLE = join(ROOT, 'models/bundles/sdpm-tiny-test');
const skip = orthancMissing() ?? (existsSync(join(BUNDLE, 'sdpm_net.onnx')) ? undefined : `no test bundle at ${BUNDLE}`);
const orthanc = new OrthancServer();
const work = mkdtempSync(join(tmpdir(), 'sdpm-pacs-batch-'));
const settings = join(work, 'pacs-peers.json');
let archive: DicomWebTransport;

describe('sdpm batch from and back to a real Orthanc', { skip }, () => {
  before(async () => {
    await orthanc.init();
    await orthanc.start();
    const peer = { kind: 'dicomweb' as const, name: 'archive', baseUrl: orthanc.dicomWebUrl, auth: { type: 'basic' as const, username: orthanc.user }, timeoutMs: 30_000 };
    archive = new DicomWebTransport(peer, orthanc.password);
    await loadGeHead(archive);
    await new PacsSettingsStore(settings).save(peer);
    process.env.SDPM_PACS_SECRET_ARCHIVE = orthanc.password;
  });
  after(async () => {
    delete process.env.SDPM_PACS_SECRET_ARCHIVE;
    await orthanc.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('query -> retrieve -> segment -> SEG stored and verified; rerun is a no-op', { timeout: 10 * 60_000 }, async () => {
    const out = join(work, 'run');
    const args = ['batch', '--pacs-peer', 'archive', '--pacs-settings', settings, '--pacs-cache', join(work, 'cache'), '--pacs-patient-id', GE_HEAD_PATIENT_ID, '--pacs-send', '--out', out];
    const fast = ['--bundle', BUNDLE, '--provider', 'cpu', '--mode', 'avg', '--threads', '1'];
    const r = await runCli([...args, ...fast]);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.err, /batch: 1 series retrieved from DICOMweb peer "archive"/);
    assert.match(r.out, /batch: 1 SEG stored and verified on DICOMweb peer "archive" \(.*\), 0 already verified, 0 failed/);
    assert.equal(readdirSync(join(out, 'studies')).length, 1);
    assert.equal(readdirSync(join(out, 'pacs-sent')).filter((f) => f.endsWith('.json')).length, 1);
    assert.ok((await archive.findSeries(GE_HEAD_STUDY_UID)).some((s) => s.modality === 'SEG'));
    const again = await runCli([...args, ...fast]);
    assert.equal(again.code, 0, `${again.out}\n${again.err}`);
    assert.match(again.out, /0 done now, 1 already done/);
    assert.match(again.out, /0 SEG stored and verified on DICOMweb peer "archive" \(.*\), 1 already verified/);
  });
});
