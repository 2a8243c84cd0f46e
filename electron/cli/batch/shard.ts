/**
 * Which part of a batch this process runs. A shard is `{ index, count }` with 0 <= index < count; study i
 * of the manifest (in its order) belongs to shard i % count, so every study is in exactly one shard and
 * the split does not depend on which machine asks.
 *
 * Sources, first found wins:
 *   1. `--shard i/n` (0-based index);
 *   2. Slurm job arrays (0-based: `--array=0-(n-1)`): the index is SLURM_ARRAY_TASK_ID, the count is
 *      --shard-count / SDPM_SHARD_COUNT when given, else SLURM_ARRAY_TASK_COUNT. A task resubmitted on its
 *      own (`sbatch --array=4`) sees a task count of 1, so the sbatch script passes the original count;
 *   3. Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX with the count from `--shard-count n` or
 *      SDPM_SHARD_COUNT (Kubernetes does not export the completion count).
 * None of them: null (the whole manifest).
 */
import { SdpmError } from '../../core/index';

export interface Shard {
  index: number;
  count: number;
  /** where the shard came from, for logs and the run summary */
  source: 'flag' | 'slurm' | 'kubernetes';
}

function int(v: string, what: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 0) throw new SdpmError('INVALID_ARGUMENT', `${what} must be a non-negative integer (got "${v}")`);
  return n;
}

function checked(index: number, count: number, source: Shard['source'], what: string): Shard {
  if (count < 1) throw new SdpmError('INVALID_ARGUMENT', `${what}: the shard count must be at least 1 (got ${count})`);
  if (index >= count) throw new SdpmError('INVALID_ARGUMENT', `${what}: shard index ${index} is not below the count ${count}`);
  return { index, count, source };
}

export function resolveShard(flag: string | undefined, shardCountFlag: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | null {
  if (flag !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(flag.trim());
    if (m === null) throw new SdpmError('INVALID_ARGUMENT', `--shard must be i/n with 0 <= i < n (got "${flag}")`);
    return checked(Number(m[1]), Number(m[2]), 'flag', '--shard');
  }
  const explicitCount = shardCountFlag ?? (env.SDPM_SHARD_COUNT !== undefined && env.SDPM_SHARD_COUNT !== '' ? env.SDPM_SHARD_COUNT : undefined);
  const slurmId = env.SLURM_ARRAY_TASK_ID;
  if (slurmId !== undefined && slurmId !== '') {
    const countS = explicitCount ?? env.SLURM_ARRAY_TASK_COUNT;
    if (countS === undefined || countS === '') throw new SdpmError('INVALID_ARGUMENT', 'SLURM_ARRAY_TASK_ID is set but neither SDPM_SHARD_COUNT nor SLURM_ARRAY_TASK_COUNT is');
    return checked(int(slurmId, 'SLURM_ARRAY_TASK_ID'), int(countS, 'the shard count'), 'slurm', 'Slurm array task (arrays are 0-based; give the whole array\'s size as SDPM_SHARD_COUNT when resubmitting tasks)');
  }
  const k8s = env.JOB_COMPLETION_INDEX;
  if (k8s !== undefined && k8s !== '') {
    const countS = explicitCount;
    if (countS === undefined) throw new SdpmError('INVALID_ARGUMENT', 'JOB_COMPLETION_INDEX is set: give the number of shards with --shard-count N or SDPM_SHARD_COUNT (the Job\'s completions)');
    return checked(int(k8s, 'JOB_COMPLETION_INDEX'), int(countS, 'the shard count'), 'kubernetes', 'Kubernetes completion index');
  }
  return null;
}

/** The manifest positions this shard runs (all of them without a shard). */
export function shardIndices(total: number, shard: Shard | null): number[] {
  const out: number[] = [];
  for (let i = 0; i < total; i++) if (shard === null || i % shard.count === shard.index) out.push(i);
  return out;
}
