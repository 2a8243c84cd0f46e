/**
 * A small trial on a fresh database: an administrator, two readers, an adjudicator and an auditor;
 * a charter with the rule "differs by more than 5 mL or 20 %"; three studies assigned to both readers.
 */
import { createTrialServices, type TrialServices } from '../../../../../electron/services/trial/createTrialServices';
import type { Actor } from '../../../../../electron/services/trial/TrialContext';
import type { Measurements } from '../../../../../electron/services/trial/ReadService';
import type { SqlDb } from '../../../../../electron/services/db/SqlDb';
import { createHash } from 'node:crypto';
import { SEG_SOP_CLASS_BINARY, writePart10 } from '../../../../../electron/core/seg/segDataset';

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

/** The study UIDs of setUpTrial's three studies (index 0..2). */
export function studyUids(i: number): { studyUid: string; seriesUid: string } {
  return { studyUid: `1.2.826.0.1.${i + 1}`, seriesUid: `1.2.826.0.1.${i + 1}.1` };
}

/**
 * A small but real DICOM SEG (Part 10, one 8x8 binary frame) of the given study and series; `tag`
 * goes into SeriesDescription and decides the SOP Instance UID, so the same tag gives the same bytes.
 */
export function segBytes(tag: string, study: number | { studyUid: string; seriesUid: string } = 0): Uint8Array {
  const uids = typeof study === 'number' ? studyUids(study) : study;
  const segUid = `2.25.${BigInt(`0x${createHash('sha256').update(tag).digest('hex').slice(0, 24)}`).toString()}`;
  const dataset = {
    SOPClassUID: SEG_SOP_CLASS_BINARY,
    SOPInstanceUID: segUid,
    Modality: 'SEG',
    StudyInstanceUID: uids.studyUid,
    SeriesInstanceUID: `${segUid}.1`,
    SeriesDescription: `fixture:${tag}`,
    FrameOfReferenceUID: `${uids.studyUid}.9`,
    ContentCreatorName: 'Fixture^Reader',
    SegmentationType: 'BINARY',
    Rows: 8,
    Columns: 8,
    NumberOfFrames: 1,
    BitsAllocated: 1,
    BitsStored: 1,
    HighBit: 0,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    ReferencedSeriesSequence: [{ SeriesInstanceUID: uids.seriesUid, ReferencedInstanceSequence: [] }],
    SegmentSequence: [{ SegmentNumber: 1, SegmentLabel: 'lesion', SegmentAlgorithmType: 'SEMIAUTOMATIC', SegmentAlgorithmName: 'SDPM' }],
    PixelData: new Uint8Array(8).fill(tag.length % 256).buffer,
  };
  return writePart10(dataset, SEG_SOP_CLASS_BINARY, segUid);
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
      await f.svc.reads.saveRead(f[who], taskId, { segBytes: segBytes(`${who}-${i}`, i), measurements: measurements(volumes[who][i]!) });
      await f.svc.reads.signRead(f[who], taskId, PASSWORD);
    }
  }
}
