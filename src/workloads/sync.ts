// The workload step of the supervisor's tick (docs/controllers.md, "Running the
// controllers"): read the stored Deployments, ReplicaSets, DaemonSets, Jobs and
// CronJobs of the scope, run each one's pure controller step (src/controllers) on its
// ReplicaSets, Jobs and pods, and carry the intents out: ReplicaSets and a CronJob's
// Jobs are holders written through the store,
// pods are created through the normal pod path (sandbox only: the pod sync carries
// on) and deleted through deletePodRecord (the delete fence), in the background so a
// grace period never holds the tick. Only the supervisor of a scope runs this, so
// one writer decides how many pods there are. Level-triggered: whatever a killed
// supervisor left half done, the next step sees and finishes.
import { randomUUID } from 'node:crypto';
import type { ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { CronJobStatus, JobCondition, JobStatus } from 'kubernetes-types/batch/v1.js';
import { cronJobOwner, type OwnedJob, syncCronJob } from '../controllers/cronjob.js';
import { daemonSetOwner, syncDaemonSet } from '../controllers/daemonset.js';
import { deploymentOwner, syncDeployment } from '../controllers/deployment.js';
import { earliest, type OwnedPod } from '../controllers/facts.js';
import type { ControllerIntent } from '../controllers/intents.js';
import { jobOwner, syncJob } from '../controllers/job.js';
import { replicaSetOwner, syncReplicaSet } from '../controllers/replicaset.js';
import { removeContainer } from '../docker/containers.js';
import { listPodrunVolumes, removeVolumeWhenFree } from '../docker/volumes.js';
import { log } from '../log.js';
import { Labels } from '../plan/labels.js';
import { deletePodRecord, deletionInProgress } from '../pod/delete-pod.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { findPodRecord, type PodRecord } from '../pod/records.js';
import { storedObject } from './apply.js';
import { createControlledPod } from './create-pod.js';
import { jobBackoffFromEnv } from './job-backoff.js';
import { type StoredKind, WorkloadLabels } from './labels.js';
import { controllerOf, podFactsOf } from './pods.js';
import { StatusMemory } from './status-memory.js';
import {
  listStored,
  removeStored,
  StoreConflictError,
  type StoredWorkload,
  workloadSpecHash,
  writeStored,
} from './store.js';
import { withStatus } from './view.js';
import {
  jobEvent,
  jobFinishedEvent,
  podEvent,
  scalingEvent,
  WorkloadEventLog,
} from './workload-events.js';

/** An older holder left this long after its successor is a dead writer's: swept. */
const OLDER_HOLDER_GRACE_MS = 10_000;
/** How often, and past what age, pod volumes of vanished controlled pods are swept. */
const VOLUME_SWEEP_MS = 30_000;
/** Pods of one ReplicaSet created at the same time. */
const CREATE_CONCURRENCY = 8;
const ORPHAN_VOLUME_AGE_MS = 60_000;

export interface WorkloadSyncInput {
  scope: string;
  namespace?: string;
  /** The scope's pod records, as this tick listed them. */
  records: readonly PodRecord[];
  /** Readiness from the supervisor's probers. */
  report: ProbeReport;
}

export interface WorkloadSyncResult {
  /** Something was created, scaled or deleted: run the tick again soon. */
  acted: boolean;
  /** When a step's answer changes by the clock alone (minReadySeconds, deadlines). */
  wakeAt?: number;
}

interface OwnedRecord {
  record: PodRecord;
  facts: OwnedPod;
}

type StoredRS = StoredWorkload<'ReplicaSet'>;
type StoredDeployment = StoredWorkload<'Deployment'>;
type StoredDaemonSet = StoredWorkload<'DaemonSet'>;
type StoredJob = StoredWorkload<'Job'>;
type StoredCronJob = StoredWorkload<'CronJob'>;

/** The kinds whose pods the garbage collector removes once their owner is gone. */
const POD_OWNER_KINDS: readonly StoredKind[] = ['ReplicaSet', 'DaemonSet', 'Job'];

export interface WorkloadControllersOptions {
  /**
   * Called for a pod this controller deletes, once it is marked Terminating and before
   * its containers stop (delete-pod.ts): the supervisor takes it out of its Services.
   */
  beforeStop?: (record: PodRecord) => Promise<void>;
}

export class WorkloadControllers {
  constructor(private readonly options: WorkloadControllersOptions = {}) {}

  /** Deployment and Job statuses (what cannot be recomputed from pods), by uid. */
  private readonly statuses = new StatusMemory();
  private readonly jobBackoff = jobBackoffFromEnv();
  /** Pods (namespace/name) a background delete of this process is under way on. */
  private readonly deleting = new Map<string, Promise<void>>();
  private lastVolumeSweep = 0;
  /** When each controlled pod (namespace/name/uid) was first seen Ready by this process. */
  private readonly readySince = new Map<string, number>();
  /** The workloads' events (describe): ScalingReplicaSet, SuccessfulCreate ... */
  private readonly events = new WorkloadEventLog();
  /** The last warning of each object (by uid), not repeated every tick. */
  private readonly warned = new Map<string, string>();

  async sync(input: WorkloadSyncInput): Promise<WorkloadSyncResult> {
    const now = Date.now();
    const stored = await listStored({ scope: input.scope, namespace: input.namespace });
    await this.sweepOlder(stored, now);
    const deployments = stored.filter((s): s is StoredDeployment => s.kind === 'Deployment');
    const sets = stored.filter((s): s is StoredRS => s.kind === 'ReplicaSet');
    const podsOf = groupByController(input.records, input.report, now, this.readySince);
    const pods = (uid: string) => podsOf.get(uid) ?? [];
    const result: WorkloadSyncResult = { acted: false };
    const act = (intents: readonly ControllerIntent[], wakeAt?: number) => {
      if (intents.length > 0) result.acted = true;
      result.wakeAt = earliest(result.wakeAt, wakeAt);
    };

    for (const d of deployments) {
      try {
        const owned = sets.filter((rs) => rs.controllerUid === d.uid);
        const step = syncDeployment({
          deployment: { ...d.object, status: await this.statuses.read(d) },
          replicaSets: owned.map((rs) => withStatus(rs.object, factsOf(pods(rs.uid)), now)),
          pods: owned.flatMap((rs) => factsOf(pods(rs.uid))),
          now,
        });
        for (const intent of step.intents) await this.carryOutForDeployment(d, intent, sets, pods);
        // The events before the status a reader gates on (rollout status), as for Jobs.
        await this.events.flush(d.uid, d.holderId);
        await this.statuses.save(d, step.status);
        act(step.intents, step.wakeAt);
      } catch (error) {
        this.warn(d, error);
      }
    }
    for (const id of [...this.warned.keys()])
      if (!stored.some((s) => s.uid === id)) this.warned.delete(id);

    // The pod intents of every ReplicaSet, DaemonSet and Job at once: each step decided
    // on this tick's listing alone, and a pod's creation waits mostly on the engine
    // (its sandbox start), so a Job's pod does not queue behind a Deployment's.
    const podWork: Array<Promise<void>> = [];
    const deploymentUids = new Set(deployments.map((d) => d.uid));
    for (const rs of [...sets]) {
      try {
        // Its Deployment is gone (deleted while a step was under way): garbage.
        if (rs.controllerUid && !deploymentUids.has(rs.controllerUid)) {
          await this.deleteOwned(rs, sets, pods);
          result.acted = true;
          continue;
        }
        const step = syncReplicaSet({
          replicaSet: rs.object,
          pods: factsOf(pods(rs.uid)),
          now,
          random: Math.random,
        });
        podWork.push(
          this.carryOutPodIntents(rs, step.intents, pods).catch((e) => this.warn(rs, e)),
        );
        act(step.intents, step.wakeAt);
      } catch (error) {
        this.warn(rs, error);
      }
    }

    for (const ds of stored.filter((s): s is StoredDaemonSet => s.kind === 'DaemonSet')) {
      try {
        const step = syncDaemonSet({
          daemonSet: ds.object,
          pods: factsOf(pods(ds.uid)),
          now,
          random: Math.random,
        });
        podWork.push(
          this.carryOutPodIntents(ds, step.intents, pods).catch((e) => this.warn(ds, e)),
        );
        act(step.intents, step.wakeAt);
      } catch (error) {
        this.warn(ds, error);
      }
    }

    const jobs = stored.filter((s): s is StoredJob => s.kind === 'Job');
    const cronJobs = stored.filter((s): s is StoredCronJob => s.kind === 'CronJob');
    for (const cj of cronJobs) {
      try {
        const owned = jobs.filter((job) => job.controllerUid === cj.uid);
        const step = syncCronJob({
          cronJob: { ...cj.object, status: await this.statuses.read<CronJobStatus>(cj) },
          jobs: await Promise.all(owned.map((job) => this.jobFacts(job))),
          now,
        });
        for (const intent of step.intents) await this.carryOutForCronJob(cj, intent, jobs, pods);
        await this.statuses.save(cj, step.status);
        await this.events.flush(cj.uid, cj.holderId);
        act(step.intents, step.wakeAt);
      } catch (error) {
        this.warn(cj, error);
      }
    }
    // A CronJob's Job whose CronJob is gone (deleted while a step made it): garbage.
    const cronJobUids = new Set(cronJobs.map((cj) => cj.uid));
    for (const job of [...jobs]) {
      if (job.controllerUid && !cronJobUids.has(job.controllerUid)) {
        await this.deleteOwned(job, jobs, pods);
        result.acted = true;
      }
    }
    for (const job of jobs) {
      try {
        const status = await this.statuses.read<JobStatus>(job);
        const step = syncJob({
          job: { ...job.object, status },
          pods: factsOf(pods(job.uid)),
          now,
          random: Math.random,
          backoff: this.jobBackoff,
        });
        // A reader that sees the Job finished (apply --wait, wait, get) reads the status
        // file and describes next: the event that says so goes into the holder first.
        const ended = finishedCondition(step.status);
        if (ended && !finishedCondition(status)) {
          await this.events.add(job.uid, job.holderId, jobFinishedEvent(ended, new Date()));
          await this.events.flush(job.uid, job.holderId);
        }
        // The status before the pods: a pod the step creates is then counted from a
        // stored startTime.
        if (!step.intents.some((i) => i.kind === 'delete-self'))
          await this.statuses.save(job, step.status);
        podWork.push(
          this.carryOutPodIntents(job, step.intents, pods).catch((e) => this.warn(job, e)),
        );
        act(step.intents, step.wakeAt);
      } catch (error) {
        this.warn(job, error);
      }
    }
    await Promise.all(podWork);
    this.events.retain(new Set(stored.map((s) => s.uid)));
    this.statuses.keepOnly(
      stored.filter((s) => s.kind !== 'ReplicaSet' && s.kind !== 'DaemonSet').map((s) => s.uid),
    );

    // Pods of a ReplicaSet, DaemonSet or Job that is gone (the garbage collector's part).
    const ownerUids = new Set(
      stored
        .filter((s) => s.kind !== 'ReplicaSet' && s.kind !== 'Job')
        .map((s) => s.uid)
        .concat(
          sets.map((rs) => rs.uid),
          jobs.map((job) => job.uid),
        ),
    );
    for (const [uid, owned] of podsOf) {
      if (ownerUids.has(uid)) continue;
      for (const { record } of owned) {
        const kind = record.pod?.metadata?.ownerReferences?.find((r) => r.controller)?.kind;
        if (!POD_OWNER_KINDS.includes(kind as StoredKind)) continue;
        if (this.deleteInBackground(record)) result.acted = true;
      }
    }
    await this.sweepVolumes(input.namespace, now);
    return result;
  }

  /**
   * Pod volumes of controlled pods that are gone (their containers removed behind
   * podrun's back, `docker rm -f`): the pod never comes back under that random name,
   * so nobody else would remove them. Only volumes older than a minute whose pod has
   * no container left at all, looked up afresh.
   */
  private async sweepVolumes(namespace: string | undefined, now: number): Promise<void> {
    if (now - this.lastVolumeSweep < VOLUME_SWEEP_MS) return;
    this.lastVolumeSweep = now;
    const volumes = await listPodrunVolumes({
      [Labels.namespace]: namespace,
      [Labels.role]: 'volume',
    });
    for (const volume of volumes) {
      const labels = volume.Labels ?? {};
      const pod = labels[Labels.pod];
      const podNamespace = labels[Labels.namespace];
      if (!labels[WorkloadLabels.controllerUid] || !pod || !podNamespace) continue;
      const created = Date.parse(String((volume as { CreatedAt?: string }).CreatedAt ?? ''));
      if (!Number.isFinite(created) || now - created < ORPHAN_VOLUME_AGE_MS) continue;
      if (await findPodRecord(podNamespace, pod)) continue;
      await removeVolumeWhenFree(volume.Name).catch(() => undefined);
    }
  }

  /** Once per object and message: a template that cannot be planned fails every step. */
  private warn(object: StoredWorkload, error: unknown): void {
    if (error instanceof StoreConflictError) return; // another writer: read again next step
    const message = `supervisor: ${object.kind.toLowerCase()} ${object.namespace}/${object.name}: ${(error as Error).message}`;
    if (this.warned.get(object.uid) === message) return;
    this.warned.set(object.uid, message);
    log().warn({ err: error }, message);
  }

  private async sweepOlder(stored: readonly StoredWorkload[], now: number): Promise<void> {
    const stale = stored.flatMap((s) =>
      s.older.filter((o) => now - o.created > OLDER_HOLDER_GRACE_MS).map((o) => o.id),
    );
    await Promise.all(stale.map((id) => removeContainer(id).catch(() => undefined)));
  }

  private async carryOutForDeployment(
    d: StoredDeployment,
    intent: ControllerIntent,
    sets: StoredRS[],
    pods: (uid: string) => OwnedRecord[],
  ): Promise<void> {
    const ownedNamed = (name: string) =>
      sets.find((rs) => rs.controllerUid === d.uid && rs.name === name);
    switch (intent.kind) {
      case 'create-replicaset': {
        const rs: ReplicaSet = structuredClone(intent.replicaSet);
        rs.metadata = { ...rs.metadata, uid: randomUUID(), generation: 1 };
        const made = await writeStored('ReplicaSet', rs, {
          scope: d.scope,
          owner: d.owner,
          specHash: workloadSpecHash(rs),
          controller: deploymentOwner(d.object),
        });
        sets.push(made);
        const replicas = rs.spec?.replicas ?? 0;
        if (replicas > 0)
          await this.events.add(
            d.uid,
            d.holderId,
            scalingEvent(made.name, 0, replicas, new Date()),
          );
        return;
      }
      case 'scale-replicaset':
      case 'annotate-replicaset': {
        const rs = ownedNamed(intent.name);
        if (!rs) return;
        const object = structuredClone(rs.object);
        object.metadata = {
          ...object.metadata,
          annotations: { ...object.metadata?.annotations, ...intent.annotations },
        };
        if (intent.kind === 'scale-replicaset' && object.spec?.replicas !== intent.replicas) {
          object.spec = { ...object.spec!, replicas: intent.replicas };
          object.metadata = {
            ...object.metadata,
            generation: (object.metadata.generation ?? 1) + 1,
          };
        }
        const made = await writeStored('ReplicaSet', object, {
          previous: rs,
          scope: rs.scope,
          owner: rs.owner,
          specHash: workloadSpecHash(object),
          controller: deploymentOwner(d.object),
        });
        sets.splice(sets.indexOf(rs), 1, made);
        const from = rs.object.spec?.replicas ?? 1;
        if (intent.kind === 'scale-replicaset' && from !== intent.replicas)
          await this.events.add(
            d.uid,
            d.holderId,
            scalingEvent(made.name, from, intent.replicas, new Date()),
          );
        return;
      }
      case 'delete-replicaset': {
        const rs = ownedNamed(intent.name);
        if (rs) await this.deleteOwned(rs, sets, pods);
        return;
      }
      default:
        return;
    }
  }

  /**
   * A ReplicaSet's, DaemonSet's or Job's intents: pods created a few at a time, as
   * apply starts them (each waits mostly on the engine), deleted in the background;
   * a Job past its TTL removed with its pods (foreground, as the TTL controller asks).
   */
  private async carryOutPodIntents(
    owner: StoredRS | StoredDaemonSet | StoredJob,
    intents: readonly ControllerIntent[],
    pods: (uid: string) => OwnedRecord[],
  ): Promise<void> {
    const ownerRef =
      owner.kind === 'ReplicaSet'
        ? replicaSetOwner(owner.object)
        : owner.kind === 'DaemonSet'
          ? daemonSetOwner(owner.object)
          : jobOwner(owner.object);
    let gone = false;
    const carryOut = async (intent: ControllerIntent) => {
      if (intent.kind === 'create-pod') {
        await createControlledPod({
          namespace: owner.namespace,
          name: intent.name,
          template: intent.template,
          owner: { ...ownerRef, uid: owner.uid },
          scope: owner.scope,
          libraryOwner: owner.owner,
        });
        await this.events.add(
          owner.uid,
          owner.holderId,
          podEvent('create', intent.name, new Date()),
        );
      } else if (intent.kind === 'delete-pod') {
        const owned = pods(owner.uid).find((p) => p.record.name === intent.name);
        if (owned && this.deleteInBackground(owned.record)) {
          await this.events.add(
            owner.uid,
            owner.holderId,
            podEvent('delete', intent.name, new Date()),
          );
        }
      } else if (intent.kind === 'delete-self') {
        gone = true;
        await removeStored(owner);
        for (const { record } of pods(owner.uid)) this.deleteInBackground(record);
      }
    };
    const queue = [...intents];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await carryOut(next);
    };
    try {
      await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, queue.length) }, worker));
    } finally {
      // What was carried out is said, whatever failed after it.
      if (!gone) await this.events.flush(owner.uid, owner.holderId);
    }
  }

  /**
   * A Deployment's ReplicaSet or a CronJob's Job: its holders now, its pods in the
   * background (the next steps see them go).
   */
  private async deleteOwned<T extends StoredRS | StoredJob>(
    owned: T,
    siblings: T[],
    pods: (uid: string) => OwnedRecord[],
  ): Promise<void> {
    await removeStored(owned);
    const index = siblings.indexOf(owned);
    if (index >= 0) siblings.splice(index, 1);
    for (const { record } of pods(owned.uid)) this.deleteInBackground(record);
  }

  /** What the CronJob step sees of a Job: its Complete or Failed condition and times. */
  private async jobFacts(job: StoredJob): Promise<OwnedJob> {
    const status = await this.statuses.read<JobStatus>(job);
    const created = Date.parse(job.object.metadata?.creationTimestamp ?? '') || 0;
    const ended = status.conditions?.find(
      (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
    );
    const time = (text: string | undefined) => {
      const ms = Date.parse(text ?? '');
      return Number.isFinite(ms) ? ms : undefined;
    };
    return {
      name: job.name,
      uid: job.uid,
      createdAt: created,
      ...(ended ? { finished: ended.type as 'Complete' | 'Failed' } : {}),
      ...(time(status.startTime) === undefined ? {} : { startedAt: time(status.startTime) }),
      ...(ended
        ? { completedAt: time(status.completionTime) ?? time(ended.lastTransitionTime) }
        : {}),
    };
  }

  private async carryOutForCronJob(
    cj: StoredCronJob,
    intent: ControllerIntent,
    jobs: StoredJob[],
    pods: (uid: string) => OwnedRecord[],
  ): Promise<void> {
    if (intent.kind === 'create-job') {
      const job = storedObject(intent.job, undefined, new Date());
      const made = await writeStored('Job', job, {
        scope: cj.scope,
        owner: cj.owner,
        specHash: workloadSpecHash(job),
        controller: cronJobOwner(cj.object),
      });
      jobs.push(made);
      await this.events.add(cj.uid, cj.holderId, jobEvent('create', made.name, new Date()));
    } else if (intent.kind === 'delete-job') {
      const job = jobs.find((j) => j.controllerUid === cj.uid && j.name === intent.name);
      if (job) {
        await this.deleteOwned(job, jobs, pods);
        await this.events.add(cj.uid, cj.holderId, jobEvent('delete', job.name, new Date()));
      }
    }
  }

  /**
   * True if a delete started now. A pod already terminating is left to its deleter
   * while that process lives; one whose deleter died (a supervisor stopped or killed
   * mid-delete) is taken over, or it would stay Terminating for ever.
   */
  private deleteInBackground(record: PodRecord): boolean {
    const key = `${record.namespace}/${record.name}`;
    if (this.deleting.has(key)) return false;
    if (record.terminating && deletionInProgress(record)) return false;
    const beforeStop = this.options.beforeStop;
    const done = deletePodRecord(record, undefined, {
      beforeStop: beforeStop && (() => beforeStop(record)),
    })
      .then(() => undefined)
      .catch((error: unknown) =>
        log().warn({ err: error }, `supervisor: deleting pod ${key}: ${(error as Error).message}`),
      )
      .finally(() => this.deleting.delete(key));
    this.deleting.set(key, done);
    return true;
  }

  /**
   * Let the deletes under way finish (a graceful supervisor stop), for at most
   * `timeoutMs`; what is left then carries a marker of a dead process, which the
   * next supervisor takes over.
   */
  async drain(timeoutMs: number): Promise<void> {
    if (this.deleting.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.deleting.values()),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }
}

