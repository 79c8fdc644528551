import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { planPod } from '../../plan/plan-pod.js';
import { makeInput, podWith } from '../../plan/testing.js';
import type { PodRecord } from '../records.js';
import { LifecycleLabels } from './labels.js';
import { parseServiceLinks, planInputLabels, recordedPlanInput } from './plan-input.js';

function recordWith(labels: Record<string, string>): PodRecord {
  const info = { Id: 'c1', Image: 'busybox', Labels: labels } as unknown as Docker.ContainerInfo;
  return {
    namespace: 'default',
    name: 'web',
    uid: 'u',
    specHash: 'h',
    sandbox: info,
    containers: [info],
    all: [info],
    createdAt: new Date(0),
  };
}

describe('the recorded plan input: service links', () => {
  const services = [
    { name: 'db', clusterIP: '10.89.0.9', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] },
  ];

  it('records the Services a plan used and gives them back to the next plan', () => {
    const pod = podWith({});
    const first = planPod(makeInput(pod, { services }));
    const recorded = recordedPlanInput(recordWith(planInputLabels(first)));
    expect(recorded.services).toEqual(services);
    // A replan from the record, once more Services exist: the same environment.
    const again = planPod(makeInput(pod, { services: recorded.services }));
    expect(again.containers[0]?.create.Env).toEqual(first.containers[0]?.create.Env);
    expect(again.containers[0]?.create.Env).toContain('DB_SERVICE_HOST=10.89.0.9');
  });

  it('records nothing when the pod got no links', () => {
    const none = planPod(makeInput(podWith({})));
    expect(planInputLabels(none)[LifecycleLabels.serviceLinks]).toBeUndefined();
    const disabled = planPod(makeInput(podWith({}, { enableServiceLinks: false }), { services }));
    expect(planInputLabels(disabled)[LifecycleLabels.serviceLinks]).toBeUndefined();
    expect(recordedPlanInput(recordWith({})).services).toBeUndefined();
  });

  it('reads a damaged label as none', () => {
    expect(parseServiceLinks('{')).toBeUndefined();
    expect(parseServiceLinks('{"name":"x"}')).toBeUndefined();
    expect(parseServiceLinks('[{"name":"x","ports":[{"port":"80"}]}]')).toBeUndefined();
    expect(parseServiceLinks('[{"name":"x","clusterIP":"1.2.3.4","ports":[{"port":80}]}]')).toEqual(
      [{ name: 'x', clusterIP: '1.2.3.4', ports: [{ port: 80 }] }],
    );
  });
});
