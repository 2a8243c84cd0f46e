/**
 * Re-ranks the review queue of an existing `sdpm batch` output at other "possible miss" probability levels,
 * without running the network again (issue 10 item 7: choose the level on the CALIBRATION split).
 *
 * For each level f (fraction of the run's threshold) it writes a batch-shaped folder <out>/f<f>/studies/<id>/
 * whose mask.nii.gz, probability.nii.gz and study.json are links to the original and whose report.json is the
 * original with `reviewQueue` recomputed by core's reviewQueue (the engine's own rule, same inputs: the published
 * probability, the final mask, the run's threshold; no samples at y_avg). Score each folder with
 *     cd models/training && /usr/bin/python3 -m sdpm.evaluate_engine --batch <out>/f<f> --data <dataset>
 * ("missed lesion voxels on the slices of the first 3 review-queue entries").
 *
 * Only for NIfTI-input batches (no source geometry: region sizes are voxel count × voxel volume, as the engine
 * measures them on a NIfTI study) and for runs without samples (the agreement map is not written by batch).
 *
 *     npx tsx scripts/eval/reviewQueueSweep.ts --batch B --out Q --levels 0.5,0.4,0.3,0.2
 */
import { parseArgs } from 'node:util';
import { mkdir, readdir, readFile, symlink, writeFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectedComponents, readNifti, reviewQueue, type Vec3 } from '../../electron/core/index';

interface Report {
  settings?: { parameters?: { threshold?: number } };
  voxelVolumeMl: number;
  nUncertaintySamples?: number;
  reviewQueue?: { minSizeMl?: number };
  [k: string]: unknown;
}

/** The run's threshold as report.json records it (the sampler parameters as run). */
export function reportThreshold(rep: Report, path: string): number {
  const t = rep.settings?.parameters?.threshold;
  if (typeof t !== 'number') throw new Error(`${path}: report.json has no threshold`);
  return t;
}

export async function requeueStudy(studyDir: string, levels: readonly number[]): Promise<Map<number, Report>> {
  const repPath = join(studyDir, 'report.json');
  const rep = JSON.parse(await readFile(repPath, 'utf8')) as Report;
  if ((rep.nUncertaintySamples ?? 0) > 0) throw new Error(`${repPath}: a run with samples (the agreement map is not in the batch output)`);
  const mask = await readNifti(join(studyDir, 'mask.nii.gz'));
  const prob = await readNifti(join(studyDir, 'probability.nii.gz'));
  const dims = mask.dimensions as Vec3;
  const m = Uint8Array.from(mask.voxels, (v) => (v !== 0 ? 1 : 0));
  const idMap = connectedComponents(m, dims).labels;
  const threshold = reportThreshold(rep, repPath);
  const out = new Map<number, Report>();
  for (const f of levels) {
    const q = reviewQueue(
      { dimensions: dims, voxelMl: rep.voxelVolumeMl, mask: m, idMap, probability: prob.voxels, threshold, agreement: null },
      { missProbabilityFraction: f, ...(rep.reviewQueue?.minSizeMl !== undefined ? { minSizeMl: rep.reviewQueue.minSizeMl } : {}) },
    );
    out.set(f, { ...rep, reviewQueue: q });
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { batch: { type: 'string' }, out: { type: 'string' }, levels: { type: 'string', default: '0.5,0.4,0.3,0.2,0.1' } } });
  if (values.batch === undefined || values.out === undefined) throw new Error('usage: --batch B --out Q [--levels 0.5,0.3]');
  const batch = resolve(values.batch);
  const levels = values.levels.split(',').map(Number);
  const ids = (await readdir(join(batch, 'studies'))).sort();
  for (const f of levels) await rm(join(values.out, `f${f}`), { recursive: true, force: true });
  let n = 0;
  for (const id of ids) {
    const src = join(batch, 'studies', id);
    const reps = await requeueStudy(src, levels);
    for (const [f, rep] of reps) {
      const dst = join(values.out, `f${f}`, 'studies', id);
      await mkdir(dst, { recursive: true });
      for (const name of ['mask.nii.gz', 'probability.nii.gz', 'study.json']) await symlink(join(src, name), join(dst, name));
      await writeFile(join(dst, 'report.json'), JSON.stringify(rep));
    }
    n++;
  }
  console.log(`${n} studies re-queued at levels ${levels.join(', ')} -> ${values.out}/f<level>`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