/** A Job status's Complete or Failed condition, when it has ended. */
function finishedCondition(status: JobStatus): JobCondition | undefined {
  return status.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

function factsOf(owned: readonly OwnedRecord[]): OwnedPod[] {
  return owned.map((o) => o.facts);
}

/** The scope's pods by the uid of their controller (ownerReferences). */
function groupByController(
  records: readonly PodRecord[],
  report: ProbeReport,
  now: number,
  readySince: Map<string, number>,
): Map<string, OwnedRecord[]> {
  const out = new Map<string, OwnedRecord[]>();
  const seen = new Set<string>();
  for (const record of records) {
    const uid = controllerOf(record);
    if (!uid) continue;
    const facts = podFactsOf(record, report, now);
    // Ready since this supervisor first saw it Ready (podrun keeps no transition time
    // of the Ready condition): minReadySeconds counts from then, never too early.
    const key = `${record.namespace}/${record.name}/${record.uid}`;
    seen.add(key);
    if (facts.ready) {
      if (!readySince.has(key)) readySince.set(key, now);
      facts.readySince = readySince.get(key);
    } else {
      readySince.delete(key);
    }
    out.set(uid, [...(out.get(uid) ?? []), { record, facts }]);
  }
  for (const key of [...readySince.keys()]) if (!seen.has(key)) readySince.delete(key);
  return out;
}
