/**
 * `sdpm read-seg <seg.dcm> <dicom-folder> [--nifti out.nii.gz]`: reads a DICOM SEG (ours or another
 * tool's), finds its source series in the folder, and prints each segment with its coded type, voxel
 * count and volume (mL, measured on the source slices: pixel area × slab along the normal). With
 * --nifti the segments are written as one label map on the grid `sdpm convert` produces for the folder.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SdpmError } from '../../core/index';
import { loadVolumeFromFolder } from '../../core/index';
import { writeNifti } from '../../core/index';
import { readSeg, readSegHeader } from '../../core/index';
import { findReferencedSeries } from '../../core/index';
import { sourceSlicesToGrid } from '../../core/index';
import { countForeground, sourceMaskVolumeMl } from '../../core/index';
import type { CliCommand } from '../CliCommand';

const HELP = `usage: sdpm read-seg <seg.dcm> <dicom-folder> [--nifti out.nii.gz]

Reads a DICOM Segmentation (BINARY, FRACTIONAL thresholded at 0.5, LABELMAP), maps its frames onto the
source series found in <dicom-folder> by position, and prints each segment's voxels and volume.
  --nifti FILE   also write the segments as a label map (segment number per voxel; later segments win
                 where they overlap) on the corrected grid of the series
`;

export const readSegCommand: CliCommand = {
  name: 'read-seg',
  summary: 'read a DICOM SEG onto its source series: segments, voxels, volumes',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { nifti: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const [segPath, folder] = positionals;
    if (segPath === undefined || folder === undefined || positionals.length > 2) throw new SdpmError('INVALID_ARGUMENT', `expected <seg.dcm> <dicom-folder>\n${HELP}`);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(segPath);
    } catch (err) {
      throw new SdpmError('IO_ERROR', `${segPath}: cannot be read (${err instanceof Error ? err.message : String(err)})`, { path: segPath, cause: err });
    }
    const header = readSegHeader(bytes, segPath);
    const ref = await findReferencedSeries(header.referencedSeriesUids[0] ?? '', [folder]);
    const seg = readSeg(bytes, ref, { filePath: segPath });
    ctx.stdout(`${segPath}: ${seg.segmentationType} SEG, ${seg.numberOfFrames} frames on ${ref.source.slices.length} source slices of series ${ref.seriesInstanceUid}${seg.contentCreatorName ? `, by ${seg.contentCreatorName}` : ''}\n`);
    seg.segments.forEach((s, i) => {
      const m = seg.masks[i] as Uint8Array;
      const type = s.type === null ? '' : ` (${s.type.value} ${s.type.scheme} "${s.type.meaning}")`;
      ctx.stdout(`  segment ${s.number} "${s.label}"${type} ${s.algorithmType}${s.algorithmName ? ` ${s.algorithmName}` : ''}: ${countForeground(m)} voxels, ${ref.source.slices.length > 1 ? `${sourceMaskVolumeMl(m, ref.source).toFixed(2)} mL` : 'volume n/a (single slice)'}\n`);
    });
    for (const n of seg.notes) ctx.stdout(`  note: ${n}\n`);
    if (values.nifti !== undefined) {
      const vol = await loadVolumeFromFolder(folder, { seriesUid: ref.seriesInstanceUid, log: ctx.log });
      const labels = new Uint8Array(vol.voxels.length);
      seg.masks.forEach((m, i) => {
        const g = sourceSlicesToGrid(m, ref.source, vol);
        for (let p = 0; p < g.length; p++) if (g[p] === 1) labels[p] = Math.min(255, seg.segments[i]?.number ?? i + 1);
      });
      await writeNifti(values.nifti, { ...vol, voxels: labels }, { datatype: 'uint8', description: `SEG ${header.sopInstanceUid}`.slice(0, 79) });
      ctx.stdout(`wrote ${values.nifti} (${vol.dimensions.join('x')} label map on the corrected grid)\n`);
    }
    return 0;
  },
};
