/**
 * `sdpm trial` as an administrator and an auditor would use it, on the embedded database in a temp
 * data folder: first administrator, accounts, trial from a charter file, import three synthetic CT
 * studies from a folder, assign, (readers sign through the services), status, export of the final
 * table, lock, audit verification (intact, then after one row is edited behind its back) and export.
 */
import { test } from 'node:test';
import { pdfToText } from '../../core/report/pdfToText';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../../../electron/core/logger';
import { trial } from '../../../../../electron/cli/commands/trial';
import type { CliContext } from '../../../../../electron/cli/CliCommand';
import { openTrialDatabase } from '../../../../../electron/services/db/openTrialDatabase';
import { createTrialServices } from '../../../../../electron/services/trial/createTrialServices';
import { writeSyntheticSeries } from '../../../../fixtures/dicom-generated/syntheticCt';
import { PASSWORD, TRIAL_ID, charterText, measurements } from '../../services/trial/trialFixture';
import { loadVolumeFromFolder } from '../../../../../electron/core/dicom/loadVolumeFromFolder';
import { writeSeg } from '../../../../../electron/core/seg/writeSeg';
import { sourceMaskVolumeMl } from '../../../../../electron/core/volumetry/maskVolume';

function capture(): CliContext & { out: string[] } {
  const out: string[] = [];
  return { log: silentLogger, stdout: (s) => out.push(s), stderr: (s) => out.push(s), out };
}

