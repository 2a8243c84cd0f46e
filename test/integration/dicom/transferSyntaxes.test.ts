/**
 * Every file of ../shared/data/dicom/transfer-syntaxes (one CT slice written in 19 transfer syntaxes, two
 * fragmented files, and two other JPEG 2000 lossless slices) goes through parseDicomFile + decodeFrame, with
 * the rescale applied, and is compared with CTImage.dcm (implicit VR little endian, the uncompressed
 * reference):
 *   - lossless syntaxes: max |HU difference| must be 0;
 *   - lossy syntaxes: decoded, max/mean |HU difference| printed and bounded by the syntax's quantisation
 *     (the stored values of the 8-bit and 12-bit JPEG files are rescaled with slopes 32.12 and 2.0);
 *   - the files that hold other images (CT1_J2KR, CT2_J2KR, CT0012...) are checked for size and HU range.
 * A second test compares the JPEG, JPEG-LS and RLE files with DCMTK's decoders (dcmdjpeg, dcmdjpls,
 * dcmdrle: scripts/install-system-deps.sh installs dcmtk) as an independent reference.
 * The per-file table is printed with t.diagnostic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeFrame, describeTransferSyntax, type FramePixels } from '../../../electron/core/dicom/codecs/decodeFrame';
import { parseDicomFile } from '../../../electron/core/dicom/codecs/parseDicomFile';
import { readFrameInfo } from '../../../electron/core/dicom/codecs/readFrameInfo';
import { isSdpmError } from '../../../electron/core/errors';
import { buildDicom } from '../../unit/electron/core/dicom/codecs/buildDicom';

const DIR = fileURLToPath(new URL('../../../../shared/data/dicom/transfer-syntaxes/', import.meta.url));
const REFERENCE = 'CTImage.dcm';
const haveData = existsSync(join(DIR, REFERENCE));

/** Bounds for lossy syntaxes on this slice, in HU: [max, mean]. Measured values are printed next to them. */
const LOSSY_BOUNDS: Record<string, [number, number]> = {
  '1.2.840.10008.1.2.4.50': [100, 25], // 8-bit baseline: stored step is 32.1 HU, so +-1 step plus DCT error
  '1.2.840.10008.1.2.4.51': [50, 6], // 12-bit: stored step 2.0 HU
  '1.2.840.10008.1.2.4.53': [50, 6],
  '1.2.840.10008.1.2.4.55': [50, 6],
  '1.2.840.10008.1.2.4.81': [10, 1], // JPEG-LS near-lossless
  '1.2.840.10008.1.2.4.91': [10, 1], // JPEG 2000 irreversible
};

interface Decoded {
  hu: Float64Array[];
  stored: FramePixels[];
  uid: string;
  rows: number;
  columns: number;
}

async function decodeFile(path: string): Promise<Decoded> {
  const ds = parseDicomFile(new Uint8Array(readFileSync(path)), path);
  const info = readFrameInfo(ds, path);
  const slope = ds.floatString('x00281053') ?? 1;
  const intercept = ds.floatString('x00281052') ?? 0;
  const stored: FramePixels[] = [];
  const hu: Float64Array[] = [];
  for (let f = 0; f < (info.numberOfFrames ?? 1); f++) {
    const px = await decodeFrame(ds, info, f);
    stored.push(px);
    hu.push(Float64Array.from(px, (v) => v * slope + intercept));
  }
  return { hu, stored, uid: info.transferSyntaxUid, rows: info.rows, columns: info.columns };
}

function absDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  assert.equal(a.length, b.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0));
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: sum / a.length };
}

function range(a: Float64Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of a) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

const files = haveData ? readdirSync(DIR).filter((f) => !f.startsWith('LICENSE')).sort() : [];

