// The calibrated interval is computed by the engine (core calibratedInterval) and, for calibration and the model card,
// by the training package (sdpm.calibration.level_interval). Both must give the same interval for the same
// calibration.json: the shipped bundle's (binned), and a one-q file, at volumes on and around every bin edge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCalibration } from '../../electron/core/bundle/Calibration';
import { calibratedInterval, calibrationLevelMeaning } from '../../electron/core/lesions/calibratedInterval';

const ROOT = new URL('../..', import.meta.url).pathname;
const SHIPPED = join(ROOT, 'models/bundles/sdpm-synth-compact-s/calibration.json');
const PY = `
import json, sys
sys.path.insert(0, sys.argv[1])
from sdpm.calibration import level_interval
cal = json.loads(sys.argv[2]); vols = json.loads(sys.argv[3])
print(json.dumps({lv: [list(level_interval(v, cal[lv], cal["cMl"])) for v in vols] for lv in ("study", "lesion")}))
`;
const VOLUMES = [0, 0.01, 0.2, 0.4999, 0.5, 0.5001, 1, 4.999, 5, 5.001, 18.72, 18.37, 120];

test('engine and training package give the same calibrated interval (binned and one-q calibrations)', { skip: !existsSync('/usr/bin/python3') && 'python3 missing' }, () => {
  const oneQ = { schema: 1, method: 'split-conformal-relative', nominalCoverage: 0.9, cMl: 0.5, mode: 'avg', profile: 'cpu-fast', nSamples: 4, study: { q: 8.9, nCalibration: 384, measuredCoverage: 0.854, nTest: 192 }, lesion: { q: 0.95, nCalibration: 667, measuredCoverage: 0.945, nTest: 307 }, calibrationSet: 'c', testSet: 't' };
  for (const raw of [JSON.parse(readFileSync(SHIPPED, 'utf8')) as unknown, oneQ]) {
    const r = spawnSync('/usr/bin/python3', ['-c', PY, join(ROOT, 'models/training'), JSON.stringify(raw), JSON.stringify(VOLUMES)], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const py = JSON.parse(r.stdout) as Record<'study' | 'lesion', Array<[number, number]>>;
    const cal = parseCalibration(raw);
    for (const level of ['study', 'lesion'] as const) {
      VOLUMES.forEach((v, i) => {
        const iv = calibratedInterval(v, cal, level);
        const [lo, hi] = py[level][i] as [number, number];
        assert.ok(Math.abs(iv.lowMl - lo) < 1e-12 && Math.abs(iv.highMl - hi) < 1e-12, `${cal.method} ${level} ${v} mL: engine [${iv.lowMl}, ${iv.highMl}] vs python [${lo}, ${hi}]`);
      });
    }
  }
});

// The model card (sdpm.bundle.interval_lines) and the app (core calibrationLevelMeaning) word the same calibration:
// the same bin ranges and the same rates, for the shipped calibration and one with edges that need rounding.
const CARD_PY = `
import json, sys
sys.path.insert(0, sys.argv[1])
from sdpm.bundle import interval_lines
print(json.dumps(["\\n".join(interval_lines(c)) for c in json.loads(sys.argv[2])]))
`;

test('model card and app word the interval calibration alike: bin ranges and coverage rates', { skip: !existsSync('/usr/bin/python3') && 'python3 missing' }, () => {
  const shipped = JSON.parse(readFileSync(SHIPPED, 'utf8')) as Record<string, unknown>;
  const bin = (fromMl: number, nTest: number, cov: number) => ({ fromMl, q: 1, nCalibration: 50, measuredCoverage: cov, nTest, coverageCi95: [cov - 0.125, Math.min(1, cov + 0.125)] });
  const odd = {
    ...shipped,
    study: { nCalibration: 150, measuredCoverage: 0.875, nTest: 24, coverageCi95: [0.7, 0.905], bins: [bin(0, 8, 0.875), bin(0.12345, 8, 0.625), bin(12.345, 8, 0.875)] },
    lesion: { nCalibration: 150, measuredCoverage: 0.945, nTest: 16, bins: [bin(0, 8, 0.875), bin(1234.5, 8, 0.625)] },
  };
  const r = spawnSync('/usr/bin/python3', ['-c', CARD_PY, join(ROOT, 'models/training'), JSON.stringify([shipped, odd])], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const cards = JSON.parse(r.stdout) as string[];
  [shipped, odd].forEach((raw, i) => {
    const card = cards[i] as string;
    const cal = parseCalibration(raw);
    for (const level of ['study', 'lesion'] as const) {
      const meaning = calibrationLevelMeaning(cal, level);
      const cardLevel = card.split(`- ${level} level:`)[1]?.split('\n- ')[0] ?? '';
      const cardRanges = [...cardLevel.matchAll(/ {2}- predicted (.+?): q =/g)].map((m) => m[1]);
      const appRanges = /calibrated separately for \w+ predicted (.+)\.$/.exec(meaning)?.[1]?.replace(/ and (?=[^,]*$)/, ', ').split(', ') ?? [];
      assert.deepEqual(cardRanges, appRanges, `${level}: card ${JSON.stringify(cardRanges)} vs app "${meaning}"`);
      const cardRate = /for (\d+)% of \d+ test/.exec(cardLevel)?.[1];
      const appRate = /for (\d+)% of (?:cases|lesions)/.exec(meaning)?.[1];
      assert.ok(cardRate !== undefined, `${level}: no rate on the card`);
      assert.equal(cardRate, appRate, `${level}: card rate ${JSON.stringify(cardRate)} vs app "${meaning}"`);
      const cardCi = /exact 95% CI (\d+)%-(\d+)%/.exec(cardLevel.split('\n')[0] ?? '')?.slice(1, 3) ?? null;
      const appCi = /between (\d+)% and (\d+)%/.exec(meaning)?.slice(1, 3) ?? null;
      assert.deepEqual(cardCi, appCi, `${level}: card CI vs app "${meaning}"`);
    }
  });
});
