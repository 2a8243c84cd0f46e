/** `calibration.json` (optional; models/BUNDLE-FORMAT.md): the split-conformal volume interval calibration. */
import type { Calibration, CalibrationBin, CalibrationLevel } from '../lesions/calibratedInterval';
import { JsonReader } from './JsonReader';

/** Optional `coverageCi95` of a level or bin: [low, high] in [0, 1], containing the measured coverage. */
function coverageCi95(r: JsonReader, measured: number): { coverageCi95?: [number, number] } {
  return r.has('coverageCi95') ? { coverageCi95: r.field('coverageCi95').rateInterval(measured, 'measuredCoverage') } : {};
}

function counts(r: JsonReader): Omit<CalibrationBin, 'fromMl' | 'q'> {
  const measuredCoverage = r.field('measuredCoverage').number({ min: 0, max: 1 });
  return { nCalibration: r.field('nCalibration').int(1), measuredCoverage, nTest: r.field('nTest').int(1), ...coverageCi95(r, measuredCoverage) };
}

/** One q for every volume ("split-conformal-relative"): read as a single bin from 0 mL. */
function singleLevel(r: JsonReader): CalibrationLevel {
  const c = counts(r);
  return { ...c, bins: [{ fromMl: 0, q: r.field('q').number({ min: 0 }), ...c }] };
}

/** Mondrian ("split-conformal-relative-binned"): bins of predicted volume from 0 mL up, each with its own q. */
function binnedLevel(r: JsonReader): CalibrationLevel {
  const c = counts(r);
  const br = r.field('bins');
  const items = br.items();
  if (items.length === 0) br.fail('must list at least one bin');
  const bins: CalibrationBin[] = [];
  for (const b of items) {
    const fromMl = b.field('fromMl').number({ min: 0 });
    const prev = bins[bins.length - 1];
    if (prev === undefined && fromMl !== 0) b.field('fromMl').fail('of the first bin must be 0');
    if (prev !== undefined && !(fromMl > prev.fromMl)) b.field('fromMl').fail(`must be greater than the previous bin's (${prev.fromMl})`);
    bins.push({ fromMl, q: b.field('q').number({ min: 0 }), ...counts(b) });
  }
  const nTest = bins.reduce((s, b) => s + b.nTest, 0);
  if (nTest !== c.nTest) r.field('nTest').fail(`must be the sum of the bins' nTest (${nTest})`);
  return { ...c, bins };
}

export function parseCalibration(value: unknown, filePath = 'calibration.json'): Calibration {
  const r = new JsonReader('calibration.json', value, '', filePath);
  const schema = r.field('schema');
  if (schema.value !== 1) schema.fail('must be 1; this build reads calibration schema 1');
  const method = r.field('method').oneOf(['split-conformal-relative', 'split-conformal-relative-binned'] as const);
  const level = method === 'split-conformal-relative' ? singleLevel : binnedLevel;
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
