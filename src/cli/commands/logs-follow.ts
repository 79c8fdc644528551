// `podrun logs -f`: following that outlives one container instance. kubectl's stream
// ends when the container exits, and `-l` never sees a pod created after it started
// (kubectl#686's cousin). Here a poll (every second) of the pods to follow starts a
// stream for each instance not followed yet: a restart's new instance, a new pod of
// the selector. The instances there when the command starts show their last lines
// (--tail) as kubectl does; a later instance shows all of its output.
import type { Writable } from 'node:stream';
import type Docker from 'dockerode';
import { Labels } from '../../plan/labels.js';
import { instanceLogs } from '../../pod/container-io.js';
import type { PodRecord } from '../../pod/records.js';

export interface FollowOptions {
  /** The pods to follow now (a vanished pod's streams end by themselves). */
  pods(): Promise<readonly PodRecord[]>;
  /** The containers of a pod to follow. */
  containers(record: PodRecord): string[];
  /** Where one container's lines go; ended when its stream ends. */
  output(record: PodRecord, container: string): Writable;
  /** Whether following is over, once no stream is open (a finished or deleted pod). */
  over(pods: readonly PodRecord[]): Promise<boolean>;
  tail?: number;
  /** Unix seconds. */
  since?: number;
  timestamps?: boolean;
  /** At most this many streams at once; a new one waits for a free place. */
  maxStreams?: number;
  intervalMs?: number;
  signal?: AbortSignal;
}

const POLL_MS = 1000;

export async function followLogs(options: FollowOptions): Promise<void> {
  const followed = new Set<string>();
  const open = new Set<Promise<void>>();
  let first = true;
  for (;;) {
    if (options.signal?.aborted) return;
    const pods = await options.pods();
    for (const record of pods) {
      for (const container of options.containers(record)) {
        // Listed newest first; followed oldest first, so a restart's output stays in order.
        const instances = record.containers.filter((c) => c.Labels[Labels.container] === container);
        // Instances older than the current one when the command starts are history.
        if (first) for (const old of instances.slice(1)) followed.add(old.Id);
        for (const instance of [...instances].reverse()) {
          if (followed.has(instance.Id) || instance.State === 'created') continue;
          if (options.maxStreams !== undefined && open.size >= options.maxStreams) continue;
          followed.add(instance.Id);
          const stream = follow(record, container, instance, options, first);
          open.add(stream);
          void stream.finally(() => open.delete(stream));
        }
      }
    }
    first = false;
    if (open.size === 0 && (await options.over(pods))) return;
    await delay(options.intervalMs ?? POLL_MS, options.signal);
  }
}

async function follow(
  record: PodRecord,
  container: string,
  instance: Docker.ContainerInfo,
  options: FollowOptions,
  current: boolean,
): Promise<void> {
  const out = options.output(record, container);
  try {
    await instanceLogs(
      record,
      instance,
      {
        follow: true,
        tail: current ? options.tail : undefined,
        since: options.since,
        timestamps: options.timestamps,
      },
      out,
    );
  } catch {
    // Removed while followed (its pod deleted): its stream is simply over.
  } finally {
    if (out !== process.stdout) out.end();
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
