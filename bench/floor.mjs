#!/usr/bin/env node
// The floor: the fewest Docker API calls that run the benchmark pod, through
// dockerode, with nothing else. Same objects as podrun (a bridge network, an emptyDir
// volume, the pause container owning the network and IPC namespaces and the hostPort,
// two app containers joined with container:<pause>), the same images and commands.
//
//   node bench/floor.mjs up   SPEC.json   network, then per pod (all pods at once):
//                                          volume, create+start pause, create+start
//                                          both apps in parallel
//   node bench/floor.mjs down SPEC.json   per pod: stop the apps in parallel with the
//                                          grace period, force-remove the three
//                                          containers, remove the volume; then the network
//   node bench/floor.mjs list SPEC.json   `podrun get pods -n NS`'s reads: list the
//                                          namespace's containers, inspect each (the
//                                          restart count is only there), print the table
//
// SPEC: { label, network, pauseImage, grace, pods: [{ name, hostPort }],
//         createNetwork?, removeNetwork?, namespace? (list) }.
// bench/floor-raw.mjs makes exactly the same calls through node:http alone.
// Waiting for the page is not done here: the bench polls it the same way for everyone.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import { CONTAINER_PORT, HTTPD_COMMAND, IMAGE, podTable, SIDECAR_COMMAND } from './pod.mjs';

const [verb, specPath] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const docker = new Docker();
const labels = { 'podrun-bench': spec.label };
const names = (pod) => ({
  volume: `${spec.network}_${pod.name}_content`,
  pause: `${spec.network}_${pod.name}_POD`,
  httpd: `${spec.network}_${pod.name}_httpd`,
  refresher: `${spec.network}_${pod.name}_refresher`,
});

async function up(pod) {
  const n = names(pod);
  await docker.createVolume({ Name: n.volume, Labels: labels });
  const pause = await docker.createContainer({
    name: n.pause,
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
  await pause.start();
  const join = `container:${n.pause}`;
  const app = async (name, command, target, readOnly, env) => {
    const container = await docker.createContainer({
      name,
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
    await container.start();
  };
  await Promise.all([
    app(n.httpd, HTTPD_COMMAND, '/www', true, []),
    app(n.refresher, SIDECAR_COMMAND, '/content', false, [`POD_NAME=${pod.name}`]),
  ]);
}

async function down(pod) {
  const n = names(pod);
  await Promise.all(
    [n.httpd, n.refresher].map((name) => docker.getContainer(name).stop({ t: spec.grace })),
  );
  await Promise.all(
    [n.httpd, n.refresher, n.pause].map((name) =>
      docker.getContainer(name).remove({ force: true }),
    ),
  );
  await docker.getVolume(n.volume).remove();
}

// createNetwork / removeNetwork: false when pods are added one at a time to a
// network that already exists (podrun keeps one network per namespace likewise).
if (verb === 'up') {
  if (spec.createNetwork !== false) {
    await docker.createNetwork({ Name: spec.network, Driver: 'bridge', Labels: labels });
  }
  await Promise.all(spec.pods.map(up));
} else if (verb === 'down') {
  await Promise.all(spec.pods.map(down));
  if (spec.removeNetwork !== false) await docker.getNetwork(spec.network).remove();
} else if (verb === 'list') {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [`io.podrun.namespace=${spec.namespace}`] },
  });
  const inspected = await Promise.all(containers.map((c) => docker.getContainer(c.Id).inspect()));
  process.stdout.write(podTable(inspected));
} else {
  process.stderr.write('usage: floor.mjs up|down|list SPEC.json\n');
  process.exitCode = 2;
}
