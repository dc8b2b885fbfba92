// The deployment files are checked offline: the compose file by
// docker-compose itself, the Kubernetes manifests for the parts the design
// asks for.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './lib.mjs';

test('docker-compose accepts the compose file', () => {
  const r = spawnSync('docker-compose', ['-f', path.join(ROOT, 'deploy/docker-compose.yml'), 'config', '-q'], {
    encoding: 'utf8', env: { ...process.env, TARJOTIN_DATA_KEY: '00'.repeat(32), TARJOTIN_ADMIN_TOKEN: 'test' }, timeout: 60000,
  });
  assert.equal(r.status, 0, r.stderr);
});

test('the Kubernetes manifests have every service, its scaling and probes', () => {
  const r = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
print(json.dumps(docs))`, path.join(ROOT, 'deploy/k8s/tarjotin.yaml')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const docs = JSON.parse(r.stdout);
  const byKind = (k) => docs.filter((d) => d.kind === k).map((d) => d.metadata.name);
  const workloads = [...byKind('Deployment'), ...byKind('StatefulSet')].sort();
  assert.deepEqual(workloads, ['directory', 'gateway', 'notify', 'stats']);
  assert.deepEqual(byKind('HorizontalPodAutoscaler').sort(), ['directory', 'gateway', 'notify']);
  assert.ok(byKind('Service').includes('gateway'));
  const gw = docs.find((d) => d.metadata.name === 'gateway' && d.kind === 'StatefulSet');
  const c = gw.spec.template.spec.containers[0];
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');
});
