// Shared per-pod state while planning: the input, derived names, and the issue sink.
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { Issues } from './errors.js';
import { computeSpecHash } from './hash.js';
import type { PlanInput, ServiceLinkInput } from './input.js';
import { sandboxDockerName } from './names.js';
import { serviceLinkEnv } from './service-links.js';

export interface PlanContext {
  input: PlanInput;
  pod: Pod;
  spec: PodSpec;
  namespace: string;
  podName: string;
  specHash: string;
  sandboxName: string;
  issues: Issues;
  /** Set when something needs status.podIP / status.hostIP and the input has none. */
  needsPodIP: boolean;
  /** The Services whose links the containers get (none with enableServiceLinks: false), by name. */
  linkedServices: ServiceLinkInput[];
  /** Their variables, in a stable order (service-links.ts). */
  serviceLinks: Map<string, string>;
}

/** The Services that give links, sorted by name, with only the fields links use. */
function linkedServicesOf(input: PlanInput): ServiceLinkInput[] {
  if (input.pod.spec?.enableServiceLinks === false) return [];
  return [...(input.services ?? [])]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((service) => ({
      name: service.name,
      clusterIP: service.clusterIP,
      ports: service.ports.map((port) => ({
        ...(port.name ? { name: port.name } : {}),
        port: port.port,
        ...(port.protocol ? { protocol: port.protocol } : {}),
      })),
    }));
}

export function createContext(input: PlanInput): PlanContext {
  const pod = input.pod;
  const namespace = pod.metadata?.namespace ?? 'default';
  const podName = pod.metadata?.name ?? '';
  const linkedServices = linkedServicesOf(input);
  return {
    input,
    pod,
    spec: pod.spec ?? { containers: [] },
    namespace,
    podName,
    specHash: computeSpecHash(input),
    sandboxName: sandboxDockerName(namespace, podName, input.sandboxAttempt ?? 0),
    issues: new Issues(),
    needsPodIP: false,
    linkedServices,
    serviceLinks: serviceLinkEnv(
      namespace,
      pod.spec?.enableServiceLinks,
      linkedServices.map((service) => ({ ...service, namespace })),
    ),
  };
}