test('every transfer-syntax file decodes to the reference HU (lossless exactly, lossy within bounds)', { skip: haveData ? false : `no test data at ${DIR}` }, async (t) => {
  const ref = await decodeFile(join(DIR, REFERENCE));
  const refHu = ref.hu[0] ?? new Float64Array(0);
  assert.equal(refHu.length, 512 * 512);
  const rows: string[][] = [['file', 'syntax', 'UID', 'status', 'max |dHU|', 'mean |dHU|', 'HU range']];
  const seen = new Set<string>();
  for (const name of files) {
    const path = join(DIR, name);
    let d: Decoded;
    try {
      d = await decodeFile(path);
    } catch (err) {
      // No syntax in this folder is expected to be refused; if one is, the refusal must name syntax and file.
      assert.ok(isSdpmError(err, 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX'), `${name}: ${String(err)}`);
      assert.ok(err.message.includes(path));
      rows.push([name, '?', '?', `refused: ${err.message}`, '', '', '']);
      assert.fail(`${name} was refused: ${err.message}`);
    }
    const ts = describeTransferSyntax(d.uid);
    seen.add(d.uid);
    assert.equal(d.rows, 512, name);
    assert.equal(d.columns, 512, name);
    const [lo, hi] = range(d.hu[0] ?? new Float64Array(0));
    const hu = `${lo.toFixed(0)}..${hi.toFixed(0)}`;
    if (name.startsWith(REFERENCE)) {
      const { max, mean } = absDiff(d.hu[0] ?? [], refHu);
      const bounds = LOSSY_BOUNDS[d.uid];
      if (!ts.lossy) {
        assert.equal(max, 0, `${name} (${ts.name}) is lossless but differs from ${REFERENCE} by up to ${max} HU`);
        rows.push([name, ts.name, d.uid, 'decoded, lossless: exact', max.toFixed(2), mean.toFixed(3), hu]);
      } else {
        assert.ok(bounds !== undefined, `${name}: no bound set for lossy ${d.uid}`);
        assert.ok(max <= bounds[0] && mean <= bounds[1], `${name}: max ${max} / mean ${mean} HU exceed ${bounds[0]} / ${bounds[1]}`);
        rows.push([name, ts.name, d.uid, `decoded, lossy (bound ${bounds[0]}/${bounds[1]})`, max.toFixed(2), mean.toFixed(3), hu]);
      }
    } else {
      // Other images: a CT in HU (air about -1000, bone up to a few thousand; -3024/-2048 padding allowed).
      for (const [f, frameHu] of d.hu.entries()) {
        const [flo, fhi] = range(frameHu);
        assert.ok(flo >= -3100 && fhi <= 4100 && fhi - flo > 500, `${name} frame ${f + 1}: HU range ${flo}..${fhi} is not a plausible CT`);
      }
      rows.push([name, ts.name, d.uid, `decoded, ${d.hu.length} frame(s), other image: range check`, '-', '-', d.hu.map((h) => range(h).map((v) => v.toFixed(0)).join('..')).join(' / ')]);
    }
  }
  // 19 syntaxes in the folder: 18 distinct UIDs besides implicit little endian's reference copy.
  assert.ok(seen.size >= 14, `only ${seen.size} distinct transfer syntaxes seen`);
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  for (const r of rows) t.diagnostic(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | '));
});

const DCMTK: Record<string, string> = { '1.2.840.10008.1.2.5': 'dcmdrle', '1.2.840.10008.1.2.4.80': 'dcmdjpls', '1.2.840.10008.1.2.4.81': 'dcmdjpls' };
const dcmtkTool = (uid: string): string | undefined => DCMTK[uid] ?? (/^1\.2\.840\.10008\.1\.2\.4\.(5\d|70)$/.test(uid) ? 'dcmdjpeg' : undefined);
const hasDcmtk = (() => {
  try {
    execFileSync('dcmdjpeg', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

test('JPEG, JPEG-LS and RLE files decode as DCMTK decodes them (independent reference)', { skip: !haveData ? `no test data at ${DIR}` : !hasDcmtk ? 'DCMTK (dcmdjpeg) not installed' : false }, async (t) => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-dcmtk-'));
  try {
    let compared = 0;
    for (const name of files) {
      const path = join(DIR, name);
      const mine = await decodeFile(path);
      const tool = dcmtkTool(mine.uid);
      if (tool === undefined) continue;
      const out = join(tmp, `${compared}.dcm`);
      execFileSync(tool, [path, out], { stdio: 'ignore' });
      const theirs = await decodeFile(out);
      const lossy = describeTransferSyntax(mine.uid).lossy;
      for (const [f, px] of mine.stored.entries()) {
        const { max, mean } = absDiff(px, theirs.stored[f] ?? []);
        t.diagnostic(`${name} frame ${f + 1} vs ${tool}: max |d stored| ${max}, mean ${mean.toFixed(4)}`);
        // DCT decoders may round the inverse DCT differently by one unit; everything else must be identical.
        const dct = /^1\.2\.840\.10008\.1\.2\.4\.5[0-5]$/.test(mine.uid);
        assert.ok(max <= (dct && lossy ? 1 : 0), `${name} frame ${f + 1}: differs from ${tool} by up to ${max}`);
      }
      compared++;
    }
    assert.ok(compared >= 9, `only ${compared} files compared with DCMTK`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('codecs load and decode inside a worker thread (the inference host runs in one)', { skip: haveData ? false : `no test data at ${DIR}` }, async () => {
  const { Worker } = await import('node:worker_threads');
  const codecs = new URL('../../../electron/core/dicom/codecs/', import.meta.url).href;
  const names = files.filter((f) => /4\.(90|80|51|70)\.dcm$|RLELossless/.test(f));
  assert.equal(names.length, 5);
  // The worker registers tsx itself (as electron/worker/inferenceWorker.mjs does) and returns each file's frame 1 sum.
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { register } = await import('tsx/esm/api');
      register();
      const { readFileSync } = await import('node:fs');
      const { parseDicomFile } = await import(workerData.codecs + 'parseDicomFile.ts');
      const { readFrameInfo } = await import(workerData.codecs + 'readFrameInfo.ts');
      const { decodeFrame } = await import(workerData.codecs + 'decodeFrame.ts');
      const sums = [];
      for (const p of workerData.paths) {
        const ds = parseDicomFile(new Uint8Array(readFileSync(p)), p);
        const px = await decodeFrame(ds, readFrameInfo(ds, p));
        sums.push(px.reduce((s, v) => s + v, 0));
      }
      parentPort.postMessage(sums);
    })().catch((e) => parentPort.postMessage({ error: String(e && e.message || e) }));`;
  const paths = names.map((n) => join(DIR, n));
  const worker = new Worker(source, { eval: true, workerData: { codecs, paths } });
  const fromWorker: unknown = await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.ok(Array.isArray(fromWorker), `worker failed: ${JSON.stringify(fromWorker)}`);
  const here: number[] = [];
  for (const p of paths) here.push(Array.from((await decodeFile(p)).stored[0] ?? []).reduce((s, v) => s + v, 0));
  assert.deepEqual(fromWorker, here);
});

/** OpenJPH's HTJ2K encoder (a dependency of @cornerstonejs/dicom-image-loader), when installed. */
function loadOpenJph(): { factory: (o: object) => Promise<Record<string, unknown>>; wasm: Buffer } | undefined {
  try {
    const req = createRequire(import.meta.url);
    return { factory: req('@cornerstonejs/codec-openjph') as (o: object) => Promise<Record<string, unknown>>, wasm: readFileSync(req.resolve('@cornerstonejs/codec-openjph/wasm')) };
  } catch {
    return undefined;
  }
}

interface HtEncoder {
  getDecodedBuffer(info: object): Uint8Array;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

test('HTJ2K (1.2.840.10008.1.2.4.201): CTImage encoded by OpenJPH decodes exactly through OpenJPEG', { skip: !haveData ? `no test data at ${DIR}` : loadOpenJph() === undefined ? '@cornerstonejs/codec-openjph not installed' : false }, async (t) => {
  const ref = await decodeFile(join(DIR, REFERENCE));
  const px = ref.stored[0];
  assert.ok(px instanceof Int16Array);
  const jph = loadOpenJph();
  assert.ok(jph !== undefined);
  const quiet = (): void => undefined;
  const mod = await jph.factory({ wasmBinary: jph.wasm, print: quiet, printErr: quiet });
  const encoder = new (mod.HTJ2KEncoder as new () => HtEncoder)();
  encoder.getDecodedBuffer({ width: 512, height: 512, bitsPerSample: 16, componentCount: 1, isSigned: true, isUsingColorTransform: false }).set(new Uint8Array(px.buffer, px.byteOffset, px.byteLength));
  encoder.encode();
  const codestream = encoder.getEncodedBuffer().slice();
  const bytes = buildDicom('1.2.840.10008.1.2.4.201', { rows: 512, columns: 512, bitsAllocated: 16, bitsStored: 16, pixelRepresentation: 1 }, { fragments: [codestream] });
  const ds = parseDicomFile(bytes, 'htj2k.dcm');
  const out = await decodeFrame(ds, readFrameInfo(ds, 'htj2k.dcm'));
  const { max } = absDiff(out, px);
  t.diagnostic(`HTJ2K codestream ${codestream.length} bytes (ratio ${((512 * 512 * 2) / codestream.length).toFixed(2)}:1), max |d stored| ${max}`);
  assert.equal(max, 0);
});
