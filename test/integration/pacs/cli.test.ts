/**
 * `sdpm pacs` against a real Orthanc: add a DICOMweb and a DIMSE connection, find, retrieve (resumes,
 * exit codes), send a SEG ("stored and verified"); the password is in no output, log or settings file.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '../../../electron/core/logger';
import { DicomWebTransport } from '../../../electron/core/pacs/DicomWebTransport';
import { pacs } from '../../../electron/cli/commands/pacs';
import type { CliContext } from '../../../electron/cli/CliCommand';
import { GE_HEAD_PATIENT_ID, GE_HEAD_SERIES_UID, GE_HEAD_STUDY_UID, OrthancServer, orthancMissing } from './orthanc';
import { loadGeHead, localGeHead, smallGeHeadSeg } from './helpers';
import { listStudies } from '../../../electron/services/batch/manifest';
import { pacsBatchInput } from '../../../electron/cli/pacs/batchHook';
import { writeNifti } from '../../../electron/core/dicom/niftiWrite';

const skip = orthancMissing();
const orthanc = new OrthancServer();
const work = mkdtempSync(join(tmpdir(), 'sdpm-pacs-cli-'));
const settings = join(work, 'settings', 'pacs-peers.json');
const cache = join(work, 'cache');
let out = '';
let everything = '';
const log = memoryLogger();
const write = (s: string): void => {
  out += s;
  everything += s;
};
const ctx: CliContext = { log, stdout: write, stderr: write };

async function sdpm(...argv: string[]): Promise<{ code: number; text: string }> {
  out = '';
  const code = await pacs.run([...argv, '--settings', settings], ctx);
  return { code, text: out };
}

describe('sdpm pacs against a real Orthanc', { skip }, () => {
  before(async () => {
    await orthanc.init({ modalities: { sdpm: ['SDPMCLI', '127.0.0.1', 104] } });
    await orthanc.start();
    await loadGeHead(new DicomWebTransport({ kind: 'dicomweb', name: 'load', baseUrl: orthanc.dicomWebUrl, auth: { type: 'basic', username: orthanc.user }, timeoutMs: 20_000 }, orthanc.password));
    process.env.SDPM_PACS_SECRET_WEB = orthanc.password;
  });
  after(async () => {
    delete process.env.SDPM_PACS_SECRET_WEB;
    await orthanc.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('add saves connections without secrets; a --password flag does not exist', async () => {
    assert.equal((await sdpm('add', '--name', 'web', '--url', orthanc.dicomWebUrl, '--auth', 'basic', '--user', orthanc.user)).code, 0);
    assert.equal((await sdpm('add', '--name', 'dimse', '--ae', orthanc.aeTitle, '--host', '127.0.0.1', '--port', String(orthanc.dicomPort), '--our-ae', 'SDPMCLI')).code, 0);
    await assert.rejects(sdpm('add', '--name', 'x', '--url', orthanc.dicomWebUrl, '--password', orthanc.password), /Unknown option '--password'/);
    const list = await sdpm('list');
    assert.match(list.text, /DICOMweb peer "web" .*auth basic/);
    assert.match(list.text, /DIMSE peer "dimse" \(ORTHANCTEST@127\.0\.0\.1:\d+\), our AE SDPMCLI/);
  });

  test('find over QIDO-RS and C-FIND; study series listing', async () => {
    for (const peer of ['web', 'dimse']) {
      const r = await sdpm('find', '--peer', peer, '--patient-id', GE_HEAD_PATIENT_ID);
      assert.equal(r.code, 0, r.text);
      assert.ok(r.text.includes(GE_HEAD_STUDY_UID) && /1 series/.test(r.text) && /^1 studies/m.test(r.text), r.text);
    }
    const s = await sdpm('find', '--peer', 'web', '--study', GE_HEAD_STUDY_UID);
    assert.ok(s.text.includes(GE_HEAD_SERIES_UID) && /28 instances/.test(s.text), s.text);
  });

  test('retrieve over WADO-RS (exit 0, folder), then over C-GET into another cache; a second run resumes with nothing to fetch', async () => {
    const r = await sdpm('retrieve', '--peer', 'web', '--study', GE_HEAD_STUDY_UID, '--series', GE_HEAD_SERIES_UID, '--cache', cache);
    assert.equal(r.code, 0, r.text);
    assert.match(r.text, /complete: 28 instances \(28 fetched, 0 already cached\)/);
    assert.match(r.text, /retrieve: 28\/28 instances/);
    const again = await sdpm('retrieve', '--peer', 'web', '--study', GE_HEAD_STUDY_UID, '--series', GE_HEAD_SERIES_UID, '--cache', cache);
    assert.match(again.text, /already in the cache/);
    const d = await sdpm('retrieve', '--peer', 'dimse', '--study', GE_HEAD_STUDY_UID, '--series', GE_HEAD_SERIES_UID, '--cache', join(work, 'cache-dimse'));
    assert.equal(d.code, 0, d.text);
  });

  test('send a SEG over STOW-RS and C-STORE: "stored and verified"', async () => {
    const file = join(work, 'seg.dcm');
    writeFileSync(file, await smallGeHeadSeg());
    const web = await sdpm('send', '--peer', 'web', file);
    assert.equal(web.code, 0, web.text);
    assert.match(web.text, /stored and verified/);
    const dimse = await sdpm('send', '--peer', 'dimse', file);
    assert.match(dimse.text, /stored and verified/);
  });

  test('batch-input writes the CSV that sdpm batch reads; send-results stores a SEG per finished study, once', async () => {
    const list = join(work, 'inputs.csv');
    const r = await sdpm('batch-input', '--peer', 'web', '--patient-id', GE_HEAD_PATIENT_ID, '--modality', 'CT', '--list', list, '--cache', cache);
    assert.equal(r.code, 0, r.text);
    const studies = listStudies(list);
    assert.equal(studies.length, 1);
    assert.equal(studies[0]?.id, GE_HEAD_STUDY_UID);
    const folder = studies[0]!.path;
    // a finished batch study as runShard publishes it (study.json + mask.nii.gz), with a small mask
    const out = join(work, 'batch-out');
    const key = 'ge_1234';
    mkdirSync(join(out, 'studies', key), { recursive: true });
    writeFileSync(join(out, 'studies', key, 'study.json'), JSON.stringify({ formatVersion: 1, id: 'ge', path: folder, key, status: 'ok' }));
    const v = await localGeHead();
    const mask = new Uint8Array(v.voxels.length);
    const [nx, ny, nz] = v.dimensions;
    for (let k = Math.floor(nz / 2) - 1; k <= Math.floor(nz / 2) + 1; k += 1)
      for (let j = 240; j < 260; j += 1) for (let i = 240; i < 260; i += 1) mask[i + nx * (j + ny * k)] = 1;
    await writeNifti(join(out, 'studies', key, 'mask.nii.gz'), { dimensions: v.dimensions, spacingMm: v.spacingMm, originLps: v.originLps, directionLps: v.directionLps, voxels: mask });
    const sent = await sdpm('send-results', '--peer', 'web', '--out', out);
    assert.equal(sent.code, 0, sent.text);
    assert.match(sent.text, /^1 SEG stored and verified, 0 already verified earlier, 0 failed/m);
    const rec = JSON.parse(readFileSync(join(out, 'pacs-sent', `${key}.json`), 'utf8')) as { message: string };
    assert.match(rec.message, /stored and verified/);
    const again = await sdpm('send-results', '--peer', 'web', '--out', out);
    assert.match(again.text, /^0 SEG stored and verified, 1 already verified earlier/m);
  });

  test('the sdpm batch hook: --pacs-peer with a query writes <out>/pacs-inputs.csv from the cache; unknown peers and empty queries are refused', async () => {
    const out = join(work, 'hook-out');
    const list = await pacsBatchInput({ 'pacs-peer': 'web', 'pacs-settings': settings, 'pacs-cache': cache, 'pacs-patient-id': GE_HEAD_PATIENT_ID }, out, ctx);
    assert.equal(list, join(out, 'pacs-inputs.csv'));
    assert.deepEqual(listStudies(list!).map((s) => s.id), [GE_HEAD_STUDY_UID]);
    assert.equal(await pacsBatchInput({}, out, ctx), undefined);
    await assert.rejects(pacsBatchInput({ 'pacs-peer': 'web', 'pacs-settings': settings }, out, ctx), /needs --accession/);
    await assert.rejects(pacsBatchInput({ 'pacs-peer': 'nope', 'pacs-settings': settings, accession: 'A1' }, out, ctx), /no PACS connection "nope"/);
    await assert.rejects(pacsBatchInput({ 'pacs-peer': 'web', 'pacs-settings': settings, 'pacs-cache': cache, accession: 'NO-SUCH-ACC' }, out, ctx), (e: Error) => /no study could be retrieved/.test(e.message));
  });

  test('wrong password through the CLI: the error names the peer; the password never appears anywhere', async () => {
    process.env.SDPM_PACS_SECRET_WEB = 'wrong-password-123';
    await assert.rejects(sdpm('find', '--peer', 'web'), (e: Error) => /DICOMweb peer "web"/.test(e.message) && /HTTP 401/.test(e.message));
    process.env.SDPM_PACS_SECRET_WEB = orthanc.password;
    const settingsText = readFileSync(settings, 'utf8');
    assert.ok(!settingsText.includes(orthanc.password) && !settingsText.includes('wrong-password-123'));
    assert.ok(!JSON.stringify(log.records).includes(orthanc.password));
    assert.ok(everything.length > 0 && !everything.includes(orthanc.password));
  });
});
