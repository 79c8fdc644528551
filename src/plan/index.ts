// The plan stage's public surface.
export type { WorkloadRole } from './container.js';
export * from './endpoints.js';
export { formatPath, PlanError, type PlanIssue, type PlanPath } from './errors.js';
export { canonicalJson, computeSpecHash } from './hash.js';
export {
  type ConfigMapInput,
  DEFAULT_NODE_ALLOCATABLE,
  type NodeAllocatable,
  type PlanInput,
  type SecretInput,
  type ServiceLinkInput,
} from './input.js';
export * from './labels.js';
export * from './names.js';
export { planContainer, planPod } from './plan-pod.js';
export { parseQuantity, type Quantity, QuantityError } from './quantity.js';
export * from './service.js';
export * from './service-links.js';
export * from './service-table.js';
export type * from './types.js';
