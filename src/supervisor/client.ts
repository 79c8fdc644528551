// What CLI verbs and the library need from the supervisor: probe reports for
// status and readiness, its latest events, and bringing a missing supervisor back
// when supervised pods exist (after a reboot or a kill). src/pod never asks the
// supervisor itself: these are passed in.

import type { WriterEvents } from '../pod/event-types.js';
import { LifecycleLabels } from '../pod/lifecycle/labels.js';
import type { ProbeReport } from '../pod/probes/report.js';
import type { PodRecord } from '../pod/records.js';
import { supervisionScope } from './paths.js';
import { type PodReport, supervisorPodReports } from './protocol.js';

export async function reportsFor(namespace?: string): Promise<Record<string, PodReport>> {
  return supervisorPodReports(namespace);
}

/** The supervisor's probe states of one pod (readiness for waitForPod). */
export async function supervisorProbes(namespace: string, name: string): Promise<ProbeReport> {
  const reports = await supervisorPodReports(namespace, name);
  return reports[`${namespace}/${name}`]?.probes ?? {};
}

/** The supervisor's probe states of every pod of a namespace, by container id ({} without one). */
export async function supervisorNamespaceProbes(namespace: string): Promise<ProbeReport> {
  const reports = await supervisorPodReports(namespace).catch(() => ({}));
  return Object.assign({}, ...Object.values(reports).map((report) => report.probes));
}

/** A report's events as a live writer list for podEvents (none without a supervisor). */
export function liveEventsOf(report: PodReport | undefined): WriterEvents[] {
  return report?.writer ? [{ writer: report.writer, events: report.events }] : [];
}

/** The supervisor's latest events of one pod. */
export async function supervisorEvents(namespace: string, name: string): Promise<WriterEvents[]> {
  const reports = await supervisorPodReports(namespace, name);
  return liveEventsOf(reports[`${namespace}/${name}`]);
}

/**
 * Start the supervisor if pods of this scope need one and none answers. Quiet:
 * a failure is reported on stderr, never fails the verb.
 */
export async function reviveSupervisor(records: PodRecord[]): Promise<void> {
  const scope = supervisionScope();
  const needs = records.some((record) =>
    record.all.some((info) => info.Labels[LifecycleLabels.supervised] === scope),
  );
  if (!needs) return;
  const { ensureSupervisor, supervisorStatus } = await import('./launch.js');
  if (await supervisorStatus()) return;
  try {
    const status = await ensureSupervisor();
    process.stderr.write(`podrun: started the supervisor (pid ${status.pid})\n`);
  } catch (error) {
    process.stderr.write(`Warning: ${(error as Error).message}\n`);
  }
}
