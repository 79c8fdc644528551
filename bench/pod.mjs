// The benchmark pod, described once and rendered twice: as a Kubernetes manifest for
// podrun (and the peers) and as the Docker objects the floor script creates by hand.
// Pause + web server + sidecar writing the page over an emptyDir; the page is
// published through a hostPort on the pause container. Both containers exit on
// SIGTERM (busybox sh as PID 1 would otherwise ignore it), so delete measures a
// graceful stop, not a grace-period timeout.

export const IMAGE = 'busybox:1.35';
export const GRACE_SECONDS = 5;
export const CONTAINER_PORT = 8080;

export const HTTPD_COMMAND = [
  'sh',
  '-c',
  `trap 'exit 0' TERM; httpd -f -p ${CONTAINER_PORT} -h /www & wait`,
];
export const SIDECAR_COMMAND = [
  'sh',
  '-c',
  `trap 'exit 0' TERM; while true; do echo "<h1>$POD_NAME</h1>" > /content/i.tmp; mv /content/i.tmp /content/index.html; sleep 2 & wait $!; done`,
];

/** One pod as a v1 manifest (YAML is JSON: no yaml dependency needed). */
export function podManifest({ namespace, name, hostPort }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'podrun-bench' } },
    spec: {
      terminationGracePeriodSeconds: GRACE_SECONDS,
      volumes: [{ name: 'content', emptyDir: {} }],
      containers: [
        {
          name: 'httpd',
          image: IMAGE,
          command: HTTPD_COMMAND,
          ports: [{ containerPort: CONTAINER_PORT, hostPort }],
          volumeMounts: [{ name: 'content', mountPath: '/www', readOnly: true }],
        },
        {
          name: 'refresher',
          image: IMAGE,
          command: SIDECAR_COMMAND,
          env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          volumeMounts: [{ name: 'content', mountPath: '/content' }],
        },
      ],
    },
  };
}

/** Several pods as one multi-document manifest text. */
export function manifestText(pods) {
  return pods.map((pod) => `---\n${JSON.stringify(podManifest(pod))}\n`).join('');
}

/** A docker-compose file for the same pod (for the compose peer). */
// Compose interpolates $VAR in the file itself; $$ is a literal dollar for the shell.
const composeLiteral = (command) => command.map((part) => part.replaceAll('$', '$$$$'));

export function composeFile({ name, hostPort, pauseImage }) {
  const service = (command, mount, env) => ({
    image: IMAGE,
    entrypoint: composeLiteral(command),
    network_mode: 'service:pause',
    ipc: 'service:pause',
    depends_on: ['pause'],
    stop_grace_period: `${GRACE_SECONDS}s`,
    volumes: [mount],
    ...(env ? { environment: env } : {}),
  });
  return JSON.stringify({
    services: {
      pause: {
        image: pauseImage,
        hostname: name,
        ipc: 'shareable',
        ports: [`${hostPort}:${CONTAINER_PORT}`],
      },
      httpd: service(HTTPD_COMMAND, 'content:/www:ro'),
      refresher: service(SIDECAR_COMMAND, 'content:/content', { POD_NAME: name }),
    },
    volumes: { content: {} },
  });
}

/**
 * `podrun get pods`'s table from inspected containers (both floors' `list`): one
 * row per pod, from the labels podrun puts on its containers.
 */
export function podTable(inspected, now = Date.now()) {
  const pods = new Map();
  for (const c of inspected) {
    const labels = c.Config.Labels ?? {};
    const name = labels['io.podrun.pod'];
    if (!name) continue;
    const pod = pods.get(name) ?? { apps: 0, running: 0, restarts: 0, started: undefined };
    if (labels['io.podrun.role'] === 'sandbox') pod.started = Date.parse(c.State.StartedAt);
    else if (labels['io.podrun.role'] === 'app') {
      pod.apps++;
      if (c.State.Running) pod.running++;
      pod.restarts += c.RestartCount ?? 0;
    }
    pods.set(name, pod);
  }
  const rows = [...pods].map(([name, p]) => {
    const age = p.started ? `${Math.max(0, Math.round((now - p.started) / 1000))}s` : '<none>';
    const status = p.apps > 0 && p.running === p.apps ? 'Running' : 'Pending';
    return `${name}\t${p.running}/${p.apps}\t${status}\t${p.restarts}\t${age}`;
  });
  return `${['NAME\tREADY\tSTATUS\tRESTARTS\tAGE', ...rows].join('\n')}\n`;
}
