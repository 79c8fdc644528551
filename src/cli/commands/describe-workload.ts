// podrun describe deployment|rs|ds|job|cronjob NAME: kubectl's layout (describe.go's
// DeploymentDescriber, ReplicaSetDescriber and DaemonSetDescriber; Jobs and CronJobs
// in describe-jobs.ts) over the stored object, the numbers recomputed from its pods,
// the conditions the supervisor stored, and its ScalingReplicaSet events.
import type { DeploymentStatus, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import { REVISION_ANNOTATION } from '../../controllers/deployment.js';
import { sameTemplate } from '../../controllers/hash.js';
import type { ProbeReport } from '../../pod/probes/report.js';
import type { PodRecord } from '../../pod/records.js';
import { podStatus } from '../../pod/status.js';
import { supervisorNamespaceProbes } from '../../supervisor/client.js';
import { qualifiedKind, type StoredKind } from '../../workloads/labels.js';
import {
  type CronJobView,
  type DaemonSetView,
  type JobView,
  type ReplicaSetView,
  readWorkloads,
} from '../../workloads/read.js';
import { listStored, readStoredStatus } from '../../workloads/store.js';
import { readWorkloadEvents, type WorkloadEvent } from '../../workloads/workload-events.js';
import { describeCronJob, describeJob } from './describe-jobs.js';
import { lines, pairs, podTemplate, selectorText } from './describe-layout.js';
import { eventsSection } from './events-table.js';

const created = (rs: ReplicaSet | undefined) => {
  const text = rs?.metadata?.creationTimestamp;
  const time = text ? new Date(text) : undefined;
  return time && Number.isFinite(time.getTime()) ? time.toUTCString() : '<unknown>';
};

const rsLine = (rs: ReplicaSetView) =>
  `${rs.stored.name} (${rs.object.status.replicas ?? 0}/${rs.object.spec?.replicas ?? 1} replicas created)`;

/** The stored objects of one kind in a namespace with their labels (describe KIND -l). */
export async function workloadNamesAndLabels(
  kind: StoredKind,
  namespace: string,
): Promise<{ name: string; labels?: Record<string, string> }[]> {
  return (await listStored({ kind, namespace })).map((stored) => ({
    name: stored.name,
    labels: stored.object.metadata?.labels,
  }));
}

/** kubectl describe KIND NAME's text for a Deployment, ReplicaSet, DaemonSet, Job or CronJob. */
export async function describeWorkloadText(
  kind: StoredKind,
  name: string,
  namespace: string,
): Promise<string> {
  const probes = await supervisorNamespaceProbes(namespace);
  const views = await readWorkloads(namespace, probes);
  const out: string[] = [];
  const notFound = () =>
    new Error(
      `${qualifiedKind(kind).replace('.', 's.')} "${name}" not found in namespace ${namespace}`,
    );
  if (kind === 'Job' || kind === 'CronJob') {
    const list: Array<JobView | CronJobView> = kind === 'Job' ? views.jobs : views.cronJobs;
    const view = list.find((v) => v.stored.name === name);
    if (!view) throw notFound();
    const events = await readWorkloadEvents(view.stored.holderId);
    out.push(
      ...(kind === 'Job'
        ? describeJob(view as JobView, probes, events)
        : describeCronJob(view as CronJobView, events)),
    );
  } else if (kind === 'DaemonSet') {
    const view = views.daemonSets.find((ds) => ds.stored.name === name);
    if (!view) throw notFound();
    out.push(...describeDaemonSet(view, probes, await readWorkloadEvents(view.stored.holderId)));
  } else if (kind === 'Deployment') {
    const view = views.deployments.find((d) => d.stored.name === name);
    if (!view) throw new Error(`deployments.apps "${name}" not found in namespace ${namespace}`);
    const d = view.stored.object;
    const [kept, events] = await Promise.all([
      readStoredStatus<DeploymentStatus>(view.stored.holderId).catch(() => undefined),
      readWorkloadEvents(view.stored.holderId),
    ]);
    const template = d.spec?.template;
    const newRS = view.sets.find((rs) => sameTemplate(rs.object.spec?.template, template));
    const old = view.sets.filter((rs) => rs !== newRS && (rs.object.status.replicas ?? 0) > 0);
    const n = view.numbers;
    const annotations = {
      ...d.metadata?.annotations,
      ...(newRS?.object.metadata?.annotations?.[REVISION_ANNOTATION]
        ? { [REVISION_ANNOTATION]: newRS.object.metadata.annotations[REVISION_ANNOTATION] }
        : {}),
    };
    lines(out, 'Name', [name]);
    lines(out, 'Namespace', [namespace]);
    lines(out, 'CreationTimestamp', [created(d as ReplicaSet)]);
    lines(out, 'Labels', pairs(d.metadata?.labels, '='));
    lines(out, 'Annotations', pairs(annotations, ': '));
    lines(out, 'Selector', [selectorText(d.spec?.selector)]);
    lines(out, 'Replicas', [
      `${n.replicas} desired | ${n.updated} updated | ${n.current} total | ${n.available} available | ${Math.max(0, n.replicas - n.available)} unavailable`,
    ]);
    const strategy = d.spec?.strategy?.type ?? 'RollingUpdate';
    lines(out, 'StrategyType', [strategy]);
    lines(out, 'MinReadySeconds', [String(d.spec?.minReadySeconds ?? 0)]);
    if (strategy === 'RollingUpdate') {
      const ru = d.spec?.strategy?.rollingUpdate;
      lines(out, 'RollingUpdateStrategy', [
        `${ru?.maxUnavailable ?? '25%'} max unavailable, ${ru?.maxSurge ?? '25%'} max surge`,
      ]);
    }
    podTemplate(out, template);
    const conditions = (kept?.observedGeneration ?? 0) > 0 ? (kept?.conditions ?? []) : [];
    if (conditions.length > 0) {
      out.push('Conditions:');
      const rows = [
        ['Type', 'Status', 'Reason'],
        ['----', '------', '------'],
        ...conditions.map((c) => [c.type, c.status, c.reason ?? '']),
      ];
      const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
      for (const row of rows)
        out.push(
          `  ${row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]! + 2) : cell)).join('')}`.trimEnd(),
        );
    }
    lines(out, 'OldReplicaSets', [old.map(rsLine).join(', ') || '<none>'], 17);
    lines(out, 'NewReplicaSet', [newRS ? rsLine(newRS) : '<none>'], 17);
    out.push(...eventsSection(events));
  } else {
    const view = views.replicaSets.find((rs) => rs.stored.name === name);
    if (!view) throw new Error(`replicasets.apps "${name}" not found in namespace ${namespace}`);
    const rs = view.object;
    const owner = rs.metadata?.ownerReferences?.find((r) => r.controller);
    const column = 14;
    lines(out, 'Name', [name], column);
    lines(out, 'Namespace', [namespace], column);
    lines(out, 'Selector', [selectorText(rs.spec?.selector)], column);
    lines(out, 'Labels', pairs(rs.metadata?.labels, '='), column);
    lines(out, 'Annotations', pairs(rs.metadata?.annotations, ': '), column);
    if (owner) lines(out, 'Controlled By', [`${owner.kind}/${owner.name}`], column);
    lines(
      out,
      'Replicas',
      [`${rs.status.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired`],
      column,
    );
    lines(out, 'Pods Status', [podsStatus(view.pods, probes)], column);
    podTemplate(out, rs.spec?.template);
    out.push(...eventsSection(await readWorkloadEvents(view.stored.holderId)));
  }
  return `${out.join('\n')}\n`;
}

/** kubectl's "Pods Status" of a ReplicaSet or DaemonSet: its pods by phase. */
function podsStatus(pods: readonly PodRecord[], probes: ProbeReport): string {
  const phases = { Running: 0, Pending: 0, Succeeded: 0, Failed: 0 };
  for (const record of pods.filter((p) => !p.terminating)) {
    const phase = podStatus(record, probes).phase;
    if (phase in phases) phases[phase as keyof typeof phases]++;
  }
  return `${phases.Running} Running / ${phases.Pending} Waiting / ${phases.Succeeded} Succeeded / ${phases.Failed} Failed`;
}

/**
 * describe.go's DaemonSetDescriber: the counts go unaligned (they carry no tab there),
 * and the one node of the engine is every count's 1.
 */
function describeDaemonSet(
  view: DaemonSetView,
  probes: ProbeReport,
  events: readonly WorkloadEvent[],
): string[] {
  const out: string[] = [];
  const ds = view.object;
  const status = ds.status;
  const column = 16;
  lines(out, 'Name', [view.stored.name], column);
  lines(out, 'Namespace', [view.stored.namespace], column);
  lines(out, 'Selector', [selectorText(ds.spec?.selector)], column);
  lines(
    out,
    'Node-Selector',
    [pairs(ds.spec?.template?.spec?.nodeSelector, '=').join(',') || '<none>'],
    column,
  );
  lines(out, 'Labels', pairs(ds.metadata?.labels, '='), column);
  lines(out, 'Annotations', pairs(ds.metadata?.annotations, ': '), column);
  out.push(`Desired Number of Nodes Scheduled: ${status?.desiredNumberScheduled ?? 0}`);
  out.push(`Current Number of Nodes Scheduled: ${status?.currentNumberScheduled ?? 0}`);
  out.push(
    `Number of Nodes Scheduled with Up-to-date Pods: ${status?.updatedNumberScheduled ?? 0}`,
  );
  out.push(`Number of Nodes Scheduled with Available Pods: ${status?.numberAvailable ?? 0}`);
  out.push(`Number of Nodes Misscheduled: ${status?.numberMisscheduled ?? 0}`);
  lines(out, 'Pods Status', [podsStatus(view.pods, probes)], 0);
  podTemplate(out, ds.spec?.template);
  // podrun records no SuccessfulCreate events for DaemonSets yet.
  out.push(...eventsSection(events));
  return out;
}
