/**
 * Slice stacks sampled on several networks at once ("lanes", e.g. one onnxruntime session per core, see
 * WorkerNetwork.ts), results handed back in stack order. Stack i runs on lane i mod K, so a lane never has two
 * calls in flight and which lane a stack gets never depends on timing; the sampler's noise is drawn per
 * (seed, slice, mode, sample) (NoiseSource.ts), so the results are the same with 1 lane or K, in any order of
 * completion. Each lane starts its next stack as soon as its previous one finished. After a failure (or when the
 * consumer stops early) no new stack starts, and the generator waits for the stacks in flight before returning,
 * so the caller may release the networks afterwards.
 */
export async function* sampleStacks<T, N, R>(items: readonly T[], stackSize: number, lanes: readonly N[], run: (part: T[], lane: N) => Promise<R>): AsyncGenerator<R> {
  const stack = Math.max(1, Math.floor(stackSize));
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += stack) parts.push(items.slice(start, start + stack));
  const K = lanes.length;
  if (K === 0) throw new Error('sampleStacks: no lanes');
  const results: Promise<R>[] = new Array<Promise<R>>(parts.length);
  let stopped = false;
  const launch = (i: number): void => {
    const lane = lanes[i % K] as N;
    const p = run(parts[i] as T[], lane);
    results[i] = p;
    p.then(
      () => {
        if (!stopped && i + K < parts.length) launch(i + K);
      },
      () => {
        stopped = true;
      },
    );
  };
  for (let i = 0; i < Math.min(K, parts.length); i++) launch(i);
  try {
    for (let i = 0; i < parts.length; i++) {
      // the lane of stack i has launched it by the time stack i - K resolved, which the loop awaited
      const p = results[i];
      if (p === undefined) {
        // not started because another lane failed: surface that failure
        await Promise.all(results.filter((r) => r !== undefined));
        throw new Error(`sampleStacks: stack ${i} was not started`);
      }
      yield await p;
    }
  } finally {
    stopped = true;
    await Promise.allSettled(results.filter((p) => p !== undefined));
  }
}
