// podman as the peer: the bench pod through `podman kube play` / `podman kube down`
// (rootful: the bench runs as root), with nothing ever pulled:
//  - the pod's images (busybox and podrun's own pause image, the pod's infra image)
//    are copied from the Docker engine once per run (`docker save | podman load`,
//    outside the timings) and tagged under the names podman resolves them to;
//  - every podman call reads a containers.conf and a registries.conf of this run
//    (CONTAINERS_CONF, CONTAINERS_REGISTRIES_CONF): infra_image is the pause image,
//    pull_policy is never, and the registries block docker.io and quay.io with no
//    unqualified-search registries, so a pull attempt fails without touching the net;
//  - podman's copy of the manifest says imagePullPolicy: Never on each container
//    (`kube play` has no --pull flag; it follows the manifest).
// podman's copy of the pod is otherwise the same manifest, with two renames: pod names
// carry the run id (podman has no namespaces), and the emptyDir is named after its pod
// (podman 4.3 turns an emptyDir into a named volume called after the volume, which the
// pods of one play would otherwise share).
// Pods join a network of this run (`--network`), removed at the end with every pod,
// container and volume named after the run and each image this run loaded.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GRACE_SECONDS, IMAGE, podManifest } from './pod.mjs';

/** The bench pod(s) as podman plays them (see the header for the differences). */
export function podmanManifestText(pods, runId) {
  return pods
    .map(({ name, hostPort }) => {
      const pod = podManifest({ name, hostPort });
      delete pod.metadata.namespace;
      pod.metadata.labels['podrun-bench'] = runId;
      const volume = `${name}-content`;
      pod.spec.volumes = [{ name: volume, emptyDir: {} }];
      for (const container of pod.spec.containers) {
        container.imagePullPolicy = 'Never';
        for (const mount of container.volumeMounts) mount.name = volume;
      }
      return `---\n${JSON.stringify(pod)}\n`;
    })
    .join('');
}

/** Docker image reference -> the names podman stores it under after `podman load`. */
function podmanNames(reference) {
  const [first, ...rest] = reference.split('/');
  const qualified = rest.length > 0 && (first.includes('.') || first.includes(':'));
  if (qualified || first === 'localhost') return [reference];
  const docker = rest.length === 0 ? `docker.io/library/${reference}` : `docker.io/${reference}`;
  return [`localhost/${reference}`, docker];
}

/**
 * podman 4.3 asks for RLIMIT_NOFILE 1048576 and RLIMIT_NPROC 4194304 in every
 * container, and runc cannot raise a hard limit without CAP_SYS_RESOURCE: a root
 * without it (a container or a sandboxed VM, like this machine) gets
 * "error setting rlimit type 7: operation not permitted" on every start. There the
 * run's containers.conf asks for the limits this process has instead (as the Docker
 * engine's containers get the engine's own); podman runs with a lower RLIMIT_NPROC
 * than its parent (32768 here), so the highest value a throwaway container accepts
 * is used. undefined: podman's defaults work.
 */
function hasSysResource() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const eff = /CapEff:\s*([0-9a-f]+)/.exec(status)?.[1] ?? '0';
  return (BigInt(`0x${eff}`) >> 24n) & 1n;
}

