/**
 * What can be checked of the Kubernetes deployment without a cluster or a container engine (none runs here):
 * the Indexed Job and merge Job parse, carry the fields the design relies on with the types the batch/v1 API
 * expects, agree with each other and with the container recipe (entrypoint = the sdpm CLI, default bundle
 * copied into the image and named by SDPM_BUNDLE_DIR). `kubectl apply --dry-run=server` and an image build
 * were NOT run (no cluster, no docker/podman/buildah on these machines).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

const ROOT = new URL('../../..', import.meta.url).pathname;
type Obj = Record<string, unknown>;
const obj = (v: unknown, where: string): Obj => {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${where} must be an object`);
  return v as Obj;
};
const arr = (v: unknown, where: string): unknown[] => {
  assert.ok(Array.isArray(v), `${where} must be a list`);
  return v;
};
const load = (f: string): Obj => obj(yaml.load(readFileSync(join(ROOT, 'deploy/k8s', f), 'utf8')), f);

interface Pod { container: Obj; args: string[]; env: Map<string, string>; mounts: Map<string, { readOnly: boolean; claim: string }> }

function podOf(job: Obj, f: string): Pod {
  assert.equal(job.apiVersion, 'batch/v1', f);
  assert.equal(job.kind, 'Job', f);
  const spec = obj(job.spec, `${f} spec`);
  const pod = obj(obj(spec.template, 'template').spec, 'template.spec');
  assert.equal(pod.restartPolicy, 'Never', `${f}: a failed shard must not restart in place (the Job retries it)`);
  const containers = arr(pod.containers, 'containers');
  assert.equal(containers.length, 1);
  const container = obj(containers[0], 'container');
  assert.equal(typeof container.image, 'string');
  const args = arr(container.args, 'args').map((a) => {
    assert.equal(typeof a, 'string');
    return a as string;
  });
  const env = new Map(arr(container.env ?? [], 'env').map((e) => [String(obj(e, 'env').name), String(obj(e, 'env').value)]));
  const claims = new Map(arr(pod.volumes, 'volumes').map((v) => [String(obj(v, 'volume').name), obj(obj(v, 'volume').persistentVolumeClaim, 'pvc')]));
  const mounts = new Map(arr(container.volumeMounts, 'volumeMounts').map((m) => {
    const mo = obj(m, 'mount');
    const claim = claims.get(String(mo.name));
    assert.ok(claim !== undefined, `mount ${String(mo.name)} has a volume`);
    return [String(mo.mountPath), { readOnly: mo.readOnly === true, claim: String(claim.claimName) }];
  }));
  return { container, args, env, mounts };
}

const under = (p: string, mounts: Pod['mounts']): { readOnly: boolean; claim: string } | undefined => [...mounts].find(([m]) => p.startsWith(`${m}/`))?.[1];

test('the Indexed Job: one shard per completion index, the count equal to completions, results on a shared writable volume', () => {
  const job = load('sdpm-batch-job.yaml');
  const spec = obj(job.spec, 'spec');
  assert.equal(spec.completionMode, 'Indexed');
  assert.ok(Number.isInteger(spec.completions) && (spec.completions as number) > 0);
  assert.ok(Number.isInteger(spec.parallelism) && (spec.parallelism as number) <= (spec.completions as number));
  const pod = podOf(job, 'sdpm-batch-job.yaml');
  assert.equal(pod.args[0], 'batch');
  assert.equal(pod.env.get('SDPM_SHARD_COUNT'), String(spec.completions), 'SDPM_SHARD_COUNT must equal completions (Kubernetes does not export it)');
  assert.ok(!pod.args.includes('--shard'), 'the shard comes from JOB_COMPLETION_INDEX, not a fixed flag');
  const manifest = pod.args[1] ?? '';
  const out = pod.args[pod.args.indexOf('--out') + 1] ?? '';
  assert.deepEqual(under(manifest, pod.mounts), { readOnly: true, claim: 'sdpm-studies' });
  assert.deepEqual(under(out, pod.mounts), { readOnly: false, claim: 'sdpm-results' });
  const threads = pod.args[pod.args.indexOf('--threads') + 1];
  assert.equal(threads, String(obj(obj(pod.container.resources, 'resources').requests, 'requests').cpu), 'onnxruntime threads = requested CPUs');
});

test('the merge Job reads the same results folder with the same image', () => {
  const batch = podOf(load('sdpm-batch-job.yaml'), 'batch');
  const merge = podOf(load('sdpm-merge-job.yaml'), 'merge');
  assert.deepEqual(merge.args.slice(0, 2), ['batch', 'merge']);
  assert.equal(merge.args[merge.args.indexOf('--out') + 1], batch.args[batch.args.indexOf('--out') + 1]);
  assert.equal(merge.container.image, batch.container.image);
});

test('the container recipe runs the sdpm CLI with the default bundle inside the image', () => {
  const cf = readFileSync(join(ROOT, 'deploy/container/Containerfile'), 'utf8');
  assert.match(cf, /^ENTRYPOINT \["node", "\/opt\/sdpm\/electron\/cli\/bin\/sdpm\.mjs"\]$/m);
  const bundle = readFileSync(join(ROOT, 'models/bundles/DEFAULT'), 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))[0]?.trim() ?? '';
  assert.ok(bundle !== '');
  assert.ok(cf.includes(`COPY models/bundles/${bundle} ./models/bundles/${bundle}`), `the image copies the default bundle ${bundle}`);
  assert.match(cf, new RegExp(`SDPM_BUNDLE_DIR=/opt/sdpm/models/bundles/${bundle}\\b`));
  assert.match(cf, /npm ci --omit=dev/);
});
