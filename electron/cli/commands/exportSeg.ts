/**
 * `sdpm export-seg <dicom-folder> <mask.nii[.gz]> --out seg.dcm`: writes a lesion mask (NIfTI on the
 * grid `sdpm convert` produces for that folder) as a DICOM SEG referencing the CT series, with frames on
 * the original source slices. Each distinct non-zero integer value of the mask becomes one segment.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SdpmError } from '../../core/index';
import { loadVolumeFromFolder, type LoadFromFolderOptions } from '../../core/index';
import { readNifti } from '../../core/index';
import { readSliceHeaderFile } from '../../core/index';
import { readSegHeader } from '../../core/index';
import { writeSeg, type SegSegmentInput } from '../../core/index';
import { formatVolumeMl, measureLesions } from '../../core/index';
import type { CliCommand } from '../CliCommand';

const HELP = `usage: sdpm export-seg <dicom-folder> <mask.nii[.gz]> --out <seg.dcm> [options]

Writes <mask> as a DICOM Segmentation of the CT series in <dicom-folder>. The mask must lie on the grid
that 'sdpm convert' writes for that folder (same dimensions, spacing, origin, directions). Each distinct
non-zero value becomes one segment; frames are written on the original (possibly tilted) source slices.
  --out FILE           output SEG file (required)
  --kind KIND          hemorrhage (default) or infarct
  --labelmap           write the LABELMAP SEG class instead of BINARY
  --reader NAME        ContentCreatorName, DICOM person name, e.g. "Doe^Jane"
  --edited             the mask was edited by the reader (SegmentAlgorithmType SEMIAUTOMATIC)
  --bundle NAME        model bundle that produced the mask (default "sdpm")
  --bundle-version V   its version (default "unknown")
  --replaces FILE      the SEG this one corrects (its UIDs are referenced)
  --series ID          which series of the folder (see 'sdpm info')
`;

export const exportSeg: CliCommand = {
  name: 'export-seg',
  summary: 'write a NIfTI lesion mask as a DICOM SEG of its CT series',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        kind: { type: 'string', default: 'hemorrhage' },
        labelmap: { type: 'boolean', default: false },
        reader: { type: 'string' },
        edited: { type: 'boolean', default: false },
        bundle: { type: 'string', default: 'sdpm' },
        'bundle-version': { type: 'string', default: 'unknown' },
        replaces: { type: 'string' },
        series: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const [folder, maskPath] = positionals;
    if (folder === undefined || maskPath === undefined || positionals.length > 2) throw new SdpmError('INVALID_ARGUMENT', `expected <dicom-folder> <mask.nii[.gz]>\n${HELP}`);
    if (values.out === undefined) throw new SdpmError('INVALID_ARGUMENT', `--out is required\n${HELP}`);
    const kind = values.kind;
    if (kind !== 'hemorrhage' && kind !== 'infarct') throw new SdpmError('INVALID_ARGUMENT', `--kind must be hemorrhage or infarct, got '${kind}'`);
    const opts: LoadFromFolderOptions = { log: ctx.log };
    if (values.series !== undefined) opts.seriesUid = values.series;
    const vol = await loadVolumeFromFolder(folder, opts);
    const mask = await readNifti(maskPath);
    const bad =
      mask.dimensions.some((d, i) => d !== vol.dimensions[i]) ||
      mask.spacingMm.some((s, i) => Math.abs(s - (vol.spacingMm[i] as number)) > 1e-3) ||
      mask.originLps.some((s, i) => Math.abs(s - (vol.originLps[i] as number)) > 0.01) ||
      mask.directionLps.some((s, i) => Math.abs(s - (vol.directionLps[i] as number)) > 1e-4);
    if (bad) {
      throw new SdpmError('GEOMETRY_MISMATCH', `${maskPath}: the mask grid (${mask.dimensions.join('x')}, ${mask.spacingMm.map((s) => s.toFixed(3)).join('x')} mm) is not the grid of the series in ${folder} (${vol.dimensions.join('x')}, ${vol.spacingMm.map((s) => s.toFixed(3)).join('x')} mm); write the mask on the grid 'sdpm convert' produces`, { path: maskPath });
    }
    const labels = [...new Set(Array.from(mask.voxels, (v) => Math.round(v)))].filter((v) => v > 0).sort((a, b) => a - b);
    const name = kind === 'hemorrhage' ? 'Hemorrhage' : 'Infarct';
    const segments: SegSegmentInput[] = (labels.length === 0 ? [1] : labels).map((l) => ({
      label: labels.length > 1 ? `${name} ${l}` : name,
      kind,
      mask: Uint8Array.from(mask.voxels, (v) => (Math.round(v) === l ? 1 : 0)),
      algorithmType: values.edited === true ? 'SEMIAUTOMATIC' : 'AUTOMATIC',
    }));
    let replaces: { sopInstanceUid: string; seriesInstanceUid: string; sopClassUid: string } | undefined;
    if (values.replaces !== undefined) {
      const h = readSegHeader(await readFile(values.replaces), values.replaces);
      replaces = { sopInstanceUid: h.sopInstanceUid, seriesInstanceUid: h.seriesInstanceUid, sopClassUid: h.sopClassUid };
    }
    const firstFile = vol.source.slices[0]?.filePath;
    const header = firstFile === undefined || firstFile === '' ? undefined : await readSliceHeaderFile(firstFile);
    const w = writeSeg({
      volume: vol,
      segments,
      segmentationType: values.labelmap === true ? 'LABELMAP' : 'BINARY',
      algorithm: { name: values.bundle ?? 'sdpm', version: values['bundle-version'] ?? 'unknown' },
      ...(values.reader !== undefined ? { reader: values.reader } : {}),
      ...(replaces !== undefined ? { replaces } : {}),
      ...(header?.sliceThicknessMm != null ? { sliceThicknessMm: header.sliceThicknessMm } : {}),
    });
    await writeFile(values.out, w.bytes);
    ctx.stdout(`wrote ${values.out}: ${w.sopClassUid.endsWith('.7') ? 'LABELMAP' : 'BINARY'} SEG, ${w.numberOfFrames} frames on ${vol.source.slices.length} source slices, ${(w.bytes.length / 1024).toFixed(1)} KiB\n`);
    // the one volume definition (core lesions/measureLesions: on the acquired slices, the voxels this SEG holds)
    segments.forEach((s, i) => ctx.stdout(`  segment ${i + 1} ${s.label}: ${formatVolumeMl(measureLesions(s.mask ?? [], vol).totalVolumeMl)} mL, ${w.framesPerSegment[i] ?? w.framesPerSegment[0] ?? 0} frames\n`));
    for (const n of w.notes) ctx.stdout(`  note: ${n}\n`);
    return 0;
  },
};
