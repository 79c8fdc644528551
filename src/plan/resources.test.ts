import { describe, expect, it } from 'vitest';
import { PlanError } from './errors.js';
import { planPod } from './plan-pod.js';
import { milliCpuToQuota, milliCpuToShares } from './resources.js';
import { makeInput, podWith } from './testing.js';

function hostConfigFor(resources: Parameters<typeof podWith>[0]['resources']) {
  const plan = planPod(makeInput(podWith({ resources })));
  const hc = plan.containers[0]!.create.HostConfig!;
  return {
    values: {
      CpuShares: hc.CpuShares,
      CpuPeriod: hc.CpuPeriod,
      CpuQuota: hc.CpuQuota,
      Memory: hc.Memory,
      MemorySwap: hc.MemorySwap,
    },
    warnings: plan.warnings,
  };
}

describe('resources → cgroups (kubelet formulas)', () => {
  it('converts milliCPU to shares and quota as the kubelet', () => {
    expect(milliCpuToShares(0)).toBe(2);
    expect(milliCpuToShares(1)).toBe(2);
    expect(milliCpuToShares(100)).toBe(102);
    expect(milliCpuToShares(250)).toBe(256);
    expect(milliCpuToShares(1000)).toBe(1024);
    expect(milliCpuToShares(1_000_000)).toBe(262144);
    expect(milliCpuToQuota(0)).toBe(0);
    expect(milliCpuToQuota(5)).toBe(1000);
    expect(milliCpuToQuota(250)).toBe(25000);
    expect(milliCpuToQuota(1500)).toBe(150000);
  });

  it('maps requests.cpu, limits.cpu and limits.memory', () => {
    const { values, warnings } = hostConfigFor({
      requests: { cpu: '250m' },
      limits: { cpu: '0.5', memory: '128Mi' },
    });
    expect(values).toEqual({
      CpuShares: 256,
      CpuPeriod: 100000,
      CpuQuota: 50000,
      Memory: 134217728,
      MemorySwap: 134217728,
    });
    expect(warnings).toEqual([]);
  });

  it('defaults requests to limits', () => {
    expect(hostConfigFor({ limits: { cpu: '2' } }).values.CpuShares).toBe(2048);
  });

  it('leaves Docker defaults when nothing is set', () => {
    expect(hostConfigFor(undefined).values).toEqual({
      CpuShares: undefined,
      CpuPeriod: undefined,
      CpuQuota: undefined,
      Memory: undefined,
      MemorySwap: undefined,
    });
  });

  it('warns about memory requests and unenforced resources', () => {
    const { values, warnings } = hostConfigFor({
      requests: { memory: '64Mi', 'ephemeral-storage': '1Gi', 'nvidia.com/gpu': '1' },
    });
    expect(values.Memory).toBeUndefined();
    expect(warnings).toEqual([
      'spec.containers[0].resources.requests.memory: memory requests have no effect on Docker (only limits.memory is enforced)',
      'spec.containers[0].resources.requests.ephemeral-storage: ephemeral-storage is not enforced by podrun',
      'spec.containers[0].resources.requests["nvidia.com/gpu"]: resource nvidia.com/gpu is not supported by podrun (ignored)',
    ]);
  });

  it('rejects bad quantities and memory limits Docker refuses', () => {
    try {
      hostConfigFor({ limits: { cpu: 'lots', memory: '1Mi' } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PlanError);
      expect((error as PlanError).issues.map((issue) => issue.path.join('.'))).toEqual([
        'spec.containers.0.resources.limits.cpu',
        'spec.containers.0.resources.limits.memory',
      ]);
    }
  });
});
