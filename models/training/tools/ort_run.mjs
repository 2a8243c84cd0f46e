// Run an ONNX model with onnxruntime-node on raw little-endian inputs; used by the Python tests and the
// exporter for ONNX-vs-PyTorch parity (onnxruntime has no Python package on these machines).
// Usage: node ort_run.mjs <model.onnx> <spec.json> <outDir>
//   spec.json: { "inputs": { "<name>": { "file": "<path>", "shape": [..], "dtype": "float32"|"int64" } } }
// Writes <outDir>/<outputName>.f32 for every output and <outDir>/outputs.json with the shapes.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(join(process.cwd(), 'package.json'));
const ort = require('onnxruntime-node');
const [modelPath, specPath, outDir] = process.argv.slice(2);
if (!modelPath || !specPath || !outDir) {
  process.stderr.write('usage: node ort_run.mjs <model.onnx> <spec.json> <outDir>\n');
  process.exit(2);
}
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const feeds = {};
for (const [name, v] of Object.entries(spec.inputs)) {
  const buf = readFileSync(v.file);
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = v.dtype === 'int64' ? new BigInt64Array(ab) : new Float32Array(ab);
  feeds[name] = new ort.Tensor(v.dtype, data, v.shape);
}
const session = await ort.InferenceSession.create(modelPath, { intraOpNumThreads: 2, graphOptimizationLevel: 'all' });
const res = await session.run(feeds);
const shapes = {};
for (const [name, t] of Object.entries(res)) {
  writeFileSync(join(outDir, `${name}.f32`), Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  shapes[name] = t.dims;
}
writeFileSync(join(outDir, 'outputs.json'), JSON.stringify(shapes));
