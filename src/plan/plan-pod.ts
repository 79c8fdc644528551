// planPod: the pure translation of one Kubernetes Pod into everything podrun creates
// on Docker (network, volumes, sandbox, init and app containers), computed before the
// first API call. No I/O; the same input gives a byte-identical plan.
import type { Container } from 'kubernetes-types/core/v1.js';
import { planWorkload, type WorkloadRole } from './container.js';
import { createContext, type PlanContext } from './context.js';
import { planDns } from './dns.js';
import { PlanError } from './errors.js';
import { namespaceHasHeadless } from './headless-dns.js';
import type { PlanInput } from './input.js';
import { planNetwork } from './network.js';
import { planSandbox } from './sandbox.js';
import type { PlannedContainer, PodPlan } from './types.js';
import { planVolumes } from './volumes.js';

export { PlanError, type PlanIssue } from './errors.js';
export type {
  ConfigMapInput,
  NodeAllocatable,
  PlanInput,
  SecretInput,
  ServiceLinkInput,
} from './input.js';

/** Pod fields podrun accepts but does not implement. */
function warnUnsupported(ctx: PlanContext): void {
  const { spec } = ctx;
  const unsupported: [keyof typeof spec, string][] = [
    ['hostNetwork', 'host networking is not supported; the pod uses the namespace network'],
    ['hostPID', 'the host PID namespace is not supported'],
    ['hostIPC', 'the host IPC namespace is not supported'],
  ];
  for (const [field, message] of unsupported) {
    if (spec[field] === true) ctx.issues.warn(['spec', field], message);
  }
  if (spec.ephemeralContainers?.length) {
    ctx.issues.warn(['spec', 'ephemeralContainers'], 'ephemeral containers are ignored');
  }
}

export function planPod(input: PlanInput): PodPlan {
  const ctx = createContext(input);
  warnUnsupported(ctx);
  const volumes = planVolumes(ctx);
  const sandbox = planSandbox(ctx, volumes);
  const initContainers = (ctx.spec.initContainers ?? []).map((container, index) =>
    planWorkload(ctx, container, 'init', 0, ['spec', 'initContainers', index], volumes),
  );
  const containers = (ctx.spec.containers ?? []).map((container, index) =>
    planWorkload(ctx, container, 'app', 0, ['spec', 'containers', index], volumes),
  );
  const dns = planDns(ctx.spec, { namespaceResolver: namespaceHasHeadless(ctx.input.services) });
  ctx.issues.throwIfAny();
  return {
    namespace: ctx.namespace,
    name: ctx.podName,
    uid: input.uid,
    specHash: ctx.specHash,
    network: planNetwork(ctx.namespace, input.podrunVersion),
    volumes,
    sandbox,
    initContainers,
    containers,
    ...(dns ? { dns } : {}),
    needsPodIP: ctx.needsPodIP,
    ...(input.publishAllPorts ? { publishAllPorts: true } : {}),
    ...(ctx.linkedServices.length > 0 ? { services: ctx.linkedServices } : {}),
    pod: input.pod,
    warnings: ctx.issues.warnings,
  };
}

/**
 * Plan one init or app container again, e.g. for a restart with attempt + 1. The
 * container must be one of the pod's (matched by name). Throws PlanError.
 */
export function planContainer(
  input: PlanInput,
  container: Container,
  role: WorkloadRole,
  attempt: number,
): PlannedContainer {
  const ctx = createContext(input);
  const field = role === 'init' ? 'initContainers' : 'containers';
  const list = ctx.spec[field] ?? [];
  const index = list.findIndex((candidate) => candidate.name === container.name);
  if (index === -1) {
    throw new PlanError([
      { path: ['spec', field], message: `no ${role} container named "${container.name}"` },
    ]);
  }
  const volumes = planVolumes(ctx);
  const planned = planWorkload(ctx, container, role, attempt, ['spec', field, index], volumes);
  ctx.issues.throwIfAny();
  return planned;
}
