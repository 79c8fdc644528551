// A pod read back from Docker as a Kubernetes v1 Pod object with status, for
// `get -o json|yaml` and the library.
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import type { ProbeReport } from './probes/report.js';
import type { PodRecord } from './records.js';
import { type ContainerStatusSummary, podStatus } from './status.js';

function containerStatus(summary: ContainerStatusSummary, record: PodRecord): ContainerStatus {
  const instance = record.containers.find((info) => info.Id === summary.containerId);
  const startedAt =
    summary.startedAt ?? (instance ? new Date(instance.Created * 1000).toISOString() : undefined);
  const state: ContainerStatus['state'] =
    summary.state === 'running'
      ? { running: { startedAt } }
      : summary.state === 'terminated'
        ? {
            terminated: {
              exitCode: summary.exitCode ?? -1,
              reason: summary.reason ?? (summary.exitCode === 0 ? 'Completed' : 'Error'),
              startedAt,
              finishedAt: summary.finishedAt,
              containerID: `docker://${summary.containerId}`,
            },
          }
        : { waiting: { reason: summary.reason ?? 'ContainerCreating' } };
  const last = summary.lastState;
  return {
    ...(last
      ? {
          lastState: {
            terminated: {
              exitCode: last.exitCode,
              reason: last.reason,
              startedAt: last.startedAt,
              finishedAt: last.finishedAt,
              containerID: `docker://${last.containerId}`,
            },
          },
        }
      : {}),
    name: summary.name,
    image: summary.image,
    imageID: '',
    containerID: `docker://${summary.containerId}`,
    ready: summary.ready,
    restartCount: summary.restarts,
    started: summary.started,
    state,
  };
}

export function podObject(record: PodRecord, report?: ProbeReport): Pod {
  const status = podStatus(record, report);
  const pod = record.pod ?? { apiVersion: 'v1', kind: 'Pod', metadata: { name: record.name } };
  const ready = status.ready === status.total && status.phase === 'Running';
  return {
    ...pod,
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...pod.metadata,
      name: record.name,
      namespace: record.namespace,
      uid: record.uid,
      creationTimestamp: record.createdAt.toISOString(),
    },
    status: {
      phase: status.phase,
      podIP: status.podIP || undefined,
      podIPs: status.podIP ? [{ ip: status.podIP }] : undefined,
      hostIP: '127.0.0.1',
      startTime: record.createdAt.toISOString(),
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: ready ? 'True' : 'False' },
        { type: 'ContainersReady', status: ready ? 'True' : 'False' },
      ],
      initContainerStatuses: status.containers
        .filter((c) => c.role === 'init')
        .map((c) => containerStatus(c, record)),
      containerStatuses: status.containers
        .filter((c) => c.role === 'app')
        .map((c) => containerStatus(c, record)),
    },
  };
}
