// Where a library pod comes from: a manifest path, YAML (or JSON) text, or typed
// objects shaped like the Kubernetes API types. Everything goes through the same
// parser and validator as the CLI, so errors read the same (file:line:col).
import { randomBytes } from 'node:crypto';
import type { DaemonSet, Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type {
  ConfigMap,
  Container,
  PersistentVolumeClaim,
  Pod,
  PodSpec,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import { loadManifests } from '../manifest/load.js';
import { parseManifestText } from '../manifest/parse.js';
import type { ManifestObject, ManifestSet, ValidationMode } from '../manifest/types.js';

/** A Kubernetes object the library accepts next to pods. */
export type PodSourceObject = Pod | ConfigMap | Secret | PersistentVolumeClaim | Service;

/**
 * A manifest path (file or directory), manifest text (anything with a newline or
 * starting with `{`), one typed object or a list of them. `{ path }` and `{ yaml }`
 * say which explicitly.
 */
export type PodSource =
  | string
  | { path: string }
  | { yaml: string }
  | PodSourceObject
  | readonly PodSourceObject[];

/** What startManifests takes besides: the workload kinds a supervisor runs. */
export type ManifestSourceObject =
  | PodSourceObject
  | Deployment
  | ReplicaSet
  | DaemonSet
  | Job
  | CronJob;

/** As PodSource, with workload objects too (startManifests). */
export type ManifestSource =
  | string
  | { path: string }
  | { yaml: string }
  | ManifestSourceObject
  | readonly ManifestSourceObject[];

export interface SourceOptions {
  namespace: string;
  validate: ValidationMode;
  /** Accept Deployments, ReplicaSets, DaemonSets, Jobs and CronJobs (startManifests). */
  workloads?: boolean;
}

function isText(source: string): boolean {
  return source.includes('\n') || source.trimStart().startsWith('{');
}

/** Typed objects become a v1 List, parsed like any manifest text. */
function objectsToText(objects: readonly ManifestSourceObject[]): string {
  const items = objects.map((object) => {
    const spec = (object as Pod).spec;
    if (object.kind === undefined && spec && 'containers' in spec) {
      return { apiVersion: 'v1', kind: 'Pod', ...object };
    }
    return object;
  });
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2);
}

export async function loadSource(
  source: ManifestSource,
  options: SourceOptions,
): Promise<ManifestSet> {
  // Bundles too: Services, Namespaces, and the kinds accepted without effect.
  const load = {
    defaultNamespace: options.namespace,
    validate: options.validate,
    bundle: true,
    workloads: options.workloads ?? false,
  };
  if (typeof source === 'string') {
    return isText(source)
      ? parseManifestText(source, '<manifest>', load)
      : loadManifests([source], load);
  }
  if ('path' in source && typeof source.path === 'string')
    return loadManifests([source.path], load);
  if ('yaml' in source && typeof source.yaml === 'string') {
    return parseManifestText(source.yaml, '<manifest>', load);
  }
  const objects = Array.isArray(source) ? source : [source as ManifestSourceObject];
  return parseManifestText(objectsToText(objects), '<object>', load);
}

export function randomSuffix(): string {
  return `-${randomBytes(3).toString('hex')}`;
}

type Renames = Map<string, string>;

function renamed<T extends { metadata?: { name?: string } }>(
  entry: ManifestObject<T>,
  suffix: string,
  renames: Renames,
): ManifestObject<T> {
  const object = structuredClone(entry.object);
  const name = object.metadata?.name ?? '';
  object.metadata = { ...object.metadata, name: `${name}${suffix}` };
  renames.set(name, `${name}${suffix}`);
  return { ...entry, object };
}

function renameContainerRefs(container: Container, maps: Renames, secrets: Renames): void {
  for (const env of container.env ?? []) {
    const mapRef = env.valueFrom?.configMapKeyRef;
    if (mapRef?.name) mapRef.name = maps.get(mapRef.name) ?? mapRef.name;
    const secretRef = env.valueFrom?.secretKeyRef;
    if (secretRef?.name) secretRef.name = secrets.get(secretRef.name) ?? secretRef.name;
  }
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef?.name) {
      from.configMapRef.name = maps.get(from.configMapRef.name) ?? from.configMapRef.name;
    }
    if (from.secretRef?.name) {
      from.secretRef.name = secrets.get(from.secretRef.name) ?? from.secretRef.name;
    }
  }
}

