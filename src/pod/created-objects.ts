// What one apply has created so far, so a failure (or Ctrl-C) halfway can remove
// exactly that and nothing else.
import { removeContainer } from '../docker/containers.js';
import { removeNetworkIfUnused } from '../docker/networks.js';
import { removeVolumeWhenFree } from '../docker/volumes.js';
import { aggregate, type CleanupError } from '../errors.js';
import { log } from '../log.js';
import { deletePodRecord } from './delete-pod.js';
import { findPodRecord } from './records.js';

export class CreatedObjects {
  /** Pods this record made, by namespace/name: a rollback deletes each through the fence. */
  private readonly pods: { namespace: string; name: string }[] = [];
  private readonly containers: string[] = [];
  private readonly volumes: string[] = [];
  private readonly networks: string[] = [];
  private readonly markers: string[] = [];

  /**
   * A pod whose sandbox this record made: a rollback deletes the whole pod (delete-pod.ts),
   * including what another process (a supervisor, a second apply) created for it meanwhile.
   */
  pod(namespace: string, name: string): void {
    this.pods.push({ namespace, name });
  }

  container(id: string): void {
    this.containers.push(id);
  }

  volume(name: string): void {
    this.volumes.push(name);
  }

  network(name: string): void {
    this.networks.push(name);
  }

  /** A marker container: removed after every other container. */
  marker(id: string): void {
    this.markers.push(id);
  }

  /** Everything recorded in these, as one record (one rollback, networks last). */
  static merge(records: Iterable<CreatedObjects>): CreatedObjects {
    const merged = new CreatedObjects();
    for (const record of records) {
      merged.pods.push(...record.pods);
      merged.containers.push(...record.containers);
      merged.volumes.push(...record.volumes);
      merged.networks.push(...record.networks);
      merged.markers.push(...record.markers);
    }
    return merged;
  }

  /**
   * The start is over and its objects are no longer this record's to remove: drop the
   * markers (supervisors take over the pod) and forget the rest.
   */
  async release(): Promise<void> {
    for (const id of this.markers) {
      await removeContainer(id).catch((error: unknown) =>
        // A stale marker is removed by the next supervisor that finds its holder dead.
        log().warn({ err: error }, `could not remove marker ${id}`),
      );
    }
    this.pods.length = 0;
    this.markers.length = 0;
    this.containers.length = 0;
    this.volumes.length = 0;
    this.networks.length = 0;
  }

  /**
   * Remove everything recorded, newest first; keeps going past individual failures
   * and returns them as one CleanupError (also logged), undefined when all went.
   */
  async rollback(): Promise<CleanupError | undefined> {
    const failures: unknown[] = [];
    const attempt = async (what: string, step: () => Promise<void>) => {
      try {
        await step();
      } catch (error) {
        failures.push(error);
        log().warn({ err: error }, `rollback: could not remove ${what}`);
      }
    };
    // Pods first, through the delete fence: nothing comes back for them once this runs.
    await Promise.all(
      this.pods.map(({ namespace, name }) =>
        attempt(`pod ${namespace}/${name}`, async () => {
          const record = await findPodRecord(namespace, name);
          if (record) await deletePodRecord(record, 0);
        }),
      ),
    );
    this.pods.length = 0;
    await Promise.all(
      [...this.containers]
        .reverse()
        .map((id) => attempt(`container ${id}`, () => removeContainer(id))),
    );
    // Markers last: while one stands, supervisors keep their hands off the pod.
    for (const id of this.markers) await attempt(`marker ${id}`, () => removeContainer(id));
    this.markers.length = 0;
    for (const name of [...this.volumes].reverse()) {
      await attempt(`volume ${name}`, () => removeVolumeWhenFree(name));
    }
    for (const name of [...this.networks].reverse()) {
      await attempt(`network ${name}`, () => removeNetworkIfUnused(name));
    }
    this.containers.length = 0;
    this.volumes.length = 0;
    this.networks.length = 0;
    const failed = aggregate(failures, 'rollback');
    if (failed) {
      log().warn(`rollback left ${failures.length} object(s) behind; run podrun delete to retry`);
    }
    return failed;
  }
}
