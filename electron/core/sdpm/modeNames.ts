/**
 * What a reader calls the four SDPM modes, and what they are in the paper. The app shows the plain name and
 * puts the paper's name in the tooltip; the CLI, report.json and the bundle keep the mode IDs (avg, sal,
 * infer, all). One list, so the app, the CLI help and the docs cannot disagree.
 */
import type { SdpmMode } from './sampleSlices';

export interface SdpmModeName {
  mode: SdpmMode;
  /** plain name for readers */
  label: string;
  /** the paper's name of the output */
  paperName: string;
  /** one or two sentences: what it does and what it costs */
  explanation: string;
}

export const SDPM_MODE_NAMES: readonly SdpmModeName[] = [
  { mode: 'avg', label: 'fast', paperName: 'y_avg (direct output)', explanation: 'One deterministic prediction per slice at the lowest noise level. Fastest; no samples, so no uncertainty map.' },
  { mode: 'sal', label: 'standard', paperName: 'y_sal (salient-weighted average over timesteps)', explanation: 'Averages predictions over noise levels and samples, weighting the informative ones. Gives a mean probability and an uncertainty map.' },
  { mode: 'all', label: 'thorough', paperName: 'y_all (union of y_avg, y_sal and y_infer)', explanation: 'Runs both sampling modes and combines them as the bundle specifies. The most compute.' },
  { mode: 'infer', label: 'reverse chains (expert)', paperName: 'y_infer (Markov-chain inference from T/2, Algorithm 1)', explanation: 'Runs the reverse diffusion chain once per sample. Slow; the spread of the samples gives the uncertainty.' },
];

/** The tooltip text: what the mode does, then the paper's name. */
export function sdpmModeTooltip(m: SdpmModeName): string {
  return `${m.explanation} Paper: ${m.paperName}.`;
}
