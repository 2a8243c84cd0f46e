/**
 * A small trial on a fresh database: an administrator, two readers, an adjudicator and an auditor;
 * a charter with the rule "differs by more than 5 mL or 20 %"; three studies assigned to both readers.
 */
import { createTrialServices, type TrialServices } from '../../../../../electron/services/trial/createTrialServices';
import type { Actor } from '../../../../../electron/services/trial/TrialContext';
import type { Measurements } from '../../../../../electron/services/trial/ReadService';
import type { SqlDb } from '../../../../../electron/services/db/SqlDb';

export const PASSWORD = 'correct horse battery';
export const TRIAL_ID = 'STROKE-CL-01';

export const charterText = JSON.stringify({
  trialId: TRIAL_ID,
  title: 'Infarct volume core lab (test)',
  readers: ['ana', 'ben'],
  adjudicators: ['cho'],
  adjudicationRule: 'volume differs by more than 5 mL or 20 %',
  signatureMeanings: { read: 'Initial read per protocol', adjudication: 'Adjudication read', reopen: 'Corrected read per protocol' },
  caseOrderSeed: 11,
});

export interface TrialFixture {
  svc: TrialServices;
  admin: Actor;
  ana: Actor;
  ben: Actor;
  cho: Actor;
  aud: Actor;
  studies: { studyId: string; studyCode: string }[];
  /** taskIds[reader][studyIndex] */
  tasks: Record<'ana' | 'ben', string[]>;
}

export function segBytes(tag: string): Uint8Array {
  return new TextEncoder().encode(`DICM-SEG-fixture:${tag}`);
}

export function measurements(totalMl: number): Measurements {
  return { totalMl, lesions: [{ lesionId: 1, volumeMl: totalMl, voxelCount: Math.round(totalMl * 1000) }] };
}

export async function setUpTrial(db: SqlDb, opts: { faultPoint?: (name: string) => void | Promise<void> } = {}): Promise<TrialFixture> {
  const svc = createTrialServices(db, { workstation: 'ws-test', scryptN: 1 << 10, ...opts });
  await svc.auth.bootstrapAdmin({ username: 'admin', printedName: 'Dana Admin', password: PASSWORD });
  const admin = (await svc.auth.login('admin', PASSWORD)).actor;
  for (const [username, printedName, role] of [['ana', 'Ana Reader', 'reader'], ['ben', 'Ben Reader', 'reader'], ['cho', 'Cho Adjudicator', 'adjudicator'], ['aud', 'Ari Auditor', 'auditor']] as const) {
    await svc.auth.createUser(admin, { username, printedName, role, password: PASSWORD });
  }
  const actor = async (u: string): Promise<Actor> => (await svc.auth.login(u, PASSWORD)).actor;
  await svc.admin.createTrial(admin, charterText, 'charter.json');
  const { imported } = await svc.admin.importStudies(admin, TRIAL_ID, [1, 2, 3].map((i) => ({ studyUid: `1.2.826.0.1.${i}`, seriesUid: `1.2.826.0.1.${i}.1`, source: `/data/study${i}` })));
  const tasks: Record<'ana' | 'ben', string[]> = { ana: [], ben: [] };
  for (const s of imported) {
    const { taskIds } = await svc.admin.assign(admin, TRIAL_ID, s.studyId, ['ana', 'ben']);
    tasks.ana.push(taskIds[0]!);
    tasks.ben.push(taskIds[1]!);
  }
  return { svc, admin, ana: await actor('ana'), ben: await actor('ben'), cho: await actor('cho'), aud: await actor('aud'), studies: imported, tasks };
}

/** Both readers read and sign all three studies; study 2 (index 1) differs by 8 mL / 40 %. */
export async function readAndSignAll(f: TrialFixture): Promise<void> {
  const volumes = { ana: [10, 16, 30], ben: [11, 24, 31.5] };
  for (const who of ['ana', 'ben'] as const) {
    for (const [i, taskId] of f.tasks[who].entries()) {
      await f.svc.reads.saveRead(f[who], taskId, { segBytes: segBytes(`${who}-${i}`), segUid: `2.25.${who === 'ana' ? 1 : 2}0${i}`, measurements: measurements(volumes[who][i]!) });
      await f.svc.reads.signRead(f[who], taskId, PASSWORD);
    }
  }
}
