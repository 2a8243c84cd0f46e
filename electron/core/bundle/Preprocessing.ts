/**
 * How a CT slice becomes the network's input (`preprocessing.json`, models/BUNDLE-FORMAT.md): HU window,
 * pad-to-square and resize to S×S, intensity mask, label encoding, output threshold.
 */
import { JsonReader } from './JsonReader';

export interface Preprocessing {
  /** Network input side S (pixels); one model per S. */
  imageSize: number;
  lowerHu: number;
  upperHu: number;
  /**
   * `huWindow.extension`: the window does not saturate at upperHu (a 160 HU calcification and an 80 HU clot differ).
   * Absent = the plain clip. See windowValue (electron/core/inference/sliceResampling.ts).
   */
  windowExtension?: WindowExtension;
  /** HU used to pad a slice to a centred square. */
  padHu: number;
  inPlaneMethod: 'pad-square-then-area-or-bilinear';
  maskRule: 'x0n > -1';
  threshold: number;
  /**
   * Engine post-processing (not part of SDPM): predicted lesion outside the skull is removed on the model grid
   * (electron/core/inference/intracranialGate.ts). Present only when the bundle enables it; absent = off.
   */
  intracranialGate?: IntracranialGateSettings;
}

/**
 * x = upperValue·(hu − lowerHu)/(upperHu − lowerHu) up to upperHu, then linear to ceilingValue at ceilingHu; clipped to
 * [0, ceilingValue]. upperValue 1 with ceilingValue > 1 leaves every input up to upperHu as the plain window gives it.
 */
export interface WindowExtension {
  /** window value at upperHu, 0 < upperValue <= 1 */
  upperValue: number;
  /** HU where the window reaches ceilingValue, above upperHu */
  ceilingHu: number;
  /** the window's top value, >= 1 and above upperValue (JSON default 1) */
  ceilingValue: number;
}

/** `preprocessing.json` → `intracranialGate` (models/BUNDLE-FORMAT.md). */
export interface IntracranialGateSettings {
  /** bone = resized HU > boneHu */
  boneHu: number;
  /** the ring encloses a cavity when |interior| >= minInteriorFraction * |filled bone| */
  minInteriorFraction: number;
  /** soft tissue (for the pocket test) = softTissueHu <= HU and not bone */
  softTissueHu: number;
  /** gate only when |soft tissue in the skull's hull outside the ring| <= maxPocketFraction * |interior| */
  maxPocketFraction: number;
  /** 3×3 dilations of the cavity into the bone (inner-table partial volume) */
  growPixels: number;
  /** pocket test failed: gate by the skull's convex hull (true) or not at all (false) */
  hullFallback: boolean;
}

function parseGate(g: JsonReader): IntracranialGateSettings | null {
  if (!g.field('enabled').boolean()) return null;
  if (g.has('fallback')) g.field('fallback').oneOf(['none'] as const);
  const boneHu = g.field('boneHu').number();
  const softTissueHu = g.field('softTissueHu').number();
  if (!(softTissueHu < boneHu)) g.field('softTissueHu').fail(`must be below boneHu (${boneHu})`);
  return {
    boneHu,
    minInteriorFraction: g.field('minInteriorFraction').number({ min: 0, max: 1 }),
    softTissueHu,
    maxPocketFraction: g.field('maxPocketFraction').number({ min: 0 }),
    growPixels: g.field('growPixels').int(0, 16),
    hullFallback: g.field('hullFallback').boolean(),
  };
}

export function parsePreprocessing(value: unknown, filePath = 'preprocessing.json'): Preprocessing {
  const r = new JsonReader('preprocessing.json', value, '', filePath);
  r.formatVersion1();
  const hu = r.field('huWindow');
  const lowerHu = hu.field('lowerHu').number();
  const upperHu = hu.field('upperHu').number();
  if (!(upperHu > lowerHu)) hu.field('upperHu').fail(`must be greater than lowerHu (${lowerHu})`);
  let windowExtension: WindowExtension | null = null;
  if (hu.has('extension')) {
    const ext = hu.field('extension');
    const upperValue = ext.field('upperValue').number({ min: 0, max: 1 });
    if (!(upperValue > 0)) ext.field('upperValue').fail('must be above 0');
    const ceilingHu = ext.field('ceilingHu').number();
    if (!(ceilingHu > upperHu)) ext.field('ceilingHu').fail(`must be above upperHu (${upperHu})`);
    const ceilingValue = ext.has('ceilingValue') ? ext.field('ceilingValue').number({ min: 1 }) : 1;
    if (!(ceilingValue > upperValue)) ext.field('ceilingValue').fail(`must be above upperValue (${upperValue})`);
    windowExtension = { upperValue, ceilingHu, ceilingValue };
  }
  const ip = r.field('inPlane');
  const le = r.field('labelEncoding');
  if (le.field('background').value !== -1 || le.field('lesion').value !== 1) le.fail('must be { background: -1, lesion: 1 } (the only encoding this engine implements)');
  const gate = r.has('intracranialGate') ? parseGate(r.field('intracranialGate')) : null;
  const rule = r.field('thresholdRule').string();
  if (rule !== 'p > threshold') r.field('thresholdRule').fail(`must be "p > threshold" (got "${rule}")`);
  return {
    imageSize: r.field('imageSize').int(8, 4096),
    lowerHu,
    upperHu,
    ...(windowExtension !== null ? { windowExtension } : {}),
    padHu: ip.field('padHu').number(),
    inPlaneMethod: ip.field('method').oneOf(['pad-square-then-area-or-bilinear'] as const),
    maskRule: r.field('mask').field('rule').oneOf(['x0n > -1'] as const),
    threshold: r.field('threshold').number({ min: 0, max: 1 }),
    ...(gate !== null ? { intracranialGate: gate } : {}),
  };
}
