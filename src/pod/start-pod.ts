// A pod's first run, in the foreground, read top to bottom:
//   1. refuse container names held by anything podrun did not create;
//   2. make the sandbox: namespace network, pod volumes, pause container, volume
//      contents, resolv.conf (start-sandbox.ts, the same code a rebuild runs);
//   3. run the pod's sync loop until the first run is over: init containers in
//      order (a native sidecar only until it has started), then the app containers
//      (lifecycle/sync-loop.ts: the supervisor's own read → decide → execute steps).
// Then the supervisor (if the pod is supervised) carries on with the same steps.
// Another process applying the same pod at the same moment makes the engine refuse
// one of the two sandboxes: the loser gets PodBeingCreatedError and adopts the pod.

import { inspectContainer } from '../docker/containers.js';
import { Labels } from '../plan/labels.js';
import type { PlannedContainer, PodPlan } from '../plan/types.js';
import type { CreatedObjects } from './created-objects.js';
import { PodStartError } from './errors.js';
import type { EventSink } from './event-types.js';
import { syncUntilStarted } from './lifecycle/sync-loop.js';
import { PodBeingCreatedError, startSandbox } from './start-sandbox.js';

export { PodBeingCreatedError, PodStartError };

export interface StartContext {
  /** What this start made, for a rollback (the pod itself once its sandbox exists). */
  created: CreatedObjects;
  signal?: AbortSignal;
  /** io.podrun.supervised value: a supervisor keeps this pod alive. */
  supervised?: string;
  events: EventSink;
  /** Called once the sandbox exists (and passed the delete fence), before the sync loop. */
  sandboxMade?: () => Promise<void>;
}

export interface StartedPod {
  podIP: string;
  sandboxId: string;
  /** An init container failed, so the app containers were not started (Init:Error). */
  initFailure?: { container: string; exitCode: number };
}

/**
 * A name held by a container podrun did not create is refused; one held by this
 * pod's own container means another process is creating the pod right now.
 */
async function checkName(container: PlannedContainer): Promise<void> {
  const existing = await inspectContainer(container.dockerName);
  if (!existing) return;
  const labels = existing.Config.Labels ?? {};
  const ours =
    labels[Labels.managed] === 'true' &&
    labels[Labels.namespace] === container.create.Labels?.[Labels.namespace] &&
    labels[Labels.pod] === container.create.Labels?.[Labels.pod];
  if (!ours) {
    throw new PodStartError(
      `container name ${container.dockerName} is in use by a container podrun did not create; remove or rename it`,
    );
  }
  throw new PodBeingCreatedError(`pod ${labels[Labels.pod]} is being created`);
}

export async function startPod(plan: PodPlan, context: StartContext): Promise<StartedPod> {
  await Promise.all([plan.sandbox, ...plan.initContainers, ...plan.containers].map(checkName));
  if (context.signal?.aborted) throw new PodStartError('interrupted');
  await startSandbox(plan, { created: context.created, supervised: context.supervised });
  // From here on the pod exists; a rollback deletes it through the delete fence, so
  // whatever any process creates for it meanwhile goes too.
  context.created.pod(plan.namespace, plan.name);
  await context.sandboxMade?.();
  return startedPod(plan.namespace, plan.name, context);
}

/** Run (or join) the pod's sync loop until its first run is over. */
export async function startedPod(
  namespace: string,
  name: string,
  context: Omit<StartContext, 'created'>,
): Promise<StartedPod> {
  const run = await syncUntilStarted({
    namespace,
    name,
    events: context.events,
    supervised: context.supervised,
    signal: context.signal,
  });
  return { podIP: run.podIP, sandboxId: run.sandboxId, initFailure: run.initFailure };
}
