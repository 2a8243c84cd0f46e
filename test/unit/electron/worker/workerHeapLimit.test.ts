import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { maxOldSpaceFlagMb, planWorkerHeap, type WorkerHeapPlan } from '../../../../electron/worker/workerHeapLimit';

test('--max-old-space-size is read in every spelling V8 accepts; the last one wins', () => {
  assert.equal(maxOldSpaceFlagMb([]), null);
  assert.equal(maxOldSpaceFlagMb(['--max-old-space-size=300']), 300);
  assert.equal(maxOldSpaceFlagMb(['--max_old_space_size=300']), 300);
  assert.equal(maxOldSpaceFlagMb(['--max-old-space-size', '256', '-e', 'x']), 256);
  assert.equal(maxOldSpaceFlagMb(['--max-old-space-size=500', '--import', 'tsx', '--max-old-space-size=200']), 200);
  assert.equal(maxOldSpaceFlagMb(['--max-old-space-size=abc', '--max-semi-space-size=64']), null);
});

test('a process-wide flag overrides the requested limit and the plan says so; the command line beats NODE_OPTIONS', () => {
  const p = planWorkerHeap({ requestedMb: 2048, execArgv: [], nodeOptions: '--enable-source-maps --max-old-space-size=8192', v8DefaultMb: 4144 });
  assert.deepEqual([p.effectiveMb, p.source, p.requestedMb, p.overridden], [8192, 'NODE_OPTIONS', 2048, true]);
  assert.match(p.reason, /--max-old-space-size=8192 in NODE_OPTIONS is process-wide and overrides the 2048 MB requested/);
  const argv = planWorkerHeap({ requestedMb: 2048, execArgv: ['--max-old-space-size=200'], nodeOptions: '--max-old-space-size=8192', v8DefaultMb: 4144 });
  assert.deepEqual([argv.effectiveMb, argv.source, argv.overridden], [200, 'execArgv', true]);
  const same = planWorkerHeap({ requestedMb: 300, execArgv: [], nodeOptions: '--max-old-space-size=300', v8DefaultMb: 4144 });
  assert.equal(same.overridden, false);
});

test('without a flag the requested resourceLimits apply, and without either V8 default', () => {
  assert.deepEqual(planWorkerHeap({ requestedMb: 512, execArgv: [], nodeOptions: '', v8DefaultMb: 4144 }), { effectiveMb: 512, source: 'resourceLimits', requestedMb: 512, overridden: false, reason: "the inference worker's JS heap limit is 512 MB (resourceLimits)" });
  const d = planWorkerHeap({ execArgv: [], v8DefaultMb: 4144 });
  assert.deepEqual([d.effectiveMb, d.source, d.requestedMb], [4144, 'v8-default', null]);
});

/** Runs fixtures/heapScenario.ts in a child with the given flags; returns the host's plan and the worker's real heap limit. */
function scenario(requestedMb: number, nodeOptions: string, execArgv: string[] = [], strip = false): { plan: WorkerHeapPlan; workerHeapMb: number } {
  const script = fileURLToPath(new URL('./fixtures/heapScenario.ts', import.meta.url));
  const r = spawnSync(process.execPath, [...execArgv, '--import', 'tsx', script, String(requestedMb), ...(strip ? ['strip'] : [])], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: nodeOptions }, timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { plan: WorkerHeapPlan; workerHeapMb: number };
}

test("the plan matches the heap limit the worker really gets (requested, overridden by NODE_OPTIONS, by the command line)", () => {
  // heap_size_limit = old space + a young-generation reserve of a few tens of MB
  const near = (got: number, oldSpaceMb: number) => got >= oldSpaceMb && got < oldSpaceMb + 64;
  const asked = scenario(96, '');
  assert.deepEqual([asked.plan.source, asked.plan.effectiveMb], ['resourceLimits', 96]);
  assert.ok(near(asked.workerHeapMb, 96), `worker heap ${asked.workerHeapMb} MB, expected about 96`);
  const env = scenario(96, '--max-old-space-size=300');
  assert.deepEqual([env.plan.source, env.plan.effectiveMb, env.plan.overridden], ['NODE_OPTIONS', 300, true]);
  assert.ok(near(env.workerHeapMb, 300), `worker heap ${env.workerHeapMb} MB, expected about 300`);
  const argv = scenario(96, '--max-old-space-size=300', ['--max-old-space-size=200']);
  assert.deepEqual([argv.plan.source, argv.plan.effectiveMb], ['execArgv', 200]);
  assert.ok(near(argv.workerHeapMb, 200), `worker heap ${argv.workerHeapMb} MB, expected about 200`);
});

test("removing NODE_OPTIONS from the worker's env does not undo the process-wide flag (why the host respects it)", () => {
  const stripped = scenario(96, '--max-old-space-size=300', [], true);
  assert.ok(stripped.workerHeapMb >= 300 && stripped.workerHeapMb < 364, `worker heap ${stripped.workerHeapMb} MB, expected about 300`);
  assert.equal(stripped.plan.effectiveMb, 300);
});
