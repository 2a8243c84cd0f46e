#!/usr/bin/env node
// Runs every test of the project and prints one closing line: "total: N passed, N failed, N skipped".
//   1. TypeScript tests: every test/**/*.test.ts with node's test runner (tsx loader).
//   2. Python tests: pytest under models/training, with Debian's python3 (torch 1.13 CPU).
// Arguments filter the TypeScript test files by substring (e.g. `npm test -- dicom`); `--no-python` skips pytest,
// `--python-only` runs only pytest.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const noPython = args.includes('--no-python');
const pythonOnly = args.includes('--python-only');
const filters = args.filter((a) => !a.startsWith('--'));

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

const totals = { passed: 0, failed: 0, skipped: 0 };
let ok = true;

if (!pythonOnly) {
  const files = findTests(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)));
  if (files.length > 0) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS ?? '', '--max-old-space-size=8192'].join(' ').trim() },
    });
    process.stdout.write(r.stdout ?? '');
    const num = (label) => Number((r.stdout ?? '').match(new RegExp(`^\\S*\\s*${label} (\\d+)\\s*$`, 'm'))?.[1] ?? 0);
    totals.passed += num('pass');
    totals.failed += num('fail') + num('cancelled');
    totals.skipped += num('skipped') + num('todo');
    if (r.status !== 0) ok = false;
  }
}

if (!noPython && filters.length === 0) {
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const probe = spawnSync(py, ['-c', 'import torch, pytest'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    process.stdout.write(`pytest: not run, ${py} lacks torch/pytest (run scripts/install-system-deps.sh)\n`);
    ok = false;
    totals.failed += 1;
  } else if (existsSync(join(root, 'models/training'))) {
    const r = spawnSync(py, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'models/training'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 64 * 1024 * 1024,
    });
    process.stdout.write(r.stdout ?? '');
    const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
    const grab = (w) => Number(line.match(new RegExp(`(\\d+) ${w}`))?.[1] ?? 0);
    totals.passed += grab('passed');
    totals.failed += grab('failed') + grab('error');
    totals.skipped += grab('skipped');
    if (r.status !== 0 && r.status !== 5) ok = false;
  }
}

process.stdout.write(`total: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`);
process.exit(ok && totals.failed === 0 ? 0 : 1);
