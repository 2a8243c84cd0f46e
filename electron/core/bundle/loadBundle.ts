/**
 * Loads a model bundle folder: verifies SHA256SUMS first (so a tampered file is reported as such, not as a
 * parse error), then parses and cross-checks every JSON file.
 * Errors: BUNDLE_NOT_FOUND (no such folder), BUNDLE_CHECKSUM (missing/unlisted/modified file),
 * BUNDLE_INVALID (bad JSON or a field out of contract; the message names file and field).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SdpmError } from '../errors';
import type { Bundle } from './Bundle';
import { parseCalibration } from './Calibration';
import { parseDetection } from './Detection';
import { parseLabels } from './Labels';
import { parseMetadata } from './Metadata';
import { parsePostprocessing } from './Postprocessing';
import { parsePreprocessing } from './Preprocessing';
import { parseSamplerConfig } from './SamplerConfig';
import { parseSchedule } from './Schedule';
import { verifyChecksums } from './verifyChecksums';
import { checkLesionRules } from '../lesions/lesionKind';

function readJson(dir: string, name: string): unknown {
  const p = join(dir, name);
  if (!existsSync(p)) throw new SdpmError('BUNDLE_INVALID', `bundle file ${name} is missing (${dir})`, { path: p });
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as unknown;
  } catch (err) {
    throw new SdpmError('BUNDLE_INVALID', `${name} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { path: p, cause: err });
  }
}

export function loadBundle(dirIn: string): Bundle {
  const dir = resolve(dirIn);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SdpmError('BUNDLE_NOT_FOUND', `model bundle folder not found: ${dir}`, { path: dir });
  const sumsSha256 = verifyChecksums(dir);
  const metadata = parseMetadata(readJson(dir, 'metadata.json'), join(dir, 'metadata.json'));
  const schedule = parseSchedule(readJson(dir, 'schedule.json'), join(dir, 'schedule.json'));
  const sampler = parseSamplerConfig(readJson(dir, 'sampler.json'), join(dir, 'sampler.json'));
  const preprocessing = parsePreprocessing(readJson(dir, 'preprocessing.json'), join(dir, 'preprocessing.json'));
  const labels = parseLabels(readJson(dir, 'labels.json'), join(dir, 'labels.json'));
  checkLesionRules(labels.lesionTypes, join(dir, 'labels.json'));
  const optional = <T>(name: string, parse: (v: unknown, p: string) => T): T | null => (existsSync(join(dir, name)) ? parse(readJson(dir, name), join(dir, name)) : null);
  const postprocessing = optional('postprocessing.json', parsePostprocessing) ?? { plausibility: null };
  const calibration = optional('calibration.json', parseCalibration);
  const detection = optional('detection.json', parseDetection);
  const netPath = join(dir, 'sdpm_net.onnx');
  if (!existsSync(netPath)) throw new SdpmError('BUNDLE_INVALID', `bundle has no sdpm_net.onnx (${dir})`, { path: netPath });
  const epsPath = join(dir, 'sdpm_eps.onnx');
  for (const [name, p] of Object.entries(sampler.presets)) {
    const last = Math.max(p.ySal.window - 1, p.yInfer.startIndex);
    if (last >= schedule.T) throw new SdpmError('BUNDLE_INVALID', `sampler.json: presets.${name} uses timestep ${last} but schedule.json has T = ${schedule.T}`, { path: join(dir, 'sampler.json') });
  }
  return { dir, name: metadata.name, version: metadata.version, sumsSha256, metadata, schedule, sampler, preprocessing, labels, postprocessing, calibration, detection, netPath, epsPath: existsSync(epsPath) ? epsPath : null };
}
