import type { PodSpec } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../probes/results.js';
import { decide, finishedPhase } from './decide.js';
import type { InstanceFacts, PodFacts } from './facts.js';
import { podFactsOf } from './testing.js';

const pod = (
  spec: Partial<PodSpec>,
  instances: Partial<InstanceFacts>[],
  sandboxState: 'running' | 'exited' | 'none' = 'running',
): PodFacts => podFactsOf(spec, instances, sandboxState);

const kinds = (facts: PodFacts, now = 100_000) =>
  decide(facts, { now }).actions.map((a) =>
    a.kind === 'start' ? `start ${a.container.name}#${a.attempt} streak ${a.streak}` : a.kind,
  );

describe('decide', () => {
  it('starts init containers one at a time, then every app', () => {
    const spec = {
      initContainers: [{ name: 'i1' }, { name: 'i2' }],
      containers: [{ name: 'a' }, { name: 'b' }],
    };
    expect(kinds(pod(spec, []))).toEqual(['start i1#0 streak 0']);
    expect(kinds(pod(spec, [{ name: 'i1', role: 'init', state: 'running' }]))).toEqual([]);
    expect(kinds(pod(spec, [{ name: 'i1', role: 'init', state: 'exited', exitCode: 0 }]))).toEqual([
      'start i2#0 streak 0',
    ]);
    expect(
      kinds(
        pod(spec, [
          { name: 'i1', role: 'init', state: 'exited', exitCode: 0 },
          { name: 'i2', role: 'init', state: 'exited', exitCode: 0 },
        ]),
      ),
    ).toEqual(['start a#0 streak 0', 'start b#0 streak 0']);
  });

  it('fails the pod on an init failure under Never, retries it otherwise', () => {
    const failed = {
      name: 'i1',
      role: 'init' as const,
      state: 'exited' as const,
      exitCode: 1,
      finishedAt: 1000,
    };
    const never = pod({ restartPolicy: 'Never', initContainers: [{ name: 'i1' }] }, [failed]);
    expect(kinds(never)).toEqual([]);
    expect(finishedPhase(never)).toBe('Failed');
    expect(kinds(pod({ initContainers: [{ name: 'i1' }] }, [failed]))).toEqual([
      'start i1#1 streak 1',
    ]);
  });

  it('backs off 10 s after the second crash, and waits until then', () => {
    const crashed = {
      state: 'exited' as const,
      exitCode: 1,
      attempt: 1,
      streak: 1,
      startedAt: 0,
      finishedAt: 1000,
    };
    const facts = pod({}, [crashed]);
    const early = decide(facts, { now: 5000 });
    expect(early.actions).toEqual([]);
    expect(early.wakeAt).toBe(11_000);
    expect(early.backingOff).toEqual([{ container: 'app', role: 'app', until: 11_000 }]);
    expect(kinds(facts, 11_000)).toEqual(['start app#2 streak 2']);
  });

  it('follows restartPolicy for app exits', () => {
    const ok = { state: 'exited' as const, exitCode: 0 };
    expect(kinds(pod({ restartPolicy: 'OnFailure' }, [ok]))).toEqual([]);
    expect(finishedPhase(pod({ restartPolicy: 'OnFailure' }, [ok]))).toBe('Succeeded');
    expect(kinds(pod({ restartPolicy: 'Always' }, [ok]))).toEqual(['start app#1 streak 1']);
    expect(finishedPhase(pod({ restartPolicy: 'Never' }, [{ state: 'exited', exitCode: 2 }]))).toBe(
      'Failed',
    );
  });

  it('rebuilds a dead sandbox unless the pod has finished', () => {
    expect(kinds(pod({}, [{ state: 'exited', exitCode: 137 }], 'exited'))).toEqual([
      'rebuild-sandbox',
    ]);
    expect(kinds(pod({}, [], 'none'))).toEqual(['rebuild-sandbox']);
    const done = pod({ restartPolicy: 'Never' }, [{ state: 'exited', exitCode: 0 }], 'exited');
    expect(kinds(done)).toEqual([]);
  });

  it('holds the next init container until a sidecar has started, then stops sidecars last', () => {
    const spec = {
      restartPolicy: 'Never' as const,
      initContainers: [{ name: 'side', restartPolicy: 'Always', startupProbe: {} }, { name: 'i2' }],
    };
    const running = { name: 'side', role: 'init' as const, state: 'running' as const };
    expect(kinds(pod(spec, [running]))).toEqual([]);
    const facts = pod(spec, [running]);
    expect(
      decide(facts, { now: 0, verdicts: () => ({ started: true }) }).actions.map((a) => a.kind),
    ).toEqual(['start']);
    const done = pod(spec, [
      running,
      { name: 'i2', role: 'init', state: 'exited', exitCode: 0 },
      { name: 'app', state: 'exited', exitCode: 0 },
    ]);
    expect(kinds(done)).toEqual(['stop-sidecars']);
  });

  it('does nothing for a terminating pod', () => {
    expect(kinds({ ...pod({}, [], 'none'), terminating: true })).toEqual([]);
  });

  describe('verdicts from the results cache', () => {
    const liveness = {
      reason: 'Unhealthy' as const,
      message: 'Container app failed liveness probe',
    };
    const hook = { reason: 'FailedPostStartHook' as const, message: 'PostStartHook failed' };
    const side = { name: 'side', restartPolicy: 'Always', startupProbe: {} };
    const sidecarSpec = { initContainers: [side, { name: 'i2' }] };
    const sideRunning = {
      id: 'c0',
      name: 'side',
      role: 'init' as const,
      state: 'running' as const,
    };
    const cases: {
      title: string;
      facts: PodFacts;
      verdicts: Record<string, Verdict>;
      expected: string[];
    }[] = [
      {
        title: 'liveness failed: kill the running app, nothing else',
        facts: pod({}, [{ state: 'running' }]),
        verdicts: { c0: { kill: liveness } },
        expected: ['kill c0 Unhealthy'],
      },
      {
        title: 'startup failed on one app: kill it; the other app still starts',
        facts: pod(
          {
            containers: [
              { name: 'app', image: 'x' },
              { name: 'b', image: 'x' },
            ],
          },
          [{ state: 'running' }],
        ),
        verdicts: { c0: { kill: { reason: 'Unhealthy', message: 'startup' } } },
        expected: ['kill c0 Unhealthy', 'start b#0 streak 0'],
      },
      {
        title: 'postStart failed on a sidecar: kill it, and the next init container waits',
        facts: pod(sidecarSpec, [sideRunning]),
        verdicts: { c0: { started: true, kill: hook } },
        expected: ['kill c0 FailedPostStartHook'],
      },
      {
        title: 'sidecar started: the next init container starts',
        facts: pod(sidecarSpec, [sideRunning]),
        verdicts: { c0: { started: true } },
        expected: ['start i2#0 streak 0'],
      },
      {
        title: 'sidecar not started yet: wait',
        facts: pod(sidecarSpec, [sideRunning]),
        verdicts: { c0: { started: false } },
        expected: [],
      },
      {
        title: 'a verdict on an exited instance is stale: no kill, the policy restarts it',
        facts: pod({}, [{ state: 'exited', exitCode: 1, finishedAt: 0, startedAt: 0 }]),
        verdicts: { c0: { kill: liveness } },
        expected: ['start app#1 streak 1'],
      },
      {
        title: 'a verdict on an older instance is stale: no kill',
        facts: pod({}, [
          { id: 'new', attempt: 1, state: 'running' },
          { id: 'old', attempt: 0, state: 'running' },
        ]),
        verdicts: { old: { kill: liveness } },
        expected: [],
      },
      {
        title: 'the sandbox died: rebuild (which kills all), no separate kills',
        facts: pod({}, [{ state: 'running' }], 'exited'),
        verdicts: { c0: { kill: liveness } },
        expected: ['rebuild-sandbox'],
      },
    ];
    it.each(cases)('$title', ({ facts, verdicts, expected }) => {
      const actions = decide(facts, {
        now: 100_000,
        verdicts: (instance) => verdicts[instance.id],
      }).actions.map((a) => {
        if (a.kind === 'kill') return `kill ${a.instance.id} ${a.reason}`;
        if (a.kind === 'start') return `start ${a.container.name}#${a.attempt} streak ${a.streak}`;
        return a.kind;
      });
      expect(actions).toEqual(expected);
    });
  });

  describe('a sidecar with a postStart hook has started only once the hook is over', () => {
    const spec = {
      initContainers: [
        {
          name: 'side',
          restartPolicy: 'Always',
          lifecycle: { postStart: { exec: { command: ['true'] } } },
        },
        { name: 'next' },
      ],
      containers: [{ name: 'a' }],
      terminationGracePeriodSeconds: 0,
    };
    const running = pod(spec, [{ id: 'side0', name: 'side', role: 'init', startedAt: 50_000 }]);
    const next = (now: number, verdict?: Verdict) =>
      decide(running, {
        now,
        verdicts: (i) => (i.id === 'side0' ? verdict : undefined),
      }).actions.map((a) => (a.kind === 'start' ? a.container.name : a.kind));
    it('waits while the launcher has not said the hook is done', () => {
      expect(next(51_000)).toEqual([]);
    });
    it('moves on as soon as the launcher says it is done', () => {
      expect(next(51_000, { postStartDone: true })).toEqual(['next']);
    });
    it('moves on once the hook would have timed out (its launcher died mid-hook)', () => {
      // 30 s is the floor of the hook's timeout, whatever the grace period.
      expect(next(50_000 + 29_999)).toEqual([]);
      expect(next(50_000 + 30_000)).toEqual(['next']);
    });
    it('a failed hook is a kill, and nothing after the sidecar starts', () => {
      const kill = { reason: 'FailedPostStartHook' as const, message: 'm' };
      expect(next(51_000, { kill })).toEqual(['kill']);
    });
  });

  describe('a container its creator left created (the process was killed)', () => {
    const gone = { pid: 4242, host: 'h' };
    const creatorGone = (creator: { pid: number }) => creator.pid === gone.pid;
    it('a fresh created sandbox of a live creator is waited for; of a dead one, rebuilt at once', () => {
      const facts = podFactsOf({}, [], 'created', 99_000);
      expect(decide(facts, { now: 100_000, creatorGone }).actions).toEqual([]);
      facts.sandbox!.creator = gone;
      expect(decide(facts, { now: 100_000, creatorGone }).actions.map((a) => a.kind)).toEqual([
        'rebuild-sandbox',
      ]);
    });
    it('a fresh created app container of a dead creator is started at once', () => {
      const facts = podFactsOf({}, [{ state: 'created', createdAt: 99_000 }]);
      expect(decide(facts, { now: 100_000, creatorGone }).actions).toEqual([]);
      facts.instances[0]!.creator = gone;
      expect(decide(facts, { now: 100_000, creatorGone }).actions.map((a) => a.kind)).toEqual([
        'start-created',
      ]);
    });
  });
});
