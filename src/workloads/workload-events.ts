// A workload's events, as `kubectl describe` shows them: the deployment controller
// records ScalingReplicaSet ("Scaled up replica set web-5c9f to 3") each time it creates
// or resizes one of its ReplicaSets; the ReplicaSet, DaemonSet and Job controllers
// SuccessfulCreate / SuccessfulDelete for each pod, the CronJob controller the same for
// each Job, the Job controller Completed (or its failure's reason) when a Job ends. The
// supervisor records them at the same moments (sync.ts). They live as a file next to
// the status file in the object's current holder, so a delete leaves nothing behind. The supervisor keeps them in memory
// and writes the file when one is added or the holder is a new version (apply writes
// one with no file); a new supervisor reads the file back. A supervisor that dies
// before it carried the events into a new holder loses them: they are diagnostics.
import { putFiles, readFile as readContainerFile } from '../docker/archive.js';
import { log } from '../log.js';
import {
  foldServiceEvents,
  parseServiceEvents,
  type ServiceEvent,
  serializeServiceEvents,
} from '../services/service-events.js';

export const WORKLOAD_EVENTS_DIR = '/status';
export const WORKLOAD_EVENTS_FILE = 'events.json';
export type WorkloadEvent = ServiceEvent;

/** The deployment controller's message for a ReplicaSet going from `from` to `to` replicas. */
export function scalingEvent(rs: string, from: number, to: number, time: Date): WorkloadEvent {
  return {
    time,
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled ${to > from ? 'up' : 'down'} replica set ${rs} to ${to}`,
  };
}

/**
 * The ReplicaSet, DaemonSet and Job controllers' events for the pods they make and
 * remove (replica_set.go, daemon_controller.go, job_controller.go all say it so).
 */
export function podEvent(kind: 'create' | 'delete', pod: string, time: Date): WorkloadEvent {
  return kind === 'create'
    ? { time, type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod}` }
    : { time, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod}` };
}

/** The CronJob controller's events for the Jobs it makes and removes (cronjob_controllerv2.go). */
export function jobEvent(kind: 'create' | 'delete', job: string, time: Date): WorkloadEvent {
  return kind === 'create'
    ? { time, type: 'Normal', reason: 'SuccessfulCreate', message: `Created job ${job}` }
    : { time, type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted job ${job}` };
}

/** The Job controller's event when a Job finishes: Completed, or its Failed condition's reason. */
export function jobFinishedEvent(
  condition: { type: string; reason?: string; message?: string },
  time: Date,
): WorkloadEvent {
  return condition.type === 'Complete'
    ? { time, type: 'Normal', reason: 'Completed', message: 'Job completed' }
    : {
        time,
        type: 'Warning',
        reason: condition.reason ?? 'Failed',
        message: condition.message ?? 'Job failed',
      };
}

export async function readWorkloadEvents(holderId: string): Promise<WorkloadEvent[]> {
  try {
    return parseServiceEvents(
      await readContainerFile(holderId, `${WORKLOAD_EVENTS_DIR}/${WORKLOAD_EVENTS_FILE}`),
    );
  } catch {
    return [];
  }
}

/** The supervisor's events of its workloads, by uid, and the holder each was last written to. */
export class WorkloadEventLog {
  private readonly byUid = new Map<string, { events: WorkloadEvent[]; writtenTo?: string }>();
  private readonly dirty = new Set<string>();
  private readonly reading = new Map<
    string,
    Promise<{ events: WorkloadEvent[]; writtenTo?: string }>
  >();

  async add(uid: string, holderId: string, event: WorkloadEvent): Promise<void> {
    const known = await this.load(uid, holderId);
    known.events = foldServiceEvents(known.events, [event]);
    this.dirty.add(uid);
  }

  /** Write the file if an event was added or the holder is new; forget gone objects. */
  async flush(uid: string, holderId: string): Promise<void> {
    const known = this.byUid.get(uid);
    if (!known || (!this.dirty.has(uid) && known.writtenTo === holderId)) return;
    if (known.events.length === 0) return;
    try {
      const content = Buffer.from(serializeServiceEvents(known.events)).toString('base64');
      await putFiles(holderId, WORKLOAD_EVENTS_DIR, [
        { path: WORKLOAD_EVENTS_FILE, contentBase64: content, mode: 0o644 },
      ]);
      known.writtenTo = holderId;
      this.dirty.delete(uid);
    } catch (error) {
      log().debug({ err: error }, `workload events not stored: ${(error as Error).message}`);
    }
  }

  /** Keep only these uids' events (the others' objects are gone). */
  retain(uids: ReadonlySet<string>): void {
    for (const uid of [...this.byUid.keys()])
      if (!uids.has(uid)) {
        this.byUid.delete(uid);
        this.dirty.delete(uid);
      }
  }

  /**
   * Known events of the workload, read from its holder the first time; two pods a
   * step creates at once share the one read, or the second would drop the first's.
   */
  async load(uid: string, holderId: string) {
    const known = this.byUid.get(uid);
    if (known) return known;
    let reading = this.reading.get(uid);
    if (!reading) {
      reading = readWorkloadEvents(holderId).then((events) => {
        const read = { events, ...(events.length > 0 ? { writtenTo: holderId } : {}) };
        this.byUid.set(uid, read);
        return read;
      });
      this.reading.set(uid, reading);
      void reading.finally(() => this.reading.delete(uid));
    }
    return reading;
  }
}