function renamePodRefs(pod: Pod, claims: Renames, maps: Renames, secrets: Renames): void {
  const spec = pod.spec;
  if (!spec) return;
  for (const volume of spec.volumes ?? []) {
    const claim = volume.persistentVolumeClaim;
    if (claim) claim.claimName = claims.get(claim.claimName) ?? claim.claimName;
    if (volume.configMap?.name) {
      volume.configMap.name = maps.get(volume.configMap.name) ?? volume.configMap.name;
    }
    if (volume.secret?.secretName) {
      volume.secret.secretName = secrets.get(volume.secret.secretName) ?? volume.secret.secretName;
    }
    for (const projected of volume.projected?.sources ?? []) {
      if (projected.configMap?.name) {
        projected.configMap.name = maps.get(projected.configMap.name) ?? projected.configMap.name;
      }
      if (projected.secret?.name) {
        projected.secret.name = secrets.get(projected.secret.name) ?? projected.secret.name;
      }
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
    renameContainerRefs(container, maps, secrets);
  }
}

/**
 * Append `suffix` to the name of every object in the set (Services too), and point the pods'
 * references (claims, configMaps, secrets) at the renamed objects of the set, so two
 * tests applying one manifest at once get disjoint pods, claims and config objects.
 * References to objects outside the set keep their names.
 */
export function withNameSuffix(set: ManifestSet, suffix: string): ManifestSet {
  if (suffix === '') return set;
  const claims: Renames = new Map();
  const maps: Renames = new Map();
  const secrets: Renames = new Map();
  const persistentVolumeClaims = set.persistentVolumeClaims.map((c) => renamed(c, suffix, claims));
  const configMaps = set.configMaps.map((m) => renamed(m, suffix, maps));
  const secretObjects = set.secrets.map((s) => renamed(s, suffix, secrets));
  const pods = set.pods.map((entry) => {
    const copy = renamed(entry, suffix, new Map());
    renamePodRefs(copy.object, claims, maps, secrets);
    return copy;
  });
  // Services are renamed too (their selectors match labels, which stay as written).
  const services = set.services.map((entry) => renamed(entry, suffix, new Map()));
  return { ...set, pods, persistentVolumeClaims, configMaps, secrets: secretObjects, services };
}

export interface PublishedPortRequest {
  containerPort: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
}

/**
 * Declare extra containerPorts on each pod (on its first container), so they are
 * published on the pause container: containers joined later (testcontainers) share
 * the pod's network namespace but cannot publish ports themselves.
 */
export function withExtraPorts(
  set: ManifestSet,
  ports: ReadonlyArray<number | PublishedPortRequest>,
): ManifestSet {
  if (ports.length === 0) return set;
  const wanted = ports.map((port) =>
    typeof port === 'number' ? { containerPort: port, protocol: 'TCP' as const } : port,
  );
  const pods = set.pods.map((entry) => {
    const object = structuredClone(entry.object);
    const containers = object.spec?.containers ?? [];
    const declared = new Set(
      [...(object.spec?.initContainers ?? []), ...containers].flatMap((c) =>
        (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`),
      ),
    );
    const first = containers[0];
    if (!first) return entry;
    for (const port of wanted) {
      const key = `${port.containerPort}/${port.protocol ?? 'TCP'}`;
      if (declared.has(key)) continue;
      declared.add(key);
      first.ports = [
        ...(first.ports ?? []),
        { containerPort: port.containerPort, protocol: port.protocol ?? 'TCP' },
      ];
    }
    return { ...entry, object };
  });
  return { ...set, pods };
}

function dropHostPorts(spec: PodSpec | undefined): void {
  for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const port of container.ports ?? []) delete port.hostPort;
  }
}

/**
 * Drop every fixed hostPort, so publishPorts picks a free random one instead: two
 * tests starting a manifest with `hostPort: 8080` at once would otherwise collide.
 * In workload templates too: their pods publish nothing then (reach them through a
 * Service), as two environments' replicas could not share one host port.
 */
export function withRandomHostPorts(set: ManifestSet): ManifestSet {
  const pods = set.pods.map((entry) => {
    const object = structuredClone(entry.object);
    dropHostPorts(object.spec);
    return { ...entry, object };
  });
  const workloads = set.workloads.map((entry) => {
    const object = structuredClone(entry.object);
    const spec =
      object.kind === 'CronJob'
        ? object.spec?.jobTemplate?.spec?.template?.spec
        : object.spec?.template?.spec;
    dropHostPorts(spec);
    return { ...entry, object };
  });
  return { ...set, pods, workloads };
}

/**
 * Every object into `namespace`, whatever namespace the manifest wrote, and no
 * Namespace objects: an environment owns one fresh namespace, so ten environments
 * of one bundle never meet. Names stay as written (Services resolve by short name).
 */
export function intoNamespace(set: ManifestSet, namespace: string): ManifestSet {
  const move = <T extends { metadata?: { namespace?: string } }>(
    entries: ManifestObject<T>[],
  ): ManifestObject<T>[] =>
    entries.map((entry) => {
      if (entry.object.metadata?.namespace === namespace) return entry;
      const object = structuredClone(entry.object);
      object.metadata = { ...object.metadata, namespace };
      return { ...entry, object };
    });
  return {
    ...set,
    pods: move(set.pods),
    configMaps: move(set.configMaps),
    secrets: move(set.secrets),
    persistentVolumeClaims: move(set.persistentVolumeClaims),
    services: move(set.services),
    workloads: move(set.workloads),
    ignored: move(set.ignored),
    namespaces: [],
  };
}
