// The seam between Services and pods: which Services of a namespace a pod planned now
// gets link variables for (PlanInput.services; src/plan/service-links.ts makes the
// variables). apply asks it once per namespace, before planning; the answer is then
// recorded on the pod (lifecycle/plan-input.ts), so later plans never ask again.
import type { ServiceLinkInput } from '../plan/input.js';

/** The Services of `namespace` that exist now (name, ClusterIP, ports), any order. */
export type NamespaceServiceLinks = (namespace: string) => Promise<ServiceLinkInput[]>;

/**
 * None yet: podrun runs no Services until src/services lands. Its engineer fills this
 * in from the Services on the engine (their proxy containers' labels), without
 * importing anything above src/pod.
 */
export const namespaceServiceLinks: NamespaceServiceLinks = async (_namespace) => [];
