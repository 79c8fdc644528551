import { describe, expect, it } from 'vitest';
import { ContainerProber } from './prober.js';
import { ProbeResults } from './results.js';

const target = { containerId: 'c1', sandboxId: 's1', podIP: '10.0.0.2' };
const callbacks = { event: () => undefined };
const probe = { exec: { command: ['true'] } };

function prober(container: object, kept?: { started: boolean; ready: boolean }) {
  const results = new ProbeResults();
  const made = new ContainerProber(
    { name: 'c', ...container },
    target,
    Date.now(),
    callbacks,
    results,
    kept,
  );
  return { state: made.state, published: results.report().c1 };
}

describe('a prober starting', () => {
  it('starts not ready, not started, as the kubelet, without a kept state', () => {
    expect(prober({ readinessProbe: probe }).state).toEqual({ started: true, ready: false });
    expect(prober({ startupProbe: probe, readinessProbe: probe }).state).toEqual({
      started: false,
      ready: false,
    });
    expect(prober({ livenessProbe: probe }).state).toEqual({ started: true, ready: true });
  });

  it('keeps a previous supervisor Started and Ready, and publishes them at once', () => {
    const both = { startupProbe: probe, readinessProbe: probe };
    expect(prober(both, { started: true, ready: true })).toEqual({
      state: { started: true, ready: true },
      published: { started: true, ready: true },
    });
    expect(prober(both, { started: true, ready: false }).state).toEqual({
      started: true,
      ready: false,
    });
    // Not started then: not ready either, whatever the memory says.
    expect(prober(both, { started: false, ready: true }).state).toEqual({
      started: false,
      ready: false,
    });
  });
});
