import { describe, expect, it } from 'vitest';
import { initialProbeState, recordProbe } from './probe-state.js';
import { probeSettings } from './spec.js';

describe('probe bookkeeping', () => {
  it('flips only after the thresholds', () => {
    const t = { successThreshold: 2, failureThreshold: 3 };
    let s = initialProbeState('readiness');
    expect(s.result).toBe(false);
    s = recordProbe(s, true, t).state;
    expect(s.result).toBe(false);
    const second = recordProbe(s, true, t);
    expect(second).toMatchObject({ changed: true, state: { result: true } });
    s = second.state;
    s = recordProbe(s, false, t).state;
    s = recordProbe(s, false, t).state;
    expect(s.result).toBe(true);
    expect(recordProbe(s, false, t)).toMatchObject({ changed: true, state: { result: false } });
  });

  it('starts liveness as passing', () => {
    expect(initialProbeState('liveness').result).toBe(true);
  });
});

describe('probe settings', () => {
  it('applies Kubernetes defaults and resolves named ports', () => {
    const container = {
      name: 'web',
      ports: [{ name: 'http', containerPort: 8080 }],
      livenessProbe: { httpGet: { port: 'http', path: '/healthz', successThreshold: 5 } },
      readinessProbe: { tcpSocket: { port: 8080 }, successThreshold: 2, periodSeconds: 1 },
    };
    expect(probeSettings(container, 'liveness')).toEqual({
      kind: 'liveness',
      initialDelayMs: 0,
      periodMs: 10_000,
      timeoutMs: 1000,
      successThreshold: 1,
      failureThreshold: 3,
      handler: {
        type: 'http',
        scheme: 'HTTP',
        host: undefined,
        port: 8080,
        path: '/healthz',
        headers: [],
      },
    });
    expect(probeSettings(container, 'readiness')).toMatchObject({
      periodMs: 1000,
      successThreshold: 2,
      handler: { type: 'tcp', port: 8080 },
    });
    expect(probeSettings(container, 'startup')).toBeUndefined();
  });
});
