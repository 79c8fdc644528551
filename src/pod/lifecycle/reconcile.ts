// One sync step for one pod, the kubelet's way: read its containers (with details),
// decide (pure, decide.ts), execute the decision. Every driver of a pod runs these
// same steps: a foreground `apply`/`up` until the pod has started (sync-loop.ts),
// then the background supervisor for the rest of its life. Events go to deps.events
// (the caller's event store).
import { removeContainer, startContainer } from '../../docker/containers.js';
import { isConflict } from '../../docker/errors.js';
import { CreatedObjects } from '../created-objects.js';
import type { EventSink } from '../event-types.js';
import type { ProbeResults } from '../probes/results.js';
import type { PodRecord } from '../records.js';
import { findPodRecord, podIPOf, withDetails } from '../records.js';
import { startSandbox } from '../start-sandbox.js';
import { type BackoffSettings, KUBELET_BACKOFF } from './backoff.js';
import { type Decision, decide, type LifecycleAction } from './decide.js';
import { type InstanceFacts, type PodFacts, podFacts } from './facts.js';
import { readingGone, stillLive } from './fence.js';
import { launchContainer, pruneOlderInstances } from './launch.js';
import { holderAlive } from './markers.js';
import { inspectedHostPorts, sandboxHostPorts } from './plan-input.js';
import { replanPod } from './replan.js';
import { graceSecondsOfPod, stopWithGrace } from './stop.js';

export interface ReconcileDeps {
  backoff?: BackoffSettings;
  events: EventSink;
  /** io.podrun.supervised value for containers this step creates. */
  supervised?: string;
  /** The probe results cache of whoever runs this loop (probes/results.ts). */
  results: ProbeResults;
  /** Exited instances whose BackOff event was already emitted. */
  notified?: Set<string>;
  now?: () => number;
}

/** A pod read for a step: its record with inspect details, and the facts decide reads. */
export interface PodReading {
  record: PodRecord;
  facts: PodFacts;
}

/**
 * Inspect the pod's newest containers. Undefined when the listing is already stale
 * (a sandbox listed but gone by the inspect: a rollback or a delete is under way);
 * the next step sees the engine as it is.
 */
export async function readPod(listed: PodRecord): Promise<PodReading | undefined> {
  const record = await withDetails(listed);
  if (record.sandbox && !record.inspected?.has(record.sandbox.Id)) return undefined;
  return { record, facts: podFacts(record) };
}

export function decideStep(reading: PodReading, deps: ReconcileDeps): Decision {
  return decide(reading.facts, {
    now: deps.now?.() ?? Date.now(),
    backoff: deps.backoff ?? KUBELET_BACKOFF,
    verdicts: (instance) => deps.results.get(instance.id),
    creatorGone: (creator) => !holderAlive(creator),
  });
}

/** One whole step: read, decide, execute. */
export async function reconcilePod(listed: PodRecord, deps: ReconcileDeps): Promise<Decision> {
  const reading = await readPod(listed);
  if (!reading) return { actions: [], backingOff: [] };
  const decision = decideStep(reading, deps);
  await executeDecision(reading, decision, deps);
  return decision;
}

/**
 * Carry out a decision in its order: kills, a sandbox rebuild (which ends the step),
 * then starts: an init container alone, the app containers together.
 */
export async function executeDecision(
  reading: PodReading,
  decision: Decision,
  deps: ReconcileDeps,
): Promise<void> {
  const { record, facts } = reading;
  const now = deps.now?.() ?? Date.now();
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
  let plan: ReturnType<typeof replanPod> | undefined;
  const planFor = (sandboxAttempt: number) => {
    plan ??= replanPod(record, sandboxAttempt, podIPOf(record));
    return plan;
  };
  const starts: Extract<LifecycleAction, { kind: 'start' }>[] = [];
  /** preStop, then the stop signal, inside the pod's grace period. */
  const stop = (instance: InstanceFacts) =>
    stopWithGrace(
      {
        id: instance.id,
        spec: specOf(instance.name),
        sandboxId: record.sandbox?.Id,
        podIP: podIPOf(record),
      },
      grace,
    );

  for (const action of decision.actions) {
    if (action.kind === 'kill') {
      const { instance } = action;
      emit('Normal', 'Killing', objectOf(instance.role, instance.name), action.message);
      await stop(instance);
      deps.results.forget(instance.id);
      continue;
    }
    if (action.kind === 'rebuild-sandbox') {
      emit('Normal', 'SandboxChanged', 'sandbox', action.reason);
      await rebuildSandbox(record, facts.instances, action.attempt, grace, deps);
      return; // the next step starts the init containers in the new sandbox
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
        await stop(instance);
      }
      continue;
    }
    starts.push(action);
  }
  // An init container starts alone (decide returns it last); app containers start
  // together. Every start settles before a failure is rethrown, so a rollback sees
  // everything that was created.
  const outcomes = await Promise.allSettled(
    starts.map(async (action) => {
      const current = await planFor(action.sandboxAttempt);
      const planned = (action.role === 'init' ? current.initContainers : current.containers).find(
        (c) => c.name === action.container.name,
      );
      if (!planned || !record.sandbox) return;
      const older = facts.instances.filter(
        (i) => i.name === action.container.name && i.role === action.role,
      );
      // Keep the newest earlier instance for `logs --previous`; remove the rest.
      await pruneOlderInstances(older, older[0]?.attempt ?? 0);
      // launchContainer records Pulled, Created and Started (or why it failed).
      await launchContainer(
        {
          plan: current,
          sandboxId: record.sandbox.Id,
          podIP: podIPOf(record),
          supervised: deps.supervised,
          // The sandbox's inspect (this step's reading) names the engine-assigned ports
          // for sure; `docker ps` may list a just-started sandbox without them yet.
          hostPorts:
            inspectedHostPorts(record.inspected?.get(record.sandbox.Id)) ??
            sandboxHostPorts(record.sandbox),
          events: deps.events,
          results: deps.results,
        },
        planned,
        { attempt: action.attempt, sandboxAttempt: action.sandboxAttempt, streak: action.streak },
      );
    }),
  );
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
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
  // Stopping took a while: a delete may have run meanwhile (fence.ts). A whole delete
  // may also run between this check and the create: the create's fence asks again.
  const ids = record.all.map((info) => info.Id);
  if (!(await stillLive(record.namespace, record.name, ids))) return;
  const created = new CreatedObjects();
  try {
    await startSandbox(plan, {
      created,
      supervised: deps.supervised,
      reuseVolumes: true,
      readingGone: () => readingGone(record.namespace, record.name, ids),
    });
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
