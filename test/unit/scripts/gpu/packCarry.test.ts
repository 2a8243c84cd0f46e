// scripts/gpu/pack-carry.sh cuts what the CUDA check needs on the device into parts that each fit one device call
// (64 MiB in all, the working tree included); unpack-carry.sh (run by check-cuda.sh there) joins them and refuses a
// set with a part missing or damaged. Here with a stand-in runtime of random bytes and 1 MiB parts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const NATIVE = 'bin/napi-v6/linux/x64';

function fakeRuntime(home: string): void {
  const ort = join(home, 'node_modules/onnxruntime-node');
  mkdirSync(join(ort, NATIVE), { recursive: true });
  mkdirSync(join(ort, 'dist'), { recursive: true });
  mkdirSync(join(home, 'node_modules/onnxruntime-common'), { recursive: true });
  writeFileSync(join(ort, 'package.json'), '{"name":"onnxruntime-node","version":"1.29.0"}');
  writeFileSync(join(ort, 'dist/index.js'), 'module.exports = {};\n');
  writeFileSync(join(home, 'node_modules/onnxruntime-common/package.json'), '{"name":"onnxruntime-common"}');
  writeFileSync(join(ort, NATIVE, 'libonnxruntime.so.1'), randomBytes(600_000));
  writeFileSync(join(ort, NATIVE, 'onnxruntime_binding.node'), randomBytes(20_000));
  writeFileSync(join(ort, NATIVE, 'libonnxruntime_providers_shared.so'), randomBytes(10_000));
  writeFileSync(join(ort, NATIVE, 'libonnxruntime_providers_cuda.so'), randomBytes(2_600_000)); // incompressible
}

const parts = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('cuda-carry.tar.xz.part-')).sort();
const unpack = (dir: string) => spawnSync('bash', [join(ROOT, 'scripts/gpu/unpack-carry.sh'), dir], { cwd: ROOT, encoding: 'utf8' });

test('pack-carry.sh cuts parts that fit a call; unpack-carry.sh restores the runtime byte for byte and refuses an incomplete set', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-pack-carry-'));
  try {
    const home = join(tmp, 'home');
    fakeRuntime(home);
    const carry = join(tmp, 'carry');
    const nodeBin = join(tmp, 'node-stand-in');
    writeFileSync(nodeBin, randomBytes(300_000));
    const env = { ...process.env, SDPM_GPU_CARRY: carry, CARRY_ROOM_MIB: '1', XZ_LEVEL: '0', NODE_BIN: nodeBin };
    const r = spawnSync('bash', [join(ROOT, 'scripts/gpu/pack-carry.sh'), home], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const names = parts(carry);
    assert.ok(names.length >= 4, names.join(' ')); // 3.5 MB of random bytes in 1 MiB parts
    for (const n of names) {
      assert.match(n, new RegExp(`-of-${String(names.length).padStart(2, '0')}$`));
      assert.ok(statSync(join(carry, n)).size <= 1024 * 1024, n);
    }
    assert.match(r.stdout, new RegExp(`call ${names.length}: carry .+ command: bash scripts/gpu/check-cuda\\.sh`));
    assert.match(r.stdout, /call 1: carry .+ \+ .+cuda-carry\.sha256/);
    assert.ok(!existsSync(join(carry, 'ort129')), 'only parts are written, so every carried path is under the limit');

    // the device: every part carried -> joined, the same bytes
    const device = join(tmp, 'device');
    cpSync(carry, device, { recursive: true });
    const u = unpack(device);
    assert.equal(u.status, 0, u.stderr);
    for (const f of ['libonnxruntime_providers_cuda.so', 'libonnxruntime.so.1', 'onnxruntime_binding.node']) {
      assert.ok(readFileSync(join(device, 'ort129', NATIVE, f)).equals(readFileSync(join(home, 'node_modules/onnxruntime-node', NATIVE, f))), f);
    }
    assert.ok(existsSync(join(device, 'ort129/node_modules/onnxruntime-common/package.json')));
    assert.ok(statSync(join(device, 'cudaCheck.mjs')).size > 1000, 'the bundled checker');
    assert.ok(readFileSync(join(device, 'node/bin/node')).equals(readFileSync(nodeBin)), 'the Node binary for a device without one');
    assert.ok((statSync(join(device, 'node/bin/node')).mode & 0o100) !== 0, 'executable');
    assert.equal(unpack(device).status, 0, 'a second run does nothing');

    // a part not carried yet
    const partial = join(tmp, 'partial');
    cpSync(carry, partial, { recursive: true });
    rmSync(join(partial, names[1]!));
    const p = unpack(partial);
    assert.equal(p.status, 2);
    assert.match(p.stderr, new RegExp(`${names[1]!.replace(/\./g, '\\.')}: missing \\(carried ${names.length - 1} of ${names.length} parts\\)`));
    assert.ok(!existsSync(join(partial, 'ort129')));

    // a damaged part
    const damaged = join(tmp, 'damaged');
    cpSync(carry, damaged, { recursive: true });
    const f = join(damaged, names[0]!);
    const b = readFileSync(f);
    b[100] = b[100]! ^ 0xff;
    writeFileSync(f, b);
    const d = unpack(damaged);
    assert.equal(d.status, 2);
    assert.match(d.stderr, /a cuda-carry part is damaged/);
    assert.ok(!existsSync(join(damaged, 'ort129')));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('carry-room.sh: the room a call leaves is 64 MiB less the working tree and 1 MiB', () => {
  const r = spawnSync('bash', ['-c', '. scripts/gpu/carry-room.sh; t=$(carry_tree_bytes); echo "$t $(carry_room_mib "$t") $(carry_room_mib "$t" 1048576)"'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CARRY_ROOM_MIB: '' } });
  assert.equal(r.status, 0, r.stderr);
  const [tree, room, roomLess] = r.stdout.trim().split(' ').map(Number) as [number, number, number];
  assert.ok(tree > 1024 * 1024, `working tree ${tree} bytes`);
  assert.ok(Math.abs(room - (64 - tree / 1048576 - 1)) <= 0.06, `${room}`);
  assert.ok(Math.abs(room - roomLess - 1) <= 0.11, `${room} ${roomLess}`);
});
