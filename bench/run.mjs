#!/usr/bin/env node
// npm run bench [-- --reps N --fleet M --cold K --smoke --out FILE]
//
// podrun against the raw Docker API floor (bench/floor.mjs) and, when installed,
// docker-compose and podman, on the same 3-container pod (bench/pod.mjs), interleaved
// over N repetitions in one run so drift hits every contender alike:
//   (a) up:     `podrun apply [--wait]` until the page answers over HTTP
//   (b) delete: `podrun delete pod` (graceful: both apps exit 0 on SIGTERM)
//   (c) floor:  the same pod through the fewest dockerode calls, as a process
//   (d) lib:    the same pod through podrun's library API in this process
//   (e) M pods one after another and M pods at once (one apply of M documents),
//       with podrun's peak RSS for the latter
//   (f) cold start of `podrun --version` and `podrun get pods`
// Prints medians, min and max, podrun/floor ratios (of the medians and pair by pair)
// and writes a JSON result. Everything runs in a fresh namespace on free host ports
// and is removed at the end, also after a failure or Ctrl-C.
//
// --smoke: N=1, M=2, K=3: a quick end-to-end check that the bench itself works.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { composeFile, GRACE_SECONDS, manifestText } from './pod.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'podrun.js');
const probe = join(root, 'bench', 'probe.mjs');
const floorScript = join(root, 'bench', 'floor.mjs');

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
const COLD = Number(value('cold', smoke ? 3 : 15));
const OUT = value('out', join(root, 'bench', 'results', smoke ? 'smoke.json' : 'last.json'));

// ---------- small helpers ----------
const runId = randomBytes(3).toString('hex');
const namespace = `podrun-bench-${runId}`;
// The library runs in its own namespace: its pod must not keep the CLI's namespace
// network alive (podrun removes a namespace's network with its last pod).
const libNamespace = `podrun-benchlib-${runId}`;
const floorNetwork = `pbfloor_${runId}`;
const work = mkdtempSync(join(os.tmpdir(), 'podrun-bench-'));
const docker = new Docker();
const say = (line) => process.stderr.write(`${line}\n`);

