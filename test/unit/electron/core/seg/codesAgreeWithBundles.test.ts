/**
 * Coded terms: labels.json (the bundle) is the source of a model's lesion-type codes in a SEG; codes.ts holds the
 * same concepts for masks without a bundle. The shipped bundles must use exactly codes.ts's concepts, so the two
 * never contradict each other (issue 11: "codes.ts contradicts the coded terms in labels.json").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLabels } from '../../../../../electron/core/bundle/Labels';
import { CATEGORY_MORPHOLOGICALLY_ABNORMAL, REGION_BRAIN, TYPE_HEMORRHAGE, TYPE_INFARCT, conceptFromLabels } from '../../../../../electron/core/seg/codes';

const BUNDLES = join(new URL('../../../../..', import.meta.url).pathname, 'models/bundles');

test('every shipped bundle codes its lesion types with the SEG concepts of codes.ts', () => {
  const dirs = readdirSync(BUNDLES, { withFileTypes: true }).filter((d) => d.isDirectory());
  assert.ok(dirs.length >= 2);
  for (const d of dirs) {
    const labels = parseLabels(JSON.parse(readFileSync(join(BUNDLES, d.name, 'labels.json'), 'utf8')));
    const types = labels.lesionTypes.map((t) => (t.type === null ? null : conceptFromLabels(t.type)));
    assert.deepEqual(types, [TYPE_HEMORRHAGE, TYPE_INFARCT], d.name);
    for (const t of labels.lesionTypes) {
      assert.deepEqual(t.category === null ? null : conceptFromLabels(t.category), CATEGORY_MORPHOLOGICALLY_ABNORMAL, d.name);
      assert.deepEqual(t.anatomicRegion === null ? null : conceptFromLabels(t.anatomicRegion), REGION_BRAIN, d.name);
    }
  }
});
