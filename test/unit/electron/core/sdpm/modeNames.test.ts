import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SDPM_MODE_NAMES, sdpmModeTooltip } from '../../../../../electron/core/sdpm/modeNames';

test('every SDPM mode has one plain name for readers; the paper name is in the tooltip, not the label', () => {
  assert.deepEqual(SDPM_MODE_NAMES.map((m) => m.mode).sort(), ['all', 'avg', 'infer', 'sal']);
  assert.deepEqual(SDPM_MODE_NAMES.slice(0, 3).map((m) => [m.mode, m.label]), [['avg', 'fast'], ['sal', 'standard'], ['all', 'thorough']]);
  assert.equal(new Set(SDPM_MODE_NAMES.map((m) => m.label)).size, 4);
  for (const m of SDPM_MODE_NAMES) {
    assert.doesNotMatch(m.label, /y_/);
    assert.ok(sdpmModeTooltip(m).endsWith(`Paper: ${m.paperName}.`));
    assert.match(m.paperName, new RegExp(`^y_${m.mode}\\b`));
  }
});
