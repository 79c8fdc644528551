#!/usr/bin/env node
// npm run bench [-- --reps N --fleet M --cold K --few A --many B --podman --no-podman
//                   --replace R --smoke --out FILE --only service]
//
// podrun against two floors and the peers, on the same 3-container pod (bench/pod.mjs):
//   floor  bench/floor.mjs      the fewest Docker API calls for the pod, via dockerode
//   raw    bench/floor-raw.mjs  exactly the same calls through node:http, no library
//   podman `podman kube play` / `kube down` of the same manifest (bench/podman.mjs),
//          when podman is installed; `--podman` (or PODRUN_BENCH_PODMAN=1) installs
//          Debian's podman and catatonit first (scripts/ensure-host-packages.sh bench),
//          `--no-podman` leaves it out
//   compose docker-compose, when installed
// Every case is interleaved over N repetitions in one run (the order rotates each
// repetition) so drift hits every contender alike; ratios are the medians of the
// per-repetition pairs:
//   (a) up:     apply until the page answers over HTTP (one readiness loop for all)
//   (b) delete: graceful (both apps exit 0 on SIGTERM; exit codes from engine events)
//   (c) lib:    the same pod through podrun's library API in this process
//   (d) M pods one after another, and M pods at once (one apply / play / process),
//       with podrun's peak RSS for the latter
//   (e) cold start of `podrun --version`, and `podrun get pods` (against both floors'
//       `list` and `podman pod ps`) with A pods and with B pods
//   (f) the same pod plus one Service (a LoadBalancer on 127.0.0.1:port) applied in
//       one file until the page answers through the Service, interleaved with the
//       pod alone until it answers on its hostPort: the median of the per-rep
//       differences is what the Service costs (target: at most 150 ms)
//   (g) a Deployment of 3 (busybox httpd, supervised): `docker rm -f` of one pod's
//       containers until 3 pods are Ready again without it, read by `get pods -o
//       json` in a loop, so each figure includes up to one get (target: 2 s plus the
//       app's own start, which is nil for httpd); --replace N repetitions
// Writes a JSON result. Everything runs in fresh namespaces / a fresh podman network
// on free host ports and is removed at the end, also after a failure or Ctrl-C.
//
// --smoke: N=1, M=2, K=1, A=1, B=2, one replacement: a quick end-to-end check that the
// bench works.
// --only service: (f) alone (with --fleet 0 --cold 0 --few 0 --many 0 for nothing
// else but the phase traces), N reps of the pod and the pod plus a Service.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { CONTAINER_PORT, composeFile, GRACE_SECONDS, manifestText } from './pod.mjs';
import { startPodman, stopPodman } from './podman.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'podrun.js');
const probe = join(root, 'bench', 'probe.mjs');
const floorScripts = {
  floor: join(root, 'bench', 'floor.mjs'),
  raw: join(root, 'bench', 'floor-raw.mjs'),
};

// ---------- options ----------
const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name, fallback) => {
  const index = argv.indexOf(`--${name}`);
  return index >= 0 && argv[index + 1] !== undefined ? argv[index + 1] : fallback;
};
const smoke = flag('smoke');
const REPS = Number(value('reps', smoke ? 1 : 7));
const FLEET = Number(value('fleet', smoke ? 2 : 20));
const COLD = Number(value('cold', smoke ? 1 : 15));
const FEW = Number(value('few', smoke ? 1 : 3));
const MANY = Math.max(FEW, Number(value('many', smoke ? 2 : 30)));
const INSTALL_PODMAN = flag('podman') || process.env.PODRUN_BENCH_PODMAN === '1';
const NO_PODMAN = flag('no-podman');
const ONLY_SERVICE = value('only', '') === 'service';
const REPLACE = Number(value('replace', smoke ? 1 : ONLY_SERVICE ? 0 : 7));
const OUT = value('out', join(root, 'bench', 'results', smoke ? 'smoke.json' : 'last.json'));

// ---------- small helpers ----------
const runId = randomBytes(3).toString('hex');
const namespace = `podrun-bench-${runId}`;
// The library runs in its own namespace: its pod must not keep the CLI's namespace
// network alive (podrun removes a namespace's network with its last pod).
const libNamespace = `podrun-benchlib-${runId}`;
// (f) in a namespace of its own, emptied after every up: both cases create its network.
const svcNamespace = `podrun-benchsvc-${runId}`;
// (g) the Deployment, in a namespace of its own.
const rsNamespace = `podrun-benchrs-${runId}`;
const floorNetworks = { floor: `pbfloor_${runId}`, raw: `pbraw_${runId}` };
const work = mkdtempSync(join(os.tmpdir(), 'podrun-bench-'));
const docker = new Docker();
const say = (line) => process.stderr.write(`${line}\n`);

// Ctrl-C: no new step starts (run() refuses, the page loop stops), the step under
// way finishes, then cleanup runs with nothing of main() still creating objects.
let interrupted = false;
let cleaning = false;

