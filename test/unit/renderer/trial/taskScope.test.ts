import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scopedStudyKey, taskScope } from '../../../../renderer/src/trial/taskScope';

test('a study opened from a task gets a journal key of its own; without a task the study key is unchanged', () => {
  assert.equal(taskScope('?open=%2Fdata%2Fs1&task=3f2a-11'), '3f2a-11');
  assert.equal(taskScope('?open=%2Fdata%2Fs1'), null);
  assert.equal(taskScope('?task=../../etc'), '....etc', 'only file-name characters survive');
  assert.equal(taskScope('?task=%2F%2F'), null);
  assert.equal(scopedStudyKey('1.2.3_abc', null), '1.2.3_abc');
  assert.equal(scopedStudyKey('1.2.3_abc', 't1'), '1.2.3_abc.task-t1');
  assert.notEqual(scopedStudyKey('1.2.3_abc', 't1'), scopedStudyKey('1.2.3_abc', 't2'), 'two readers, two journals');
  const long = scopedStudyKey('x'.repeat(200), 'task');
  assert.equal(long.length, 200);
  assert.match(long, /^[A-Za-z0-9._-]+$/);
});
