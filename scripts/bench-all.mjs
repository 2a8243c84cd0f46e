#!/usr/bin/env node
// `npm run bench`: runs every benchmark in turn (loader vs dcm2niix, SEG writer, inference engine vs PyTorch).
// Each prints its own ratios measured in one run; this only sequences them and stops at the first failure.
// `npm run bench -- loader seg` runs a subset.
import { spawnSync } from 'node:child_process';

const all = ['loader', 'seg', 'inference'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : all;
for (const name of names) {
  if (!all.includes(name)) {
    process.stderr.write(`bench: unknown benchmark '${name}' (known: ${all.join(', ')})\n`);
    process.exit(2);
  }
  process.stdout.write(`\n=== bench:${name} ===\n`);
  const r = spawnSync('npm', ['run', '--silent', `bench:${name}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`bench:${name} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(1);
  }
}
