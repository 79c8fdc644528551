// Which kinds podrun reads, under which apiVersions, and what it does with each: runs
// it (Pod), stores it (ConfigMap, Secret, PVC), serves it (Service), creates its
// network (Namespace), hands it to a controller (Deployment, ReplicaSet, DaemonSet,
// Job, CronJob; only when the caller reads workloads), or accepts it without effect, with one warning (the kinds that
// only mean something to an API server or a controller podrun does not run).
import {
  dns1035LabelError,
  dnsLabelError,
  dnsSubdomainError,
  pathSegmentNameError,
} from './names.js';

type NameCheck = (name: string) => string | undefined;

/** A CronJob's name: a DNS subdomain of at most 52 characters (batch validation). */
function cronJobNameError(name: string): string | undefined {
  return (
    dnsSubdomainError(name) ?? (name.length > 52 ? 'must be no more than 52 characters' : undefined)
  );
}

export interface KindInfo {
  apiVersions: readonly string[];
  /** Cluster-scoped: metadata.namespace is dropped, as the API server drops it. */
  clusterScoped: boolean;
  /** The syntax the API server enforces for this kind's metadata.name. */
  nameError: NameCheck;
}

export interface IgnoredKindInfo extends KindInfo {
  /** Why applying it changes nothing here: the end of its one warning line. */
  effect: string;
}

/** The kinds podrun has always read; the only ones accepted unless LoadOptions.bundle is set. */
export const POD_KINDS = ['Pod', 'ConfigMap', 'Secret', 'PersistentVolumeClaim'] as const;

export const BUNDLE_KINDS = ['Service', 'Namespace'] as const;

/** The kinds run by controllers; read only when LoadOptions.workloads is set. */
export const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'Job', 'CronJob'] as const;

export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export type HandledKind = (typeof POD_KINDS)[number] | (typeof BUNDLE_KINDS)[number] | WorkloadKind;

export const HANDLED_KINDS: Readonly<Record<HandledKind, KindInfo>> = {
  Pod: { apiVersions: ['v1'], clusterScoped: false, nameError: dnsSubdomainError },
  ConfigMap: { apiVersions: ['v1'], clusterScoped: false, nameError: dnsSubdomainError },
  Secret: { apiVersions: ['v1'], clusterScoped: false, nameError: dnsSubdomainError },
  PersistentVolumeClaim: {
    apiVersions: ['v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
  },
  Service: { apiVersions: ['v1'], clusterScoped: false, nameError: dns1035LabelError },
  Namespace: { apiVersions: ['v1'], clusterScoped: true, nameError: dnsLabelError },
  Deployment: { apiVersions: ['apps/v1'], clusterScoped: false, nameError: dnsSubdomainError },
  ReplicaSet: { apiVersions: ['apps/v1'], clusterScoped: false, nameError: dnsSubdomainError },
  DaemonSet: { apiVersions: ['apps/v1'], clusterScoped: false, nameError: dnsSubdomainError },
  Job: { apiVersions: ['batch/v1'], clusterScoped: false, nameError: dnsSubdomainError },
  // 52 characters at most: its Jobs are named <name>-<minutes> within 63 (the API server's check).
  CronJob: { apiVersions: ['batch/v1'], clusterScoped: false, nameError: cronJobNameError },
};

const NO_API_SERVER = 'podrun runs no API server, so there is nothing to authorize';
const rbac = 'rbac.authorization.k8s.io/v1';

export const IGNORED_KINDS: Readonly<Record<string, IgnoredKindInfo>> = {
  ServiceAccount: {
    apiVersions: ['v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
    effect: 'podrun runs no API server: no pod gets a token for it',
  },
  Role: {
    apiVersions: [rbac],
    clusterScoped: false,
    nameError: pathSegmentNameError,
    effect: NO_API_SERVER,
  },
  ClusterRole: {
    apiVersions: [rbac],
    clusterScoped: true,
    nameError: pathSegmentNameError,
    effect: NO_API_SERVER,
  },
  RoleBinding: {
    apiVersions: [rbac],
    clusterScoped: false,
    nameError: pathSegmentNameError,
    effect: NO_API_SERVER,
  },
  ClusterRoleBinding: {
    apiVersions: [rbac],
    clusterScoped: true,
    nameError: pathSegmentNameError,
    effect: NO_API_SERVER,
  },
  NetworkPolicy: {
    apiVersions: ['networking.k8s.io/v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
    effect: 'podrun enforces no network policy: the pods of a namespace reach each other freely',
  },
  HorizontalPodAutoscaler: {
    apiVersions: ['autoscaling/v2', 'autoscaling/v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
    effect: 'podrun runs no autoscaler: the number of pods stays as applied',
  },
  PodDisruptionBudget: {
    apiVersions: ['policy/v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
    effect: 'podrun never evicts pods (one engine, no node drains)',
  },
  ResourceQuota: {
    apiVersions: ['v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
    effect: "podrun enforces no namespace quota; each container's own limits still apply",
  },
  LimitRange: {
    apiVersions: ['v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
    effect:
      'podrun applies no namespace defaults: containers get only the requests and limits their pods set',
  },
  PriorityClass: {
    apiVersions: ['scheduling.k8s.io/v1'],
    clusterScoped: true,
    nameError: dnsSubdomainError,
    effect: 'podrun does no scheduling or preemption on one engine',
  },
  Ingress: {
    apiVersions: ['networking.k8s.io/v1'],
    clusterScoped: false,
    nameError: dnsSubdomainError,
    effect:
      'podrun runs no ingress controller; make the Service a LoadBalancer or NodePort to reach it from the host',
  },
};

/** The key of a kind's root in the schema table: the kind for core/v1, else `group/version/Kind`. */
export function schemaKey(apiVersion: string, kind: string): string {
  return apiVersion === 'v1' ? kind : `${apiVersion}/${kind}`;
}
