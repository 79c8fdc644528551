// One reconcile step for one pod: read its containers (with details), decide (pure,
// decide.ts), act. Shared by the background supervisor and `podrun up`; `apply`
// makes the first run itself (start-pod.ts) and leaves the rest to this. Events go
// to deps.events (the caller's event store).
import { removeContainer, startContainer } from '../../docker/containers.js';
import { isConflict } from '../../docker/errors.js';
import { CreatedObjects } from '../created-objects.js';
import type { EventSink } from '../event-types.js';
import type { ProbeResults } from '../probes/results.js';
import type { PodRecord } from '../records.js';
import { findPodRecord, podIPOf, withDetails } from '../records.js';
import { startSandbox } from '../start-pod.js';
import { type BackoffSettings, KUBELET_BACKOFF } from './backoff.js';
import { type Decision, decide } from './decide.js';
import { type InstanceFacts, podFacts } from './facts.js';
import { stillLive } from './fence.js';
import { launchContainer, pruneOlderInstances } from './launch.js';
import { heldByStartingProcess } from './markers.js';
import { sandboxHostPorts } from './plan-input.js';
import { replanPod } from './replan.js';
import { graceSecondsOfPod, stopWithGrace } from './stop.js';

export interface ReconcileDeps {
  backoff?: BackoffSettings;
  events: EventSink;
  /** io.podrun.supervised value for containers this step creates. */
  supervised: string;
  /** The probe results cache of whoever runs this loop (probes/results.ts). */
  results?: ProbeResults;
  /** Exited instances whose BackOff event was already emitted. */
  notified?: Set<string>;
  now?: () => number;
}

export async function reconcilePod(listed: PodRecord, deps: ReconcileDeps): Promise<Decision> {
  const idle: Decision = { actions: [], backingOff: [] };
  // The process that is starting this pod drives it until it is done (or dies).
  if (await heldByStartingProcess(listed)) return idle;
  // The holder ended since the listing: it may have rolled the pod back (Ctrl-C) in
  // the meantime. Act only on what exists now, or a rolled-back pod comes back.
  const input = listed.startingBy ? await findPodRecord(listed.namespace, listed.name) : listed;
  if (!input || input.startingBy) return idle;
  const record = await withDetails(input);
  // A sandbox listed but gone by the inspect: the listing is stale (a rollback or a
  // delete is under way); the next step sees the engine as it is.
  if (record.sandbox && !record.inspected?.has(record.sandbox.Id)) return idle;
  const facts = podFacts(record);
  const now = deps.now?.() ?? Date.now();
  const decision = decide(facts, {
    now,
    backoff: deps.backoff ?? KUBELET_BACKOFF,
    verdicts: (instance) => deps.results?.get(instance.id),
  });
  const emit = (type: 'Normal' | 'Warning', reason: string, object: string, message: string) =>
    deps.events(record.namespace, record.name, { type, reason, object, message });
  const objectOf = (role: 'init' | 'app', name: string) =>
    `spec.${role === 'init' ? 'initContainers' : 'containers'}{${name}}`;

  for (const note of decision.backingOff) {
    const latest = facts.instances.find((i) => i.name === note.container && i.role === note.role);
    const key = latest?.id ?? `${note.container}`;
    if (deps.notified?.has(key)) continue;
    deps.notified?.add(key);
    emit(
      'Warning',
      'BackOff',
      objectOf(note.role, note.container),
      `Back-off ${Math.round((note.until - now) / 1000)}s restarting failed container ${note.container} in pod ${record.name}`,
    );
  }

  const grace = graceSecondsOfPod(record.pod);
  const specOf = (name: string) =>
    [...(facts.spec.initContainers ?? []), ...facts.spec.containers].find((c) => c.name === name);
  let plan: Awaited<ReturnType<typeof replanPod>> | undefined;
  const planFor = async (sandboxAttempt: number) => {
    plan ??= await replanPod(record, sandboxAttempt, podIPOf(record));
    return plan;
  };

  for (const action of decision.actions) {
    if (action.kind === 'kill') {
      const { instance } = action;
      emit('Normal', 'Killing', objectOf(instance.role, instance.name), action.message);
      await stopWithGrace(
        {
          id: instance.id,
          spec: specOf(instance.name),
          sandboxId: record.sandbox?.Id,
          podIP: podIPOf(record),
        },
        grace,
      );
      deps.results?.forget(instance.id);
      continue;
    }
    if (action.kind === 'rebuild-sandbox') {
      emit('Normal', 'SandboxChanged', 'sandbox', action.reason);
      await rebuildSandbox(record, facts.instances, action.attempt, grace, deps);
      return decision; // the next step starts the init containers in the new sandbox
    }
    if (action.kind === 'start-created') {
      await startContainer(action.instance.id);
      continue;
    }
    if (action.kind === 'stop-sidecars') {
      for (const instance of action.instances) {
        emit(
          'Normal',
          'Killing',
          objectOf('init', instance.name),
          `Stopping container ${instance.name}`,
        );
        await stopWithGrace(
          {
            id: instance.id,
            spec: specOf(instance.name),
            sandboxId: record.sandbox?.Id,
            podIP: podIPOf(record),
          },
          grace,
        );
      }
      continue;
    }
    // start (first run in this sandbox, or a restart)
    const current = await planFor(action.sandboxAttempt);
    const planned = (action.role === 'init' ? current.initContainers : current.containers).find(
      (c) => c.name === action.container.name,
    );
    if (!planned || !record.sandbox) continue;
    const older = facts.instances.filter(
      (i) => i.name === action.container.name && i.role === action.role,
    );
    // Keep the newest earlier instance for `logs --previous`; remove the rest.
    const keepFrom = older[0]?.attempt ?? 0;
    await pruneOlderInstances(older, keepFrom);
    // launchContainer records Pulled, Created and Started (or why it failed).
    await launchContainer(
      {
        plan: current,
        sandboxId: record.sandbox.Id,
        podIP: podIPOf(record),
        supervised: deps.supervised,
        hostPorts: sandboxHostPorts(record.sandbox),
        events: deps.events,
        results: deps.results,
      },
      planned,
      { attempt: action.attempt, sandboxAttempt: action.sandboxAttempt, streak: action.streak },
    );
  }
  return decision;
}

