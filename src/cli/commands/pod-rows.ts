// The rows of `get pods`, in kubectl's columns (pkg/printers/internalversion
// printPod): NAME READY STATUS RESTARTS AGE, RESTARTS with the time since the last
// restart ("2 (45s ago)") when a previous instance ended; -o wide adds IP, NODE,
// NOMINATED NODE and READINESS GATES, then podrun's own PORTS: the host ports the
// engine published, which a local user connects to and kubectl has no column for
// (last, so kubectl's columns keep their positions).
import { NODE_NAME } from '../../plan/downward.js';
import type { PodStatusSummary } from '../../pod/status.js';
import { formatAge } from '../output.js';

export const POD_HEADER = ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'];
export const POD_WIDE_HEADER = ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES', 'PORTS'];

/** kubectl's RESTARTS: the count, and since when if a previous instance finished. */
export function restartsCell(status: PodStatusSummary, now: Date): string {
  if (status.restarts === 0) return '0';
  const last = Math.max(
    ...status.containers.map((c) => Date.parse(c.lastState?.finishedAt ?? '') || 0),
  );
  return last > 0
    ? `${status.restarts} (${formatAge(new Date(last), now)} ago)`
    : String(status.restarts);
}

/** A RESTARTS cell without its clock part: what a watch compares. */
export const restartsCount = (cell: string) => cell.replace(/ \(.* ago\)$/, '');

export interface PodRowInput {
  name: string;
  createdAt: Date;
  status: PodStatusSummary;
  /** The sandbox's published ports, "127.0.0.1:8080->80/tcp". */
  ports: string[];
}

export function podRow(pod: PodRowInput, wide: boolean, now = new Date()): string[] {
  const { status } = pod;
  return [
    pod.name,
    `${status.ready}/${status.total}`,
    status.status,
    restartsCell(status, now),
    formatAge(pod.createdAt, now),
    ...(wide
      ? [
          status.podIP || '<none>',
          NODE_NAME,
          '<none>',
          '<none>',
          [...new Set(pod.ports)].join(',') || '<none>',
        ]
      : []),
  ];
}
