/** `calibration.json` (optional; models/BUNDLE-FORMAT.md): the split-conformal volume interval calibration. */
import type { Calibration, CalibrationLevel } from '../lesions/calibratedInterval';
import { JsonReader } from './JsonReader';

function level(r: JsonReader): CalibrationLevel {
  const out: CalibrationLevel = { q: r.field('q').number({ min: 0 }), nCalibration: r.field('nCalibration').int(1), measuredCoverage: r.field('measuredCoverage').number({ min: 0, max: 1 }), nTest: r.field('nTest').int(1) };
  if (r.has('coverageCi95')) {
    const ci = r.field('coverageCi95');
    const items = ci.items();
    if (items.length !== 2) ci.fail('must be [low, high]');
    const lo = (items[0] as JsonReader).number({ min: 0, max: 1 });
    const hi = (items[1] as JsonReader).number({ min: 0, max: 1 });
    if (!(lo <= out.measuredCoverage && out.measuredCoverage <= hi)) ci.fail(`must contain measuredCoverage ${out.measuredCoverage} (got [${lo}, ${hi}])`);
    out.coverageCi95 = [lo, hi];
  }
  return out;
}

export function parseCalibration(value: unknown, filePath = 'calibration.json'): Calibration {
  const r = new JsonReader('calibration.json', value, '', filePath);
  const schema = r.field('schema');
  if (schema.value !== 1) schema.fail('must be 1; this build reads calibration schema 1');
  const method = r.field('method').oneOf(['split-conformal-relative'] as const);
  return {
    schema: 1,
    method,
    nominalCoverage: r.field('nominalCoverage').number({ min: 0, max: 1 }),
    cMl: r.field('cMl').number({ min: 0 }),
    mode: r.field('mode').string(),
    profile: r.field('profile').string(),
    nSamples: r.field('nSamples').int(0),
    study: level(r.field('study')),
    lesion: level(r.field('lesion')),
    calibrationSet: r.field('calibrationSet').string(),
    testSet: r.field('testSet').string(),
  };
}