/**
 * Sandbox death, the kubelet's way: kill every container of the pod, make a new
 * sandbox (next attempt), and let the next steps run the init containers and apps
 * again. Exited instances stay for `logs --previous` until their next restart.
 */
async function rebuildSandbox(
  record: PodRecord,
  instances: InstanceFacts[],
  attempt: number,
  grace: number,
  deps: ReconcileDeps,
): Promise<void> {
  const running = instances.filter((i) => i.state === 'running');
  const specs = [
    ...(record.pod?.spec?.initContainers ?? []),
    ...(record.pod?.spec?.containers ?? []),
  ];
  const stop = (i: InstanceFacts) =>
    stopWithGrace({ id: i.id, spec: specs.find((c) => c.name === i.name) }, grace);
  await Promise.all(running.filter((i) => i.role === 'app').map(stop));
  for (const i of running.filter((i) => i.role === 'init').reverse()) await stop(i);
  const plan = await replanPod(record, attempt);
  // Stopping took a while: a delete may have run meanwhile (fence.ts).
  if (
    !(await stillLive(
      record.namespace,
      record.name,
      record.all.map((info) => info.Id),
    ))
  )
    return;
  const created = new CreatedObjects();
  try {
    await startSandbox(plan, { created, supervised: deps.supervised, reuseVolumes: true });
  } catch (error) {
    // 409: another process is rebuilding this very generation; it carries on.
    if (isConflict(error)) return;
    // Otherwise (e.g. the engine is shutting down) remove the half-made sandbox, so
    // the next attempt starts clean instead of leaving a Created POD_n behind.
    await created.rollback();
    throw error;
  }
  if (record.sandbox) await removeContainer(record.sandbox.Id);
  // Only the newest instance of each container is kept across the rebuild.
  const seen = new Set<string>();
  for (const i of instances) {
    const key = `${i.role}/${i.name}`;
    if (seen.has(key)) await removeContainer(i.id);
    seen.add(key);
  }
}

/** Reconcile a pod by name (library and tests). */
export async function reconcilePodByName(
  namespace: string,
  name: string,
  deps: ReconcileDeps,
): Promise<Decision | undefined> {
  const record = await findPodRecord(namespace, name);
  if (!record) return undefined;
  return reconcilePod(record, deps);
}
