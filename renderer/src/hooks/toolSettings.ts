/** Limits of the editing tools' settings (pure, unit-tested). */
export const MIN_RADIUS_MM = 1;
export const MAX_RADIUS_MM = 30;

export function clampRadiusMm(mm: number): number {
  if (!Number.isFinite(mm)) return MIN_RADIUS_MM;
  return Math.min(MAX_RADIUS_MM, Math.max(MIN_RADIUS_MM, mm));
}

export function orderedRange(r: readonly [number, number]): [number, number] {
  return [Math.min(r[0], r[1]), Math.max(r[0], r[1])];
}