test('sdpm trial: administrator and auditor commands on the embedded database', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sdpm-trial-cli-'));
  const saved = { p: process.env.SDPM_PASSWORD, n: process.env.SDPM_NEW_PASSWORD };
  process.env.SDPM_PASSWORD = PASSWORD;
  process.env.SDPM_NEW_PASSWORD = PASSWORD;
  const data = ['--data-dir', join(dir, 'data')];
  const sdpm = async (...argv: string[]): Promise<{ code: number; text: string }> => {
    const ctx = capture();
    const code = await trial.run([...argv, ...data], ctx);
    return { code, text: ctx.out.join('') };
  };
  try {
    const images = join(dir, 'images');
    for (const i of [1, 2, 3]) await mkdir(join(images, `study${i}`), { recursive: true });
    for (const i of [1, 2, 3]) await writeSyntheticSeries(join(images, `study${i}`), { seriesUid: `1.2.826.0.9.${i}.1`, count: 12, extra: { studyUid: `1.2.826.0.9.${i}` } });
    await writeFile(join(dir, 'charter.json'), charterText);
    assert.equal((await sdpm('init-admin', '--user', 'admin', '--name', 'Dana Admin')).code, 0);
    for (const [u, n, r] of [['ana', 'Ana Reader', 'reader'], ['ben', 'Ben Reader', 'reader'], ['cho', 'Cho Adjudicator', 'adjudicator'], ['aud', 'Ari Auditor', 'auditor']]) {
      assert.equal((await sdpm('add-user', '--as', 'admin', '--user', u!, '--name', n!, '--role', r!)).code, 0);
    }
    assert.equal((await sdpm('create', '--as', 'admin', join(dir, 'charter.json'))).code, 0);
    assert.match((await sdpm('import', '--as', 'admin', '--trial', TRIAL_ID, images)).text, /imported 3 of 3 series/);
    assert.match((await sdpm('assign', '--as', 'admin', '--trial', TRIAL_ID)).text, /assigned 3 studies/);
    // a reader cannot use the administrator's commands
    const denied = sdpm('status', '--as', 'ana', '--trial', TRIAL_ID);
    await assert.rejects(denied, /reader role may not trial.status/);

    const db = await openTrialDatabase({ dataDir: join(dir, 'data') }, {});
    const svc = createTrialServices(db, { workstation: 'ws-reader' });
    // real SEGs written by the core writer on the imported series; the app's number is deliberately wrong:
    // the server measures the SEG on the study's images and uses that
    const expectedMl = new Map<string, number>();
    for (const [who, voxels] of [['ana', [100, 100, 200]], ['ben', [104, 150, 205]]] as const) {
      const { actor } = await svc.auth.login(who, PASSWORD);
      for (const t of await svc.reads.myTasks(actor, TRIAL_ID)) {
        const i = Number(t.studyUid.slice(-1)) - 1;
        const vol = await loadVolumeFromFolder(join(images, `study${i + 1}`), { seriesUid: t.seriesUid, log: silentLogger });
        const mask = new Uint8Array(vol.voxels.length);
        mask.fill(1, 256 * 3, 256 * 3 + voxels[i]!);
        const seg = writeSeg({ volume: vol, segments: [{ label: 'lesion', kind: 'infarct', mask, algorithmType: 'SEMIAUTOMATIC' }], algorithm: { name: 'test', version: '1' }, reader: who });
        expectedMl.set(`${who}${i}`, sourceMaskVolumeMl(seg.sourceMasks[0]!, vol.source));
        // ana's app sends a wrong number, ben's sends none (the server measures the SEG in both cases)
        await svc.reads.saveRead(actor, t.taskId, who === 'ana' ? { segBytes: seg.bytes, measurements: measurements(999) } : { segBytes: seg.bytes });
        await svc.reads.signRead(actor, t.taskId, PASSWORD);
        const v = (await svc.reads.readVersions(actor, t.taskId)).versions[0]!;
        assert.equal(v.volumeSource, 'seg');
        assert.ok(Math.abs(v.volumeMl - expectedMl.get(`${who}${i}`)!) < 1e-9, `${v.volumeMl} vs ${expectedMl.get(`${who}${i}`)}`);
        assert.ok(v.volumeMl > 0);
        if (who === 'ben') assert.deepEqual(v.measurements.lesions.map((l) => [l.lesionId, l.voxelCount]), [[1, seg.sourceMasks[0]!.reduce((a, b) => a + b, 0)]]);
      }
    }
    const status = await sdpm('status', '--as', 'aud', '--trial', TRIAL_ID);
    assert.match(status.text, /S00\d .*-> pending/);
    assert.equal((status.text.match(/-> agreed/g) ?? []).length, 2);
    const out = join(dir, 'final.csv');
    assert.equal((await sdpm('export', '--as', 'admin', '--trial', TRIAL_ID, '--out', out)).code, 0);
    assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, 4);
    assert.equal((await sdpm('lock', '--as', 'admin', '--trial', TRIAL_ID, '--reason', 'database lock')).code, 0);
    const ok = await sdpm('verify-audit', '--as', 'aud');
    assert.equal(ok.code, 0, ok.text);
    assert.match(ok.text, /audit chain intact: \d+ entries\nsignatures: 6 of 6 verify/);
    const csv = join(dir, 'audit.csv');
    assert.equal((await sdpm('export-audit', '--as', 'aud', '--out', csv, '--html', join(dir, 'audit.html'), '--pdf', join(dir, 'audit.pdf'))).code, 0);
    assert.match(await readFile(csv, 'utf8'), /^seq,atUtc,username,role,action,/);
    assert.match(await readFile(join(dir, 'audit.html'), 'utf8'), /Chain intact/);
    // the PDF read back by an independent reader (poppler's pdftotext) says the same
    const pdfText = pdfToText(join(dir, 'audit.pdf'));
    if (pdfText !== null) {
      assert.match(pdfText, /Chain intact: \d+ entries verified/);
      assert.match(pdfText, /read\.sign/);
      assert.match(pdfText, /page 1 of \d+/);
    }

    await db.exec('DROP TRIGGER audit_no_update');
    await db.run("UPDATE audit SET username = 'someone' WHERE seq = 5");
    await db.close();
    const broken = await sdpm('verify-audit', '--as', 'aud');
    assert.equal(broken.code, 1);
    assert.match(broken.text, /AUDIT CHAIN BROKEN at entry 5: entry 5 was altered/);
  } finally {
    process.env.SDPM_PASSWORD = saved.p;
    process.env.SDPM_NEW_PASSWORD = saved.n;
    if (saved.p === undefined) delete process.env.SDPM_PASSWORD;
    if (saved.n === undefined) delete process.env.SDPM_NEW_PASSWORD;
    await rm(dir, { recursive: true, force: true });
  }
});
