// What a Ctrl-C (or SIGTERM) during `apply` does to each pod, and how to say it. Pure:
// no engine, no clock. The rule: a pod the user was told about ("pod/x created" was
// printed) stays; a pod not yet reported is rolled back, so nothing of it is left;
// a pod this apply never touched is left as it was.

export interface PodRef {
  namespace: string;
  name: string;
}

/**
 * Where one pod of the apply stood when the interrupt came.
 * - queued: nothing of it was made yet
 * - unchanged: it existed with the same spec; this apply did not touch it
 * - creating / created: this apply is making it / made it
 * - replacing / configured: the same, after deleting its previous version
 */
export type PodStage = 'queued' | 'unchanged' | 'creating' | 'created' | 'replacing' | 'configured';

export interface PodProgress extends PodRef {
  stage: PodStage;
}

export interface InterruptPlan {
  /** Remove every object this apply made for these pods. */
  rollBack: PodProgress[];
  /** Reported to the user (or untouched): they stay. */
  keep: PodProgress[];
  /** Nothing of these was created. */
  notCreated: PodProgress[];
  /** ConfigMaps, Secrets and claims this apply created: removed only with their pods. */
  rollBackShared: boolean;
}

export function podKey(pod: PodRef): string {
  return `${pod.namespace}/${pod.name}`;
}

export function planInterrupt(pods: PodProgress[], reported: ReadonlySet<string>): InterruptPlan {
  const plan: InterruptPlan = { rollBack: [], keep: [], notCreated: [], rollBackShared: true };
  for (const pod of pods) {
    if (reported.has(podKey(pod)) || pod.stage === 'unchanged') {
      plan.keep.push(pod);
      // Objects reported with a pod (its ConfigMaps, claims) are the user's too.
      if (reported.has(podKey(pod))) plan.rollBackShared = false;
    } else if (pod.stage === 'queued') {
      plan.notCreated.push(pod);
    } else {
      plan.rollBack.push(pod);
    }
  }
  return plan;
}

export interface InterruptReport {
  plan: InterruptPlan;
  /** Other objects this apply created and removed again, e.g. "configmap/cfg". */
  sharedRolledBack?: string[];
  /** Objects the rollback could not remove, per pod key ('' = shared objects). */
  leftOver?: ReadonlyMap<string, number>;
}

function deleteHint(pod: PodRef): string {
  return `podrun delete pod ${pod.name} -n ${pod.namespace}`;
}

/** One line per pod, saying exactly what became of it (without the "error: " prefix). */
export function interruptLines(report: InterruptReport): string[] {
  const { plan } = report;
  const lines: string[] = [];
  for (const pod of plan.keep) {
    lines.push(
      pod.stage === 'unchanged'
        ? `interrupted: pod/${pod.name} was left as it was (unchanged by this apply)`
        : `interrupted: pod/${pod.name} was left running (${deleteHint(pod)} to remove it)`,
    );
  }
  for (const pod of plan.rollBack) {
    const leftOver = report.leftOver?.get(podKey(pod)) ?? 0;
    const replaced =
      pod.stage === 'replacing' || pod.stage === 'configured'
        ? '; its previous version had already been deleted'
        : '';
    lines.push(
      leftOver > 0
        ? `interrupted: pod/${pod.name} was rolled back, but ${leftOver} of its object(s) could not be removed (${deleteHint(pod)} to finish)${replaced}`
        : `interrupted: pod/${pod.name} was rolled back: nothing of it is left${replaced}`,
    );
  }
  for (const pod of plan.notCreated) lines.push(`interrupted: pod/${pod.name} was not created`);
  for (const object of report.sharedRolledBack ?? [])
    lines.push(`interrupted: ${object} was rolled back`);
  const sharedLeft = report.leftOver?.get('') ?? 0;
  if (sharedLeft > 0) lines.push(`interrupted: ${sharedLeft} other object(s) could not be removed`);
  if (lines.length === 0) lines.push('interrupted: nothing was created');
  return lines;
}
