import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShard, shardIndices } from '../../../../../electron/cli/batch/shard';
import { isSdpmError } from '../../../../../electron/core/errors';

test('--shard i/n wins over the environment; a resubmitted Slurm task keeps the count given in SDPM_SHARD_COUNT', () => {
  assert.deepEqual(resolveShard('1/3', undefined, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' }), { index: 1, count: 3, source: 'flag' });
  assert.deepEqual(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '3' }), { index: 2, count: 3, source: 'slurm' });
  assert.deepEqual(resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '1', SDPM_SHARD_COUNT: '3' }), { index: 1, count: 3, source: 'slurm' });
  assert.throws(() => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '1' }), /SDPM_SHARD_COUNT when resubmitting/);
  assert.equal(resolveShard(undefined, undefined, {}), null);
});

test('a Kubernetes completion index needs a count from the flag or SDPM_SHARD_COUNT', () => {
  assert.deepEqual(resolveShard(undefined, '5', { JOB_COMPLETION_INDEX: '4' }), { index: 4, count: 5, source: 'kubernetes' });
  assert.deepEqual(resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '0', SDPM_SHARD_COUNT: '2' }), { index: 0, count: 2, source: 'kubernetes' });
  assert.throws(() => resolveShard(undefined, undefined, { JOB_COMPLETION_INDEX: '0' }), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT') && /SDPM_SHARD_COUNT/.test(e.message));
});

test('bad shards are refused with the reason', () => {
  for (const f of ['3/3', '1', 'a/b', '-1/2', '0/0']) assert.throws(() => resolveShard(f, undefined, {}), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT'), f);
  assert.throws(() => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: '1' }), /neither SDPM_SHARD_COUNT nor SLURM_ARRAY_TASK_COUNT/);
});

test('shards partition the manifest: every study in exactly one shard', () => {
  const n = 11;
  const all = [0, 1, 2, 3].flatMap((i) => shardIndices(n, { index: i, count: 4, source: 'flag' }));
  assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
  assert.deepEqual(shardIndices(5, { index: 1, count: 2, source: 'flag' }), [1, 3]);
  assert.deepEqual(shardIndices(3, null), [0, 1, 2]);
});
