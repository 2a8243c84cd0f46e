/**
 * The uncertainty overlay's colour scale, shared by the viewer (what is drawn) and the legend (what it
 * means). Cool colours only (deep blue -> cyan -> near white), so the overlay can never be read as the
 * red lesion contour. Values are binned relative to the run's largest uncertainty; the lowest tenth is
 * not drawn, so brain that the samples agree on stays plain CT.
 */
export const UNCERTAINTY_COLOURS: ReadonlyArray<readonly [number, number, number]> = [
  [40, 60, 200],
  [40, 100, 230],
  [40, 140, 245],
  [50, 180, 250],
  [70, 210, 250],
  [110, 230, 250],
  [170, 245, 252],
  [225, 252, 255],
];
export const UNCERTAINTY_LEVELS = UNCERTAINTY_COLOURS.length;
/** Fraction of the run's maximum below which nothing is drawn. */
export const UNCERTAINTY_MIN_FRACTION = 0.1;

/** Bin index per voxel (0 = not drawn, 1..UNCERTAINTY_LEVELS) and the maximum it was scaled to. */
export function binUncertainty(values: ArrayLike<number>): { bins: Uint8Array; max: number } {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  const bins = new Uint8Array(values.length);
  if (max <= 0) return { bins, max };
  const scale = UNCERTAINTY_LEVELS / max;
  const floor = UNCERTAINTY_MIN_FRACTION * max;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    bins[i] = v < floor ? 0 : Math.min(UNCERTAINTY_LEVELS, Math.max(1, Math.ceil(v * scale)));
  }
  return { bins, max };
}
