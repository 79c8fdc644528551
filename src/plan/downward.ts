// The downward API, shared by env (fieldRef, resourceFieldRef) and downwardAPI /
// projected volume files: pod metadata and container resources as strings, with
// the kubelet's formatting and rounding.
import type {
  Container,
  ObjectFieldSelector,
  ResourceFieldSelector,
} from 'kubernetes-types/core/v1.js';
import type { PlanContext } from './context.js';
import type { PlanPath } from './errors.js';
import { DEFAULT_NODE_ALLOCATABLE } from './input.js';
import {
  parseQuantity,
  type Quantity,
  QuantityError,
  quantityDivideCeil,
  quantityMilli,
  quantityValue,
} from './quantity.js';
import { effectiveResources } from './resources.js';

/** What the kubelet reports as spec.nodeName. */
export const NODE_NAME = 'podrun';

const SUBSCRIPTED = /^metadata\.(labels|annotations)\['(.*)'\]$/;

/** Go's FormatMap: `key="value"` lines sorted by key, no trailing newline. */
export function formatMap(map: Record<string, string>): string {
  return Object.keys(map)
    .sort()
    .map((key) => `${key}=${JSON.stringify(map[key])}`)
    .join('\n');
}

/**
 * The value of a fieldRef, or undefined (with an error recorded) when the field is not
 * supported where it is used. `usage` follows Kubernetes: volumes may expose whole
 * label/annotation maps but not status fields.
 */
export function resolveFieldRef(
  ctx: PlanContext,
  ref: ObjectFieldSelector,
  usage: 'env' | 'volume',
  path: PlanPath,
): string | undefined {
  const meta = ctx.pod.metadata ?? {};
  const field = ref.fieldPath;
  const subscripted = SUBSCRIPTED.exec(field);
  if (subscripted) {
    const map = subscripted[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[subscripted[2]!] ?? '';
  }
  switch (field) {
    case 'metadata.name':
      return ctx.podName;
    case 'metadata.namespace':
      return ctx.namespace;
    case 'metadata.uid':
      return ctx.input.uid;
  }
  if (usage === 'volume') {
    if (field === 'metadata.labels') return formatMap(meta.labels ?? {});
    if (field === 'metadata.annotations') return formatMap(meta.annotations ?? {});
  } else {
    switch (field) {
      case 'spec.nodeName':
        return NODE_NAME;
      case 'spec.serviceAccountName':
        return ctx.spec.serviceAccountName ?? ctx.spec.serviceAccount ?? 'default';
      case 'status.podIP':
      case 'status.podIPs':
        return podIP(ctx);
      case 'status.hostIP':
      case 'status.hostIPs':
        return ctx.input.hostIP ?? podIP(ctx);
    }
  }
  ctx.issues.error([...path, 'fieldPath'], `unsupported fieldPath "${field}" in ${usage}`);
  return undefined;
}

function podIP(ctx: PlanContext): string {
  if (ctx.input.podIP !== undefined) return ctx.input.podIP;
  // Known only once the sandbox runs: plan again then. Empty placeholder until.
  ctx.needsPodIP = true;
  return '';
}

function parseOrError(
  ctx: PlanContext,
  value: string | number | undefined,
  path: PlanPath,
): Quantity | undefined {
  if (value === undefined) return undefined;
  try {
    return parseQuantity(value);
  } catch (error) {
    if (!(error instanceof QuantityError)) throw error;
    ctx.issues.error(path, error.message);
    return undefined;
  }
}

/**
 * resourceFieldRef as the kubelet computes it: CPU as ceil(milli / divisor milli),
 * memory and storage as ceil(bytes / divisor); an unset limit reports the node
 * allocatable (input.nodeAllocatable, else DEFAULT_NODE_ALLOCATABLE); an unset request
 * defaults to the limit when one is set, else 0.
 */
export function resolveResourceFieldRef(
  ctx: PlanContext,
  ref: ResourceFieldSelector,
  container: Container,
  path: PlanPath,
): string | undefined {
  const divisor = parseOrError(ctx, ref.divisor, [...path, 'divisor']) ?? { num: 1n, den: 1n };
  if (divisor.num <= 0n) {
    ctx.issues.error([...path, 'divisor'], 'divisor must be positive');
    return undefined;
  }
  const match = /^(limits|requests)\.(cpu|memory|ephemeral-storage)$/.exec(ref.resource);
  if (!match) {
    ctx.issues.error([...path, 'resource'], `unsupported resource "${ref.resource}"`);
    return undefined;
  }
  const [, kind, resource] = match as unknown as [string, 'limits' | 'requests', string];
  const resources = effectiveResources(container);
  const raw = resources[kind][resource];
  let quantity = parseOrError(ctx, raw, [...path, 'resource']);
  if (quantity === undefined && kind === 'limits') {
    const node = ctx.input.nodeAllocatable ?? DEFAULT_NODE_ALLOCATABLE;
    const fallback =
      resource === 'cpu'
        ? { num: BigInt(node.cpuMilli), den: 1000n }
        : resource === 'memory'
          ? { num: BigInt(node.memoryBytes), den: 1n }
          : { num: BigInt(node.ephemeralStorageBytes), den: 1n };
    quantity = fallback;
  }
  quantity ??= { num: 0n, den: 1n };
  if (resource === 'cpu') {
    const divisorMilli = quantityMilli(divisor);
    return quantityDivideCeil(
      { num: quantityMilli(quantity), den: 1n },
      { num: divisorMilli, den: 1n },
    ).toString();
  }
  const divisorValue = quantityValue(divisor);
  return quantityDivideCeil(
    { num: quantityValue(quantity), den: 1n },
    { num: divisorValue, den: 1n },
  ).toString();
}
