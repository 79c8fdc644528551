// A Job's end against the fake engine: whoever sees the Job finished (apply --wait,
// `wait --for=condition=complete`, `get jobs`) reads the status file, and the next
// thing a script does is `describe job`. So the Completed (or Failed) event must be
// in the holder before the status that says the Job ended: CI once ran describe
// between the two writes and found no Completed event.
import type { Job } from 'kubernetes-types/batch/v1.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEngine } from '../docker/engine.js';
import { FakeEngine } from '../docker/fake-engine.js';
import { LOCAL_PAUSE_IMAGE } from '../docker/pause-image.js';
import { storedObject } from './apply.js';
import { workloadSpecHash, writeStored, writeStoredStatus } from './store.js';
import { WorkloadControllers } from './sync.js';

const SCOPE = 'finish-test';
let fake: FakeEngine;

beforeEach(() => {
  fake = new FakeEngine();
  fake.addImage(LOCAL_PAUSE_IMAGE);
  useEngine(fake);
});
afterEach(() => useEngine(undefined));

async function storeJob(spec: Omit<NonNullable<Job['spec']>, 'template'>, status: object) {
  const job = storedObject<Job>(
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate', namespace: 'ns' },
      spec: {
        template: { spec: { restartPolicy: 'Never', containers: [{ name: 'w', image: 'x' }] } },
        ...spec,
      },
    },
    undefined,
    new Date(fake.now()),
  );
  const stored = await writeStored('Job', job, { scope: SCOPE, specHash: workloadSpecHash(job) });
  await writeStoredStatus(stored.holderId, status);
  return stored.holderId;
}

/** Which of the holder's two files each upload into it carried, in order. */
function uploadsInto(holderId: string): string[] {
  return fake.calls
    .filter((call) => call.op === 'putArchive' && call.args[0] === holderId)
    .map((call) => {
      const tar = call.args[1] as Buffer;
      return ['events.json', 'status.json'].filter((file) => tar.includes(file)).join('+');
    });
}

describe('a Job that ends', () => {
  it('has its Completed event stored before the status that says Complete', async () => {
    // The stored count is a floor (a finished pod removed by hand still counts), so
    // this step completes the Job with no pod on the engine.
    const holderId = await storeJob(
      { completions: 1 },
      { startTime: '2026-01-01T00:00:00Z', succeeded: 1 },
    );
    const before = uploadsInto(holderId).length;
    await new WorkloadControllers().sync({ scope: SCOPE, records: [], report: {} });
    expect(uploadsInto(holderId).slice(before)).toEqual(['events.json', 'status.json']);
    expect(fake.fileContent(holderId, '/status/events.json')).toContain('Job completed');
    expect(JSON.parse(fake.fileContent(holderId, '/status/status.json') ?? '{}')).toMatchObject({
      conditions: [{ type: 'Complete', status: 'True' }],
    });
  });

  it('has its Failed reason stored before the status that says Failed', async () => {
    const holderId = await storeJob(
      { backoffLimit: 0 },
      { startTime: '2026-01-01T00:00:00Z', failed: 1 },
    );
    const before = uploadsInto(holderId).length;
    await new WorkloadControllers().sync({ scope: SCOPE, records: [], report: {} });
    expect(uploadsInto(holderId).slice(before)).toEqual(['events.json', 'status.json']);
    expect(fake.fileContent(holderId, '/status/events.json')).toContain('BackoffLimitExceeded');
  });

  it('a step that finds the Job already finished writes neither file again', async () => {
    const holderId = await storeJob(
      { completions: 1 },
      { startTime: '2026-01-01T00:00:00Z', succeeded: 1 },
    );
    const controllers = new WorkloadControllers();
    await controllers.sync({ scope: SCOPE, records: [], report: {} });
    const after = uploadsInto(holderId).length;
    await controllers.sync({ scope: SCOPE, records: [], report: {} });
    expect(uploadsInto(holderId)).toHaveLength(after);
  });
});
