// `apply`: make Docker match the manifests. Everything is planned (and every plan
// error reported with its file:line:col) before the first object is created; images
// are made present next; only then are pods created, and a failure or Ctrl-C halfway
// removes what this apply created.
import { randomUUID } from 'node:crypto';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { engineSupportsVolumeSubpath, pingEngine } from '../docker/client.js';
import { ensureImage, type PullProgressFn } from '../docker/images.js';
import { ensurePauseImage } from '../docker/pause-image.js';
import { PodrunError } from '../errors.js';
import { rememberSecretData } from '../log.js';
import { ManifestError } from '../manifest/errors.js';
import type { ManifestIssue, ManifestObject, ManifestSet } from '../manifest/types.js';
import { claimVolumeDockerName, configDataDockerName } from '../plan/names.js';
import { PlanError, type PlanInput, planPod } from '../plan/plan-pod.js';
import type { PodPlan } from '../plan/types.js';
import { PODRUN_VERSION } from '../version.js';
import {
  type ConfigMapData,
  claimExists,
  ensureClaimVolume,
  ensureVolume,
  loadStoredConfigMaps,
  loadStoredSecrets,
  type SecretData,
  storeConfigObject,
} from './config-store.js';
import { CreatedObjects } from './created-objects.js';
import { deletePodRecord, deletionInProgress } from './delete-pod.js';
import { processEventStore, removeStoreOfGonePod } from './event-store.js';
import {
  interruptLines,
  type PodProgress,
  type PodStage,
  planInterrupt,
  podKey,
} from './interrupt-outcome.js';
import type { EventSink } from './lifecycle/event-log.js';
import { PodDeletedError } from './lifecycle/fence.js';
import { liveIntents, lowerIntent, raiseIntent } from './lifecycle/intents.js';
import { findPodRecord, type PodRecord } from './records.js';
import { namespaceServiceLinks } from './service-links.js';
import { PodBeingCreatedError, type StartedPod, startedPod, startPod } from './start-pod.js';

export interface ApplyOptions {
  pauseImage?: string;
  /** Library: labels every object with the owning process session (reaper). */
  owner?: string;
  /** Library: publish every containerPort on a random host port. */
  publishAllPorts?: boolean;
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Progress lines, e.g. "pulling busybox:1.35". */
  onProgress?: (line: string) => void;
  /**
   * Hand the pods to a supervisor: every container is labelled
   * io.podrun.supervised=<this value> (a scope, "true" by default) so a supervisor
   * of that scope restarts, probes and rebuilds them. The CLI sets it; without it
   * the pods run once, unsupervised (the library's default).
   */
  supervise?: string;
  /**
   * Where the first run's lifecycle events go (e.g. a failed postStart hook); by
   * default a store of this apply's own, written before it returns.
   */
  events?: EventSink;
  /**
   * Called once, synchronously, when every object is in place and the apply was not
   * interrupted: tell the user here (the CLI prints "pod/x created"). An interrupt
   * before this call removes every pod this apply made; after it, nothing is removed.
   */
  report?: (results: ApplyResult[]) => void;
  /**
   * Awaited once every pod is in place, before the report: what a bundle started
   * beside the pods (its Services' proxies). A rejection rolls the pods back as a
   * failed pod does.
   */
  beforeReport?: () => Promise<void>;
}

/** Pods of one apply started at the same time (PODRUN_APPLY_CONCURRENCY overrides). */
const POD_CONCURRENCY = Math.max(1, Number(process.env.PODRUN_APPLY_CONCURRENCY) || 8);

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  /** Service and Namespace results come from src/services (applyBundle), around this apply. */
  kind: 'Pod' | 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'Service' | 'Namespace';
  namespace: string;
  name: string;
  action: ApplyAction;
  /** Pods: the plan used (dry runs too). */
  plan?: PodPlan;
  started?: StartedPod;
  warnings: string[];
}

interface PodWork {
  manifest: ManifestObject<Pod>;
  input: PlanInput;
  plan: PodPlan;
}

/** Ctrl-C during apply: the message says, pod by pod, what became of it; 130 = SIGINT. */
export class ApplyInterrupted extends PodrunError {
  override name = 'ApplyInterrupted';
  constructor(message: string) {
    super(message, { exitCode: 130 });
  }
}

