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
  /** HU used to pad a slice to a centred square. */
  padHu: number;
  inPlaneMethod: 'pad-square-then-area-or-bilinear';
  maskRule: 'x0n > -1';
  threshold: number;
}

export function parsePreprocessing(value: unknown, filePath = 'preprocessing.json'): Preprocessing {
  const r = new JsonReader('preprocessing.json', value, '', filePath);
  r.formatVersion1();
  const hu = r.field('huWindow');
  const lowerHu = hu.field('lowerHu').number();
  const upperHu = hu.field('upperHu').number();
  if (!(upperHu > lowerHu)) hu.field('upperHu').fail(`must be greater than lowerHu (${lowerHu})`);
  const ip = r.field('inPlane');
  const le = r.field('labelEncoding');
  if (le.field('background').value !== -1 || le.field('lesion').value !== 1) le.fail('must be { background: -1, lesion: 1 } (the only encoding this engine implements)');
  const rule = r.field('thresholdRule').string();
  if (rule !== 'p > threshold') r.field('thresholdRule').fail(`must be "p > threshold" (got "${rule}")`);
  return {
    imageSize: r.field('imageSize').int(8, 4096),
    lowerHu,
    upperHu,
    padHu: ip.field('padHu').number(),
    inPlaneMethod: ip.field('method').oneOf(['pad-square-then-area-or-bilinear'] as const),
    maskRule: r.field('mask').field('rule').oneOf(['x0n > -1'] as const),
    threshold: r.field('threshold').number({ min: 0, max: 1 }),
  };
}
