/**
 * `sdpm evaluate <pred-folder> <ref-folder> [--csv out.csv] [--tolerance mm]`: pairs NIfTI masks by
 * file name, prints a per-case table (Dice, volumes, VDP, HD95, surface Dice) and the summary in the
 * layout of the paper's Table 1 (Dice, VC, VDP), optionally writes the CSV.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SdpmError } from '../../core/index';
import { evaluateFolders } from '../../core/index';
import { formatEvaluationCsv, formatEvaluationTable } from '../../core/index';
import type { CliCommand } from '../CliCommand';

const HELP = `usage: sdpm evaluate <pred-folder> <ref-folder> [--csv out.csv] [--tolerance mm] [--label name]

Pairs <pred-folder>/X.nii[.gz] with <ref-folder>/X.nii[.gz] (voxel > 0.5 = lesion) and prints per case
Dice, predicted and reference volume (mL), VDP, HD95 (mm) and surface Dice, then mean Dice, VC (Pearson
of volumes over cases) and mean VDP as in the paper's Table 1.
  --csv FILE       also write the per-case table and summary as CSV
  --tolerance MM   surface Dice tolerance (default 2)
  --label NAME     row label in the summary (default "this run")
`;

export const evaluate: CliCommand = {
  name: 'evaluate',
  summary: 'Dice / VC / VDP / HD95 of predicted vs reference NIfTI masks',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { csv: { type: 'string' }, tolerance: { type: 'string' }, label: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const [pred, ref] = positionals;
    if (pred === undefined || ref === undefined || positionals.length > 2) throw new SdpmError('INVALID_ARGUMENT', `expected <pred-folder> <ref-folder>\n${HELP}`);
    const tol = values.tolerance === undefined ? 2 : Number(values.tolerance);
    if (!Number.isFinite(tol) || tol < 0) throw new SdpmError('INVALID_ARGUMENT', `--tolerance must be a number of mm ≥ 0, got '${values.tolerance}'`);
    const summary = await evaluateFolders(pred, ref, { toleranceMm: tol, onCase: (c) => ctx.log.debug(`evaluated ${c.caseId}`) });
    ctx.stdout(formatEvaluationTable(summary, values.label ?? 'this run'));
    if (values.csv !== undefined) {
      await writeFile(values.csv, formatEvaluationCsv(summary));
      ctx.stdout(`wrote ${values.csv}\n`);
    }
    return 0;
  },
};