function run(command, args, { env, input } = {}) {
  if (interrupted && !cleaning) {
    return Promise.resolve({ ms: 0, code: 130, stdout: '', stderr: 'interrupted' });
  }
  return new Promise((resolvePromise) => {
    const start = performance.now();
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    if (input !== undefined) child.stdin.end(input);
    child.on('error', (error) => {
      resolvePromise({ ms: performance.now() - start, code: 127, stdout, stderr: String(error) });
    });
    child.on('close', (code) => {
      resolvePromise({ ms: performance.now() - start, code, stdout, stderr });
    });
  });
}

async function must(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.code}): ${result.stderr.trim()}`,
    );
  }
  return result;
}

const podrun = (args, options) => must(process.execPath, [bin, ...args], options);

async function freePorts(count) {
  const servers = [];
  const ports = [];
  for (let i = 0; i < count; i++) {
    const server = createServer();
    await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
    servers.push(server);
    ports.push(server.address().port);
  }
  await Promise.all(servers.map((server) => new Promise((ok) => server.close(ok))));
  return ports;
}

/** The same readiness loop for every contender: GET / until 200, every 10 ms. */
function answers(port) {
  return new Promise((ok) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      response.resume();
      ok(response.statusCode === 200);
    });
    request.on('error', () => ok(false));
    request.setTimeout(1000, () => request.destroy());
  });
}

async function waitForPage(port, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(port))) {
    if (interrupted) throw new Error('interrupted');
    if (Date.now() > deadline) throw new Error(`no HTTP answer on port ${port}`);
    await new Promise((ok) => setTimeout(ok, 10));
  }
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

// ---------- graceful-stop check: exit codes from the engine's events ----------
const exits = new Map(); // container name -> exit code
let eventStream;
async function watchExits() {
  eventStream = await docker.getEvents({ filters: { type: ['container'], event: ['die'] } });
  let buffer = '';
  eventStream.on('data', (chunk) => {
    buffer += chunk;
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        const event = JSON.parse(line);
        const name = event.Actor?.Attributes?.name ?? '';
        if (name.includes(runId)) {
          exits.set(name, Number(event.Actor.Attributes.exitCode));
        }
      } catch {
        // partial or foreign line
      }
    }
  });
}
/** Exit codes of the app containers (httpd, refresher) whose names contain `part`. */
async function appExitCodes(part) {
  await new Promise((ok) => setTimeout(ok, 50)); // events trail the API answer slightly
  return [...exits]
    .filter(([name]) => name.includes(part) && !/_POD/.test(name))
    .map(([, code]) => code);
}

// ---------- contenders ----------
const features = { wait: false, startPod: false };
let library;
let pauseImage;
let podmanPeer; // bench/podman.mjs, once started
let podmanCleanup; // what stopPodman needs, also when starting it failed half-way

function podSpec(name, hostPort) {
  return { namespace, name, hostPort };
}

function writeManifest(pods, file) {
  const path = join(work, file);
  writeFileSync(path, manifestText(pods));
  return path;
}

/** (f): the bench pod in the Service namespace, with a LoadBalancer Service in front of it. */
function serviceCaseText(pod, servicePort) {
  const pods = manifestText([{ ...pod, namespace: svcNamespace }]);
  if (servicePort === undefined) return pods;
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `${pod.name}-svc`, namespace: svcNamespace },
    spec: {
      type: 'LoadBalancer',
      selector: { app: 'podrun-bench' },
      ports: [{ port: servicePort, targetPort: CONTAINER_PORT }],
    },
  };
  return `${pods}---\n${JSON.stringify(service)}\n`;
}

/** (g): three replicas of a busybox httpd, as the Kubernetes docs' nginx-deployment. */
function deploymentText() {
  return `${JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'replace', namespace: rsNamespace },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'replace' } },
      template: {
        metadata: { labels: { app: 'replace' } },
        spec: {
          containers: [
            {
              name: 'httpd',
              image: 'busybox:1.35',
              command: ['httpd', '-f', '-p', '8080'],
              ports: [{ containerPort: 8080 }],
            },
          ],
        },
      },
    },
  })}\n`;
}

function writeFloorSpec(kind, pods, network = {}) {
  const spec = join(work, `${kind}-${pods[0].name}-${pods.length}.json`);
  writeFileSync(
    spec,
    JSON.stringify({
      label: runId,
      network: floorNetworks[kind],
      namespace,
      pauseImage,
      grace: GRACE_SECONDS,
      pods: pods.map(({ name, hostPort }) => ({ name, hostPort })),
      ...network,
    }),
  );
  return spec;
}

const contenders = {
  async podrunUp(pods) {
    const file = writeManifest(pods, `podrun-${pods[0].name}-${pods.length}.yaml`);
    const start = performance.now();
    const args = ['apply', '-f', file];
    if (features.wait) args.push('--wait');
    await podrun(args);
    await Promise.all(pods.map((pod) => waitForPage(pod.hostPort)));
    return performance.now() - start;
  },
  /** (f): the pod, plus a LoadBalancer Service on `servicePort` when given. */
  async serviceCaseUp(pod, servicePort) {
    const file = join(work, `svc-${pod.name}.yaml`);
    writeFileSync(file, serviceCaseText(pod, servicePort));
    const start = performance.now();
    const args = ['apply', '-f', file];
    if (features.wait) args.push('--wait');
    await podrun(args);
    await waitForPage(servicePort ?? pod.hostPort);
    return performance.now() - start;
  },
  async serviceCaseDelete(pod) {
    await podrun(['delete', '-f', join(work, `svc-${pod.name}.yaml`)]);
  },
  async podrunDelete(pods) {
    const start = performance.now();
    if (pods.length === 1) await podrun(['delete', 'pod', pods[0].name, '-n', namespace]);
    else await podrun(['delete', 'pods', '--all', '-n', namespace]);
    return performance.now() - start;
  },
  async floorUp(kind, pods, network = {}) {
    const spec = writeFloorSpec(kind, pods, network);
    const start = performance.now();
    await must(process.execPath, [floorScripts[kind], 'up', spec]);
    await Promise.all(pods.map((pod) => waitForPage(pod.hostPort)));
    return performance.now() - start;
  },
  async floorDelete(kind, pods, network = {}) {
    const spec = writeFloorSpec(kind, pods, network);
    const start = performance.now();
    await must(process.execPath, [floorScripts[kind], 'down', spec]);
    return performance.now() - start;
  },
  async floorList(kind) {
    const spec = writeFloorSpec(kind, [{ name: 'list' }]);
    return (await must(process.execPath, [floorScripts[kind], 'list', spec])).ms;
  },
  async libUp(pods) {
    const start = performance.now();
    const libPods = pods.map((pod) => ({ ...pod, namespace: libNamespace }));
    const set = library.parseManifestText(manifestText(libPods), 'bench.yaml', {
      defaultNamespace: libNamespace,
      validate: 'strict',
    });
    await library.applyManifests(set);
    await Promise.all(pods.map((pod) => waitForPage(pod.hostPort)));
    const ms = performance.now() - start;
    // The pods' events are written a moment later, off the start path: now, outside
    // the timing, so the write does not land in the next contender's run.
    await library.flushEvents?.();
    return ms;
  },
  async libDelete(pods) {
    const start = performance.now();
    await Promise.all(
      pods.map(async (pod) => {
        const record = await library.findPodRecord(libNamespace, pod.name);
        if (record) await library.deletePodRecord(record);
      }),
    );
    return performance.now() - start;
  },
};

// ---------- peers ----------
async function detectPeers() {
  const peers = {};
  const compose = await run('docker-compose', ['version', '--short']);
  if (compose.code === 0)
    peers.compose = { command: ['docker-compose'], version: compose.stdout.trim() };
  else {
    const plugin = await run('docker', ['compose', 'version', '--short']);
    if (plugin.code === 0)
      peers.compose = { command: ['docker', 'compose'], version: plugin.stdout.trim() };
  }
  if (!NO_PODMAN) {
    const podman = await run('podman', ['--version']);
    if (podman.code === 0) peers.podman = { version: podman.stdout.trim() };
  }
  return peers;
}

function composeContender(peers) {
  const [cmd, ...pre] = peers.compose.command;
  const project = (pod) => `pbcompose${runId}${pod.name.replace(/[^a-z0-9]/g, '')}`;
  const fileOf = (pod) => join(work, `compose-${pod.name}.json`);
  return {
    async up([pod]) {
      writeFileSync(fileOf(pod), composeFile({ ...pod, pauseImage }));
      const start = performance.now();
      await must(cmd, [...pre, '-p', project(pod), '-f', fileOf(pod), 'up', '-d']);
      await waitForPage(pod.hostPort);
      return performance.now() - start;
    },
    async delete([pod]) {
      const start = performance.now();
      await must(cmd, [
        ...pre,
        '-p',
        project(pod),
        '-f',
        fileOf(pod),
        'down',
        '-v',
        '-t',
        String(GRACE_SECONDS),
      ]);
      return performance.now() - start;
    },
  };
}

// ---------- phase breakdown from a traced run ----------
async function tracedRun(label, command, args, port) {
  const traceFile = join(work, `trace-${label}.jsonl`);
  rmSync(traceFile, { force: true });
  const start = performance.now();
  await must(process.execPath, ['--import', probe, command, ...args], {
    env: { PODRUN_BENCH_TRACE: traceFile },
  });
  const processMs = performance.now() - start;
  if (port) await waitForPage(port);
  const total = performance.now() - start;
  const calls = readFileSync(traceFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  return { label, processMs, totalMs: total, calls };
}

function printTrace(trace) {
  say(
    `\n${trace.label}: process ${trace.processMs.toFixed(0)} ms, page answers at ${trace.totalMs.toFixed(0)} ms (ms since process start)`,
  );
  let last = 0;
  for (const call of trace.calls) {
    const gap = call.start - last;
    const note = gap > 3 ? `  (+${gap.toFixed(0)} ms in node before it)` : '';
    say(
      `  ${call.start.toFixed(0).padStart(5)} ${(call.end - call.start).toFixed(0).padStart(4)} ms  ${call.call}${note}`,
    );
    last = Math.max(last, call.end);
  }
}

// ---------- cleanup ----------
async function cleanup() {
  try {
    eventStream?.destroy();
  } catch {}
  const podmanLeft = podmanCleanup ? await stopPodman(podmanCleanup, { run }) : [];
  await run(process.execPath, [
    bin,
    'delete',
    'pods',
    '--all',
    '-n',
    namespace,
    '--grace-period',
    '0',
  ]);
  // The Deployment first, through podrun: a supervisor would replace swept pods.
  await run(process.execPath, [bin, 'delete', 'deployment', 'replace', '-n', rsNamespace]);
  const mine = (labels = {}) =>
    labels['podrun-bench'] === runId ||
    labels['io.podrun.namespace'] === namespace ||
    labels['io.podrun.namespace'] === libNamespace ||
    labels['io.podrun.namespace'] === svcNamespace ||
    labels['io.podrun.namespace'] === rsNamespace;
  const containers = await docker.listContainers({ all: true });
  await Promise.all(
    containers
      .filter((c) => mine(c.Labels) || c.Names.some((n) => n.includes(runId)))
      .map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => {}),
      ),
  );
  const { Volumes = [] } = await docker.listVolumes();
  for (const v of Volumes.filter((v) => mine(v.Labels ?? {}) || v.Name.includes(runId))) {
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => {});
  }
  const networks = await docker.listNetworks();
  for (const n of networks.filter((n) => mine(n.Labels ?? {}) || n.Name.includes(runId))) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => {});
  }
  rmSync(work, { recursive: true, force: true });
  // Leak check: a bench that leaves objects behind is a bug.
  const left = [
    ...(await docker.listContainers({ all: true }))
      .filter((c) => mine(c.Labels) || c.Names.some((n) => n.includes(runId)))
      .map((c) => c.Names[0]),
    ...((await docker.listVolumes()).Volumes ?? [])
      .filter((v) => mine(v.Labels ?? {}) || v.Name.includes(runId))
      .map((v) => v.Name),
    ...(await docker.listNetworks())
      .filter((n) => mine(n.Labels ?? {}) || n.Name.includes(runId))
      .map((n) => n.Name),
    ...podmanLeft,
  ];
  return left;
}

// ---------- main ----------
const rotate = (list, by) => list.map((_, i) => list[(i + by) % list.length]);

async function main() {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('run npm run build first');
  const result = {
    runId,
    namespace,
    startedAt: new Date().toISOString(),
    reps: REPS,
    fleet: FLEET,
    cold: COLD,
    getPods: { few: FEW, many: MANY },
  };

  if (INSTALL_PODMAN && !NO_PODMAN) {
    // Debian's podman + catatonit when missing; a no-op when they are there.
    await must('bash', [join(root, 'scripts', 'ensure-host-packages.sh'), 'bench']);
  }

  // Feature detection: the lifecycle and library work may or may not be there yet.
  const help = await podrun(['apply', '--help']);
  features.wait = /--wait\b/.test(help.stdout);
  const importStart = performance.now();
  library = await import(join(root, 'dist', 'index.js'));
  const libraryImportMs = performance.now() - importStart;
  features.startPod = typeof library.startPod === 'function';
  say(
    `podrun apply: ${features.wait ? 'apply --wait, then the page' : 'no --wait yet: apply, then polling the page'}`,
  );
  say(
    `library: applyManifests + parseManifestText from dist/index.js${features.startPod ? ' (startPod exists; same engine path)' : ''} (import ${libraryImportMs.toFixed(0)} ms, paid once, not in the timings)`,
  );

  const peers = await detectPeers();
  const node = process.version;
  const engine = await docker.version();
  result.machine = {
    node,
    docker: engine.Version,
    api: engine.ApiVersion,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memGB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    podrun: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
    bundled: existsSync(join(root, 'dist', 'bundle', 'podrun.js')),
  };
  result.features = { ...features, peers };
  await watchExits();

  const ports = await freePorts(8 + Math.max(FLEET, MANY) + MANY);
  const port = {
    podrun: ports[0],
    floor: ports[1],
    raw: ports[2],
    lib: ports[3],
    podman: ports[4],
    podmanStop: ports[5],
    compose: ports[6],
  };
  const fleetPorts = ports.slice(8, 8 + Math.max(FLEET, MANY));
  const podmanGetPorts = ports.slice(8 + Math.max(FLEET, MANY));

  // Warm-up: pause image resolved (and built if needed), images cached by the engine.
  say('warm-up...');
  const warm = podSpec('warm', port.podrun);
  await contenders.podrunUp([warm]);
  const sandbox = (
    await docker.listContainers({
      filters: { label: [`io.podrun.namespace=${namespace}`, 'io.podrun.role=sandbox'] },
    })
  )[0];
  pauseImage = sandbox.Image;
  if (/^(sha256:)?[0-9a-f]{12,64}$/.test(pauseImage)) {
    pauseImage = (await docker.getImage(pauseImage).inspect()).RepoTags?.[0] ?? pauseImage;
  }
  await contenders.podrunDelete([warm]);
  for (const kind of ['floor', 'raw']) {
    await contenders.floorUp(kind, [podSpec('warm', port[kind])]);
    await contenders.floorDelete(kind, [podSpec('warm', port[kind])]);
  }
  say(`pause image: ${pauseImage}`);

  if (peers.podman) {
    try {
      podmanPeer = await startPodman({ work, runId, pauseImage, run, must, say });
    } catch (error) {
      podmanCleanup = error.podmanCleanup;
      throw error;
    }
    podmanCleanup = podmanPeer.cleanupState;
    const w = { name: `pm${runId}-warm`, hostPort: port.podman };
    await podmanPeer.up([w], waitForPage);
    await podmanPeer.stopDown([w]);
  }
  for (const peer of ['compose', 'podman']) {
    say(peers[peer] ? `${peer}: ${peers[peer].version}` : `${peer}: not installed, skipped`);
  }

  const traces = [];
  const samples = {};
  const add = (key, ms) => {
    samples[key] ??= [];
    samples[key].push(ms);
  };
  const graceful = { floor: [], raw: [], podrun: [], lib: [], podman: [], podmanStop: [] };
  const compose = peers.compose ? composeContender(peers) : undefined;

  // (a), (b): every contender's up, then every delete, in an order rotated per rep.
  const up = {
    floor: (pod) => contenders.floorUp('floor', [pod]),
    raw: (pod) => contenders.floorUp('raw', [pod]),
    podrun: (pod) => contenders.podrunUp([pod]),
    lib: (pod) => contenders.libUp([pod]),
  };
  const down = {
    floor: (pod) => contenders.floorDelete('floor', [pod]),
    raw: (pod) => contenders.floorDelete('raw', [pod]),
    podrun: (pod) => contenders.podrunDelete([pod]),
    lib: (pod) => contenders.libDelete([pod]),
  };
  const exitsOf = {
    floor: (pod) => appExitCodes(`${floorNetworks.floor}_${pod.name}_`),
    raw: (pod) => appExitCodes(`${floorNetworks.raw}_${pod.name}_`),
    podrun: (pod) => appExitCodes(`podrun_${namespace}_${pod.name}_`),
    lib: (pod) => appExitCodes(`podrun_${libNamespace}_${pod.name}_`),
  };
  if (podmanPeer) {
    // Two podman pods a rep: one deleted the way users would (`kube down`, which on
    // podman 4.3 kills at once), one stopped gracefully first (`pod stop`, then down).
    up.podman = (pod) => podmanPeer.up([pod], waitForPage);
    up.podmanStop = (pod) => podmanPeer.up([pod], waitForPage);
    down.podman = (pod) => podmanPeer.down([pod]);
    down.podmanStop = (pod) => podmanPeer.stopDown([pod]);
    exitsOf.podman = (pod) => podmanPeer.appExitCodes(pod.name);
    exitsOf.podmanStop = (pod) => podmanPeer.appExitCodes(pod.name);
  }
  if (compose) {
    up.compose = (pod) => compose.up([pod]);
    down.compose = (pod) => compose.delete([pod]);
  }
  const everyone = Object.keys(up);
  for (let rep = 0; rep < (ONLY_SERVICE ? 0 : REPS); rep++) {
    const pods = {
      floor: podSpec(`f${rep}`, port.floor),
      raw: podSpec(`r${rep}`, port.raw),
      podrun: podSpec(`p${rep}`, port.podrun),
      lib: podSpec(`l${rep}`, port.lib),
      podman: { name: `pm${runId}-a${rep}`, hostPort: port.podman },
      podmanStop: { name: `pm${runId}-b${rep}`, hostPort: port.podmanStop },
      compose: podSpec(`c${rep}`, port.compose),
    };
    const order = rotate(everyone, rep);
    for (const who of order) add(`up.${who}`, await up[who](pods[who]));
    for (const who of order) {
      add(`delete.${who}`, await down[who](pods[who]));
      if (exitsOf[who]) graceful[who].push(...(await exitsOf[who](pods[who])));
    }
    say(
      `rep ${rep + 1}/${REPS}: up ${everyone.map((w) => `${w} ${samples[`up.${w}`].at(-1).toFixed(0)}`).join(' ')} | delete ${everyone.map((w) => `${w} ${samples[`delete.${w}`].at(-1).toFixed(0)}`).join(' ')} ms`,
    );
  }

  // (f) the pod plus one Service against the pod alone, interleaved, a fresh
  // namespace network for both every time (each rep deletes what it applied).
  {
    const [podPort, servicePort] = await freePorts(2);
    const cases = {
      pod: (rep) => podSpec(`sp${rep}`, podPort),
      podSvc: (rep) => podSpec(`ss${rep}`, podPort),
    };
    const extra = [];
    for (let rep = 0; rep < REPS; rep++) {
      for (const who of rotate(Object.keys(cases), rep)) {
        const pod = cases[who](rep);
        add(
          `svc.${who}`,
          await contenders.serviceCaseUp(pod, who === 'podSvc' ? servicePort : undefined),
        );
        await contenders.serviceCaseDelete(pod);
      }
      extra.push(samples['svc.podSvc'].at(-1) - samples['svc.pod'].at(-1));
      say(
        `service rep ${rep + 1}/${REPS}: pod ${samples['svc.pod'].at(-1).toFixed(0)} pod+Service ${samples['svc.podSvc'].at(-1).toFixed(0)} ms (+${extra.at(-1).toFixed(0)})`,
      );
    }
    result.service = { extraMs: stats(extra), samples: extra };
    const tp = podSpec('svctrace', podPort);
    const file = join(work, 'svc-trace.yaml');
    writeFileSync(file, serviceCaseText(tp, servicePort));
    traces.push(
      await tracedRun(
        'podrun apply pod + Service',
        bin,
        ['apply', '-f', file, ...(features.wait ? ['--wait'] : [])],
        servicePort,
      ),
    );
    await podrun(['delete', '-f', file]);
  }

  // (g) a Deployment's pod lost to `docker rm -f`, until its replacement is Ready.
  if (REPLACE > 0) {
    say(`a Deployment of 3: ${REPLACE} pods removed with docker rm -f and replaced...`);
    const file = join(work, 'deployment.yaml');
    writeFileSync(file, deploymentText());
    await podrun(['apply', '-f', file, ...(features.wait ? ['--wait'] : [])]);
    const ready = async () => {
      const list = JSON.parse(
        (await podrun(['get', 'pods', '-n', rsNamespace, '-o', 'json'])).stdout,
      );
      return list.items
        .filter((pod) =>
          pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        )
        .map((pod) => pod.metadata.name);
    };
    const readyThree = async (without) => {
      const deadline = Date.now() + 30000;
      for (;;) {
        const names = await ready();
        if (names.length === 3 && !names.includes(without)) return;
        if (interrupted) throw new Error('interrupted');
        if (Date.now() > deadline) throw new Error(`no third Ready pod after ${without} went`);
        await new Promise((ok) => setTimeout(ok, 20));
      }
    };
    await readyThree(undefined);
    for (let rep = 0; rep < REPLACE; rep++) {
      const [victim] = await ready();
      const containers = await docker.listContainers({
        all: true,
        filters: { label: [`io.podrun.namespace=${rsNamespace}`, `io.podrun.pod=${victim}`] },
      });
      const start = performance.now();
      await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true })));
      await readyThree(victim);
      add('replace.podrun', performance.now() - start);
      say(`replacement ${rep + 1}/${REPLACE}: ${samples['replace.podrun'].at(-1).toFixed(0)} ms`);
    }
    await podrun(['delete', '-f', file]);
  }

  // (d) a fleet: M pods one after another (M invocations), then M at once (one).
  const fleet = (prefix, count = FLEET) =>
    fleetPorts.slice(0, count).map((p, i) => podSpec(`${prefix}${i}`, p));
  const rssFile = join(work, 'rss.jsonl');
  if (FLEET > 0) {
    say(`${FLEET} pods one after another, then ${FLEET} at once...`);
    const seqF = fleet('fs');
    let start = performance.now();
    for (const [i, pod] of seqF.entries()) {
      await contenders.floorUp('floor', [pod], { createNetwork: i === 0, removeNetwork: false });
    }
    add('fleetSeq.floor', performance.now() - start);
    await contenders.floorDelete('floor', seqF);

    const seqP = fleet('ps');
    start = performance.now();
    for (const pod of seqP) await contenders.podrunUp([pod]);
    add('fleetSeq.podrun', performance.now() - start);
    await contenders.podrunDelete(seqP);

    for (const kind of ['floor', 'raw']) {
      const pods = fleet(`${kind[0]}p`);
      add(`fleetPar.${kind}`, await contenders.floorUp(kind, pods));
      add(`fleetDelete.${kind}`, await contenders.floorDelete(kind, pods));
    }

    const parP = fleet('pp');
    const file = writeManifest(parP, 'fleet.yaml');
    start = performance.now();
    await must(
      process.execPath,
      ['--import', probe, bin, 'apply', '-f', file, ...(features.wait ? ['--wait'] : [])],
      { env: { PODRUN_BENCH_RSS: rssFile } },
    );
    await Promise.all(parP.map((pod) => waitForPage(pod.hostPort)));
    add('fleetPar.podrun', performance.now() - start);
    add(
      'fleetDelete.podrun',
      (
        await must(
          process.execPath,
          ['--import', probe, bin, 'delete', 'pods', '--all', '-n', namespace],
          { env: { PODRUN_BENCH_RSS: rssFile } },
        )
      ).ms,
    );
    const rss = readFileSync(rssFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).maxRssKB);
    result.rss = { applyFleetMB: rss[0] / 1024, deleteFleetMB: rss[1] / 1024 };

    if (podmanPeer) {
      const pods = fleetPorts
        .slice(0, FLEET)
        .map((hostPort, i) => ({ name: `pm${runId}-f${i}`, hostPort }));
      add('fleetPar.podman', await podmanPeer.up(pods, waitForPage));
      add('fleetDelete.podman', await podmanPeer.down(pods));
    }
  }

  // (e) cold start against bare node, and get pods against both floors' list and
  // `podman pod ps`, first with FEW pods, then with MANY.
  say(`cold start, get pods with ${FEW} and with ${MANY} pods...`);
  const getPodrun = fleet('g', MANY);
  const getPodman = podmanGetPorts.map((hostPort, i) => ({ name: `pm${runId}-g${i}`, hostPort }));
  const cold = {
    node: async () => (await must(process.execPath, ['-e', '0'])).ms,
    version: async () => (await podrun(['--version'])).ms,
    podrun: async () => (await podrun(['get', 'pods', '-n', namespace])).ms,
    floor: () => contenders.floorList('floor'),
    raw: () => contenders.floorList('raw'),
    ...(podmanPeer ? { podman: () => podmanPeer.ps() } : {}),
  };
  for (const [phase, from, to] of [
    ['getFew', 0, FEW],
    ['getMany', FEW, MANY],
  ]) {
    if (to > from) {
      await contenders.podrunUp(getPodrun.slice(from, to));
      if (podmanPeer) await podmanPeer.up(getPodman.slice(from, to), waitForPage);
    }
    const who = Object.keys(cold).filter((w) => phase === 'getFew' || w !== 'version');
    for (let i = 0; i < COLD; i++) {
      for (const w of rotate(who, i)) add(`${phase}.${w}`, await cold[w]());
    }
    traces.push(
      await tracedRun(`podrun get pods (${to} pods)`, bin, ['get', 'pods', '-n', namespace]),
    );
    traces.push(
      await tracedRun(`floor list (${to} pods)`, floorScripts.floor, [
        'list',
        writeFloorSpec('floor', [{ name: 'list' }]),
      ]),
    );
  }
  await contenders.podrunDelete(getPodrun);
  if (podmanPeer) {
    await podmanPeer.down(getPodman.slice(0, FEW));
    if (MANY > FEW) await podmanPeer.down(getPodman.slice(FEW, MANY));
  }

  // Phase breakdown: one traced run of each, Docker calls relative to process start.
  const tp = podSpec('trace', port.podrun);
  traces.push(
    await tracedRun(
      'podrun apply',
      bin,
      ['apply', '-f', writeManifest([tp], 'trace.yaml'), ...(features.wait ? ['--wait'] : [])],
      tp.hostPort,
    ),
  );
  traces.push(await tracedRun('podrun delete', bin, ['delete', 'pod', 'trace', '-n', namespace]));
  for (const kind of ['floor', 'raw']) {
    const tf = podSpec('trace', port[kind]);
    const spec = writeFloorSpec(kind, [tf]);
    traces.push(await tracedRun(`${kind} up`, floorScripts[kind], ['up', spec], tf.hostPort));
    traces.push(await tracedRun(`${kind} down`, floorScripts[kind], ['down', spec]));
  }
  result.traces = traces;

  // ---------- report ----------
  const summary = {};
  for (const [key, values] of Object.entries(samples)) summary[key] = stats(values);
  const pairRatio = (a, b) => {
    const n = Math.min(samples[a].length, samples[b].length);
    return stats(samples[a].slice(0, n).map((v, i) => v / samples[b][i])).median;
  };
  const bases = ['floor', 'raw', 'podman', 'node'];
  const rows = [];
  const line = (label, key, only = bases) => {
    if (!summary[key]) return;
    const [kase, who] = key.split('.');
    const ratios = {};
    for (const base of only) {
      const baseKey = `${kase}.${base}`;
      if (base !== who && summary[baseKey]) ratios[base] = pairRatio(key, baseKey);
    }
    rows.push({ label, key, ...summary[key], ratios });
  };
  const apply = features.wait ? 'podrun apply --wait' : 'podrun apply';
  for (const kase of ['up', 'delete']) {
    const verb = kase === 'up' ? 'up+ready ' : 'delete   ';
    line(`${verb} floor (dockerode)`, `${kase}.floor`);
    line(`${verb} floor (node:http)`, `${kase}.raw`);
    line(`${verb} ${kase === 'up' ? apply : 'podrun delete pod'}`, `${kase}.podrun`);
    line(`${verb} podrun library`, `${kase}.lib`);
    if (kase === 'up') line(`${verb} podman kube play`, 'up.podman');
    else {
      line(`${verb} podman kube down`, 'delete.podman');
      line(`${verb} podman pod stop + kube down`, 'delete.podmanStop');
    }
    line(`${verb} compose`, `${kase}.compose`);
  }
  line('up+ready pod alone (Service namespace)', 'svc.pod', []);
  line('up+ready pod + LoadBalancer Service', 'svc.podSvc', []);
  line('Deployment pod rm -f to Ready again', 'replace.podrun', []);
  line(`${FLEET} pods one by one  floor (dockerode)`, 'fleetSeq.floor');
  line(`${FLEET} pods one by one  podrun`, 'fleetSeq.podrun');
  for (const [kase, what] of [
    ['fleetPar', `${FLEET} pods at once `],
    ['fleetDelete', `delete ${FLEET} pods `],
  ]) {
    line(`${what} floor (dockerode)`, `${kase}.floor`);
    line(`${what} floor (node:http)`, `${kase}.raw`);
    line(`${what} podrun (one call)`, `${kase}.podrun`);
    line(`${what} podman (one call)`, `${kase}.podman`);
  }
  line('cold start  node -e 0', 'getFew.node', []);
  line('cold start  podrun --version', 'getFew.version', ['node']);
  for (const [kase, count] of [
    ['getFew', FEW],
    ['getMany', MANY],
  ]) {
    if (kase === 'getMany') line(`get, ${count} pods  node -e 0`, `${kase}.node`, []);
    line(`get, ${count} pods  floor list (dockerode)`, `${kase}.floor`);
    line(`get, ${count} pods  floor list (node:http)`, `${kase}.raw`);
    line(`get, ${count} pods  podrun get pods`, `${kase}.podrun`);
    line(`get, ${count} pods  podman pod ps`, `${kase}.podman`);
  }
  result.summary = rows;
  const honoured = (codes) => codes.length > 0 && codes.every((c) => c === 0);
  result.graceful = {
    graceSeconds: GRACE_SECONDS,
    exitCodes: graceful,
    honoured: ['floor', 'raw', 'podrun', 'lib'].every((w) => honoured(graceful[w])),
  };

  const fmt = (n) => (n === undefined ? '' : n.toFixed(0));
  const cell = (r) => (r === undefined ? '' : `${r.toFixed(2)}x`);
  const width = 42;
  say(
    `\n${'case (ms)'.padEnd(width)} ${'median'.padStart(7)} ${'min'.padStart(7)} ${'max'.padStart(7)}  ${bases.map((b) => `/${b}`.padStart(7)).join(' ')}`,
  );
  for (const r of rows) {
    say(
      `${r.label.padEnd(width)} ${fmt(r.median).padStart(7)} ${fmt(r.min).padStart(7)} ${fmt(r.max).padStart(7)}  ${bases.map((b) => cell(r.ratios[b]).padStart(7)).join(' ')}`,
    );
  }
  say(
    `(ms over ${REPS} reps, ${COLD} for cold/get; /X: median of the per-rep ratios to X, interleaved in this run;`,
  );
  say(
    ' floor = bench/floor.mjs (dockerode), raw = bench/floor-raw.mjs (node:http), same calls; node = node -e 0)',
  );
  if (result.rss)
    say(
      `podrun peak RSS: apply of ${FLEET} pods ${result.rss.applyFleetMB.toFixed(0)} MB, delete --all ${result.rss.deleteFleetMB.toFixed(0)} MB`,
    );
  say(
    `graceful stop (grace ${GRACE_SECONDS}s), app exit codes: ${Object.entries(graceful)
      .filter(([, codes]) => codes.length > 0)
      .map(([w, codes]) => `${w} [${codes}]`)
      .join(
        ' ',
      )} -> podrun and floors ${result.graceful.honoured ? 'honoured (SIGTERM, exit 0)' : 'NOT honoured'}`,
  );
  for (const peer of ['compose', 'podman'])
    if (!peers[peer]) say(`${peer}: not installed here, no ratio`);
  for (const trace of traces) printTrace(trace);

  // Issue 14's and 11's targets (and 12's replacement), from this run's medians; ratios
  // are the medians of per-rep pairs. A case this run did not measure says so.
  const get = (key) => summary[key]?.median;
  const ratio = (a, b) => (summary[a] && summary[b] ? pairRatio(a, b) : undefined);
  result.targets = {
    applyVsPodman: { limit: 1, value: ratio('up.podrun', 'up.podman') },
    libraryVsRaw: { limit: 1.05, value: ratio('up.lib', 'up.raw') },
    getFewMs: { limit: 100, value: get('getFew.podrun') },
    getManyMs: { limit: 150, value: get('getMany.podrun') },
    fleetVsFloor: { limit: 1.2, value: ratio('fleetPar.podrun', 'fleetPar.floor') },
    deleteVsFloor: {
      limit: 1.1,
      value: ratio('delete.podrun', 'delete.floor'),
      graceful: result.graceful.honoured,
    },
    serviceExtraMs: { limit: 150, value: result.service?.extraMs.median },
    replaceMs: { limit: 2000, value: get('replace.podrun') },
    fleetRssMB: { limit: 150, value: result.rss?.applyFleetMB },
  };
  say('\ntargets:');
  for (const [name, t] of Object.entries(result.targets)) {
    if (t.value === undefined || Number.isNaN(t.value)) {
      say(`  ${name.padEnd(15)} not measured in this run (limit ${t.limit})`);
      continue;
    }
    const ok = t.value <= t.limit && t.graceful !== false;
    const graceful = t.graceful === false ? ', apps not stopped gracefully' : '';
    say(
      `  ${name.padEnd(15)} ${t.value.toFixed(2)} (limit ${t.limit}${graceful}) ${ok ? 'met' : 'NOT met'}`,
    );
  }
  result.samples = samples;
  return result;
}

let exitCode = 0;
let result;
process.once('SIGINT', () => {
  interrupted = true;
  say('interrupted: finishing the step under way, then cleaning up');
});
try {
  result = await main();
  if (interrupted) throw new Error('interrupted');
} catch (error) {
  result = undefined;
  say(`bench failed: ${interrupted ? 'interrupted' : (error.stack ?? error)}`);
  exitCode = 1;
} finally {
  cleaning = true;
  const left = await cleanup();
  if (left.length > 0) {
    say(`LEAK: the bench left ${left.join(', ')}`);
    exitCode = 1;
  } else {
    say('cleanup: nothing left behind');
  }
}
if (result) {
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(result, null, 2)}\n`);
  say(`result: ${OUT}`);
}
process.exit(exitCode);
