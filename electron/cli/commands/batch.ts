/**
 * `sdpm batch <folder-of-studies|list.csv> --out <dir>`: segments many studies; shardable and idempotent,
 * so it runs as it is under Slurm job arrays, Kubernetes Indexed Jobs or by hand on several machines that
 * share `--out`. Layout and guarantees: ../batch/resultStore.ts; keys: ../batch/studyKey.ts; shards:
 * ../batch/shard.ts. `sdpm batch merge --out <dir>` builds results.csv and summary.json from the
 * published results (../batch/merge.ts); an unsharded run merges by itself at the end.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { verifyChecksums } from '../../core/index';
import { SdpmError } from '../../core/index';
import type { CliCommand, CliContext } from '../CliCommand';
import { listStudies } from '../../services/batch/manifest';
import { formatSummaryLine, mergeRun } from '../../services/batch/merge';
import { claimRunFile } from '../../services/batch/resultStore';
import { runShard } from '../batch/runShard';
import { resolveShard, shardIndices } from '../batch/shard';
import { hashSettings } from '../../services/batch/studyKey';
import { requestFromOptions, SEGMENT_OPTIONS_HELP, SEGMENT_PARSE_OPTIONS } from './segment';
import { PACS_BATCH_HELP, PACS_BATCH_OPTIONS, pacsBatchInput, pacsBatchSend } from '../pacs/batchHook';

export { listStudies, type StudyEntry } from '../../services/batch/manifest';

const HELP = `usage: sdpm batch <folder-of-studies|list.csv> --out <dir> [--workers N] [--shard i/n] [segment options]
       sdpm batch merge --out <dir>

Segments every study (sub-folder or .nii/.nii.gz file of the folder, or the paths in the CSV). Each study's
result is published atomically into <out>/studies/<StudyInstanceUID>_<hash of input and settings>/ (or an
error row into <out>/errors/); a study already published is skipped, so reruns and extra workers are no-ops.
  --workers N       parallel inference workers in this process (default 1); onnxruntime threads are split
  --shard i/n       run only studies i, i+n, i+2n... of the list (0 <= i < n). Without it the shard comes from
                    SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (Slurm arrays) or JOB_COMPLETION_INDEX with
                    --shard-count N or SDPM_SHARD_COUNT (Kubernetes Indexed Jobs); none: every study
  --shard-count N   number of shards for JOB_COMPLETION_INDEX
  --retry-errors    run again the studies that have an error row (default: they count as done)
  --no-merge        do not write results.csv at the end (default: merge after an unsharded run)
merge: one row per listed study (ok, error with the file and problem, or missing), summary.json with counts,
missing studies, workers and timings. Exit code 0 only when every study is ok.
${PACS_BATCH_HELP}${SEGMENT_OPTIONS_HELP}
`;

async function runMerge(out: string, ctx: CliContext): Promise<number> {
  const { summary } = await mergeRun(out);
  ctx.stdout(formatSummaryLine(summary, out));
  if (summary.partialFolders > 0) ctx.stderr(`batch merge: ${summary.partialFolders} unfinished folder(s) under .partial/ (killed or running workers; not results)\n`);
  return summary.ok === summary.studies ? 0 : 1;
}

export const batch: CliCommand = {
  name: 'batch',
  summary: 'segment many studies (folder or CSV); shardable (Slurm/Kubernetes), idempotent; merge builds results.csv',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { ...SEGMENT_PARSE_OPTIONS, ...PACS_BATCH_OPTIONS, out: { type: 'string', short: 'o' }, workers: { type: 'string' }, shard: { type: 'string' }, 'shard-count': { type: 'string' }, 'retry-errors': { type: 'boolean', default: false }, 'no-merge': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    if (positionals[0] === 'merge') {
      const out = values.out ?? positionals[1];
      if (out === undefined) throw new SdpmError('INVALID_ARGUMENT', `sdpm batch merge needs --out <dir>\n${HELP}`);
      return runMerge(resolve(out), ctx);
    }
    // PACS input source (electron/cli/pacs/batchHook.ts): retrieves, then lists the cached series as a CSV
    const pacsList = values.out !== undefined ? await pacsBatchInput(values, resolve(values.out), ctx) : undefined;
    const input = pacsList ?? positionals[0];
    if (input === undefined || positionals.length > (pacsList === undefined ? 1 : 0)) throw new SdpmError('INVALID_ARGUMENT', `sdpm batch needs exactly one folder or CSV\n${HELP}`);
    if (values.out === undefined) throw new SdpmError('INVALID_ARGUMENT', `sdpm batch needs --out <dir>\n${HELP}`);
    const out = resolve(values.out);
    const workers = Number(values.workers ?? '1');
    if (!Number.isInteger(workers) || workers < 1) throw new SdpmError('INVALID_ARGUMENT', `--workers must be a positive integer (got "${values.workers}")`);
    const shard = resolveShard(values.shard, values['shard-count'], process.env);
    const studies = listStudies(input);
    if (studies.length === 0) throw new SdpmError('SERIES_EMPTY_FOLDER', `${resolve(input)}: no studies (sub-folders or .nii/.nii.gz files) found`, { path: resolve(input) });
    const base = requestFromOptions(values);
    const bundleSha256 = verifyChecksums(base.bundleDir ?? '');
    const settingsSha256 = hashSettings(base, bundleSha256);
    const { bundleDir: _b, intraOpThreads: _t, ...settings } = base;
    await claimRunFile(out, { formatVersion: 1, input: resolve(input), studies, settingsSha256, bundleSha256, settings, createdAt: new Date().toISOString() });
    const mine = shardIndices(studies.length, shard).map((i) => studies[i]).filter((s) => s !== undefined);
    const shardLabel = shard === null ? 'all' : `${shard.index}/${shard.count} (${shard.source})`;
    let stopped = false;
    const onSigint = (): void => {
      stopped = true;
      ctx.stderr('batch: stopping after the running studies (Ctrl-C again to abort)\n');
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    try {
      const r = await runShard(mine, { out, base, settingsSha256, workers, shardLabel, retryErrors: values['retry-errors'] === true, isStopped: () => stopped }, ctx);
      ctx.stdout(`shard ${shardLabel}: ${mine.length} studies: ${r.ok} done now, ${r.skipped} already done, ${r.duplicates} done by another worker meanwhile, ${r.failed} failed\n`);
      if (shard === null && values['no-merge'] !== true && !stopped) {
        const merged = await runMerge(out, ctx);
        return (await pacsBatchSend(values, out, ctx)) > 0 ? 1 : merged;
      }
      return r.failed > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
