import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import { type Decision, decide } from './decide.js';
import type { InstanceFacts, PodFacts } from './facts.js';
import { firstRunOutcome } from './first-run.js';
import { podFactsOf } from './testing.js';

const facts = (
  spec: Partial<PodSpec>,
  instances: Partial<InstanceFacts>[],
  sandbox: 'running' | 'created' | 'none' = 'running',
): PodFacts => podFactsOf(spec, instances, sandbox, 99_000);

const NOW = 100_000;
const outcome = (f: PodFacts, decision: Decision = decide(f, { now: NOW })) =>
  firstRunOutcome(f, decision);

describe('firstRunOutcome', () => {
  const withInit = {
    initContainers: [{ name: 'init', image: 'x' }],
    containers: [
      { name: 'a', image: 'x' },
      { name: 'b', image: 'x' },
    ],
  };

  it('is not over while the sandbox is being started or an init container runs', () => {
    expect(outcome(facts(withInit, [], 'created')).done).toBe(false);
    expect(outcome(facts(withInit, [{ name: 'init', role: 'init' }])).done).toBe(false);
  });

  it('is not over until every app container was started', () => {
    const initDone = { name: 'init', role: 'init' as const, state: 'exited' as const, exitCode: 0 };
    expect(outcome(facts(withInit, [initDone, { name: 'a' }])).done).toBe(false);
    expect(outcome(facts(withInit, [initDone, { name: 'a' }, { name: 'b' }])).done).toBe(true);
    // A container that already exited was started: its restarts are the supervisor's.
    const exited = { name: 'b', state: 'exited' as const, exitCode: 1 };
    expect(outcome(facts(withInit, [initDone, { name: 'a' }, exited])).done).toBe(true);
  });

  it('is not over while an app container is only created (another driver starts it)', () => {
    expect(outcome(facts({}, [{ state: 'created' }])).done).toBe(false);
  });

  it('ends at an init failure and names it, whatever the restart policy', () => {
    for (const restartPolicy of ['Always', 'OnFailure', 'Never'] as const) {
      const failed = facts({ ...withInit, restartPolicy }, [
        { name: 'init', role: 'init', state: 'exited', exitCode: 3 },
      ]);
      expect(outcome(failed)).toEqual({
        done: true,
        initFailure: { container: 'init', exitCode: 3 },
      });
    }
  });

  it('ends at an init failure the supervisor already retried (the retry is the newest instance)', () => {
    const failedThenRetried = facts({ ...withInit, restartPolicy: 'Always' }, [
      { name: 'init', role: 'init', attempt: 1, streak: 1, state: 'running' },
      { name: 'init', role: 'init', attempt: 0, state: 'exited', exitCode: 1 },
    ]);
    expect(outcome(failedThenRetried)).toEqual({
      done: true,
      initFailure: { container: 'init', exitCode: 1 },
    });
  });

  it('ends when the pod finished or a container backs off', () => {
    const succeeded = facts({ restartPolicy: 'Never' }, [{ state: 'exited', exitCode: 0 }]);
    expect(outcome(succeeded).done).toBe(true);
    const backingOff: Decision = {
      actions: [],
      backingOff: [{ container: 'app', role: 'app', until: NOW + 10_000 }],
    };
    expect(outcome(facts({}, [], 'running'), backingOff).done).toBe(true);
  });

  it('a sidecar does not count as an init failure or a run to completion', () => {
    const spec = {
      initContainers: [{ name: 'side', image: 'x', restartPolicy: 'Always' }],
      containers: [{ name: 'app', image: 'x' }],
    };
    const sideExited = {
      name: 'side',
      role: 'init' as const,
      state: 'exited' as const,
      exitCode: 1,
    };
    expect(outcome(facts(spec, [sideExited])).initFailure).toBeUndefined();
  });
});
