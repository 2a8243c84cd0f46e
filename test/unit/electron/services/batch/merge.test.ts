import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeRun, resultsCsv } from '../../../../../electron/services/batch/merge';
import { claimRunFile, isDone, publishError, studiesDir, type RunFile, type StudyRecord } from '../../../../../electron/services/batch/resultStore';
import { isSdpmError } from '../../../../../electron/core/errors';

const run = (studies: RunFile['studies'], settingsSha256 = 's1'): RunFile => ({ formatVersion: 1, input: '/in', studies, settingsSha256, bundleSha256: 'b', settings: {}, createdAt: 't' });
const rec = (id: string, key: string, status: 'ok' | 'error', extra: Partial<StudyRecord> = {}): StudyRecord => ({
  formatVersion: 1, id, path: `/in/${id}`, key, studyInstanceUid: `1.2.${id}`, inputSha256: 'i', settingsSha256: 's1', status,
  error: status === 'error' ? { code: 'DICOM_TRUNCATED', message: `/in/${id}/x.dcm: file is truncated`, path: `/in/${id}/x.dcm` } : null,
  finishedAt: '2026-01-01T00:00:00Z', wallMs: 100, worker: { host: 'h', pid: 1, shard: '0/2' }, ...extra,
});

function fakeOk(out: string, r: StudyRecord, volumeMl: number): void {
  const d = join(studiesDir(out), r.key);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'study.json'), JSON.stringify(r));
  const report = { totalVolumeMl: volumeMl, sampleRangeMl: [1, 2], lesions: [{}], mode: 'all', settings: { preset: 'paper', profile: 'cpu-fast', approximation: true }, provider: { used: 'cpu' }, seed: 0, bundle: { name: 'tiny', version: '1', sha256SumsSha256: 'b' } };
  writeFileSync(join(d, 'report.json'), JSON.stringify(report));
}

test('merge: one row per listed study in manifest order (ok, error naming the file, missing); summary counts', async () => {
  const out = mkdtempSync(join(tmpdir(), 'sdpm-merge-'));
  await claimRunFile(out, run([{ id: 'a', path: '/in/a' }, { id: 'b', path: '/in/b' }, { id: 'c', path: '/in/c' }, { id: 'd', path: '/in/d' }]));
  fakeOk(out, rec('c', 'k-c', 'ok', { seg: { file: 'seg.dcm', sopInstanceUid: '1.2.3', segments: 1, note: null } }), 3.5);
  fakeOk(out, rec('a', 'k-a', 'ok'), 1.25);
  await publishError(out, rec('b', 'k-b', 'error'));
  // an error of an earlier attempt is superseded by a later ok result of the same study
  await publishError(out, rec('c', 'k-c', 'error'));
  // a record of other settings is not part of this run
  fakeOk(out, rec('d', 'k-d', 'ok', { settingsSha256: 'other' }), 9);
  mkdirSync(join(out, '.partial', 'k-d.host.42.ab'), { recursive: true });
  const { rows, summary } = await mergeRun(out);
  assert.deepEqual(rows.map((r) => `${r.id}:${r.status}`), ['a:ok', 'b:error', 'c:ok', 'd:missing']);
  assert.equal(summary.ok, 2);
  assert.equal(summary.error, 1);
  assert.deepEqual(summary.missingIds, ['d']);
  assert.equal(summary.partialFolders, 1);
  const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 5);
  assert.match(csv[1] ?? '', /^a,\/in\/a,ok,1\.2\.a,1\.25,1,2,1,all,paper,cpu-fast,true,cpu,0,tiny@1,b,studies\/k-a,,,$/);
  assert.match(csv[3] ?? '', /,studies\/k-c,studies\/k-c\/seg\.dcm,,$/, 'the SEG column names the study\'s seg.dcm');
  assert.match(csv[2] ?? '', /^b,\/in\/b,error,.*,errors\/k-b\.json,,DICOM_TRUNCATED,\/in\/b\/x\.dcm: file is truncated$/);
  assert.match(csv[4] ?? '', /^d,\/in\/d,missing,.*no result/);
  assert.equal(isDone(out, 'k-b', false), 'error');
  assert.equal(isDone(out, 'k-b', true), null);
  assert.equal(isDone(out, 'k-a', false), 'ok');
});

test('results.csv does not depend on which worker ran a study or how long it took', () => {
  const row = (w: Partial<StudyRecord>) => resultsCsv([{ id: 'x', path: '/a,b', status: 'error', record: rec('x', 'k', 'error', w), report: null }]);
  assert.equal(row({ wallMs: 5, worker: { host: 'n1', pid: 9, shard: '1/3' } }), row({ wallMs: 50_000, worker: { host: 'n2', pid: 7, shard: 'all' } }));
  assert.match(row({}), /^x,"\/a,b",error,/m);
});

test('an output folder keeps to one run: other settings or other studies are refused', async () => {
  const out = mkdtempSync(join(tmpdir(), 'sdpm-merge-'));
  const studies = [{ id: 'a', path: '/in/a' }];
  await claimRunFile(out, run(studies));
  await claimRunFile(out, run(studies));
  await assert.rejects(claimRunFile(out, run(studies, 's2')), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT') && /other settings/.test(e.message));
  await assert.rejects(claimRunFile(out, run([{ id: 'b', path: '/in/b' }])), /another list of studies/);
});
