// Held-out detection per lesion kind is stated in words twice: by the engine (core detectionNote: engine report, study
// report, CLI, app) and by the training package in the model card (sdpm.bundle.detection_lines). Both must print the
// same percentages for the same detection.json and name the same kinds as mostly missed (core MISSES_MOST_BELOW), at
// every count of a few test-set sizes, so the card and the app never disagree on a rate or on the warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseDetection } from '../../electron/core/bundle/Detection';
import { detectionNote } from '../../electron/core/lesions/detectionByKind';

const ROOT = new URL('../..', import.meta.url).pathname;
const PY = `
import json, sys
sys.path.insert(0, sys.argv[1])
from sdpm.bundle import detection_lines
print(json.dumps(["\\n".join(detection_lines(d)) for d in json.loads(sys.argv[2])]))
`;

interface Stated {
  /** kind -> [found %, n cases, CI low %, CI high %] */
  rates: Record<string, [string, string, string, string]>;
  lesionFree: [string, string] | null;
  missesMost: string[];
}

function record(nHem: number, hem: number, nInf: number, inf: number, nFree: number, free: number): Record<string, unknown> {
  // any CI that contains the rate; ±1/8 gives percentages that end in .5 (a rounding tie) for many counts
  const ci = (r: number): [number, number] => [Math.max(0, r - 0.125), Math.min(1, r + 0.125)];
  const kind = (name: string, n: number, k: number) => ({ kind: name, nCases: n, nFound: k, foundRate: k / n, ci95: ci(k / n), nCasesAll: n + 10, nFoundAll: k, dice: 0.3, volumeRatioMedian: 0.5 });
  return {
    schema: 1,
    method: 'largest-true-lesion-overlap',
    mode: 'avg',
    profile: 'cpu-fast',
    minTrueMl: 2,
    testSet: 'parity cases',
    kinds: [kind('hemorrhage', nHem, hem), kind('infarct', nInf, inf)],
    lesionFree: { nCases: nFree, nWithFinding: free, rate: free / nFree, ci95: ci(free / nFree) },
  };
}

function fromCore(note: string): Stated {
  const rates: Stated['rates'] = {};
  for (const m of note.matchAll(/the (hemorrhage|infarct) in (\d+)% of (\d+) cases \(95% CI (\d+)%-(\d+)%\)/g)) rates[m[1] as string] = [m[2], m[3], m[4], m[5]] as [string, string, string, string];
  const lf = /In (\d+)% of (\d+) lesion-free cases/.exec(note);
  return { rates, lesionFree: lf === null ? null : [lf[1] as string, lf[2] as string], missesMost: [...note.matchAll(/misses most (\w+)s:/g)].map((m) => m[1] as string) };
}

function fromCard(text: string): Stated {
  const rates: Stated['rates'] = {};
  for (const m of text.matchAll(/- (Hemorrhage|Infarct) of .*?: found in (\d+)% of (\d+) held-out test cases \(exact 95% CI (\d+)%-(\d+)%\)/g)) rates[(m[1] as string).toLowerCase()] = [m[2], m[3], m[4], m[5]] as [string, string, string, string];
  const lf = /Lesion-free cases: a finding was listed in (\d+)% of (\d+)/.exec(text);
  return { rates, lesionFree: lf === null ? null : [lf[1] as string, lf[2] as string], missesMost: [...text.matchAll(/misses most (\w+)s:/g)].map((m) => m[1] as string) };
}

test('engine note and model card state the same detection rates and the same "misses most" kinds', { skip: !existsSync('/usr/bin/python3') && 'python3 missing' }, () => {
  const records: Array<Record<string, unknown>> = [];
  for (const n of [8, 28, 30, 41]) for (let k = 0; k <= n; k++) records.push(record(n, n - k, n, k, n, k));
  const r = spawnSync('/usr/bin/python3', ['-c', PY, join(ROOT, 'models/training'), JSON.stringify(records)], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const cards = JSON.parse(r.stdout) as string[];
  assert.equal(cards.length, records.length);
  let warned = 0;
  records.forEach((raw, i) => {
    const core = fromCore(detectionNote(parseDetection(raw), 'avg') ?? '');
    const card = fromCard(cards[i] as string);
    assert.equal(Object.keys(core.rates).length, 2, `core note not parsed: ${JSON.stringify(raw)}`);
    assert.deepEqual(card, core, `record ${i}: ${JSON.stringify(raw.kinds)}`);
    warned += core.missesMost.length;
  });
  assert.ok(warned > 0 && warned < 2 * records.length, 'the records must cover both sides of the "misses most" limit');
});
