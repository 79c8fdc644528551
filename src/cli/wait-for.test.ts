import { describe, expect, it } from 'vitest';
import { conditionMet, parseWaitFor, WaitForError } from './wait-for.js';

const pod = {
  status: {
    phase: 'Running',
    podIP: '10.0.0.5',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
    containerStatuses: [{ name: 'app', ready: false, restartCount: 2 }],
  },
};

describe('parseWaitFor', () => {
  it('reads the three forms as kubectl does', () => {
    expect(parseWaitFor('delete')).toEqual({ kind: 'delete' });
    expect(parseWaitFor('condition=Ready')).toEqual({
      kind: 'condition',
      name: 'Ready',
      value: 'true',
    });
    expect(parseWaitFor('condition=Ready=false')).toEqual({
      kind: 'condition',
      name: 'Ready',
      value: 'false',
    });
    expect(parseWaitFor('jsonpath={.status.phase}=Running')).toEqual({
      kind: 'jsonpath',
      path: '{.status.phase}',
      value: 'Running',
    });
    expect(parseWaitFor('jsonpath={.status.podIP}')).toEqual({
      kind: 'jsonpath',
      path: '{.status.podIP}',
    });
  });

  it.each([
    ['ready'],
    ['condition='],
    ['jsonpath=.status.phase=Running'],
    ['jsonpath={.a[}=x'],
    ['jsonpath={.a}x'],
  ])('rejects %s', (text) => {
    expect(() => parseWaitFor(text)).toThrow(WaitForError);
  });
});

describe('conditionMet', () => {
  it('compares conditions case-insensitively', () => {
    expect(conditionMet(parseWaitFor('condition=podscheduled'), pod)).toBe(true);
    expect(conditionMet(parseWaitFor('condition=Ready'), pod)).toBe(false);
    expect(conditionMet(parseWaitFor('condition=Ready=False'), pod)).toBe(true);
    expect(conditionMet(parseWaitFor('condition=Initialized'), pod)).toBe(false);
  });

  it('compares one jsonpath value as printed', () => {
    expect(conditionMet(parseWaitFor('jsonpath={.status.phase}=Running'), pod)).toBe(true);
    expect(conditionMet(parseWaitFor('jsonpath={.status.phase}=Pending'), pod)).toBe(false);
    expect(
      conditionMet(parseWaitFor('jsonpath={.status.containerStatuses[0].restartCount}=2'), pod),
    ).toBe(true);
    expect(
      conditionMet(
        parseWaitFor('jsonpath={.status.conditions[?(@.type=="Ready")].status}=False'),
        pod,
      ),
    ).toBe(true);
    expect(conditionMet(parseWaitFor('jsonpath={.status.podIP}'), pod)).toBe(true);
    expect(conditionMet(parseWaitFor('jsonpath={.status.hostIP}'), pod)).toBe(false);
    // Several values never equal one.
    expect(conditionMet(parseWaitFor('jsonpath={.status.conditions[*].status}=True'), pod)).toBe(
      false,
    );
  });

  it('is never met for delete by an object that exists', () => {
    expect(conditionMet(parseWaitFor('delete'), pod)).toBe(false);
  });
});
