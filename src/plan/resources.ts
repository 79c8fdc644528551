// resources → cgroup settings, with the kubelet's formulas (pkg/kubelet/cm):
//   requests.cpu  → CpuShares = milliCPU * 1024 / 1000, clamped to [2, 262144]
//   limits.cpu    → CpuPeriod 100000 µs, CpuQuota = milliCPU * 100000 / 1000, min 1000
//   limits.memory → Memory = MemorySwap = bytes (no swap, as the kubelet)
// requests.memory has no Docker effect (the kubelet sets none without MemoryQoS).
// A container with no CPU request keeps Docker's default weight (1024) instead of the
// kubelet's best-effort 2 shares: podrun containers share the engine's cgroup with
// every other container on the machine, where 2 shares would starve them.
import type Docker from 'dockerode';
import type { Container } from 'kubernetes-types/core/v1.js';
import type { PlanContext } from './context.js';
import type { PlanPath } from './errors.js';
import {
  parseQuantity,
  QuantityError,
  quantityMilli,
  quantityValue,
  toSafeNumber,
} from './quantity.js';

export const CPU_PERIOD_US = 100_000;
export const MIN_CPU_SHARES = 2;
export const MAX_CPU_SHARES = 262_144;
export const MIN_CPU_QUOTA_US = 1_000;
/** Docker refuses smaller memory limits ("Minimum memory limit allowed is 6MB"). */
export const DOCKER_MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export interface EffectiveResources {
  limits: Record<string, string>;
  requests: Record<string, string>;
}

/** Requests and limits after API defaulting: a request left unset defaults to its limit. */
export function effectiveResources(container: Container): EffectiveResources {
  const limits = { ...(container.resources?.limits ?? {}) };
  const requests = { ...(container.resources?.requests ?? {}) };
  for (const [name, value] of Object.entries(limits)) {
    if (requests[name] === undefined) requests[name] = value;
  }
  return { limits, requests };
}

export function milliCpuToShares(milli: number): number {
  if (milli === 0) return MIN_CPU_SHARES;
  const shares = Math.floor((milli * 1024) / 1000);
  return Math.min(MAX_CPU_SHARES, Math.max(MIN_CPU_SHARES, shares));
}

export function milliCpuToQuota(milli: number, period = CPU_PERIOD_US): number {
  if (milli === 0) return 0;
  return Math.max(MIN_CPU_QUOTA_US, Math.floor((milli * period) / 1000));
}

type ResourceHostConfig = Pick<
  Docker.HostConfig,
  'CpuShares' | 'CpuPeriod' | 'CpuQuota' | 'Memory' | 'MemorySwap'
>;

export function planResources(
  ctx: PlanContext,
  container: Container,
  path: PlanPath,
): ResourceHostConfig {
  const out: ResourceHostConfig = {};
  const { limits, requests } = effectiveResources(container);
  const explicitRequests = container.resources?.requests ?? {};
  const resourcesPath = [...path, 'resources'];

  const parse = (
    kind: 'limits' | 'requests',
    name: string,
    value: string,
    convert: (q: ReturnType<typeof parseQuantity>) => bigint,
  ): number | undefined => {
    // A defaulted request is reported at the limit it came from.
    const where = kind === 'requests' && explicitRequests[name] === undefined ? 'limits' : kind;
    try {
      const result = toSafeNumber(convert(parseQuantity(value)), `${kind}.${name}`);
      if (result < 0) throw new QuantityError(`${kind}.${name} must not be negative`);
      return result;
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      ctx.issues.error([...resourcesPath, where, name], error.message);
      return undefined;
    }
  };

  if (requests.cpu !== undefined) {
    const milli = parse('requests', 'cpu', requests.cpu, quantityMilli);
    if (milli !== undefined) out.CpuShares = milliCpuToShares(milli);
  }
  if (limits.cpu !== undefined) {
    const milli = parse('limits', 'cpu', limits.cpu, quantityMilli);
    if (milli !== undefined && milli > 0) {
      out.CpuPeriod = CPU_PERIOD_US;
      out.CpuQuota = milliCpuToQuota(milli);
    }
  }
  if (limits.memory !== undefined) {
    const bytes = parse('limits', 'memory', limits.memory, quantityValue);
    if (bytes !== undefined && bytes > 0) {
      if (bytes < DOCKER_MIN_MEMORY_BYTES) {
        ctx.issues.error(
          [...resourcesPath, 'limits', 'memory'],
          `Docker refuses memory limits below 6Mi (got ${limits.memory})`,
        );
      } else {
        out.Memory = bytes;
        out.MemorySwap = bytes;
      }
    }
  }
  if (explicitRequests.memory !== undefined) {
    ctx.issues.warn(
      [...resourcesPath, 'requests', 'memory'],
      'memory requests have no effect on Docker (only limits.memory is enforced)',
    );
  }
  for (const kind of ['limits', 'requests'] as const) {
    for (const name of Object.keys(container.resources?.[kind] ?? {})) {
      if (name === 'cpu' || name === 'memory') continue;
      ctx.issues.warn(
        [...resourcesPath, kind, name],
        name === 'ephemeral-storage'
          ? 'ephemeral-storage is not enforced by podrun'
          : `resource ${name} is not supported by podrun (ignored)`,
      );
    }
  }
  return out;
}
