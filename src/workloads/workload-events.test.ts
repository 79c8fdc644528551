import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEngine } from '../docker/engine.js';
import { FakeEngine } from '../docker/fake-engine.js';
import {
  jobEvent,
  jobFinishedEvent,
  podEvent,
  readWorkloadEvents,
  scalingEvent,
  WorkloadEventLog,
} from './workload-events.js';

const at = new Date('2026-12-07T03:00:00Z');

describe('the controllers’ event texts', () => {
  it('say what each controller says in Kubernetes', () => {
    expect(scalingEvent('web-5c9f', 0, 3, at).message).toBe('Scaled up replica set web-5c9f to 3');
    expect(scalingEvent('web-5c9f', 3, 1, at).message).toBe(
      'Scaled down replica set web-5c9f to 1',
    );
    expect(podEvent('create', 'web-5c9f-abcde', at)).toEqual({
      time: at,
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: 'Created pod: web-5c9f-abcde',
    });
    expect(podEvent('delete', 'web-5c9f-abcde', at).reason).toBe('SuccessfulDelete');
    expect(podEvent('delete', 'web-5c9f-abcde', at).message).toBe('Deleted pod: web-5c9f-abcde');
    expect(jobEvent('create', 'tick-29876543', at).message).toBe('Created job tick-29876543');
    expect(jobEvent('delete', 'tick-29876543', at).message).toBe('Deleted job tick-29876543');
  });

  it("takes a failed Job's reason and message from its condition", () => {
    expect(jobFinishedEvent({ type: 'Complete' }, at)).toMatchObject({
      type: 'Normal',
      reason: 'Completed',
      message: 'Job completed',
    });
    expect(
      jobFinishedEvent(
        {
          type: 'Failed',
          reason: 'BackoffLimitExceeded',
          message: 'Job has reached the specified backoff limit',
        },
        at,
      ),
    ).toMatchObject({
      type: 'Warning',
      reason: 'BackoffLimitExceeded',
      message: 'Job has reached the specified backoff limit',
    });
  });
});

describe('WorkloadEventLog', () => {
  const engine = new FakeEngine();
  beforeEach(() => useEngine(engine));
  afterEach(() => useEngine(undefined));

  it('keeps both events of two pods a step made at once, and writes them to the holder', async () => {
    engine.addImage('podrun-test/pause:1');
    const holder = await engine.createContainer({ name: 'holder', Image: 'podrun-test/pause:1' });
    const log = new WorkloadEventLog();
    // The old bug: each add read the (empty) file and set its own list; one was lost.
    await Promise.all([
      log.add('u-1', holder, podEvent('create', 'job-aaaaa', at)),
      log.add('u-1', holder, podEvent('create', 'job-bbbbb', at)),
    ]);
    await log.flush('u-1', holder);
    const stored = await readWorkloadEvents(holder);
    expect(stored.map((event) => event.message).sort()).toEqual([
      'Created pod: job-aaaaa',
      'Created pod: job-bbbbb',
    ]);
  });
});
