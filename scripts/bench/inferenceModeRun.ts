/**
 * Child process of scripts/bench/inference.ts: runs one inference (in this process, no worker) and prints one
 * JSON line {wallMs, peakRssMb, networkImages, totalVolumeMl, dims, timingsMs}. Separate processes give each
 * mode its own peak RSS. Args: --study PATH | --synthetic NXxNYxNZ, --bundle DIR, --mode M, --set K=V...
 */
import { parseArgs } from 'node:util';
import type { Volume } from '../../electron/core/index';
import { runInference } from '../../electron/core/engine';
import { silentLogger } from '../../electron/core/index';
import { requestFromOptions, SEGMENT_PARSE_OPTIONS } from '../../electron/cli/commands/segment';

const { values } = parseArgs({ options: { ...SEGMENT_PARSE_OPTIONS, study: { type: 'string' }, synthetic: { type: 'string' } } });

function synthetic(spec: string): Volume {
  const [nx, ny, nz] = spec.split('x').map(Number) as [number, number, number];
  const vox = new Int16Array(nx * ny * nz).fill(-1024);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const u = (i - nx / 2) / (nx * 0.4);
        const v = (j - ny / 2) / (ny * 0.45);
        if (u * u + v * v < 1) vox[(k * ny + j) * nx + i] = Math.hypot(i - nx * 0.6, j - ny * 0.45) < nx * 0.06 ? 65 : 32;
      }
  const none = '';
  return {
    dimensions: [nx, ny, nz], spacingMm: [0.45, 0.45, 5], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: vox, paddingHu: -1024,
    identity: { patientName: none, patientId: none, patientBirthDate: none, patientSex: none, studyInstanceUid: none, studyDate: none, studyTime: none, studyDescription: none, accessionNumber: none, seriesInstanceUid: none, seriesNumber: null, seriesDescription: none, modality: 'CT', frameOfReferenceUid: none, manufacturer: none },
    source: { imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacingMm: [0.45, 0.45], rows: ny, columns: nx, slices: [] },
    corrections: { gantryTiltDeg: 0, tiltCorrected: false, resampledToEquidistant: false, sliceGapsMm: [5], notes: [] },
  };
}

const t0 = performance.now();
const input = values.synthetic !== undefined ? { kind: 'volume' as const, volume: synthetic(values.synthetic), label: `synthetic ${values.synthetic}` } : { kind: 'path' as const, path: values.study ?? '' };
const out = await runInference({ input, ...requestFromOptions(values) }, { log: silentLogger });
process.stdout.write(`${JSON.stringify({ wallMs: performance.now() - t0, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), networkImages: out.report.networkImages, totalVolumeMl: out.report.totalVolumeMl, dims: out.report.study.dimensions, timingsMs: out.report.timingsMs, profile: out.report.settings.profile, changed: out.report.settings.changed })}\n`);
