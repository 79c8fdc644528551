// Lists podrun-labelled containers (Deployment and ReplicaSet holders among them),
// volumes and networks (images podrun builds are a
// cache and are kept), and volumes named like a pod's (podrun_<ns>_<pod>_<volume>)
// without labels: the engine makes one itself when a container is created with a
// mount of a named volume that no longer exists, and no label filter sees it. `snapshot FILE` records what exists before the tests; `check
// FILE` fails, naming each object, if the tests left anything new behind.
import { readFileSync, writeFileSync } from 'node:fs';
import Docker from 'dockerode';

const docker = new Docker();
const isPodrun = (labels) => Object.keys(labels ?? {}).some((key) => key.startsWith('io.podrun.'));

// A Deployment's or ReplicaSet's holder (src/workloads/store.ts) is the object
// itself: a leaked one is a workload a test did not delete, named as such.
function describeContainer(labels) {
  if (labels?.['io.podrun.role'] !== 'workload') return 'container';
  const kind = labels['io.podrun.workload-kind'] ?? '?';
  const name = `${labels['io.podrun.namespace'] ?? '?'}/${labels['io.podrun.workload-name'] ?? '?'}`;
  return `workload holder (${kind} ${name})`;
}

async function currentObjects() {
  const containers = (await docker.listContainers({ all: true }))
    .filter((c) => isPodrun(c.Labels))
    .map(
      (c) =>
        `${describeContainer(c.Labels)} ${c.Names[0]?.replace(/^\//, '')} ${c.Id.slice(0, 12)}`,
    );
  const allVolumes = (await docker.listVolumes()).Volumes ?? [];
  const volumes = allVolumes.filter((v) => isPodrun(v.Labels)).map((v) => `volume ${v.Name}`);
  const unlabelled = allVolumes
    .filter((v) => !isPodrun(v.Labels) && v.Name.startsWith('podrun_'))
    .map((v) => `unlabelled volume ${v.Name}`);
  const networks = (await docker.listNetworks())
    .filter((n) => isPodrun(n.Labels))
    .map((n) => `network ${n.Name} ${n.Id.slice(0, 12)}`);
  return [...containers, ...volumes, ...unlabelled, ...networks];
}

const [mode, file] = process.argv.slice(2);
if (mode === 'snapshot') {
  writeFileSync(file, JSON.stringify(await currentObjects()));
} else if (mode === 'check') {
  const before = new Set(JSON.parse(readFileSync(file, 'utf8')));
  const leaked = (await currentObjects()).filter((object) => !before.has(object));
  if (leaked.length > 0) {
    console.error(`leak check: the tests left ${leaked.length} podrun object(s) behind:`);
    for (const object of leaked) console.error(`  ${object}`);
    process.exit(1);
  }
  console.log('leak check: no podrun container, volume or network left behind');
} else {
  console.error('usage: leak-check.mjs snapshot|check FILE');
  process.exit(2);
}
