/** A loaded, validated and checksum-verified model bundle (models/BUNDLE-FORMAT.md). */
import type { Calibration } from '../lesions/calibratedInterval';
import type { Detection } from '../lesions/detectionByKind';
import type { Labels } from './Labels';
import type { Metadata } from './Metadata';
import type { Postprocessing } from './Postprocessing';
import type { Preprocessing } from './Preprocessing';
import type { SamplerConfig } from './SamplerConfig';
import type { Schedule } from './Schedule';

export interface Bundle {
  /** Absolute folder of the bundle. */
  dir: string;
  name: string;
  version: string;
  /** sha256 of SHA256SUMS: identifies the exact bundle content in reports. */
  sumsSha256: string;
  metadata: Metadata;
  schedule: Schedule;
  sampler: SamplerConfig;
  preprocessing: Preprocessing;
  labels: Labels;
  /** postprocessing.json (engine post-processing, not SDPM); plausibility null when absent */
  postprocessing: Postprocessing;
  /** calibration.json (volume interval calibration), null when the bundle has none */
  calibration: Calibration | null;
  /** detection.json (held-out detection per lesion kind), null when the bundle has none */
  detection: Detection | null;
  /** Absolute path of `sdpm_net.onnx` (eps_hat, y_t_hat, y0_hat). */
  netPath: string;
  /** Absolute path of `sdpm_eps.onnx` (eps_hat only), or null when the bundle has none. */
  epsPath: string | null;
}