export async function startPodman({ work, runId, pauseImage, run, must, say }) {
  const env = {
    CONTAINERS_CONF: join(work, 'containers.conf'),
    CONTAINERS_REGISTRIES_CONF: join(work, 'registries.conf'),
  };
  const podman = (args, options = {}) => must('podman', args, { ...options, env });
  const tryPodman = (args) => run('podman', args, { env });
  const network = `pbpodman_${runId}`;
  const state = { loaded: [], network: undefined, events: undefined, interface: undefined };
  const exits = new Map(); // container name -> exit code, from `podman events`

  writeFileSync(
    env.CONTAINERS_REGISTRIES_CONF,
    [
      'unqualified-search-registries = []',
      ...['docker.io', 'quay.io', 'registry.fedoraproject.org', 'ghcr.io'].map(
        (prefix) => `[[registry]]\nprefix = "${prefix}"\nlocation = "${prefix}"\nblocked = true`,
      ),
      '',
    ].join('\n'),
  );
  const writeConf = (ulimits) =>
    writeFileSync(
      env.CONTAINERS_CONF,
      [
        ...(ulimits ? ['[containers]', `default_ulimits = ${JSON.stringify(ulimits)}`] : []),
        '[engine]',
        `infra_image = "${podmanNames(pauseImage)[0]}"`,
        'pull_policy = "never"',
        '',
      ].join('\n'),
    );
  writeConf(undefined);

  // Images: copy only what podman lacks; remember what this run added.
  const wanted = [IMAGE, pauseImage];
  const names = wanted.flatMap(podmanNames);
  const before = new Set();
  for (const name of names) {
    if ((await tryPodman(['image', 'exists', name])).code === 0) before.add(name);
  }
  const cleanupState = { state, before, names, env, network, runId };
  try {
    if (!names.every((name) => before.has(name))) {
      const start = performance.now();
      await must(
        'bash',
        ['-c', 'set -o pipefail; docker save "$@" | podman load -q', '-', ...wanted],
        {
          env,
        },
      );
      for (const image of wanted) {
        const [local, ...aliases] = podmanNames(image);
        for (const alias of aliases) {
          if ((await tryPodman(['image', 'exists', alias])).code !== 0)
            await podman(['tag', local, alias]);
        }
      }
      say(
        `podman: loaded ${wanted.join(', ')} from the Docker engine (${(performance.now() - start).toFixed(0)} ms, not timed)`,
      );
    }
    state.loaded = names.filter((name) => !before.has(name));
    for (const name of names) await podman(['image', 'exists', name]);

    if (!hasSysResource()) {
      const limits = readFileSync('/proc/self/limits', 'utf8');
      const hard = (what) =>
        Number(new RegExp(`^${what}\\s+\\S+\\s+(\\d+)`, 'm').exec(limits)?.[1]);
      const nofile = hard('Max open files');
      const nproc = hard('Max processes');
      let chosen;
      for (const candidate of [nproc, 65536, 32768, 16384, 4096].filter((n) => n <= nproc)) {
        const ulimits = [`nofile=${nofile}:${nofile}`, `nproc=${candidate}:${candidate}`];
        writeConf(ulimits);
        const probe = await tryPodman([
          'run',
          '--rm',
          '--pull',
          'never',
          '--network',
          'none',
          '--name',
          `pbpodman_${runId}_ulimit`,
          IMAGE,
          'true',
        ]);
        if (probe.code === 0) {
          chosen = ulimits;
          break;
        }
      }
      if (!chosen)
        throw new Error('podman: no ulimits that runc can set here (no CAP_SYS_RESOURCE)');
      say(`podman: no CAP_SYS_RESOURCE here, containers.conf default_ulimits ${chosen.join(' ')}`);
    }

    await podman(['network', 'create', '--label', `podrun-bench=${runId}`, network]);
    state.network = network;
    state.interface = (
      await podman(['network', 'inspect', '--format', '{{.NetworkInterface}}', network])
    ).stdout.trim();

    state.events = spawn('podman', ['events', '--format', 'json', '--filter', 'event=died'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let buffer = '';
    state.events.stdout.on('data', (chunk) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        try {
          const event = JSON.parse(line);
          // podman leaves ContainerExitCode out when it is 0 (omitempty).
          if (event.Name?.includes(runId)) exits.set(event.Name, event.ContainerExitCode ?? 0);
        } catch {}
      }
    });
  } catch (error) {
    error.podmanCleanup = cleanupState;
    throw error;
  }

  const version = (await tryPodman(['--version'])).stdout.trim();
  const fileOf = (pods) => join(work, `podman-${pods[0].name}-${pods.length}.yaml`);
  return {
    version,
    cleanupState,
    /** `podman kube play` of the pods (one call), until every page answers. */
    async up(pods, waitForPage) {
      writeFileSync(fileOf(pods), podmanManifestText(pods, runId));
      const start = performance.now();
      await podman(['kube', 'play', '--network', network, fileOf(pods)]);
      await Promise.all(pods.map((pod) => waitForPage(pod.hostPort)));
      return performance.now() - start;
    },
    /** `podman kube down`: podman 4.3 stops with SIGKILL at once (podman#22397). */
    async down(pods) {
      const start = performance.now();
      await podman(['kube', 'down', fileOf(pods)]);
      return performance.now() - start;
    },
    /** The graceful way on 4.3: `podman pod stop -t GRACE`, then `podman kube down`. */
    async stopDown(pods) {
      const start = performance.now();
      await podman(['pod', 'stop', '-t', String(GRACE_SECONDS), ...pods.map((p) => p.name)]);
      await podman(['kube', 'down', fileOf(pods)]);
      return performance.now() - start;
    },
    async ps() {
      return (await podman(['pod', 'ps'])).ms;
    },
    /** Exit codes of the app containers of `podName` (events trail the CLI slightly). */
    async appExitCodes(podName) {
      await new Promise((ok) => setTimeout(ok, 150));
      return [...exits]
        .filter(([name]) => name.startsWith(`${podName}-`) && !name.endsWith('-infra'))
        .map(([, code]) => code);
    },
  };
}

/** Remove everything of this run from podman; returns what is still there. */
export async function stopPodman({ state, before, names, env, network, runId }, { run }) {
  const p = (args) => run('podman', args, { env });
  const lines = async (args) =>
    (await p(args)).stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
  state.events?.kill();
  const pods = (await lines(['pod', 'ps', '--format', '{{.Name}}'])).filter((n) =>
    n.includes(runId),
  );
  if (pods.length > 0) await p(['pod', 'rm', '--force', '--time', '0', ...pods]);
  const containers = (await lines(['ps', '-a', '--format', '{{.Names}}'])).filter((n) =>
    n.includes(runId),
  );
  if (containers.length > 0) await p(['rm', '--force', '--time', '0', ...containers]);
  const volumes = (await lines(['volume', 'ls', '--format', '{{.Name}}'])).filter((n) =>
    n.includes(runId),
  );
  if (volumes.length > 0) await p(['volume', 'rm', '--force', ...volumes]);
  if ((await p(['network', 'exists', network])).code === 0) await p(['network', 'rm', network]);
  // `network rm` deletes its bridge; should one stay, it is this run's (made for it).
  if (state.interface && (await run('ip', ['link', 'show', state.interface])).code === 0)
    await run('ip', ['link', 'delete', state.interface]);
  for (const name of names.filter((n) => !before.has(n))) await p(['rmi', name]);

  const left = [
    ...(await lines(['pod', 'ps', '--format', '{{.Name}}'])).filter((n) => n.includes(runId)),
    ...(await lines(['ps', '-a', '--format', '{{.Names}}'])).filter((n) => n.includes(runId)),
    ...(await lines(['volume', 'ls', '--format', '{{.Name}}'])).filter((n) => n.includes(runId)),
    ...(await lines(['network', 'ls', '--format', '{{.Name}}'])).filter((n) => n.includes(runId)),
    ...(await lines(['images', '--format', '{{.Repository}}:{{.Tag}}'])).filter(
      (n) => names.includes(n) && !before.has(n),
    ),
  ];
  if (state.interface && (await run('ip', ['link', 'show', state.interface])).code === 0)
    left.push(`interface ${state.interface}`);
  return left.map((n) => `podman ${n}`);
}
