// The part of a Deployment's or Job's status that cannot be computed again from its
// pods (conditions and their times, collisionCount, a Job's startTime and counts),
// kept in the supervisor's memory and written as a file into the object's current
// holder when it changed or the holder is new (docs/controllers.md, "Where the
// objects live"). A new supervisor reads the file back.
import { readStoredStatus, type StoredWorkload, writeStoredStatus } from './store.js';

interface Kept {
  status: object;
  /** The holder and the text last written into it. */
  written?: { holderId: string; json: string };
}

export class StatusMemory {
  private readonly byUid = new Map<string, Kept>();

  /** The status as last kept, else as the holder's file has it, else empty. */
  async read<T extends object>(stored: StoredWorkload): Promise<T> {
    const known = this.byUid.get(stored.uid);
    if (known) return structuredClone(known.status) as T;
    const read = await readStoredStatus<T>(stored.holderId).catch(() => undefined);
    const status = read ?? ({} as T);
    this.byUid.set(stored.uid, {
      status,
      ...(read ? { written: { holderId: stored.holderId, json: JSON.stringify(read) } } : {}),
    });
    return structuredClone(status);
  }

  /** Keep the status; write it into the holder when it changed or the holder is new. */
  async save(stored: StoredWorkload, status: object): Promise<void> {
    const json = JSON.stringify(status);
    const written = this.byUid.get(stored.uid)?.written;
    this.byUid.set(stored.uid, { status, written });
    if (written && written.holderId === stored.holderId && written.json === json) return;
    await writeStoredStatus(stored.holderId, status);
    this.byUid.set(stored.uid, { status, written: { holderId: stored.holderId, json } });
  }

  /** Forget the objects that are gone. */
  keepOnly(uids: readonly string[]): void {
    const keep = new Set(uids);
    for (const uid of [...this.byUid.keys()]) if (!keep.has(uid)) this.byUid.delete(uid);
  }
}
