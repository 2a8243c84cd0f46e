import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleStacks } from '../../../../../electron/core/inference/sampleStacks';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('sampleStacks: results in stack order whatever the completion order; stack i on lane i mod K; one call per lane at a time', async () => {
  const items = Array.from({ length: 11 }, (_, i) => i);
  const busy = [false, false, false];
  const seen: string[] = [];
  const out: number[][] = [];
  // later stacks finish sooner on some lanes: completion order differs from stack order
  for await (const r of sampleStacks(items, 2, [0, 1, 2], async (part, lane) => {
    assert.equal(busy[lane], false, `lane ${lane} got a second stack while busy`);
    busy[lane] = true;
    await sleep(lane === 0 ? 15 : 2);
    busy[lane] = false;
    seen.push(`${part[0]}@${lane}`);
    return part;
  })) out.push(r);
  assert.deepEqual(out, [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9], [10]]);
  for (const s of seen) {
    const [first, lane] = s.split('@').map(Number);
    assert.equal(lane, ((first ?? 0) / 2) % 3, s);
  }
  assert.notDeepEqual(seen, ['0@0', '2@1', '4@2', '6@0', '8@1', '10@2'], 'completion order should differ from stack order in this test');
});

test('sampleStacks: one lane is the serial loop', async () => {
  const order: number[] = [];
  const out: number[] = [];
  for await (const r of sampleStacks([1, 2, 3, 4, 5], 2, ['only'], async (part) => {
    order.push(part[0] ?? -1);
    await sleep(1);
    return part.reduce((a, b) => a + b, 0);
  })) out.push(r);
  assert.deepEqual(out, [3, 7, 5]);
  assert.deepEqual(order, [1, 3, 5]);
});

test('sampleStacks: a failing stack is reported, no new stack starts after it, and stacks in flight finish before the generator returns', async () => {
  const started: number[] = [];
  let inFlight = 0;
  const run = async (part: number[], lane: number): Promise<number> => {
    started.push(part[0] ?? -1);
    inFlight++;
    try {
      await sleep(lane === 1 ? 20 : 1);
      if (part[0] === 2) throw new Error('boom on stack 2');
      return part[0] ?? -1;
    } finally {
      inFlight--;
    }
  };
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const r of sampleStacks([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 1, [0, 1], run)) got.push(r);
  }, /boom on stack 2/);
  assert.equal(inFlight, 0);
  assert.deepEqual(got, [0, 1]);
  assert.ok(!started.includes(4) && !started.includes(6) && !started.includes(8), `lane 0 went on after the failure: ${started.join(',')}`);
});
