// Test helpers (not built: tsconfig.build.json excludes test-helpers.ts), shared by
// the unit tests that drive whole pods (apply, the sync loop, delete) against the
// in-memory engine (docker/fake-engine.ts), no daemon.
//
// Time: the lifecycle waits with real timers (the sync loop's 50-500 ms polls, the
// deleter's 150 ms settle, a losing apply's 100 ms retry, probe periods). Under
// vitest's fake timers (Date and the timer functions; setImmediate stays real) a
// pump advances the fake clock to the next due timer whenever the process is idle
// (a real setImmediate turn: every engine answer is a microtask), so those waits
// cost nothing and a test never sleeps. The fake engine reads the same clock, so
// its timestamps and the lifecycle's Date.now() agree. Interleavings are scripted
// with the fake's gates (`hold`); a held call may see time pass meanwhile, as on a
// real engine.
import { afterEach, beforeEach, vi } from 'vitest';
import { useEngine } from '../docker/engine.js';
import { FakeEngine } from '../docker/fake-engine.js';
import { parseManifestText } from '../manifest/parse.js';
import type { ManifestSet } from '../manifest/types.js';
import { type ApplyOptions, type ApplyResult, applyManifests } from './apply.js';
import type { EventSink, PodEvent } from './event-types.js';

export const PAUSE_IMAGE = 'podrun-test/pause:1';
export const IMAGE = 'podrun-test/busybox:1';

export interface FakePods {
  fake: FakeEngine;
  /** Every lifecycle event recorded, in order. */
  events: Array<Omit<PodEvent, 'time'> & { pod: string }>;
  sink: EventSink;
}

/** Register beforeEach/afterEach hooks; the returned object is filled for each test. */
export function useFakePods(): FakePods {
  const pods = { events: [] } as unknown as FakePods;
  let stopPump: () => void = () => undefined;
  beforeEach(() => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      now: Date.parse('2026-06-01T00:00:00Z'),
    });
    pods.fake = new FakeEngine({ now: () => Date.now() });
    pods.fake.addImage(PAUSE_IMAGE);
    pods.fake.addImage(IMAGE);
    pods.events = [];
    pods.sink = (_namespace, pod, event) => pods.events.push({ ...event, pod });
    useEngine(pods.fake);
    stopPump = pumpTimers();
  });
  afterEach(() => {
    stopPump();
    useEngine(undefined);
    vi.useRealTimers();
  });
  return pods;
}

/** Advance the fake clock to the next timer whenever nothing else is left to run. */
function pumpTimers(): () => void {
  let on = true;
  const tick = () => {
    if (!on) return;
    if (vi.getTimerCount() > 0) vi.advanceTimersToNextTimer();
    setImmediate(tick);
  };
  setImmediate(tick);
  return () => {
    on = false;
  };
}

/** A pod manifest with busybox containers (IfNotPresent: the fake has the image). */
export function podYaml(name: string, spec: string): string {
  return `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
${spec
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
`;
}

export function manifests(yaml: string): ManifestSet {
  return parseManifestText(yaml, 'pod.yaml', { defaultNamespace: 'default', validate: 'strict' });
}

export function apply(
  pods: FakePods,
  set: ManifestSet,
  options: ApplyOptions = {},
): Promise<ApplyResult[]> {
  return applyManifests(set, { pauseImage: PAUSE_IMAGE, events: pods.sink, ...options });
}

/** What the engine holds of podrun: container names with states, volume and network names. */
export async function engineObjects(fake: FakeEngine) {
  const containers = await fake.listContainers({ all: true });
  const volumes = await fake.listVolumes({});
  const networks = await fake.listNetworks({});
  return {
    containers: containers.map((c) => `${c.Names[0]?.slice(1)} ${c.State}`).sort(),
    volumes: volumes.map((v) => v.Name).sort(),
    networks: networks
      .map((n) => n.Name)
      .filter((n) => n.startsWith('podrun'))
      .sort(),
  };
}

/** Resolve with the rejection of `promise` (fails if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