const NOTHING = {
  plan: { rollBack: [], keep: [], notCreated: [], rollBackShared: false },
};

/** The library's owner label (reaper), on every object this apply creates. */
function ownerLabels(options: ApplyOptions): Record<string, string> | undefined {
  return options.owner ? { 'io.podrun.owner': options.owner } : undefined;
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

/** ConfigMaps and Secrets the pods may use: those in this apply win over stored ones. */
async function collectConfigData(
  set: ManifestSet,
  namespaces: Set<string>,
): Promise<{
  configMaps: Map<string, Map<string, ConfigMapData>>;
  secrets: Map<string, Map<string, SecretData>>;
}> {
  const configMaps = new Map<string, Map<string, ConfigMapData>>();
  const secrets = new Map<string, Map<string, SecretData>>();
  for (const namespace of namespaces) {
    configMaps.set(namespace, await loadStoredConfigMaps(namespace));
    secrets.set(namespace, await loadStoredSecrets(namespace));
  }
  for (const { object } of set.configMaps) {
    const namespace = object.metadata?.namespace ?? 'default';
    configMaps.get(namespace)?.set(object.metadata?.name ?? '', {
      data: object.data ?? {},
      binaryData: object.binaryData ?? {},
    });
  }
  for (const { object } of set.secrets) {
    const namespace = object.metadata?.namespace ?? 'default';
    rememberSecretData(object.data);
    secrets.get(namespace)?.set(object.metadata?.name ?? '', { data: object.data ?? {} });
  }
  return { configMaps, secrets };
}

/** Plan every pod; collect every error with its source location before creating anything. */
async function planAll(
  set: ManifestSet,
  options: ApplyOptions,
  pauseImage: string,
): Promise<PodWork[]> {
  const namespaces = new Set(set.pods.map((pod) => pod.object.metadata?.namespace ?? 'default'));
  const { configMaps, secrets } = await collectConfigData(set, namespaces);
  // The Services each pod's containers get link variables for: those that exist now.
  const services = new Map(
    await Promise.all(
      [...namespaces].map(async (ns) => [ns, await namespaceServiceLinks(ns)] as const),
    ),
  );
  const volumeSubpath = await engineSupportsVolumeSubpath();
  const claimsInSet = new Set(
    set.persistentVolumeClaims.map((claim) =>
      keyOf(claim.object.metadata?.namespace ?? 'default', claim.object.metadata?.name ?? ''),
    ),
  );
  const issues: ManifestIssue[] = [];
  const work: PodWork[] = [];
  for (const manifest of set.pods) {
    // As the API server does: the pod gets its uid and creation time here. Both travel
    // in the manifest label, so a rebuilt sandbox keeps the pod's identity and age
    // (neither is part of the spec hash).
    const uid = randomUUID();
    const pod: Pod = {
      ...manifest.object,
      metadata: { ...manifest.object.metadata, uid, creationTimestamp: new Date().toISOString() },
    };
    const namespace = pod.metadata?.namespace ?? 'default';
    // Claims with a PersistentVolumeClaim object, in this apply or on the engine; the
    // plan marks any other one `undeclared` and createObjects makes its volume.
    const claims = new Set<string>();
    for (const volume of pod.spec?.volumes ?? []) {
      const claim = volume.persistentVolumeClaim?.claimName;
      if (!claim || claims.has(claim)) continue;
      if (claimsInSet.has(keyOf(namespace, claim)) || (await claimExists(namespace, claim)))
        claims.add(claim);
    }
    const input: PlanInput = {
      pod,
      uid,
      configMaps: configMaps.get(namespace) ?? new Map(),
      secrets: secrets.get(namespace) ?? new Map(),
      pauseImage,
      podrunVersion: PODRUN_VERSION,
      engine: { volumeSubpath },
      claims,
      extraLabels: ownerLabels(options),
      publishAllPorts: options.publishAllPorts,
      services: services.get(namespace) ?? [],
    };
    try {
      const plan = planPod(input);
      work.push({ manifest, input, plan });
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      for (const issue of error.issues) {
        issues.push({
          location: manifest.locate(issue.path),
          path: issue.path,
          message: issue.message,
        });
      }
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
  return work;
}

/** Pull progress as lines: one per layer state change, not one per byte count. */
function pullReporter(image: string, options: ApplyOptions): PullProgressFn {
  const seen = new Map<string, string>();
  return (event) => {
    if (!options.onProgress || !event.status) return;
    const key = event.id ?? '';
    if (seen.get(key) === event.status) return;
    seen.set(key, event.status);
    options.onProgress(`${image}: ${key ? `${key}: ` : ''}${event.status}`);
  };
}

async function ensureImages(work: PodWork[], options: ApplyOptions): Promise<void> {
  const wanted = new Map<string, 'Always' | 'IfNotPresent' | 'Never'>();
  for (const { plan } of work) {
    for (const container of [...plan.initContainers, ...plan.containers]) {
      // The strictest policy wins when two pods name the same image.
      const current = wanted.get(container.image);
      if (current !== 'Always') wanted.set(container.image, container.imagePullPolicy);
    }
  }
  await Promise.all(
    [...wanted].map(([image, policy]) => ensureImage(image, policy, pullReporter(image, options))),
  );
}

export async function applyManifests(
  set: ManifestSet,
  options: ApplyOptions = {},
): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  if (options.dryRun) {
    const pauseImage =
      options.pauseImage ?? process.env.PODRUN_PAUSE_IMAGE ?? 'registry.k8s.io/pause:3.10';
    for (const { plan } of await planAll(set, options, pauseImage)) {
      results.push({
        kind: 'Pod',
        namespace: plan.namespace,
        name: plan.name,
        action: 'created',
        plan,
        warnings: plan.warnings,
      });
    }
    options.report?.(results);
    return results;
  }

  await pingEngine();
  // Without a caller's sink, the process's library writer: off this call's path.
  return applyObjects(
    set,
    { ...options, events: options.events ?? processEventStore().sink },
    results,
  );
}

async function applyObjects(
  set: ManifestSet,
  options: ApplyOptions & { events?: EventSink },
  results: ApplyResult[],
): Promise<ApplyResult[]> {
  const pauseImage = await ensurePauseImage({ image: options.pauseImage });
  const work = await planAll(set, options, pauseImage);
  await ensureImages(work, options);
  if (options.signal?.aborted) throw new ApplyInterrupted(interruptLines(NOTHING).join('\n'));

  // A failure in the third pod removes the first two too (nothing was reported yet);
  // an interrupt removes every pod not yet reported (planInterrupt).
  const progress: ApplyProgress = {
    shared: new CreatedObjects(),
    sharedCreated: [],
    pods: new Map(
      work.map(({ plan }) => [
        podKey(plan),
        { namespace: plan.namespace, name: plan.name, stage: 'queued' as PodStage },
      ]),
    ),
    created: new Map(),
  };
  try {
    await createObjects(set, work, options, progress, results);
    await options.beforeReport?.();
  } catch (error) {
    if (options.signal?.aborted) throw await rollBackInterrupted(progress);
    await CreatedObjects.merge([progress.shared, ...progress.created.values()]).rollback();
    await Promise.all(
      [...progress.pods.values()].map((pod) => removeStoreOfGonePod(pod.namespace, pod.name)),
    );
    throw error;
  }
  // The last step may have finished after the signal: nothing was reported yet, so
  // the interrupt still removes it all.
  if (options.signal?.aborted) throw await rollBackInterrupted(progress);
  // The pods are reported (the CLI prints them) in the same tick as the check above,
  // so no interrupt can fall in between; from here on they stay.
  options.report?.(results);
  await Promise.all([...progress.created.values()].map((created) => created.release()));
  return results;
}

/** How often a losing concurrent apply reads the pod again (100 ms apart) before giving up. */
const ADOPT_TRIES = 300;

/**
 * The pod as it stands, unless a deletion of it is under way. Deletion wins: a live
 * deleter's pod is not re-created (the apply fails with one line; apply again once
 * the delete is done). A dead deleter's deletion is finished here first.
 */
async function settledRecord(
  namespace: string,
  name: string,
  signal: AbortSignal | undefined,
): Promise<PodRecord | undefined> {
  for (;;) {
    if (signal?.aborted) throw new ApplyInterrupted('interrupted');
    const record = await findPodRecord(namespace, name);
    if (!record?.terminating) return record;
    if (deletionInProgress(record)) throw new PodDeletedError(namespace, name);
    await deletePodRecord(record);
  }
}

/** This apply's REPLACING intent on a pod; `lower` is safe to call more than once. */
async function replacingIntent(
  plan: PodPlan,
  options: ApplyOptions,
): Promise<{ lower: () => Promise<void> }> {
  const id = await raiseIntent(
    {
      namespace: plan.namespace,
      pod: plan.name,
      image: plan.sandbox.create.Image ?? '',
      supervised: options.supervise,
      owner: options.owner,
    },
    'replacing',
  );
  let lowered: Promise<void> | undefined;
  return {
    lower: () => {
      lowered ??= lowerIntent(id);
      return lowered;
    },
  };
}

/**
 * Delete the old version of a pod this apply replaces. True if another process is
 * deleting it too, or asked to (a delete request raised meanwhile): then the
 * replacement is not made.
 */
async function deletedByAnother(existing: PodRecord, plan: PodPlan): Promise<boolean> {
  if ((await deletePodRecord(existing, undefined, { replacing: true })).byAnother) return true;
  return (await liveIntents(plan.namespace, plan.name, 'delete')).length > 0;
}

interface ApplyProgress {
  /** ConfigMaps, Secrets and claims this apply created. */
  shared: CreatedObjects;
  sharedCreated: string[];
  pods: Map<string, PodProgress>;
  /** What each pod's start created so far (the pod itself once its sandbox exists). */
  created: Map<string, CreatedObjects>;
}

/** Ctrl-C before the report: roll back what planInterrupt says, and say what became of each pod. */
async function rollBackInterrupted(progress: ApplyProgress): Promise<ApplyInterrupted> {
  const plan = planInterrupt([...progress.pods.values()], new Set());
  const leftOver = new Map<string, number>();
  // One rollback for every pod: containers first, then markers, volumes and networks
  // last, so a namespace network two rolled-back pods shared is free when it goes.
  const records = plan.rollBack.flatMap((pod) => {
    const created = progress.created.get(podKey(pod));
    return created ? [{ key: podKey(pod), created }] : [];
  });
  const count =
    (await CreatedObjects.merge(records.map((record) => record.created)).rollback())?.errors
      .length ?? 0;
  // An event store a writer made while the pod was being removed goes too.
  await Promise.all(plan.rollBack.map((pod) => removeStoreOfGonePod(pod.namespace, pod.name)));
  // The engine does not say which pod a failed removal belonged to: name them all.
  if (count > 0) for (const { key } of records) leftOver.set(key, count);
  let sharedRolledBack: string[] = [];
  if (plan.rollBackShared) {
    const sharedCount = (await progress.shared.rollback())?.errors.length ?? 0;
    if (sharedCount > 0) leftOver.set('', sharedCount);
    sharedRolledBack = progress.sharedCreated;
  }
  const lines = interruptLines({ plan, sharedRolledBack, leftOver });
  return new ApplyInterrupted(lines.join('\n'));
}

async function createObjects(
  set: ManifestSet,
  work: PodWork[],
  options: ApplyOptions,
  progress: ApplyProgress,
  results: ApplyResult[],
): Promise<void> {
  const { shared } = progress;
  const events = options.events ?? (() => undefined);
  for (const { object } of set.persistentVolumeClaims) {
    const namespace = object.metadata?.namespace ?? 'default';
    const name = object.metadata?.name ?? '';
    const action = await ensureClaimVolume(object, ownerLabels(options));
    if (action === 'created') {
      shared.volume(claimVolumeDockerName(namespace, name));
      progress.sharedCreated.push(`persistentvolumeclaim/${name}`);
    }
    results.push({ kind: 'PersistentVolumeClaim', namespace, name, action, warnings: [] });
  }
  for (const [kind, objects] of [
    ['configmap', set.configMaps],
    ['secret', set.secrets],
  ] as const) {
    for (const { object } of objects) {
      const namespace = object.metadata?.namespace ?? 'default';
      const name = object.metadata?.name ?? '';
      const action = await storeConfigObject(kind, object, ownerLabels(options));
      if (action === 'created') {
        shared.volume(configDataDockerName(kind, namespace, name));
        progress.sharedCreated.push(`${kind}/${name}`);
      }
      const resultKind = kind === 'configmap' ? 'ConfigMap' : 'Secret';
      results.push({ kind: resultKind, namespace, name, action, warnings: [] });
    }
  }
  // A claim no PersistentVolumeClaim object names gets its volume on first use (as
  // podman does), once per apply however many pods share it, with one warning.
  const claimWarnings = new Map<PodWork, string[]>();
  const madeClaims = new Set<string>();
  for (const entry of work) {
    for (const volume of entry.plan.volumes) {
      if (volume.kind !== 'persistentVolumeClaim' || !volume.undeclared) continue;
      if (madeClaims.has(volume.dockerName)) continue;
      madeClaims.add(volume.dockerName);
      if ((await ensureVolume(volume.create)) !== 'created') continue;
      shared.volume(volume.dockerName);
      progress.sharedCreated.push(`persistentvolumeclaim/${volume.claimName}`);
      const warnings = claimWarnings.get(entry) ?? [];
      warnings.push(
        `persistentVolumeClaim "${volume.claimName}" has no PersistentVolumeClaim object; created volume ${volume.dockerName}`,
      );
      claimWarnings.set(entry, warnings);
    }
  }
  // Pods start concurrently (a few at a time): each waits mostly on the engine's
  // network setup, so 20 pods one by one took twice as long as 20 at once. Every pod
  // settles before a failure is rethrown, so the rollback sees all that was created.
  const podResults: ApplyResult[] = new Array(work.length);
  const queue = work.map((entry, index) => ({ entry, index }));
  const startOne = async ({ entry, index }: { entry: PodWork; index: number }) => {
    const { plan } = entry;
    if (options.signal?.aborted) throw new ApplyInterrupted('interrupted');
    const key = podKey(plan);
    const stage = (value: PodStage) => {
      const pod = progress.pods.get(key);
      if (pod) pod.stage = value;
    };
    const base = {
      kind: 'Pod' as const,
      namespace: plan.namespace,
      name: plan.name,
      warnings: [...plan.warnings, ...(claimWarnings.get(entry) ?? [])],
    };
    const run = { signal: options.signal, supervised: options.supervise, events };
    for (let tries = 0; ; tries++) {
      const existing = await settledRecord(plan.namespace, plan.name, options.signal);
      if (existing && existing.specHash === plan.specHash) {
        // As kubectl: unchanged. If its first run is still going (another apply is a
        // step ahead), this one runs the same sync loop with it until it is over.
        stage('unchanged');
        const started = await startedPod(plan.namespace, plan.name, run);
        podResults[index] = { ...base, action: 'unchanged', plan, started };
        return;
      }
      // Another re-apply has deleted the old version and is making its new one: read
      // again once it has (then this one is unchanged or replaces that).
      if (existing?.replacing && !existing.sandbox && existing.containers.length === 0) {
        if (tries >= ADOPT_TRIES)
          throw new PodBeingCreatedError(`pod ${plan.name} is being replaced`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      stage(existing ? 'replacing' : 'creating');
      // Replacing: raise REPLACING before deleting the old version, so a delete that
      // meets this one either stops it or waits for the new version (intents.ts).
      const replacing = existing ? await replacingIntent(plan, options) : undefined;
      const created = new CreatedObjects();
      try {
        // Another process began deleting it meanwhile: deletion wins, no new version.
        if (existing && (await deletedByAnother(existing, plan)))
          throw new PodDeletedError(plan.namespace, plan.name);
        progress.created.set(key, created);
        const started = await startPod(plan, { ...run, created, sandboxMade: replacing?.lower });
        stage(existing ? 'configured' : 'created');
        podResults[index] = { ...base, action: existing ? 'configured' : 'created', plan, started };
        return;
      } catch (error) {
        if (!(error instanceof PodBeingCreatedError) || tries >= ADOPT_TRIES) throw error;
        // Another apply of this pod got there first. What this one made so far (a pod
        // volume, the namespace network) is shared with it, not this apply's to
        // remove: forget it, and read the pod again (it is about to appear).
        await created.release();
        progress.created.delete(key);
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        await replacing?.lower();
      }
    }
  };
  const failures: unknown[] = [];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (failures.length > 0) return;
      try {
        await startOne(next);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(POD_CONCURRENCY, work.length) }, worker));
  if (failures.length > 0) throw failures[0];
  results.push(...podResults);
}
