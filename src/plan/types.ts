// The output of the plan stage: everything podrun will create for one pod, computed
// before the first Docker call. Pure data; src/pod turns it into Docker objects.
import type Docker from 'dockerode';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { PlannedDns } from './dns.js';
import type { ServiceLinkInput } from './input.js';

export type ContainerRole = 'sandbox' | 'init' | 'app';

export interface PlannedFile {
  /** Path relative to the volume root, e.g. "config/app.properties". */
  path: string;
  /** File content, base64-encoded (secrets and binaryData are bytes). */
  contentBase64: string;
  /** Unix permission bits, e.g. 0o644. */
  mode: number;
  /** The content comes from a Secret: printers show its size, never its bytes. */
  secret?: true;
}

export type PlannedVolume =
  | {
      /** emptyDir, configMap, secret, downwardAPI, projected: a Docker volume removed with the pod. */
      kind: 'emptyDir' | 'configMap' | 'secret' | 'downwardAPI' | 'projected';
      name: string;
      dockerName: string;
      create: Docker.VolumeCreateOptions;
      /** For configMap/secret/downwardAPI: files podrun writes into the volume before any app starts. */
      files: PlannedFile[];
      /** Where the volume is mounted in the sandbox so podrun can write `files` into it. */
      populatePath?: string;
      /**
       * Permission bits the volume root must get (emptyDir: 0o777 as the kubelet makes
       * it; a fresh Docker volume is root-owned 0755). Set through populatePath.
       */
      rootMode?: number;
    }
  | {
      /** A PersistentVolumeClaim: a named Docker volume that outlives the pod. */
      kind: 'persistentVolumeClaim';
      name: string;
      dockerName: string;
      claimName: string;
      create: Docker.VolumeCreateOptions;
      /**
       * No PersistentVolumeClaim object names this claim (neither in the applied set
       * nor on the engine): src/pod creates the volume from `create` on first use.
       */
      undeclared?: boolean;
    }
  | {
      kind: 'hostPath';
      name: string;
      hostPath: string;
      /** Kubernetes HostPathType ('' = no check). */
      type: string;
    };

/** A mount whose subPath Docker cannot express on this engine; src/pod resolves it. */
export interface PendingSubPathMount {
  volumeName: string;
  subPath: string;
  target: string;
  readOnly: boolean;
}

export interface PlannedContainer {
  /** The Kubernetes container name ("POD" for the sandbox). */
  name: string;
  role: ContainerRole;
  /** Docker container name: podrun_<namespace>_<pod>_<container>_<attempt>. */
  dockerName: string;
  image: string;
  imagePullPolicy: 'Always' | 'IfNotPresent' | 'Never';
  /** Complete options for POST /containers/create (name included). */
  create: Docker.ContainerCreateOptions;
  subPathMounts: PendingSubPathMount[];
  /** The Kubernetes spec, for lifecycle (probes, hooks, restartPolicy); absent for the sandbox. */
  spec?: Container;
  /** Restart attempt, 0 for the first (also in the name and the attempt label). */
  attempt?: number;
  /**
   * runAsNonRoot is set without runAsUser: src/pod must check the image's USER is a
   * non-zero numeric uid before create, as the kubelet does.
   */
  verifyNonRoot?: boolean;
  /**
   * Every subPath (and expanded subPathExpr) this container mounts, of any volume:
   * Docker needs the path to exist, so src/pod makes missing ones directories before
   * the container is created, as the kubelet does (a pod volume through the sandbox,
   * a hostPath on the host).
   */
  volumeSubpaths?: { volumeName: string; subPath: string }[];
  /** Some env var read status.podIP/hostIP before it was known (placeholder ""). */
  needsPodIP?: boolean;
  /**
   * Names of the Env entries whose value comes from a Secret (secretKeyRef,
   * envFrom.secretRef, or a literal that expands one with $(VAR)). The engine gets
   * the values; every podrun printer and logger shows them redacted (plan/redact.ts).
   */
  secretEnv?: string[];
}

export interface PodPlan {
  namespace: string;
  name: string;
  uid: string;
  /** Hash of the normalized pod spec and the data it consumes (configMaps, secrets). */
  specHash: string;
  network: { name: string; create: Docker.NetworkCreateOptions };
  volumes: PlannedVolume[];
  sandbox: PlannedContainer;
  initContainers: PlannedContainer[];
  containers: PlannedContainer[];
  /** Set when podrun writes the pod's /etc/resolv.conf (src/plan/dns.ts) at sandbox start. */
  dns?: PlannedDns;
  /** True when some env var uses status.podIP: src/pod plans again once the IP is known. */
  needsPodIP: boolean;
  /** The publishAllPorts option it was planned with (recorded on the pod: src/pod/lifecycle/plan-input.ts). */
  publishAllPorts?: boolean;
  /**
   * The Services whose link variables the containers got (sorted by name; absent when
   * none, or with enableServiceLinks: false). Recorded on the pod: plan-input.ts.
   */
  services?: ServiceLinkInput[];
  /** The pod as applied (namespace and defaults filled in). */
  pod: Pod;
  /** Valid fields podrun does not implement, as "spec.x.y: message". */
  warnings: string[];
}
