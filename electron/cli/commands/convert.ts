/**
 * `sdpm convert <folder> [--series ID] --out x.nii[.gz]`: loads one CT series (tilt and gap corrected,
 * HU) and writes it as NIfTI-1. HU are written as int16 (rounded) unless --float is given.
 */
import { parseArgs } from 'node:util';
import { SdpmError } from '../../core/index';
import { loadVolumeFromFolder } from '../../core/index';
import type { LoadFromFolderOptions } from '../../core/index';
import { writeNifti } from '../../core/index';
import type { CliCommand } from '../CliCommand';
import { parseMaxBytes } from './info';

const HELP = `usage: sdpm convert <folder> --out <file.nii.gz> [--series ID] [--refuse-gaps] [--float] [--max-bytes N]

Loads the CT series in <folder> and writes it as NIfTI-1 (RAS affine in qform and sform).
  --out FILE      output .nii or .nii.gz (required)
  --series ID     which series (SeriesInstanceUID, or an id from 'sdpm info' such as UID#2); needed when several CT series exist
  --refuse-gaps   fail on irregular slice spacing instead of resampling to equidistant slices
  --float         write float32 instead of int16 HU
  --accept-derived  also load DERIVED\\SECONDARY CT series (reformats, edited studies)
  --padding-hu N  HU for padding and for voxels outside the acquired field (default -1024)
  --max-bytes N   memory limit for loading (default 1e9)
`;

export const convert: CliCommand = {
  name: 'convert',
  summary: 'convert a DICOM CT series to NIfTI (.nii/.nii.gz), tilt and gaps corrected',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        series: { type: 'string' },
        'refuse-gaps': { type: 'boolean', default: false },
        float: { type: 'boolean', default: false },
        'accept-derived': { type: 'boolean', default: false },
        'padding-hu': { type: 'string' },
        'max-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const folder = positionals[0];
    if (folder === undefined || positionals.length > 1) throw new SdpmError('INVALID_ARGUMENT', `sdpm convert needs exactly one folder\n${HELP}`);
    const out = values.out;
    if (out === undefined || !/\.nii(\.gz)?$/.test(out)) throw new SdpmError('INVALID_ARGUMENT', `--out must name a .nii or .nii.gz file\n${HELP}`);
    const opts: LoadFromFolderOptions = { log: ctx.log, gapPolicy: values['refuse-gaps'] === true ? 'refuse' : 'resample' };
    if (values.series !== undefined) opts.seriesUid = values.series;
    if (values['accept-derived'] === true) opts.acceptDerived = true;
    const maxBytes = parseMaxBytes(values['max-bytes']);
    if (maxBytes !== undefined) opts.maxBytes = maxBytes;
    if (values['padding-hu'] !== undefined) {
      const p = Number(values['padding-hu']);
      if (!Number.isFinite(p)) throw new SdpmError('INVALID_ARGUMENT', `--padding-hu must be a number, got "${values['padding-hu']}"`);
      opts.paddingHu = p;
    }
    const vol = await loadVolumeFromFolder(folder, opts);
    await writeNifti(out, vol, { datatype: values.float === true ? 'float32' : 'int16', description: `sdpm ${vol.identity.modality} ${vol.identity.seriesDescription}`.trim() });
    const [nx, ny, nz] = vol.dimensions;
    const sp = vol.spacingMm.map((s) => s.toFixed(3)).join(' x ');
    ctx.stdout(`wrote ${out}: ${nx}x${ny}x${nz} voxels, ${sp} mm, series ${vol.identity.seriesInstanceUid}\n`);
    for (const n of vol.corrections.notes) ctx.stdout(`  ${n}\n`);
    return 0;
  },
};
