/**
 * The JS-heap (V8 old space) limit an inference worker thread really gets, and why.
 *
 * Measured on Node 20 (worker_threads):
 * - `resourceLimits.maxOldGenerationSizeMb` sets the worker's old space, unless the process was started
 *   with `--max-old-space-size` (in NODE_OPTIONS or on the command line): that V8 flag is process-wide and
 *   wins for every isolate, so the worker gets the flag's value whatever the host asked for (asked 64 MB
 *   under NODE_OPTIONS=--max-old-space-size=8192: the worker's heap_size_limit was 8240 MB). It can lower
 *   the limit as well as raise it. Removing it from the worker's `env` changes nothing (V8 flags are read
 *   once per process), so the host does not try: it respects the flag and says so.
 * - Command-line flags come after NODE_OPTIONS; the last occurrence wins. `_` and `-` are both accepted.
 * - Neither given: V8's default (about 4 GiB here), the same as the main thread's.
 * - What this limit does NOT bound: the study's voxels, the engine's maps (typed arrays: their
 *   ArrayBuffers live outside the V8 heap) and onnxruntime's native arena. The engine's own JS-heap need
 *   is small and did not grow with the study: with the tiny test bundle, mode avg, the demo study (28 DICOM
 *   files) and a 512×512×120 NIfTI study both ran at 12 MB and failed at 8 MB; mode all on the demo study
 *   ran at 16 MB and failed at 8 MB. MIN_WORKER_OLD_SPACE_MB is 4× the largest of those; below it the host
 *   refuses to start a job (a clear error before any work) instead of letting the worker die with
 *   "JS heap out of memory".
 */
export const MIN_WORKER_OLD_SPACE_MB = 64;

export type HeapLimitSource = 'resourceLimits' | 'NODE_OPTIONS' | 'execArgv' | 'v8-default';

export interface HeapLimitFacts {
  /** what the host asks for (resourceLimits.maxOldGenerationSizeMb), if anything */
  requestedMb?: number;
  /** the host process's `process.execArgv` */
  execArgv: readonly string[];
  /** the host process's `process.env.NODE_OPTIONS` */
  nodeOptions?: string;
  /** V8's default limit without flags or resourceLimits (the main thread's heap_size_limit, MB) */
  v8DefaultMb: number;
}

export interface WorkerHeapPlan {
  /** the old-space limit V8 will apply to the worker, MB */
  effectiveMb: number;
  source: HeapLimitSource;
  requestedMb: number | null;
  /** true when a process-wide --max-old-space-size overrides a requested resourceLimits value */
  overridden: boolean;
  /** one sentence for the log: the limit, where it comes from, and what was overridden */
  reason: string;
}

const FLAG = /^--max[-_]old[-_]space[-_]size(?:=(.*))?$/;

/** The last --max-old-space-size value in `args` (MB), or null. Accepts `--flag=N` and `--flag N`. */
export function maxOldSpaceFlagMb(args: readonly string[]): number | null {
  let found: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const m = FLAG.exec(args[i] ?? '');
    if (m === null) continue;
    const raw = m[1] ?? args[i + 1];
    const n = Number(raw);
    if (raw !== undefined && raw.trim() !== '' && Number.isFinite(n) && n > 0) found = n;
  }
  return found;
}

export function planWorkerHeap(f: HeapLimitFacts): WorkerHeapPlan {
  const requestedMb = f.requestedMb !== undefined && f.requestedMb > 0 ? f.requestedMb : null;
  const fromArgv = maxOldSpaceFlagMb(f.execArgv);
  const fromEnv = maxOldSpaceFlagMb((f.nodeOptions ?? '').split(/\s+/).filter((s) => s !== ''));
  const flag = fromArgv !== null ? { mb: fromArgv, source: 'execArgv' as const } : fromEnv !== null ? { mb: fromEnv, source: 'NODE_OPTIONS' as const } : null;
  if (flag !== null) {
    const where = flag.source === 'execArgv' ? "the process's command line" : 'NODE_OPTIONS';
    const overridden = requestedMb !== null && requestedMb !== flag.mb;
    const reason = overridden
      ? `--max-old-space-size=${flag.mb} in ${where} is process-wide and overrides the ${requestedMb} MB requested for the inference worker (V8 applies the flag to every thread); the worker's JS heap limit is ${flag.mb} MB`
      : `the inference worker's JS heap limit is ${flag.mb} MB, from --max-old-space-size in ${where}`;
    return { effectiveMb: flag.mb, source: flag.source, requestedMb, overridden, reason };
  }
  if (requestedMb !== null) return { effectiveMb: requestedMb, source: 'resourceLimits', requestedMb, overridden: false, reason: `the inference worker's JS heap limit is ${requestedMb} MB (resourceLimits)` };
  return { effectiveMb: f.v8DefaultMb, source: 'v8-default', requestedMb: null, overridden: false, reason: `the inference worker's JS heap limit is V8's default, about ${f.v8DefaultMb} MB` };
}
