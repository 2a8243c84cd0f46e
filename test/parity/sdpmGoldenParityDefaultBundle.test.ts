/**
 * The same golden-vector parity tests (sdpmGoldenParity.test.ts), on the shipped default bundle
 * (models/bundles/DEFAULT): its own network and every sampler mode against the PyTorch reference's outputs
 * stored at export time. Runs in its own process, so it does not change the tiny bundle's run.
 */
import { resolveDefaultBundle } from '../../electron/core/bundle/resolveDefaultBundle';

process.env.SDPM_PARITY_BUNDLE = resolveDefaultBundle();
await import('./sdpmGoldenParity.test');
