/**
 * `sdpm demo` (`npm run demo`): segments the demo study models/demo/ge-head-ich/dicom/ with the default bundle
 * and the default run profile for the execution provider, writes the outputs to ./demo-output/, and prints
 * the predicted volume with its interval next to the true volume from models/demo/ge-head-ich/truth.json.
 * The study is found by the shared resolver (core/bundle/resolveDemoStudy.ts: $SDPM_DEMO_DIR, else the
 * repository's, found by walking up from the running file), as the server and the app find it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveDemoStudy } from '../../core/index';
import { SdpmError } from '../../core/index';
import { formatVolumeMl } from '../../core/index';
import type { CliCommand } from '../CliCommand';
import { InferenceWorkerHost } from '../../worker/InferenceWorkerHost';
import { formatSummary, requestFromOptions, SEGMENT_OPTIONS_HELP, SEGMENT_PARSE_OPTIONS, segmentOne } from './segment';

const HELP = `usage: sdpm demo [--out DIR] [segment options]

Runs SDPM on the demo study (models/demo/ge-head-ich/dicom, or $SDPM_DEMO_DIR) and compares the volume with its truth.json.
  --out DIR         output folder (default ./demo-output)
${SEGMENT_OPTIONS_HELP}
`;

function trueVolumeMl(truthFile: string | null): number | null {
  if (truthFile === null) return null;
  const v = (JSON.parse(readFileSync(truthFile, 'utf8')) as { trueVolumeMl?: unknown }).trueVolumeMl;
  return typeof v === 'number' ? v : null;
}

export const demo: CliCommand = {
  name: 'demo',
  summary: 'segment the bundled demo study and compare its volume with the truth',
  async run(argv, ctx) {
    const { values } = parseArgs({ args: [...argv], allowPositionals: false, options: { ...SEGMENT_PARSE_OPTIONS, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const demoStudy = resolveDemoStudy(undefined);
    const study = demoStudy.dicomDir;
    const request = requestFromOptions(values);
    const out = resolve(values.out ?? 'demo-output');
    const t0 = Date.now();
    const host = new InferenceWorkerHost();
    try {
      const r = await segmentOne({ input: { kind: 'path', path: study }, ...request }, out, ctx, host);
      const rep = r.report;
      const truth = trueVolumeMl(demoStudy.truthFile);
      ctx.stdout(`\nSDPM demo on ${study}\n`);
      ctx.stdout(formatSummary(rep));
      ctx.stdout(`predicted volume: ${formatVolumeMl(rep.totalVolumeMl)} mL${rep.calibratedIntervalMl !== null ? ` (calibrated interval ${formatVolumeMl(rep.calibratedIntervalMl[0])}-${formatVolumeMl(rep.calibratedIntervalMl[1])} mL)` : ' (no calibrated interval)'}\n`);
      ctx.stdout(truth === null ? 'true volume: unknown (no truth.json)\n' : `true volume:      ${truth.toFixed(2)} mL (truth.json); difference ${(rep.totalVolumeMl - truth).toFixed(2)} mL\n`);
      ctx.stdout(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s on ${rep.provider.used} (${rep.provider.reason}); peak RSS ${rep.peakRssMb} MB\n`);
      ctx.stdout(`outputs: ${out} (mask.nii.gz, probability.nii.gz, uncertainty.nii.gz, report.json)\n`);
      return 0;
    } catch (err) {
      if (err instanceof SdpmError && err.code === 'CANCELLED') {
        ctx.stderr('cancelled: no outputs written\n');
        return 130;
      }
      throw err;
    } finally {
      await host.terminate();
    }
  },
};
