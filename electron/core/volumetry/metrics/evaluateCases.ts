/**
 * Evaluation of predicted lesion masks against reference masks, the way the paper's Table 1 reports
 * them: per case Dice, VDP, HD95 and surface Dice; over cases mean Dice, VC (Pearson of volumes) and
 * mean VDP. Masks are NIfTI files paired by file name; a voxel is lesion when its value is > 0.5.
 *
 * Both masks of a case must share the grid (dimensions, spacing within 1e-3 mm, origin within 0.01 mm,
 * directions within 1e-4), otherwise GEOMETRY_MISMATCH names both files.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SdpmError } from '../../errors';
import { readNifti, type NiftiImage } from '../../dicom/niftiRead';
import { maskVolumeMl } from '../maskVolume';
import { dice } from './dice';
import { hausdorff95 } from './hausdorff95';
import { surfaceDice } from './surfaceDice';
import { volumeCorrelation } from './volumeCorrelation';
import { volumeDifference } from './volumeDifference';

export interface CaseMetrics {
  caseId: string;
  dice: number;
  predMl: number;
  refMl: number;
  /** |Vpred − Vref| / Vref (fraction). */
  vdp: number;
  hd95Mm: number;
  surfaceDice: number;
}

export interface EvaluationSummary {
  cases: CaseMetrics[];
  meanDice: number;
  sdDice: number;
  /** Pearson r of predicted vs reference volumes over cases. */
  vc: number;
  /** Mean VDP over cases with a non-empty reference. */
  meanVdp: number;
  meanHd95Mm: number;
  meanSurfaceDice: number;
  surfaceToleranceMm: number;
  /** Files without a partner, by folder. */
  unpaired: { pred: string[]; ref: string[] };
}

const NIFTI = /\.nii(\.gz)?$/i;

function binary(img: NiftiImage): Uint8Array {
  return Uint8Array.from(img.voxels, (v) => (v > 0.5 ? 1 : 0));
}

function sameGrid(a: NiftiImage, b: NiftiImage): string | null {
  if (a.dimensions.some((d, i) => d !== b.dimensions[i])) return `dimensions ${a.dimensions.join('x')} vs ${b.dimensions.join('x')}`;
  if (a.spacingMm.some((s, i) => Math.abs(s - (b.spacingMm[i] as number)) > 1e-3)) return `spacing ${a.spacingMm.join('x')} vs ${b.spacingMm.join('x')} mm`;
  if (a.originLps.some((s, i) => Math.abs(s - (b.originLps[i] as number)) > 1e-2)) return `origin ${a.originLps.join(',')} vs ${b.originLps.join(',')}`;
  if (a.directionLps.some((s, i) => Math.abs(s - (b.directionLps[i] as number)) > 1e-4)) return 'direction cosines differ';
  return null;
}

function mean(xs: number[]): number {
  const f = xs.filter((x) => Number.isFinite(x));
  return f.length === 0 ? NaN : f.reduce((s, x) => s + x, 0) / f.length;
}

export function evaluateMasks(caseId: string, pred: NiftiImage, ref: NiftiImage, toleranceMm: number): CaseMetrics {
  const mismatch = sameGrid(pred, ref);
  if (mismatch !== null) throw new SdpmError('GEOMETRY_MISMATCH', `${caseId}: prediction and reference are on different grids (${mismatch})`);
  const p = binary(pred);
  const r = binary(ref);
  const predMl = maskVolumeMl(p, pred);
  const refMl = maskVolumeMl(r, ref);
  return {
    caseId,
    dice: dice(p, r),
    predMl,
    refMl,
    vdp: volumeDifference(predMl, refMl),
    hd95Mm: hausdorff95(p, r, pred.dimensions, pred.spacingMm),
    surfaceDice: surfaceDice(p, r, pred.dimensions, pred.spacingMm, toleranceMm),
  };
}

export function summarize(cases: CaseMetrics[], toleranceMm: number, unpaired: EvaluationSummary['unpaired']): EvaluationSummary {
  const d = cases.map((c) => c.dice);
  const m = mean(d);
  const sd = d.length > 1 ? Math.sqrt(d.reduce((s, x) => s + (x - m) ** 2, 0) / (d.length - 1)) : NaN;
  return {
    cases,
    meanDice: m,
    sdDice: sd,
    vc: volumeCorrelation(cases.map((c) => c.predMl), cases.map((c) => c.refMl)),
    meanVdp: mean(cases.map((c) => c.vdp)),
    meanHd95Mm: mean(cases.map((c) => c.hd95Mm)),
    meanSurfaceDice: mean(cases.map((c) => c.surfaceDice)),
    surfaceToleranceMm: toleranceMm,
    unpaired,
  };
}

/** Pairs `<predDir>/X.nii[.gz]` with `<refDir>/X.nii[.gz]` (case id = X) and evaluates every pair. */
export async function evaluateFolders(predDir: string, refDir: string, options: { toleranceMm?: number; onCase?: (c: CaseMetrics) => void } = {}): Promise<EvaluationSummary> {
  const tol = options.toleranceMm ?? 2;
  const list = async (dir: string): Promise<Map<string, string>> => {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      throw new SdpmError('IO_ERROR', `${dir}: cannot list folder (${err instanceof Error ? err.message : String(err)})`, { path: dir, cause: err });
    }
    return new Map(names.filter((n) => NIFTI.test(n)).sort().map((n) => [n.replace(NIFTI, ''), join(dir, n)]));
  };
  const preds = await list(predDir);
  const refs = await list(refDir);
  const ids = [...preds.keys()].filter((k) => refs.has(k));
  if (ids.length === 0) throw new SdpmError('INVALID_ARGUMENT', `no NIfTI masks with the same file name in ${predDir} and ${refDir}`);
  const cases: CaseMetrics[] = [];
  for (const id of ids) {
    const c = evaluateMasks(id, await readNifti(preds.get(id) as string), await readNifti(refs.get(id) as string), tol);
    options.onCase?.(c);
    cases.push(c);
  }
  return summarize(cases, tol, { pred: [...preds.keys()].filter((k) => !refs.has(k)), ref: [...refs.keys()].filter((k) => !preds.has(k)) });
}
