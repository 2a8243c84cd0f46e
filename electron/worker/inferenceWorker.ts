/**
 * worker_threads entry of the inference worker (see protocol.ts, serveInference.ts). Loaded through
 * inferenceWorker.mjs, which registers the TypeScript loader first.
 */
import { parentPort } from 'node:worker_threads';
import { serveInference } from './serveInference';

const port = parentPort;
if (port === null) throw new Error('inferenceWorker must run in a worker thread');
serveInference({ postMessage: (m, transfer) => port.postMessage(m, transfer), onMessage: (l) => port.on('message', l) });
