// What CLI verbs need from the supervisor: probe reports for status, and bringing a
// missing supervisor back when supervised pods exist (after a reboot or a kill).

import { LifecycleLabels } from '../pod/lifecycle/labels.js';
import type { PodRecord } from '../pod/records.js';
import { supervisionScope } from './paths.js';
import { type PodReport, supervisorPodReports } from './protocol.js';

export async function reportsFor(namespace?: string): Promise<Record<string, PodReport>> {
  return supervisorPodReports(namespace);
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