function run(command, args, { env, input } = {}) {
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

function podSpec(name, hostPort) {
  return { namespace, name, hostPort };
}

function writeManifest(pods, file) {
  const path = join(work, file);
  writeFileSync(path, manifestText(pods));
  return path;
}

function writeFloorSpec(pods, network, file = `floor-${pods[0].name}.json`) {
  const spec = join(work, file);
  writeFileSync(
    spec,
    JSON.stringify({
      label: runId,
      network: floorNetwork,
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
    const file = writeManifest(pods, `podrun-${pods[0].name}.yaml`);
    const start = performance.now();
    const args = ['apply', '-f', file];
    if (features.wait) args.push('--wait');
    await podrun(args);
    await Promise.all(pods.map((pod) => waitForPage(pod.hostPort)));
    return performance.now() - start;
  },
  async podrunDelete(pods) {
    const start = performance.now();
    if (pods.length === 1) await podrun(['delete', 'pod', pods[0].name, '-n', namespace]);
    else await podrun(['delete', 'pods', '--all', '-n', namespace]);
    return performance.now() - start;
  },
  async floorUp(pods, network = { createNetwork: true, removeNetwork: true }) {
    const spec = writeFloorSpec(pods, network);
    const start = performance.now();
    await must(process.execPath, [floorScript, 'up', spec]);
    await Promise.all(pods.map((pod) => waitForPage(pod.hostPort)));
    return performance.now() - start;
  },
  async floorDelete(pods) {
    const spec = writeFloorSpec(pods, { createNetwork: true, removeNetwork: true });
    const start = performance.now();
    await must(process.execPath, [floorScript, 'down', spec]);
    return performance.now() - start;
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
    return performance.now() - start;
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
  const podman = await run('podman', ['--version']);
  if (podman.code === 0) peers.podman = { command: ['podman'], version: podman.stdout.trim() };
  return peers;
}

function peerContenders(peers) {
  const result = {};
  if (peers.compose) {
    const [cmd, ...pre] = peers.compose.command;
    const project = (pod) => `pbcompose${runId}${pod.name.replace(/[^a-z0-9]/g, '')}`;
    const fileOf = (pod) => join(work, `compose-${pod.name}.json`);
    result.compose = {
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
  if (peers.podman) {
    const fileOf = (pod) => join(work, `podman-${pod.name}.yaml`);
    result.podman = {
      async up([pod]) {
        writeFileSync(fileOf(pod), manifestText([{ ...pod, namespace: undefined }]));
        const start = performance.now();
        await must('podman', ['kube', 'play', fileOf(pod)]);
        await waitForPage(pod.hostPort);
        return performance.now() - start;
      },
      async delete([pod]) {
        const start = performance.now();
        await must('podman', ['kube', 'down', fileOf(pod)]);
        return performance.now() - start;
      },
    };
  }
  return result;
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
  const mine = (labels = {}) =>
    labels['podrun-bench'] === runId || labels['io.podrun.namespace'] === namespace;
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
  ];
  return left;
}

// ---------- main ----------
async function main() {
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) throw new Error('run npm run build first');
  const result = {
    runId,
    namespace,
    startedAt: new Date().toISOString(),
    reps: REPS,
    fleet: FLEET,
    cold: COLD,
  };

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
  for (const peer of ['compose', 'podman']) {
    say(peers[peer] ? `${peer}: ${peers[peer].version}` : `${peer}: not installed, skipped`);
  }
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

  const ports = await freePorts(4 + FLEET);
  const [pPort, fPort, lPort, peerPort] = ports;
  const fleetPorts = ports.slice(4);

  // Warm-up: pause image resolved (and built if needed), images cached by the engine.
  say('warm-up...');
  const warm = podSpec('warm', pPort);
  await contenders.podrunUp([warm]);
  const sandbox = (
    await docker.listContainers({
      filters: { label: [`io.podrun.namespace=${namespace}`, 'io.podrun.role=sandbox'] },
    })
  )[0];
  pauseImage = sandbox.Image;
  await contenders.podrunDelete([warm]);
  await contenders.floorUp([podSpec('warm', fPort)]);
  await contenders.floorDelete([podSpec('warm', fPort)]);
  say(`pause image: ${pauseImage}`);

  const samples = {};
  const add = (key, ms) => {
    samples[key] ??= [];
    samples[key].push(ms);
  };
  const graceful = { floor: [], podrun: [], lib: [] };
  const peerRuns = peerContenders(peers);

  for (let rep = 0; rep < REPS; rep++) {
    const pods = {
      floor: podSpec(`f${rep}`, fPort),
      podrun: podSpec(`p${rep}`, pPort),
      lib: podSpec(`l${rep}`, lPort),
    };
    add('up.floor', await contenders.floorUp([pods.floor]));
    add('up.podrun', await contenders.podrunUp([pods.podrun]));
    add('up.lib', await contenders.libUp([pods.lib]));
    add('delete.floor', await contenders.floorDelete([pods.floor]));
    graceful.floor.push(...(await appExitCodes(`${floorNetwork}_${pods.floor.name}_`)));
    add('delete.podrun', await contenders.podrunDelete([pods.podrun]));
    graceful.podrun.push(...(await appExitCodes(`podrun_${namespace}_${pods.podrun.name}_`)));
    add('delete.lib', await contenders.libDelete([pods.lib]));
    graceful.lib.push(...(await appExitCodes(`podrun_${libNamespace}_${pods.lib.name}_`)));
    for (const [peer, contender] of Object.entries(peerRuns)) {
      const pod = podSpec(`${peer[0]}${rep}`, peerPort);
      add(`up.${peer}`, await contender.up([pod]));
      add(`delete.${peer}`, await contender.delete([pod]));
    }
    say(
      `rep ${rep + 1}/${REPS}: up floor ${samples['up.floor'].at(-1).toFixed(0)} podrun ${samples['up.podrun'].at(-1).toFixed(0)} lib ${samples['up.lib'].at(-1).toFixed(0)} | delete floor ${samples['delete.floor'].at(-1).toFixed(0)} podrun ${samples['delete.podrun'].at(-1).toFixed(0)} lib ${samples['delete.lib'].at(-1).toFixed(0)} ms`,
    );
  }

  // (e) a fleet: M pods one after another (M invocations), then M at once (one).
  const fleet = (prefix) => fleetPorts.map((port, i) => podSpec(`${prefix}${i}`, port));
  const rssFile = join(work, 'rss.jsonl');
  if (FLEET > 0) {
    say(`${FLEET} pods one after another, then ${FLEET} at once...`);
    const seqF = fleet('fs');
    let start = performance.now();
    for (const [i, pod] of seqF.entries()) {
      await contenders.floorUp([pod], { createNetwork: i === 0, removeNetwork: false });
    }
    add('fleetSeq.floor', performance.now() - start);
    add('fleetDelete.floor', await contenders.floorDelete(seqF));

    const seqP = fleet('ps');
    start = performance.now();
    for (const pod of seqP) await contenders.podrunUp([pod]);
    add('fleetSeq.podrun', performance.now() - start);
    add('fleetDelete.podrun', await contenders.podrunDelete(seqP));

    add('fleetPar.floor', await contenders.floorUp(fleet('fp')));
    await contenders.floorDelete(fleet('fp'));

    const parP = fleet('pp');
    const file = writeManifest(parP, 'fleet.yaml');
    start = performance.now();
    await must(
      process.execPath,
      ['--import', probe, bin, 'apply', '-f', file, ...(features.wait ? ['--wait'] : [])],
      {
        env: { PODRUN_BENCH_RSS: rssFile },
      },
    );
    await Promise.all(parP.map((pod) => waitForPage(pod.hostPort)));
    add('fleetPar.podrun', performance.now() - start);
    await must(
      process.execPath,
      ['--import', probe, bin, 'delete', 'pods', '--all', '-n', namespace],
      {
        env: { PODRUN_BENCH_RSS: rssFile },
      },
    );
    const rss = readFileSync(rssFile, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).maxRssKB);
    result.rss = { applyFleetMB: rss[0] / 1024, deleteFleetMB: rss[1] / 1024 };
  }

  // (f) cold start, against bare node.
  say('cold start...');
  for (let i = 0; i < COLD; i++) {
    add('cold.node', (await must(process.execPath, ['-e', '0'])).ms);
    add('cold.version', (await podrun(['--version'])).ms);
    add('cold.getPods', (await podrun(['get', 'pods', '-n', namespace])).ms);
  }

  // Phase breakdown: one traced run of each, Docker calls relative to process start.
  const tp = podSpec('trace', pPort);
  const traces = [];
  traces.push(
    await tracedRun(
      'podrun apply',
      bin,
      ['apply', '-f', writeManifest([tp], 'trace.yaml'), ...(features.wait ? ['--wait'] : [])],
      tp.hostPort,
    ),
  );
  traces.push(await tracedRun('podrun delete', bin, ['delete', 'pod', 'trace', '-n', namespace]));
  const tf = podSpec('trace', fPort);
  const tfSpec = writeFloorSpec([tf], { createNetwork: true, removeNetwork: true });
  traces.push(await tracedRun('floor up', floorScript, ['up', tfSpec], tf.hostPort));
  traces.push(await tracedRun('floor down', floorScript, ['down', tfSpec]));
  result.traces = traces;

  // ---------- report ----------
  const rows = [];
  const summary = {};
  for (const [key, values] of Object.entries(samples)) summary[key] = stats(values);
  const pairRatio = (a, b) =>
    samples[a] && samples[b]
      ? stats(samples[a].map((v, i) => v / samples[b][i])).median
      : undefined;
  const line = (label, key, base) => {
    const s = summary[key];
    if (!s) return;
    const ratio = base && summary[base] ? s.median / summary[base].median : undefined;
    const pair = base ? pairRatio(key, base) : undefined;
    rows.push({ label, key, ...s, ratio, pairRatio: pair });
  };
  line('up+ready  floor (dockerode script)', 'up.floor');
  line('up+ready  podrun apply (CLI)', 'up.podrun', 'up.floor');
  line('up+ready  podrun library (in-process)', 'up.lib', 'up.floor');
  for (const peer of Object.keys(peerRuns)) line(`up+ready  ${peer}`, `up.${peer}`, 'up.floor');
  line('delete    floor', 'delete.floor');
  line('delete    podrun delete (CLI)', 'delete.podrun', 'delete.floor');
  line('delete    podrun library', 'delete.lib', 'delete.floor');
  for (const peer of Object.keys(peerRuns))
    line(`delete    ${peer}`, `delete.${peer}`, 'delete.floor');
  line(`${FLEET} pods one after another  floor`, 'fleetSeq.floor');
  line(`${FLEET} pods one after another  podrun`, 'fleetSeq.podrun', 'fleetSeq.floor');
  line(`${FLEET} pods at once  floor`, 'fleetPar.floor');
  line(`${FLEET} pods at once  podrun`, 'fleetPar.podrun', 'fleetPar.floor');
  line(`delete ${FLEET} pods  floor`, 'fleetDelete.floor');
  line(`delete ${FLEET} pods  podrun`, 'fleetDelete.podrun', 'fleetDelete.floor');
  line('cold start  node -e 0', 'cold.node');
  line('cold start  podrun --version', 'cold.version', 'cold.node');
  line('cold start  podrun get pods', 'cold.getPods', 'cold.node');
  result.summary = rows;
  result.graceful = {
    graceSeconds: GRACE_SECONDS,
    exitCodes: graceful,
    honoured: Object.values(graceful).every(
      (codes) => codes.length > 0 && codes.every((c) => c === 0),
    ),
  };

  const fmt = (n) => (n === undefined ? '' : n.toFixed(0));
  say(
    `\n${'case'.padEnd(40)} ${'median'.padStart(7)} ${'min'.padStart(7)} ${'max'.padStart(7)}  ratio (medians / pair by pair)`,
  );
  for (const r of rows) {
    const ratio =
      r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x / ${r.pairRatio.toFixed(2)}x`;
    say(
      `${r.label.padEnd(40)} ${fmt(r.median).padStart(7)} ${fmt(r.min).padStart(7)} ${fmt(r.max).padStart(7)}  ${ratio}`,
    );
  }
  say('(ms; ratio base: the floor, or bare node for cold start)');
  if (result.rss)
    say(
      `podrun peak RSS: apply of ${FLEET} pods ${result.rss.applyFleetMB.toFixed(0)} MB, delete --all ${result.rss.deleteFleetMB.toFixed(0)} MB`,
    );
  say(
    `graceful stop (grace ${GRACE_SECONDS}s): app exit codes floor [${graceful.floor}] podrun [${graceful.podrun}] lib [${graceful.lib}] -> ${result.graceful.honoured ? 'honoured (SIGTERM, exit 0)' : 'NOT honoured'}`,
  );
  for (const peer of ['compose', 'podman'])
    if (!peers[peer]) say(`${peer}: not installed here, no ratio`);
  for (const trace of traces) printTrace(trace);

  const get = (key) => summary[key]?.median;
  result.targets = {
    upReady: { limit: 1.15, value: get('up.podrun') / get('up.floor') },
    delete: {
      limit: 1.2,
      value: get('delete.podrun') / get('delete.floor'),
      graceful: result.graceful.honoured,
    },
    coldStartMs: { limit: 150, value: get('cold.version') },
    fleetRssMB: { limit: 150, value: result.rss?.applyFleetMB },
  };
  say('\ntargets:');
  for (const [name, t] of Object.entries(result.targets)) {
    const ok = t.value !== undefined && t.value <= t.limit && t.graceful !== false;
    say(
      `  ${name.padEnd(12)} ${t.value === undefined ? 'n/a' : t.value.toFixed(2)} (limit ${t.limit}) ${ok ? 'met' : 'NOT met'}`,
    );
  }
  result.samples = samples;
  return result;
}

let exitCode = 0;
let result;
const interrupted = new Promise((_, reject) => {
  process.once('SIGINT', () => reject(new Error('interrupted')));
});
try {
  result = await Promise.race([main(), interrupted]);
} catch (error) {
  say(`bench failed: ${error.stack ?? error}`);
  exitCode = 1;
} finally {
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
