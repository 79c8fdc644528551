// Create and start one container instance the kubelet way (its startContainer),
// for every driver of the sync (reconcile.ts): fresh container (new root
// filesystem, same volumes) named by its attempt, lifecycle labels added, postStart
// run before anyone moves on. A failed hook becomes a kill verdict in the driver's
// results cache: the next decision kills the container (nothing here kills). A
// native sidecar's startupProbe is the driver's probers' business, not this one's.
// A create that hits 409 (another podrun process made the same step) adopts the
// existing container instead of failing: deterministic names are the lock.
import { hostname } from 'node:os';
import type Docker from 'dockerode';
import type { Container } from 'kubernetes-types/core/v1.js';
import {
  createContainer,
  inspectContainer,
  removeContainer,
  startContainer,
} from '../../docker/containers.js';
import { engineMessage, isConflict } from '../../docker/errors.js';
import { Labels } from '../../plan/labels.js';
import { containerDockerName } from '../../plan/names.js';
import { redactText, secretValues } from '../../plan/redact.js';
import type { PlannedContainer, PodPlan } from '../../plan/types.js';
import { resolveSubPathMounts, verifyNonRoot } from '../container-options.js';
import type { CreatedObjects } from '../created-objects.js';
import { PodStartError } from '../errors.js';
import type { EventSink } from '../event-types.js';
import type { ProbeResults } from '../probes/results.js';
import type { ProbeTarget } from '../probes/run-probe.js';
import { postStartTimeoutMs } from './decide.js';
import { fenceCreated, StaleReadingError, undoCreate } from './fence.js';
import { runHook } from './hooks.js';
import { CreatorLabels, LifecycleLabels } from './labels.js';
import { planInputLabels } from './plan-input.js';

export interface InstanceInfo {
  attempt: number;
  sandboxAttempt: number;
  streak: number;
}

/** Labels the lifecycle adds to every pod container (sandbox included). */
export function podLevelLabels(
  plan: PodPlan,
  supervised: string | undefined,
): Record<string, string> {
  const labels: Record<string, string> = {
    [Labels.podManifest]: JSON.stringify(plan.pod),
    ...planInputLabels(plan),
  };
  if (supervised) labels[LifecycleLabels.supervised] = supervised;
  labels[CreatorLabels.pid] = String(process.pid);
  labels[CreatorLabels.host] = hostname();
  return labels;
}

/** Create options of one instance: its attempt's name and the lifecycle labels. */
export function instanceOptions(
  plan: PodPlan,
  planned: PlannedContainer,
  instance: InstanceInfo,
  extraLabels: Record<string, string>,
): Docker.ContainerCreateOptions {
  return {
    ...planned.create,
    name: containerDockerName(plan.namespace, plan.name, planned.name, instance.attempt),
    Labels: {
      ...planned.create.Labels,
      ...extraLabels,
      [Labels.attempt]: String(instance.attempt),
      [LifecycleLabels.sandboxAttempt]: String(instance.sandboxAttempt),
      [LifecycleLabels.crashStreak]: String(instance.streak),
    },
  };
}

export interface LaunchContext {
  plan: PodPlan;
  sandboxId: string;
  podIP: string;
  /** io.podrun.supervised value, when a supervisor should keep this pod alive. */
  supervised?: string;
  /** Host ports the engine assigned to the sandbox (recorded on the container: plan-input.ts). */
  hostPorts?: Record<string, string>;
  created?: CreatedObjects;
  events?: EventSink;
  /**
   * The results cache of whoever runs the sync: a failed postStart goes there as a
   * kill verdict, and the next decision kills the container (decide.ts); a passed
   * one as postStartDone (a sidecar has started only once its hook is over).
   */
  results: ProbeResults;
}

export interface Launched {
  id: string;
  /** Someone else created this instance (409); they start it. */
  adopted: boolean;
  /** The postStart hook failed: a kill verdict is in the results cache. */
  failed?: string;
}

