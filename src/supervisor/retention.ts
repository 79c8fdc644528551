// What a long-running supervisor may forget: per-instance and per-pod memory (probe
// verdicts, BackOff notices, lifecycle events) of containers and pods that are no
// longer listed. Without it those maps grow with every restart and every deleted pod,
// for as long as the supervisor runs.
//
// A key is forgotten only once it was missing from `minListings` consecutive
// listings and for at least `graceMs`: a listing is taken before the step that
// creates containers, so an instance created (and given a verdict) during a step is
// missing from that step's listing, and must survive until the next one.

export interface AbsenceOptions {
  minListings: number;
  graceMs: number;
}

export class AbsenceTracker {
  private readonly absent = new Map<string, { since: number; listings: number }>();

  constructor(private readonly options: AbsenceOptions) {}

  /**
   * One listing: of the `known` keys, those not `listed` long enough to forget.
   * Keys listed again, or no longer known, are no longer tracked.
   */
  sweep(known: Iterable<string>, listed: ReadonlySet<string>, now: number): string[] {
    const due: string[] = [];
    const still = new Set<string>();
    for (const key of known) {
      if (listed.has(key)) continue;
      still.add(key);
      const seen = this.absent.get(key) ?? { since: now, listings: 0 };
      seen.listings += 1;
      this.absent.set(key, seen);
      if (seen.listings >= this.options.minListings && now - seen.since >= this.options.graceMs) {
        due.push(key);
      }
    }
    for (const key of this.absent.keys()) if (!still.has(key)) this.absent.delete(key);
    for (const key of due) this.absent.delete(key);
    return due;
  }

  /** How many keys are being watched (for tests). */
  get size(): number {
    return this.absent.size;
  }
}
