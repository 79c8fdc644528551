// What the plan stage is given: the pod and everything it reads, already fetched.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { LinkService } from './service-links.js';

/**
 * A Service of the pod's namespace, as service links need it: its name, address and
 * ports (plain data, not the engine's record of the Service).
 */
export type ServiceLinkInput = Omit<LinkService, 'namespace'>;

export interface ConfigMapInput {
  data: Record<string, string>;
  /** Values base64-encoded. */
  binaryData: Record<string, string>;
}

export interface SecretInput {
  /** Values base64-encoded (as in a Secret's `data`). */
  data: Record<string, string>;
}

export interface NodeAllocatable {
  /** Millicores, e.g. 4000 for 4 CPUs. */
  cpuMilli: number;
  /** Bytes. */
  memoryBytes: number;
  /** Bytes. */
  ephemeralStorageBytes: number;
}

/**
 * What `resourceFieldRef` reports for a limit the container does not set: as the
 * kubelet, the node's allocatable. The plan is pure, so the caller should pass the
 * real host (os.availableParallelism() * 1000, os.totalmem()); without it podrun
 * assumes this small machine: 2 CPUs, 4 GiB memory, 20 GiB ephemeral storage.
 */
export const DEFAULT_NODE_ALLOCATABLE: NodeAllocatable = {
  cpuMilli: 2000,
  memoryBytes: 4 * 1024 ** 3,
  ephemeralStorageBytes: 20 * 1024 ** 3,
};

export interface PlanInput {
  /** Already validated; metadata.namespace set. */
  pod: Pod;
  /** Pod uid chosen by the caller. */
  uid: string;
  /** ConfigMaps of the pod's namespace, by name. */
  configMaps: Map<string, ConfigMapInput>;
  /** Secrets of the pod's namespace, by name. */
  secrets: Map<string, SecretInput>;
  pauseImage: string;
  podrunVersion: string;
  /** Known after the sandbox started; absent in the first planning pass or a dry run. */
  podIP?: string;
  /** status.hostIP as seen from the pod (e.g. the network gateway); defaults to podIP. */
  hostIP?: string;
  engine: {
    /** API >= 1.45: Mounts[].VolumeOptions.Subpath is supported. */
    volumeSubpath: boolean;
  };
  /**
   * Claims of the pod's namespace that have a PersistentVolumeClaim object (in the
   * applied set or stored on the engine). A claim not in it is planned `undeclared`.
   * Absent (a replan): every claim is taken as declared.
   */
  claims?: ReadonlySet<string>;
  /** More labels on every pod-scoped object, e.g. io.podrun.owner from the library. */
  extraLabels?: Record<string, string>;
  /** Library option: every containerPort without hostPort gets a random host port. */
  publishAllPorts?: boolean;
  /**
   * Host ports the engine assigned to those random bindings for an earlier sandbox of
   * the pod, by `${containerPort}/${protocol}`: a rebuilt sandbox asks for the same.
   */
  hostPorts?: Record<string, string>;
  /** Node allocatable for resourceFieldRef of unset limits; see DEFAULT_NODE_ALLOCATABLE. */
  nodeAllocatable?: NodeAllocatable;
  /** Attempt of the sandbox (pause) container, 0 for the first; joiners follow it. */
  sandboxAttempt?: number;
  /**
   * The Services of the pod's namespace that existed when the pod was first planned:
   * every container gets their service-link variables (unless
   * spec.enableServiceLinks is false). Not part of the spec hash: as on a cluster, a
   * Service made later does not change a running pod. Recorded on the pod
   * (src/pod/lifecycle/plan-input.ts) so every later plan uses the same list.
   */
  services?: readonly ServiceLinkInput[];
}
