import { describe, expect, it } from 'vitest';
import { interruptLines, type PodProgress, planInterrupt, podKey } from './interrupt-outcome.js';

const pod = (name: string, stage: PodProgress['stage']): PodProgress => ({
  namespace: 'ns',
  name,
  stage,
});

describe('planInterrupt', () => {
  it('rolls back every pod this apply touched when none was reported', () => {
    const pods = [pod('a', 'created'), pod('b', 'creating'), pod('c', 'configured')];
    const plan = planInterrupt(pods, new Set());
    expect(plan.rollBack.map((p) => p.name)).toEqual(['a', 'b', 'c']);
    expect(plan.keep).toEqual([]);
    expect(plan.rollBackShared).toBe(true);
  });

  it('keeps the reported pods and rolls back the others, each by its own state', () => {
    const pods = [pod('a', 'created'), pod('b', 'creating'), pod('c', 'queued')];
    const plan = planInterrupt(pods, new Set([podKey(pods[0]!)]));
    expect(plan.keep.map((p) => p.name)).toEqual(['a']);
    expect(plan.rollBack.map((p) => p.name)).toEqual(['b']);
    expect(plan.notCreated.map((p) => p.name)).toEqual(['c']);
    // The ConfigMaps reported along with pod a are the user's now.
    expect(plan.rollBackShared).toBe(false);
  });

  it('never rolls back a pod the apply left unchanged', () => {
    const plan = planInterrupt([pod('old', 'unchanged'), pod('new', 'created')], new Set());
    expect(plan.keep.map((p) => p.name)).toEqual(['old']);
    expect(plan.rollBack.map((p) => p.name)).toEqual(['new']);
  });
});

describe('interruptLines', () => {
  it('says a reported pod was left running and how to remove it', () => {
    const pods = [pod('x', 'created')];
    expect(interruptLines({ plan: planInterrupt(pods, new Set(['ns/x'])) })).toEqual([
      'interrupted: pod/x was left running (podrun delete pod x -n ns to remove it)',
    ]);
  });

  it('says a rolled-back pod is gone, a replaced one lost its previous version, a queued one was never made', () => {
    const pods = [pod('x', 'creating'), pod('y', 'replacing'), pod('z', 'queued')];
    const plan = planInterrupt(pods, new Set());
    expect(interruptLines({ plan, sharedRolledBack: ['configmap/cfg'] })).toEqual([
      'interrupted: pod/x was rolled back: nothing of it is left',
      'interrupted: pod/y was rolled back: nothing of it is left; its previous version had already been deleted',
      'interrupted: pod/z was not created',
      'interrupted: configmap/cfg was rolled back',
    ]);
  });

  it('does not claim a clean rollback when objects were left behind', () => {
    const plan = planInterrupt([pod('x', 'created')], new Set());
    expect(interruptLines({ plan, leftOver: new Map([['ns/x', 2]]) })).toEqual([
      'interrupted: pod/x was rolled back, but 2 of its object(s) could not be removed (podrun delete pod x -n ns to finish)',
    ]);
  });

  it('says so when nothing was created', () => {
    expect(interruptLines({ plan: planInterrupt([], new Set()) })).toEqual([
      'interrupted: nothing was created',
    ]);
  });
});
