/** `detection.json` (optional; models/BUNDLE-FORMAT.md): held-out detection per lesion kind (lesions/detectionByKind.ts). */
import { DETECTION_KINDS, type Detection, type DetectionKind, type DetectionKindName } from '../lesions/detectionByKind';
import { JsonReader } from './JsonReader';

/** found = n·rate, counts within their totals: a record whose numbers disagree is refused, not shown. */
function countAndRate(r: JsonReader, nName: string, kName: string, rateName: string): { n: number; k: number; rate: number } {
  const n = r.field(nName).int(1);
  const k = r.field(kName).int(0, n);
  const rate = r.field(rateName).number({ min: 0, max: 1 });
  if (Math.abs(rate - k / n) > 1e-6) r.field(rateName).fail(`must be ${kName} / ${nName} = ${k}/${n} (got ${rate})`);
  return { n, k, rate };
}

function kind(r: JsonReader): DetectionKind {
  const name: DetectionKindName = r.field('kind').oneOf(DETECTION_KINDS);
  const { n, k, rate } = countAndRate(r, 'nCases', 'nFound', 'foundRate');
  const nCasesAll = r.field('nCasesAll').int(n);
  const nFoundAll = r.field('nFoundAll').int(k, nCasesAll);
  return { kind: name, nCases: n, nFound: k, foundRate: rate, ci95: r.field('ci95').rateInterval(rate, 'foundRate'), nCasesAll, nFoundAll };
}

export function parseDetection(value: unknown, filePath = 'detection.json'): Detection {
  const r = new JsonReader('detection.json', value, '', filePath);
  const schema = r.field('schema');
  if (schema.value !== 1) schema.fail('must be 1; this build reads detection schema 1');
  const kr = r.field('kinds');
  const items = kr.items();
  if (items.length === 0) kr.fail('must list at least one lesion kind');
  const kinds: DetectionKind[] = [];
  for (const item of items) {
    const k = kind(item);
    if (kinds.some((o) => o.kind === k.kind)) item.fail(`lists kind "${k.kind}" a second time`);
    kinds.push(k);
  }
  let lesionFree: Detection['lesionFree'] = null;
  if (r.has('lesionFree')) {
    const lf = r.field('lesionFree');
    const { n, k, rate } = countAndRate(lf, 'nCases', 'nWithFinding', 'rate');
    lesionFree = { nCases: n, nWithFinding: k, rate, ci95: lf.field('ci95').rateInterval(rate, 'rate') };
  }
  return {
    schema: 1,
    method: r.field('method').oneOf(['largest-true-lesion-overlap'] as const),
    mode: r.field('mode').string(),
    profile: r.field('profile').string(),
    minTrueMl: r.field('minTrueMl').number({ min: 0 }),
    testSet: r.field('testSet').string(),
    kinds,
    lesionFree,
  };
}
