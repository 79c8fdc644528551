import { describe, expect, it } from 'vitest';
import { PlanError } from './errors.js';
import { planPod } from './plan-pod.js';
import { makeInput, makePod } from './testing.js';

describe('ports (published by the sandbox only)', () => {
  const pod = makePod({
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [
          { containerPort: 80, hostPort: 8080 },
          { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' },
          { containerPort: 9090 },
        ],
      },
      { name: 'metrics', image: 'prom:1', ports: [{ containerPort: 9100, hostPort: 9100 }] },
    ],
  });

  it('publishes every hostPort of every container on the sandbox', () => {
    const plan = planPod(makeInput(pod));
    expect(plan.sandbox.create.ExposedPorts).toEqual({
      '80/tcp': {},
      '53/udp': {},
      '9100/tcp': {},
    });
    expect(plan.sandbox.create.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostPort: '8080' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '5353' }],
      '9100/tcp': [{ HostPort: '9100' }],
    });
    for (const container of plan.containers) {
      expect(container.create.ExposedPorts).toBeUndefined();
      expect(container.create.HostConfig?.PortBindings).toBeUndefined();
    }
  });

  it('publishAllPorts gives every other containerPort a random host port', () => {
    const plan = planPod(makeInput(pod, { publishAllPorts: true }));
    expect(plan.sandbox.create.HostConfig?.PortBindings?.['9090/tcp']).toEqual([{ HostPort: '' }]);
    expect(plan.sandbox.create.HostConfig?.PortBindings?.['80/tcp']).toEqual([
      { HostPort: '8080' },
    ]);
    expect(plan.sandbox.create.ExposedPorts).toHaveProperty('9090/tcp');
  });

  it('rejects two containers publishing the same hostPort', () => {
    const clash = makePod({
      containers: [
        { name: 'a', image: 'x:1', ports: [{ containerPort: 80, hostPort: 8080 }] },
        {
          name: 'b',
          image: 'x:1',
          ports: [{ containerPort: 81, hostPort: 8080, hostIP: '127.0.0.1' }],
        },
        {
          name: 'c',
          image: 'x:1',
          ports: [{ containerPort: 82, hostPort: 8080, protocol: 'UDP' }],
        },
      ],
    });
    try {
      planPod(makeInput(clash));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanError);
      expect((error as PlanError).issues).toEqual([
        {
          path: ['spec', 'containers', 1, 'ports', 0, 'hostPort'],
          message: 'hostPort 8080/TCP is already published by container "a"',
        },
      ]);
    }
  });
});
