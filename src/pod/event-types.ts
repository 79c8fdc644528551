// Event types shared by src/pod (which records and reads events) and the layers
// above it (the supervisor serves its own, the CLI and library pass them in). A
// leaf: it imports nothing, so src/pod never needs anything from src/supervisor.

export interface PodEvent {
  /** The last time it happened (kubectl's lastTimestamp). */
  time: Date;
  type: 'Normal' | 'Warning';
  reason: string;
  object: string;
  message: string;
  /** How many times it happened (repeats are folded, as kubectl shows "(x3 over 1m)"). */
  count?: number;
  /** The first time it happened, when it happened more than once (firstTimestamp). */
  firstTime?: Date;
}

export type EventSink = (namespace: string, pod: string, event: Omit<PodEvent, 'time'>) => void;

/** An event as written to the pod's event store (and sent over the supervisor's socket). */
export interface StoredEvent extends Omit<PodEvent, 'time' | 'firstTime'> {
  time: string;
  firstTime?: string;
}

/**
 * One writer's events of one pod: a writer is one process (`<host>-<pid>`), and it
 * alone rewrites its file in the pod's event store, so writers never race.
 */
export interface WriterEvents {
  writer: string;
  /** The pod uid the events belong to (a pod re-created under the same name has another). */
  podUid?: string;
  events: StoredEvent[];
}
