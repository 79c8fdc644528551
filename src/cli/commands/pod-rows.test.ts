// `get pods` rows against kubectl's documented output (kubernetes.io kubectl reference
// and "Debug Running Pods" pages), byte for byte through the same tab writer.
import { describe, expect, it } from 'vitest';
import type { ContainerStatusSummary, PodStatusSummary } from '../../pod/status.js';
import { formatKubectlTable } from '../tab-writer.js';
import { POD_HEADER, POD_WIDE_HEADER, podRow, restartsCell, restartsCount } from './pod-rows.js';

const now = new Date('2026-01-01T00:10:00Z');

const container = (over: Partial<ContainerStatusSummary> = {}): ContainerStatusSummary => ({
  name: 'nginx',
  role: 'app',
  state: 'running',
  restarts: 0,
  ready: true,
  started: true,
  containerId: 'c1',
  image: 'nginx',
  ...over,
});

const status = (over: Partial<PodStatusSummary> = {}): PodStatusSummary => ({
  phase: 'Running',
  status: 'Running',
  ready: 1,
  total: 1,
  restarts: 0,
  podIP: '10.244.1.4',
  containers: [container()],
  ...over,
});

const nginx = { name: 'nginx', createdAt: new Date('2026-01-01T00:09:50Z'), ports: [] };

describe('pod rows', () => {
  it('get pods', () => {
    expect(
      formatKubectlTable([POD_HEADER, podRow({ ...nginx, status: status() }, false, now)]),
    ).toBe('NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          10s\n');
  });

  it("get pods -o wide: kubectl's columns, then the published host ports", () => {
    const row = podRow(
      { ...nginx, status: status(), ports: ['127.0.0.1:8080->80/tcp', '127.0.0.1:8080->80/tcp'] },
      true,
      now,
    );
    expect(formatKubectlTable([[...POD_HEADER, ...POD_WIDE_HEADER], row])).toBe(
      'NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES   PORTS\n' +
        'nginx   1/1     Running   0          10s   10.244.1.4   podrun   <none>           <none>            127.0.0.1:8080->80/tcp\n',
    );
    // Not started yet: no IP, no ports.
    expect(podRow({ ...nginx, status: status({ podIP: '' }) }, true, now).slice(5)).toEqual([
      '<none>',
      'podrun',
      '<none>',
      '<none>',
      '<none>',
    ]);
  });

  it('RESTARTS says how long ago the last restart was, as kubectl 1.24+', () => {
    const restarted = status({
      restarts: 2,
      containers: [
        container({
          restarts: 2,
          lastState: {
            exitCode: 1,
            reason: 'Error',
            finishedAt: '2026-01-01T00:09:15Z',
            containerId: 'c0',
          },
        }),
        container({ name: 'side' }),
      ],
    });
    expect(restartsCell(restarted, now)).toBe('2 (45s ago)');
    expect(podRow({ ...nginx, status: restarted }, false, now)).toEqual([
      'nginx',
      '1/1',
      'Running',
      '2 (45s ago)',
      '10s',
    ]);
    // A count whose previous instance left no finish time: the count alone.
    expect(restartsCell(status({ restarts: 1 }), now)).toBe('1');
    expect(restartsCount('2 (45s ago)')).toBe('2');
    expect(restartsCount('0')).toBe('0');
  });

  it('CrashLoopBackOff and Completed as the STATUS words', () => {
    expect(
      podRow({ ...nginx, status: status({ status: 'CrashLoopBackOff', ready: 0 }) }, false, now),
    ).toEqual(['nginx', '0/1', 'CrashLoopBackOff', '0', '10s']);
  });
});
