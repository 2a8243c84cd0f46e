import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSdpmError } from '../../../../../electron/core/errors';
import { parseCharter, parseCharterText } from '../../../../../electron/core/trial/Charter';
import { decideAdjudication, parseAdjudicationPhrase } from '../../../../../electron/core/trial/adjudicationRule';
import { canonicalJson } from '../../../../../electron/core/trial/canonicalJson';
import { caseOrder } from '../../../../../electron/core/trial/caseOrder';
import { actions, isAllowed, roles } from '../../../../../electron/core/trial/roles';
import { auditVisibleTo } from '../../../../../electron/core/trial/auditVisibility';

const charter = {
  trialId: 'STROKE-01',
  title: 'Lesion volume core lab',
  readers: ['ana', 'ben'],
  adjudicators: ['cho'],
  adjudicationRule: 'volume differs by more than 5 mL or 20 %',
  signatureMeanings: { read: 'Initial read per protocol', adjudication: 'Adjudication read', reopen: 'Corrected read per protocol' },
  caseOrderSeed: 7,
};

test('a charter with the phrase rule parses into limits', () => {
  const c = parseCharter(charter, 'charter.json');
  assert.deepEqual(c.adjudicationRule, { absoluteMl: 5, relativePercent: 20 });
  assert.equal(c.signatureMeanings.adjudication, 'Adjudication read');
  assert.deepEqual(parseAdjudicationPhrase('differs by more than 12.5 % or 3 ml', 'x'), { absoluteMl: 3, relativePercent: 12.5 });
  assert.deepEqual(parseCharter({ ...charter, adjudicationRule: { absoluteMl: 2 } }, 'c').adjudicationRule, { absoluteMl: 2, relativePercent: null });
});

test('charter errors name the file and the field', () => {
  const bad = (v: unknown, re: RegExp) =>
    assert.throws(() => parseCharter(v, '/trials/c.json'), (e: unknown) => isSdpmError(e, 'CHARTER_INVALID') && re.test(e.message) && e.message.includes('/trials/c.json'));
  bad({ ...charter, readers: ['ana'] }, /readers/);
  bad({ ...charter, adjudicators: ['ana'] }, /both reader and adjudicator/);
  bad({ ...charter, adjudicationRule: 'volume differs by more than 5 mL and 20 %' }, /only "or"/);
  bad({ ...charter, adjudicationRule: 'differs a lot' }, /more than/);
  bad({ ...charter, signatureMeanings: { read: 'x' } }, /adjudication/);
  bad({ ...charter, extra: 1 }, /unknown field "extra"/);
  assert.throws(() => parseCharterText('{oops', 'c.json'), (e: unknown) => isSdpmError(e, 'CHARTER_INVALID') && /not valid JSON/.test(e.message));
});

test('adjudication: either limit exceeded triggers it; the percentage is of the mean', () => {
  const rule = { absoluteMl: 5, relativePercent: 20 };
  assert.equal(decideAdjudication(rule, 10, 14).needed, true); // 4 mL but 33 %
  assert.equal(decideAdjudication(rule, 100, 106).needed, true); // 6 mL, 5.8 %
  const ok = decideAdjudication(rule, 50, 54); // 4 mL, 7.7 %
  assert.equal(ok.needed, false);
  assert.ok(Math.abs(ok.diffPercent - (400 / 52)) < 1e-9);
  assert.equal(decideAdjudication(rule, 0, 0).diffPercent, 0);
  assert.equal(decideAdjudication({ absoluteMl: 5, relativePercent: null }, 1, 6).needed, false); // exactly 5 is not "more than"
});

test('canonical JSON ignores key order and refuses values JSON cannot hold', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x'] }), canonicalJson({ a: [true, null, 'x'], b: 1 }));
  assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), '{"a":{"c":3,"d":2},"b":1}');
  assert.throws(() => canonicalJson({ a: Number.NaN }), /\$\.a/);
  assert.throws(() => canonicalJson({ a: undefined }), /\$\.a/);
});

test('case order: a seeded permutation, the same for one reader, different between readers', () => {
  const ids = Array.from({ length: 20 }, (_, i) => `s${String(i).padStart(2, '0')}`);
  const a1 = caseOrder(ids, 7, 'ana');
  assert.deepEqual(caseOrder([...ids].reverse(), 7, 'ana'), a1);
  assert.deepEqual([...a1].sort(), ids);
  assert.notDeepEqual(caseOrder(ids, 7, 'ben'), a1);
  assert.notDeepEqual(caseOrder(ids, 8, 'ana'), a1);
  assert.notDeepEqual(a1, ids);
});

test('roles table: readers cannot administer or audit; the auditor cannot write', () => {
  assert.ok(roles.every((r) => isAllowed(r, 'audit.view')));
  assert.equal(isAllowed('reader', 'trial.assign'), false);
  assert.equal(isAllowed('reader', 'audit.export'), false);
  assert.equal(isAllowed('reader', 'adjudication.view'), false);
  for (const a of actions) if (/save|sign|reopen|create|assign|lock|decide|import/.test(a)) assert.equal(isAllowed('auditor', a), false, a);
});

test('blinded audit view: readers see their own and public entries only', () => {
  const ana = { username: 'ana', role: 'reader' as const };
  assert.equal(auditVisibleTo({ username: 'ana', audience: 'actor' }, ana), true);
  assert.equal(auditVisibleTo({ username: 'ben', audience: 'actor' }, ana), false);
  assert.equal(auditVisibleTo({ username: 'admin', audience: 'all' }, ana), true);
  assert.equal(auditVisibleTo({ username: 'ana', audience: 'unblinded' }, ana), false);
  assert.equal(auditVisibleTo({ username: 'ben', audience: 'unblinded' }, { username: 'aud', role: 'auditor' }), true);
});