export async function launchContainer(
  context: LaunchContext,
  planned: PlannedContainer,
  instance: InstanceInfo,
): Promise<Launched> {
  const { plan } = context;
  // An engine error can echo the create options (e.g. "invalid environment variable: ...").
  const engineSays = (error: unknown) => redactText(engineMessage(error), secretValues(plan));
  const emit = (type: 'Normal' | 'Warning', reason: string, message: string) =>
    context.events?.(plan.namespace, plan.name, {
      type,
      reason,
      object: `spec.${planned.role === 'init' ? 'initContainers' : 'containers'}{${planned.name}}`,
      message,
    });
  await verifyNonRoot(planned);
  const options = await resolveSubPathMounts(plan, {
    ...planned,
    create: instanceOptions(plan, planned, instance, {
      ...podLevelLabels(plan, context.supervised),
      ...(context.hostPorts
        ? { [LifecycleLabels.hostPorts]: JSON.stringify(context.hostPorts) }
        : {}),
    }),
  });
  let id: string;
  try {
    id = await createContainer(options);
  } catch (error) {
    if (isConflict(error)) {
      // The engine reserves the name before the other create has finished (often the
      // supervisor's sync step on the same pod): that create takes milliseconds, so
      // look again soon, then less often, for about 2 s in all.
      for (let tries = 0, waited = 0; waited < 2000; tries++) {
        const existing = await inspectContainer(options.name ?? '');
        if (existing) return { id: existing.Id, adopted: true };
        const pause = Math.min(10 * 2 ** tries, 200);
        await new Promise((resolve) => setTimeout(resolve, pause));
        waited += pause;
      }
    }
    throw new PodStartError(`container ${planned.name}: create failed: ${engineSays(error)}`);
  }
  context.created?.container(id);
  // The delete fence (fence.ts): a deletion begun meanwhile, or the sandbox this
  // container joins gone since the step's reading, undoes this create.
  const made = id;
  const undo = () => undoCreate(made, options);
  const sandboxGone = async () => (await inspectContainer(context.sandboxId)) === undefined;
  await fenceCreated(plan.namespace, plan.name, undo, sandboxGone);
  // As the kubelet, for every instance, first run and restarts alike (only the
  // creator says it: a process that adopted the instance says nothing).
  emit('Normal', 'Pulled', `Container image "${planned.image}" already present on machine`);
  emit('Normal', 'Created', `Created container ${planned.name}`);
  try {
    await startContainer(id);
  } catch (error) {
    // The sandbox went between the fence and the start: not this container's failure.
    if (await sandboxGone()) {
      await undo().catch(() => undefined);
      throw new StaleReadingError(plan.namespace, plan.name);
    }
    emit('Warning', 'Failed', `Error: ${engineSays(error)}`);
    throw new PodStartError(`container ${planned.name}: start failed: ${engineSays(error)}`);
  }
  emit('Normal', 'Started', `Started container ${planned.name}`);
  const spec = planned.spec as Container;
  const target: ProbeTarget = {
    containerId: id,
    sandboxId: context.sandboxId,
    podIP: context.podIP,
  };
  const postStart = await runHook(
    spec,
    spec.lifecycle?.postStart,
    target,
    postStartTimeoutMs(plan.pod.spec ?? { containers: [] }),
  );
  if (postStart && !postStart.ok) {
    // As the kubelet: the hook's output can hold anything (a secret it echoed), so
    // the event says only that the hook failed.
    const message = 'PostStartHook failed';
    emit('Warning', 'FailedPostStartHook', message);
    context.results.set(id, {
      kill: {
        reason: 'FailedPostStartHook',
        message: `Container ${planned.name} failed its postStart hook, will be restarted`,
      },
    });
    return { id, adopted: false, failed: message };
  }
  if (postStart) context.results.set(id, { postStartDone: true });
  return { id, adopted: false };
}

/** Remove instances older than the one being replaced (kept for `logs --previous`). */
export async function pruneOlderInstances(
  instances: { id: string; attempt: number }[],
  keepFromAttempt: number,
): Promise<void> {
  await Promise.all(
    instances.filter((i) => i.attempt < keepFromAttempt).map((i) => removeContainer(i.id)),
  );
}
