/**
 * Patient-direction letters at the edges of a view (radiological convention follows from the camera):
 * LPS axes +x = L, +y = P, +z = S. A direction gets its dominant axis letter, followed by a second one
 * when the view is oblique enough for it to matter (e.g. "AS" on a tilted axial).
 */
export interface OrientationMarkers {
  top: string;
  bottom: string;
  left: string;
  right: string;
}

type Vec = readonly [number, number, number] | readonly number[];

const POS = ['L', 'P', 'S'] as const;
const NEG = ['R', 'A', 'I'] as const;
/** A secondary axis is named when its component is at least this (about 20° off the main axis). */
const SECONDARY = 0.34;

export function directionLetters(v: Vec): string {
  const c = [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];
  const order = [0, 1, 2].sort((a, b) => Math.abs(c[b]!) - Math.abs(c[a]!));
  let s = '';
  for (const [n, axis] of order.entries()) {
    const x = c[axis]!;
    if (n > 0 && Math.abs(x) < SECONDARY) break;
    if (n > 1) break;
    s += x >= 0 ? POS[axis as 0 | 1 | 2] : NEG[axis as 0 | 1 | 2];
  }
  return s;
}

/** Markers from the camera: `viewUp` is screen-up; `viewPlaneNormal` points from the scene to the viewer. */
export function orientationMarkers(viewUp: Vec, viewPlaneNormal: Vec): OrientationMarkers {
  const u = [viewUp[0] ?? 0, viewUp[1] ?? 0, viewUp[2] ?? 0];
  const n = [viewPlaneNormal[0] ?? 0, viewPlaneNormal[1] ?? 0, viewPlaneNormal[2] ?? 0];
  // Screen-right = viewUp x viewPlaneNormal (right-handed screen: x right, y up, z towards the viewer).
  const r = [u[1]! * n[2]! - u[2]! * n[1]!, u[2]! * n[0]! - u[0]! * n[2]!, u[0]! * n[1]! - u[1]! * n[0]!];
  const neg = (v: number[]) => v.map((x) => -x);
  return { top: directionLetters(u), bottom: directionLetters(neg(u)), right: directionLetters(r), left: directionLetters(neg(r)) };
}
