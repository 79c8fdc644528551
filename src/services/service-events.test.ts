import type { Service } from 'kubernetes-types/core/v1.js';
import { describe, expect, it } from 'vitest';
import {
  foldServiceEvents,
  parseServiceEvents,
  proxyEnsureEvents,
  serializeServiceEvents,
} from './service-events.js';

const svc = (type?: string): Service => ({ spec: type ? { type } : {} }) as Service;
const times = { startedAt: new Date(1000), doneAt: new Date(2000) };
const reasons = (previous: Service | undefined, next: Service) =>
  proxyEnsureEvents(previous, next, times).map((e) => `${e.reason}: ${e.message}`);

describe('proxyEnsureEvents', () => {
  it('records nothing for a ClusterIP or NodePort Service, new or replaced', () => {
    expect(reasons(undefined, svc())).toEqual([]);
    expect(reasons(svc('ClusterIP'), svc('NodePort'))).toEqual([]);
  });

  it("records a LoadBalancer's ensuring, then ensured once the proxy runs", () => {
    const events = proxyEnsureEvents(undefined, svc('LoadBalancer'), times);
    expect(events.map((e) => [e.type, e.reason, e.message, e.time.getTime()])).toEqual([
      ['Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer', 1000],
      ['Normal', 'EnsuredLoadBalancer', 'Ensured load balancer', 2000],
    ]);
  });

  it('records the type change in and out of LoadBalancer as the service controller does', () => {
    expect(reasons(svc(), svc('LoadBalancer'))).toEqual([
      'Type: ClusterIP -> LoadBalancer',
      'EnsuringLoadBalancer: Ensuring load balancer',
      'EnsuredLoadBalancer: Ensured load balancer',
    ]);
    expect(reasons(svc('LoadBalancer'), svc('NodePort'))).toEqual([
      'Type: LoadBalancer -> NodePort',
      'DeletingLoadBalancer: Deleting load balancer',
      'DeletedLoadBalancer: Deleted load balancer',
    ]);
  });
});

describe('foldServiceEvents', () => {
  it('folds a repeat into a count since its first time, newest last, bounded', () => {
    const first = proxyEnsureEvents(undefined, svc('LoadBalancer'), times);
    const again = proxyEnsureEvents(svc('LoadBalancer'), svc('LoadBalancer'), {
      startedAt: new Date(5000),
      doneAt: new Date(6000),
    });
    const folded = foldServiceEvents(first, again);
    expect(
      folded.map((e) => [e.reason, e.count, e.firstTime?.getTime(), e.time.getTime()]),
    ).toEqual([
      ['EnsuringLoadBalancer', 2, 1000, 5000],
      ['EnsuredLoadBalancer', 2, 2000, 6000],
    ]);
    expect(foldServiceEvents(first, [], 1).map((e) => e.reason)).toEqual(['EnsuredLoadBalancer']);
  });
});

describe('the events file', () => {
  it('round-trips, and reads a missing or broken file as no events', () => {
    const events = foldServiceEvents(proxyEnsureEvents(undefined, svc('LoadBalancer'), times), [
      {
        time: new Date(3000),
        type: 'Normal',
        reason: 'EnsuringLoadBalancer',
        message: 'Ensuring load balancer',
      },
    ]);
    expect(parseServiceEvents(serializeServiceEvents(events))).toEqual(events);
    expect(parseServiceEvents(undefined)).toEqual([]);
    expect(parseServiceEvents('{not json')).toEqual([]);
    expect(parseServiceEvents('[{"reason": 1}]')).toEqual([]);
  });
});
