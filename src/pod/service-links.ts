// The seam between Services and pods: which Services of a namespace a pod planned now
// gets link variables for (PlanInput.services; src/plan/service-links.ts makes the
// variables). apply asks it once per namespace, before planning; the answer is then
// recorded on the pod (lifecycle/plan-input.ts), so later plans never ask again.
import type { ServiceLinkInput } from '../plan/input.js';
import { listServiceRecords } from './service-records.js';

/** The Services of `namespace` that exist now (name, ClusterIP, ports), any order. */
export type NamespaceServiceLinks = (namespace: string) => Promise<ServiceLinkInput[]>;

/**
 * The namespace's Services on the engine, from their proxy containers' labels. A
 * headless Service (clusterIP 'None') is listed too but gets no links (as the kubelet
 * gives none without a ClusterIP): it tells the pod's plan to use the namespace's
 * resolver (src/plan/dns.ts). One whose proxy has no address yet is left out.
 */
export const namespaceServiceLinks: NamespaceServiceLinks = async (namespace) =>
  (await listServiceRecords({ namespace }))
    .filter((record) => record.clusterIP)
    .map((record) => ({
      name: record.name,
      clusterIP: record.clusterIP,
      ports: (record.service.spec?.ports ?? []).map((port) => ({
        name: port.name,
        port: port.port,
        protocol: port.protocol,
      })),
    }));
