/**
 * Dice similarity coefficient of two binary masks on the same grid:
 *     Dice(P, T) = 2·|P ∩ T| / (|P| + |T|)
 * (voxels are foreground when non-zero). Both empty → 1 (perfect agreement that there is no lesion),
 * the convention of the paper's evaluation and of MONAI's `ignore_empty=False`.
 */
import { SdpmError } from '../../errors';

export function dice(pred: ArrayLike<number>, truth: ArrayLike<number>): number {
  if (pred.length !== truth.length) {
    throw new SdpmError('GEOMETRY_MISMATCH', `Dice: masks differ in size (${pred.length} vs ${truth.length} voxels)`);
  }
  let inter = 0;
  let p = 0;
  let t = 0;
  for (let i = 0; i < pred.length; i++) {
    const a = pred[i] !== 0;
    const b = truth[i] !== 0;
    if (a) p++;
    if (b) t++;
    if (a && b) inter++;
  }
  return p + t === 0 ? 1 : (2 * inter) / (p + t);
}
