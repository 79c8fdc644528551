// podrun up -f FILE: the foreground mode of `docker compose up` and
// `podman kube play --wait`. Apply (the pods go to the supervisor, which restarts
// and probes them), stream every container's logs (stdout and stderr merged in
// write order, on stdout) prefixed [pod/container] (a restarted container's new
// instance too), and stop when:
//  - every pod has finished (run-to-completion) and every Job too, when the bundle has
//    no Deployment, ReplicaSet, DaemonSet or CronJob (those run until stopped): exit 0
//    if all Succeeded and every Job is Complete, else 1;
//  - --abort-on-container-exit and an app container exited: its exit code;
//  - Ctrl-C / SIGTERM: 130 / 143.
// It takes what `apply` takes (applyBundle: Namespaces, Services, ConfigMaps,
// Secrets, claims, pods; one warning per object of an ignored kind; the workloads,
// up-workloads.ts). Whatever the
// reason it stops, the workloads are deleted with their pods, the pods are then
// stopped gracefully (preStop, grace period, apps before sidecars, pause last) and
// removed, and the rest of the bundle after them
// (services/tear-down.ts): the Services, the ConfigMaps and Secrets, the claims this
// run created, the namespaces' networks.
import { loadManifests } from '../../manifest/load.js';
import { manifestObjectCount } from '../../manifest/set-checks.js';
import { Labels } from '../../plan/labels.js';
import { instanceLogs } from '../../pod/container-io.js';
import { PodEventStore } from '../../pod/event-store.js';
import { findPodRecord, withDetails } from '../../pod/records.js';
import { podStatus } from '../../pod/status.js';
import { applyBundle } from '../../services/apply-bundle.js';
import { tearDownBundle } from '../../services/tear-down.js';
import { reportsFor, supervisorNamespaceProbes } from '../../supervisor/client.js';
import { ensureSupervisor } from '../../supervisor/launch.js';
import { supervisionScope } from '../../supervisor/paths.js';
import type { WorkloadApplyResult } from '../../workloads/apply.js';
import { checkWorkloadTemplates } from '../../workloads/check.js';
import { qualifiedName } from '../../workloads/labels.js';
import { linePrefixer } from '../line-prefix.js';
import { printWarnings } from '../output.js';
import {
  storeUpWorkloads,
  tearDownWorkloads,
  upWorkloadPods,
  upWorkloadsOutcome,
} from './up-workloads.js';

interface UpFlags {
  filename: string[];
  namespace: string;
  abortOnContainerExit?: boolean;
  pauseImage?: string;
}

const COLOURS = [36, 33, 32, 35, 34, 31, 96, 93, 92, 95];

function useColour(): boolean {
  if (process.env.NO_COLOR) return false;
  return Boolean(process.env.FORCE_COLOR) || Boolean(process.stdout.isTTY);
}

