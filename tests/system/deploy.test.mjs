// The deployment files are checked offline: the compose file by
// docker-compose itself, the Kubernetes manifests for the parts the design
// asks for, every service's probes in both, and the systemd units.  The
// probes that read /proc are run here against the test stack, once where
// they must pass and once where they must fail.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, DIR, env, until } from './lib.mjs';

const SERVICES = ['directory', 'gateway', 'notify', 'stats'];
const composeEnv = { ...process.env, TARJOTIN_DATA_KEY: '00'.repeat(32) };

/** The YAML documents in a file or in text on stdin, through Debian's PyYAML. */
function yamlDocs({ file, text }) {
  const r = spawnSync('/usr/bin/python3', ['-c', `
import json, sys, yaml
src = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
print(json.dumps([d for d in yaml.safe_load_all(src) if d]))`, ...(file ? [file] : [])],
  { encoding: 'utf8', input: text, timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** Programs a probe may run in the image: Debian's essential tools and what its last stage installs. */
function imageTools() {
  const df = readFileSync(path.join(ROOT, 'deploy/docker/Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const last = df.slice(df.lastIndexOf('\nFROM '));
  const installs = [...last.matchAll(/apt-get install ([^&]*)/g)].flatMap((m) => m[1].split(/\s+/))
    .filter((w) => w && !w.startsWith('-'));
  return new Set(['sh', 'bash', 'grep', 'cat', 'test', ...installs]);
}

/** The program a compose health check or a Kubernetes exec probe runs. */
function program(cmd) {
  if (cmd[0] === 'CMD') return cmd[1];
  if (cmd[0] === 'CMD-SHELL') return cmd[1].split(/\s+/)[0];
  return cmd[0];
}

const k8s = () => yamlDocs({ file: path.join(ROOT, 'deploy/k8s/tarjotin.yaml') });

test('docker-compose accepts the compose file', () => {
  const r = spawnSync('docker-compose', ['-f', path.join(ROOT, 'deploy/docker-compose.yml'), 'config', '-q'], {
    encoding: 'utf8', env: composeEnv, timeout: 60000,
  });
  assert.equal(r.status, 0, r.stderr);
});

test('the Kubernetes manifests have every service, its scaling and probes', () => {
  const docs = k8s();
  const byKind = (k) => docs.filter((d) => d.kind === k).map((d) => d.metadata.name);
  const workloads = [...byKind('Deployment'), ...byKind('StatefulSet')].sort();
  assert.deepEqual(workloads, SERVICES);
  assert.deepEqual(byKind('HorizontalPodAutoscaler').sort(), ['directory', 'gateway', 'notify']);
  assert.ok(byKind('Service').includes('gateway'));
  const gw = docs.find((d) => d.metadata.name === 'gateway' && d.kind === 'StatefulSet');
  const c = gw.spec.template.spec.containers[0];
  assert.equal(c.readinessProbe.httpGet.path, '/readyz');
  assert.equal(c.livenessProbe.httpGet.path, '/healthz');

  const tools = imageTools();
  for (const name of SERVICES) {
    const w = docs.find((d) => ['Deployment', 'StatefulSet'].includes(d.kind) && d.metadata.name === name);
    for (const ct of w.spec.template.spec.containers) {
      const ports = new Set((ct.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
      for (const kind of ['readinessProbe', 'livenessProbe']) {
        const p = ct[kind];
        const what = `${name}/${ct.name} ${kind}`;
        assert.ok(p, `${what} is declared`);
        assert.ok(p.periodSeconds > 0, `${what} has a period`);
        if (p.httpGet) {
          assert.ok(ports.has(p.httpGet.port), `${what} uses a declared port (${p.httpGet.port})`);
          assert.match(p.httpGet.path, /^\//, what);
        } else if (p.tcpSocket) {
          assert.ok(ports.has(p.tcpSocket.port), `${what} uses a declared port (${p.tcpSocket.port})`);
        } else if (p.exec) {
          assert.ok(tools.has(program(p.exec.command)), `${what} runs ${program(p.exec.command)}, which the image has`);
        } else {
          assert.fail(`${what} is none of httpGet, tcpSocket, exec`);
        }
      }
    }
  }
});

test('every service in the compose file has a health check the image can run', () => {
  const r = spawnSync('docker-compose', ['-f', path.join(ROOT, 'deploy/docker-compose.yml'), 'config'], {
    encoding: 'utf8', env: composeEnv, timeout: 60000,
  });
  assert.equal(r.status, 0, r.stderr);
  const [cfg] = yamlDocs({ text: r.stdout });
  const tools = imageTools();
  for (const name of SERVICES) {
    const s = cfg.services[name];
    assert.ok(s, `compose has ${name}`);
    assert.equal(s.image, 'tarjotin:latest', `${name} runs the Tarjotin image`);
    const hc = s.healthcheck?.test;
    assert.ok(Array.isArray(hc) && hc.length > 1, `${name} has a health check`);
    assert.ok(tools.has(program(hc)), `${name}'s health check runs ${program(hc)}, which the image has`);
  }
  // The two descriptions of the directory's and notify's health agree.
  const docs = k8s();
  for (const name of ['directory', 'notify']) {
    const ct = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name).spec.template.spec.containers[0];
    assert.deepEqual(cfg.services[name].healthcheck.test.slice(1), ct.readinessProbe.exec.command, name);
  }
});

test('every service has a systemd unit that starts it and restarts it when it fails', () => {
  for (const name of SERVICES) {
    const unit = readFileSync(path.join(ROOT, `deploy/systemd/tarjotin-${name}.service`), 'utf8');
    const key = (k) => unit.match(new RegExp(`^${k}=(.*)$`, 'm'))?.[1];
    assert.equal(key('ExecStart'), `/usr/local/bin/tarjotin-${name}`, name);
    assert.equal(key('Restart'), 'on-failure', `${name}: systemd's liveness is a restart`);
    assert.ok(Number(key('RestartSec')) > 0, `${name}: RestartSec`);
    assert.match(key('WantedBy') ?? '', /multi-user\.target/, name);
  }
});

/** Runs a probe's sh -c command; true when it passes. */
function probe(cmd) {
  assert.deepEqual(cmd.slice(0, 2), ['sh', '-c']);
  return spawnSync('sh', ['-c', cmd[2]], { timeout: 5000 }).status === 0;
}
const hex = (port) => Number(port).toString(16).toUpperCase().padStart(4, '0');

test('the /proc probes pass on a working service and fail without its connection or process', async () => {
  const docs = k8s();
  const ct = (name) => docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name).spec.template.spec.containers[0];
  const pidOf = (name) => readFileSync(path.join(DIR, 'pids', `${name}.pid`), 'utf8').trim();
  // This stack's notify holds connections to this stack's Redis; nothing
  // listens on port 1.
  for (const [name, port] of [['directory', '15E0'], ['notify', '18EB']]) {
    const cmd = ct(name).readinessProbe.exec.command;
    assert.ok(cmd[2].includes(`:${port} 01 `), `${name} readiness looks for port ${port}`);
    const at = (p) => [...cmd.slice(0, 2), cmd[2].replace(`:${port} `, `:${p} `)];
    assert.ok(probe(at(hex(env.TARJOTIN_REDIS_PORT))), `${name} readiness passes with a connection`);
    assert.ok(!probe(at(hex(1))), `${name} readiness fails without one`);

    const live = ct(name).livenessProbe.exec.command;
    assert.ok(live[2].includes('/proc/1/'), `${name} liveness looks at PID 1`);
    const of = (pid) => [...live.slice(0, 2), live[2].replace('/proc/1/', `/proc/${pid}/`)];
    assert.ok(probe(of(pidOf('notify-1'))), `${name} liveness passes on a running service`);
    // A stopped process fails it, and so does a process that is gone.
    const stopped = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      process.kill(stopped.pid, 'SIGSTOP');
      await until(() => /^State:\s+T/m.test(readFileSync(`/proc/${stopped.pid}/status`, 'utf8')),
        { timeout: 5000, every: 20, what: 'the process to stop' });
      assert.ok(!probe(of(stopped.pid)), `${name} liveness fails on a stopped process`);
    } finally {
      stopped.kill('SIGKILL');
      await new Promise((r) => (stopped.exitCode !== null || stopped.signalCode ? r() : stopped.on('exit', r)));
    }
    assert.ok(!probe(of(stopped.pid)), `${name} liveness fails when the process is gone`);
  }
});

test('Kubernetes: each service with internal sockets takes its CURVE key from its own Secret, mounted as a file', () => {
  const docs = k8s();
  const cm = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'tarjotin');
  for (const k of ['TARJOTIN_GATEWAY_PUBLIC_KEY', 'TARJOTIN_DIRECTORY_PUBLIC_KEY', 'TARJOTIN_STATS_PUBLIC_KEY']) {
    assert.ok(k in cm.data, `the ConfigMap names ${k}`);
  }
  for (const name of ['gateway', 'directory', 'stats']) {
    const w = docs.find((d) => ['Deployment', 'StatefulSet'].includes(d.kind) && d.metadata.name === name);
    const pod = w.spec.template.spec;
    const ct = pod.containers[0];
    const file = ct.env.find((e) => e.name === 'TARJOTIN_CURVE_SECRET_KEY_FILE')?.value;
    assert.ok(file, `${name} reads its key from a file`);
    const mount = ct.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`));
    assert.ok(mount?.readOnly, `${name}: ${file} is on a read-only mount`);
    const vol = pod.volumes.find((v) => v.name === mount.name);
    assert.equal(vol.secret?.secretName, `tarjotin-${name}`, `${name}: the key comes from its own Secret`);
    const secret = docs.find((d) => d.kind === 'Secret' && d.metadata.name === `tarjotin-${name}`);
    assert.ok(path.basename(file) in secret.stringData, `${name}: the Secret holds ${path.basename(file)}`);
    assert.deepEqual(ct.envFrom.filter((e) => e.secretRef).map((e) => e.secretRef.name), [`tarjotin-${name}`],
      `${name} sees no other service's Secret`);
    if (name !== 'gateway') assert.ok(ct.env.some((e) => e.name === 'TARJOTIN_CURVE_CLIENTS'), `${name} lists its clients`);
  }
  // Every secret there is a placeholder the services refuse, never a usable value.
  for (const s of docs.filter((d) => d.kind === 'Secret')) {
    for (const [k, v] of Object.entries(s.stringData)) {
      if (/PASSWORD|SECRET|TOKEN|KEY|key|pem/.test(k)) assert.match(v, /CHANGE-ME/, `${s.metadata.name} ${k} is a placeholder`);
    }
  }
});
