#!/usr/bin/env node
// The node:http floor: bench/floor.mjs's Docker API calls, one for one and in the same
// order, sent with `http.request` over the engine's unix socket and no client library,
// so what a client library (dockerode, docker-modem) costs shows up as the difference
// between the two floors. Same verbs, same SPEC, same objects:
//
//   node bench/floor-raw.mjs up   SPEC.json   POST /networks/create; per pod (all at
//                                              once): POST /volumes/create, create+start
//                                              the pause, create+start both apps in parallel
//   node bench/floor-raw.mjs down SPEC.json   per pod: stop both apps (?t=grace), DELETE
//                                              the three containers (?force=true), DELETE
//                                              the volume; then DELETE the network
//   node bench/floor-raw.mjs list SPEC.json   GET /containers/json (the namespace's label),
//                                              GET /containers/ID/json for each, the table
//
// The socket is DOCKER_HOST's when it is unix://, else /var/run/docker.sock (what
// dockerode picks too). Paths carry no /vX.Y prefix, as dockerode sends them.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { CONTAINER_PORT, HTTPD_COMMAND, IMAGE, podTable, SIDECAR_COMMAND } from './pod.mjs';

const [verb, specPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const socketPath = process.env.DOCKER_HOST?.startsWith('unix://')
  ? process.env.DOCKER_HOST.slice('unix://'.length)
  : '/var/run/docker.sock';
const labels = { 'podrun-bench': spec.label };
const names = (pod) => ({
  volume: `${spec.network}_${pod.name}_content`,
  pause: `${spec.network}_${pod.name}_POD`,
  httpd: `${spec.network}_${pod.name}_httpd`,
  refresher: `${spec.network}_${pod.name}_refresher`,
});

/** One engine call; resolves the parsed JSON answer (or undefined), rejects on >= 300. */
function api(method, path, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = http.request(
      {
        socketPath,
        method,
        path,
        headers: payload
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }
          : {},
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if (response.statusCode >= 300) {
            reject(new Error(`${method} ${path}: ${response.statusCode} ${text.trim()}`));
          } else {
            resolve(text ? JSON.parse(text) : undefined);
          }
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

const q = encodeURIComponent;

async function createAndStart(name, config) {
  const { Id } = await api('POST', `/containers/create?name=${q(name)}`, config);
  await api('POST', `/containers/${Id}/start`);
}

async function up(pod) {
  const n = names(pod);
  await api('POST', '/volumes/create', { Name: n.volume, Labels: labels });
  await createAndStart(n.pause, {
    Image: spec.pauseImage,
    Hostname: pod.name,
    Labels: labels,
    ExposedPorts: { [`${CONTAINER_PORT}/tcp`]: {} },
    HostConfig: {
      NetworkMode: spec.network,
      IpcMode: 'shareable',
      PortBindings: { [`${CONTAINER_PORT}/tcp`]: [{ HostPort: String(pod.hostPort) }] },
    },
  });
  const join = `container:${n.pause}`;
  const app = (name, command, target, readOnly, env) =>
    createAndStart(name, {
      Image: IMAGE,
      Entrypoint: command,
      Env: env,
      Labels: labels,
      StopTimeout: spec.grace,
      HostConfig: {
        NetworkMode: join,
        IpcMode: join,
        Mounts: [{ Type: 'volume', Source: n.volume, Target: target, ReadOnly: readOnly }],
      },
    });
  await Promise.all([
    app(n.httpd, HTTPD_COMMAND, '/www', true, []),
    app(n.refresher, SIDECAR_COMMAND, '/content', false, [`POD_NAME=${pod.name}`]),
  ]);
}

async function down(pod) {
  const n = names(pod);
  await Promise.all(
    [n.httpd, n.refresher].map((name) =>
      api('POST', `/containers/${q(name)}/stop?t=${spec.grace}`),
    ),
  );
  await Promise.all(
    [n.httpd, n.refresher, n.pause].map((name) =>
      api('DELETE', `/containers/${q(name)}?force=true`),
    ),
  );
  await api('DELETE', `/volumes/${q(n.volume)}`);
}

if (verb === 'up') {
  if (spec.createNetwork !== false) {
    await api('POST', '/networks/create', { Name: spec.network, Driver: 'bridge', Labels: labels });
  }
  await Promise.all(spec.pods.map(up));
} else if (verb === 'down') {
  await Promise.all(spec.pods.map(down));
  if (spec.removeNetwork !== false) await api('DELETE', `/networks/${q(spec.network)}`);
} else if (verb === 'list') {
  const filters = JSON.stringify({ label: [`io.podrun.namespace=${spec.namespace}`] });
  const containers = await api('GET', `/containers/json?all=true&filters=${q(filters)}`);
  const inspected = await Promise.all(
    containers.map((c) => api('GET', `/containers/${c.Id}/json`)),
  );
  process.stdout.write(podTable(inspected));
} else {
  process.stderr.write('usage: floor-raw.mjs up|down|list SPEC.json\n');
  process.exitCode = 2;
}
