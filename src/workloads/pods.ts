// A pod record as the controllers see it (OwnedPod), from its containers and the
// prober's report (podStatus), and the controlled pods of a namespace by owner.
import type { OwnedPod } from '../controllers/facts.js';
import { Labels } from '../plan/labels.js';
import type { ProbeReport } from '../pod/probes/report.js';
import type { PodRecord } from '../pod/records.js';
import { podStatus } from '../pod/status.js';
import { ownedPod } from './view.js';

export function podFactsOf(
  record: PodRecord,
  report: ProbeReport | undefined,
  now: number,
): OwnedPod {
  const status = podStatus(record, report, now);
  const apps = record.containers.filter((c) => c.Labels[Labels.role] === 'app');
  const startedAt = apps.length > 0 ? Math.max(...apps.map((c) => c.Created * 1000)) : undefined;
  const finished = status.phase === 'Succeeded' || status.phase === 'Failed';
  return ownedPod({
    name: record.name,
    labels: record.pod?.metadata?.labels,
    annotations: record.pod?.metadata?.annotations,
    createdAt: record.createdAt.getTime(),
    sandbox: record.sandbox !== undefined,
    terminating: record.terminating === true,
    status,
    startedAt,
    ...(finished ? { finishedAt: startedAt ?? now } : {}),
  });
}

/** The uid of a pod's controller (its controller ownerReference). */
export function controllerOf(record: PodRecord): string | undefined {
  return record.pod?.metadata?.ownerReferences?.find((ref) => ref.controller)?.uid || undefined;
}