export async function runUp(flags: UpFlags): Promise<void> {
  const set = await loadManifests(flags.filename, {
    defaultNamespace: flags.namespace,
    validate: 'strict',
    bundle: true,
    workloads: true,
  });
  if (manifestObjectCount(set) === 0) throw new Error('no objects passed to up');
  printWarnings(set.warnings);
  // A pod template podrun cannot run fails here, before anything is created.
  await checkWorkloadTemplates(set);
  const controller = new AbortController();
  let signalCode = 0;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(name === 'SIGINT' ? 130 : 143);
    signalCode = name === 'SIGINT' ? 130 : 143;
    process.stderr.write(`\n${name} received: stopping the pods gracefully...\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // The first run's events go to the pods' event stores, as with apply.
  const events = new PodEventStore();
  const results = await applyBundle(set, {
    onWarning: (line) => process.stderr.write(`${line}\n`),
    probes: supervisorNamespaceProbes,
    pauseImage: flags.pauseImage,
    signal: controller.signal,
    supervise: supervisionScope(),
    onProgress: (line) => process.stderr.write(`${line}\n`),
    events: events.sink,
  }).finally(() => events.flush());
  const pods = results.filter((result) => result.kind === 'Pod');
  for (const result of results) {
    process.stderr.write(`${result.kind.toLowerCase()}/${result.name} ${result.action}\n`);
  }
  // Stored for the supervisor, as apply stores them; torn down first at the end.
  let workloads: WorkloadApplyResult[] = [];
  const tearDown = async () => {
    const lines = {
      onLine: (line: string) => process.stderr.write(`${line}\n`),
      onError: (line: string) => process.stderr.write(`Warning: ${line}\n`),
    };
    await tearDownWorkloads(workloads, lines);
    // The workloads' namespaces too: their networks go once nothing uses them.
    const namespaces = workloads.map((w) => ({
      kind: 'Namespace' as const,
      namespace: w.namespace,
      name: w.namespace,
      action: 'unchanged' as const,
    }));
    await tearDownBundle([...results, ...namespaces], lines);
  };
  try {
    workloads = await storeUpWorkloads(set, supervisionScope());
  } catch (error) {
    await tearDown();
    throw error;
  }
  for (const w of workloads) process.stderr.write(`${qualifiedName(w.kind, w.name)} ${w.action}\n`);

  const colour = useColour();
  const followed = new Set<string>();
  const colourOf = new Map<string, number>();
  const follow = async () => {
    const bare = await Promise.all(pods.map((pod) => findPodRecord(pod.namespace, pod.name)));
    const records = [...bare, ...(await upWorkloadPods(workloads))];
    for (const record of records) {
      if (!record) continue;
      for (const info of record.containers) {
        if (followed.has(info.Id) || info.State === 'created') continue;
        followed.add(info.Id);
        const name = `${record.name}/${info.Labels[Labels.container]}`;
        if (!colourOf.has(name)) colourOf.set(name, COLOURS[colourOf.size % COLOURS.length]!);
        const prefix = colour ? `\x1b[${colourOf.get(name)}m[${name}]\x1b[0m ` : `[${name}] `;
        // stdout and stderr merged in write order on stdout, as kubectl logs prints them.
        const out = linePrefixer(process.stdout, prefix);
        void instanceLogs(record, info, { follow: true }, out)
          .catch(() => undefined)
          .finally(() => out.end());
      }
    }
  };

  let exitCode = 0;
  try {
    // Inside the try: a supervisor that cannot start still leaves nothing behind.
    await ensureSupervisor();
    for (;;) {
      if (controller.signal.aborted) {
        exitCode = signalCode || 130;
        break;
      }
      await follow();
      const reports = await reportsFor();
      const statuses = await Promise.all(
        pods.map(async (pod) => {
          const record = await findPodRecord(pod.namespace, pod.name);
          if (!record) return undefined;
          return podStatus(
            await withDetails(record),
            reports[`${pod.namespace}/${pod.name}`]?.probes,
          );
        }),
      );
      if (
        statuses.every((s) => s === undefined || s.phase === 'Succeeded' || s.phase === 'Failed')
      ) {
        const jobs = await upWorkloadsOutcome(workloads);
        if (jobs.finished) {
          for (const line of jobs.failures) process.stderr.write(`${line}\n`);
          exitCode = statuses.every((s) => s?.phase === 'Succeeded') && jobs.succeeded ? 0 : 1;
          break;
        }
      }
      if (flags.abortOnContainerExit) {
        const exited = statuses
          .flatMap((s) => s?.containers ?? [])
          .find((c) => c.role === 'app' && (c.state === 'terminated' || c.lastState));
        if (exited) {
          exitCode = exited.exitCode ?? exited.lastState?.exitCode ?? 1;
          process.stderr.write(`container ${exited.name} exited (code ${exitCode}): aborting\n`);
          break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await tearDown();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  process.exitCode = exitCode;
}
