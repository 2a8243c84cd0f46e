// Worker-thread entry: registers tsx's TypeScript loader in this thread, then loads the worker.
// (The Electron build bundles inferenceWorker.ts directly and does not use this file.)
import { register } from 'tsx/esm/api';

register();
await import('./inferenceWorker.ts');
