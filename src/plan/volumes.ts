// Volumes and mounts.
//   emptyDir            → a local Docker volume removed with the pod; medium Memory is a
//                         tmpfs volume (mounted once on the host, shared by every container
//                         that mounts it, kept alive by the sandbox's own mount)
//   configMap / secret / downwardAPI / projected
//                       → a local Docker volume plus the files podrun writes into it through
//                         the sandbox (mounted at /.podrun/volumes/<volume>) before any app
//                         starts; always mounted read-only into containers, as Kubernetes
//   hostPath            → a bind mount; the type is checked/created by src/pod
//   persistentVolumeClaim → the claim's named volume, kept after the pod; a claim with
//                         no PersistentVolumeClaim object (input.claims) is planned
//                         `undeclared` and src/pod creates its volume on first use
// Every init and app container also gets /var/run/secrets/kubernetes.io/serviceaccount
// with the one file `namespace`, as the kubelet's projected service-account volume
// gives it (a podrun-owned pod volume, SERVICE_ACCOUNT_VOLUME_NAME), unless
// spec.automountServiceAccountToken is false or the container mounts a volume of its
// own there (the ServiceAccount admission plugin's rule). No `token`, no `ca.crt`:
// podrun runs no API server, so no token could be honest.
// Every subPath a container mounts is listed (volumeSubpaths): as the kubelet, src/pod
// makes a missing one a directory before the container is created.
// Mounts of Docker volumes set NoCopy: Kubernetes never copies image content into a volume.
import { posix } from 'node:path';
import type Docker from 'dockerode';
import type {
  Container,
  DownwardAPIVolumeFile,
  KeyToPath,
  Volume,
  VolumeMount,
} from 'kubernetes-types/core/v1.js';
import type { PlanContext } from './context.js';
import { DNS_VOLUME_NAME, planDns, RESOLV_CONF_FILE, RESOLV_CONF_PATH } from './dns.js';
import { resolveFieldRef, resolveResourceFieldRef } from './downward.js';
import { type EnvMap, envLookup, expand, findContainer } from './env.js';
import type { PlanPath } from './errors.js';
import { namespaceHasHeadless } from './headless-dns.js';
import { baseLabels, Labels } from './labels.js';
import { claimVolumeDockerName, podVolumeDockerName } from './names.js';
import { parseQuantity, QuantityError, quantityValue } from './quantity.js';
import { allEntries, resolveKeyRef } from './sources.js';
import type { PendingSubPathMount, PlannedFile, PlannedVolume } from './types.js';

/** Where the sandbox mounts pod volumes so podrun can fill them. */
export const POPULATE_ROOT = '/.podrun/volumes';
export const DEFAULT_FILE_MODE = 0o644;
export const EMPTY_DIR_MODE = 0o777;
/** Where Kubernetes mounts the pod's service-account volume. */
export const SERVICE_ACCOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
/** podrun's stand-in for kube-api-access-*; upper case never collides with a user's volume. */
export const SERVICE_ACCOUNT_VOLUME_NAME = 'POD-serviceaccount';

type PodVolume = Extract<PlannedVolume, { files: PlannedFile[] }>;
type MountSettings = Docker.MountSettings;

/**
 * The volume of a claim, declared or not: it outlives pods and may be shared by
 * several, so it carries no pod label.
 */
export function claimVolumeCreate(
  namespace: string,
  claimName: string,
  podrunVersion: string,
  extraLabels: Record<string, string> = {},
): Docker.VolumeCreateOptions {
  return {
    Name: claimVolumeDockerName(namespace, claimName),
    Driver: 'local',
    Labels: baseLabels('pvc', podrunVersion, {
      [Labels.namespace]: namespace,
      [Labels.pod]: '',
      'io.podrun.name': claimName,
      ...extraLabels,
    }),
  };
}

function podVolumeLabels(ctx: PlanContext, volume: string): Record<string, string> {
  return baseLabels('volume', ctx.input.podrunVersion, {
    [Labels.namespace]: ctx.namespace,
    [Labels.pod]: ctx.podName,
    [Labels.volume]: volume,
    ...ctx.input.extraLabels,
  });
}

function podVolume(
  ctx: PlanContext,
  kind: PodVolume['kind'],
  name: string,
  files: PlannedFile[],
  driverOpts?: Record<string, string>,
): PodVolume {
  const dockerName = podVolumeDockerName(ctx.namespace, ctx.podName, name);
  const create: Docker.VolumeCreateOptions = {
    Name: dockerName,
    Driver: 'local',
    Labels: podVolumeLabels(ctx, name),
  };
  if (driverOpts) create.DriverOpts = driverOpts;
  return {
    kind,
    name,
    dockerName,
    create,
    files,
    populatePath: `${POPULATE_ROOT}/${name}`,
  };
}

function text(content: string): string {
  return Buffer.from(content, 'utf8').toString('base64');
}

/** Files of a configMap/secret source: all keys, or the listed items. */
function keyFiles(
  ctx: PlanContext,
  kind: 'configmap' | 'secret',
  name: string,
  items: KeyToPath[] | undefined,
  optional: boolean | undefined,
  defaultMode: number,
  path: PlanPath,
  namePath: PlanPath,
): PlannedFile[] {
  const entries = allEntries(ctx, kind, name);
  if (!entries) {
    if (!optional)
      ctx.issues.error(namePath, `${kind} "${name}" not found in namespace ${ctx.namespace}`);
    return [];
  }
  if (!items || items.length === 0) {
    return entries.map((entry) => ({
      path: entry.key,
      contentBase64: entry.base64,
      mode: defaultMode,
      ...secretMark(kind),
    }));
  }
  const files: PlannedFile[] = [];
  for (const [index, item] of items.entries()) {
    const found = resolveKeyRef(ctx, kind, name, item.key, optional, [
      ...path,
      'items',
      index,
      'key',
    ]);
    if (found) {
      files.push({
        path: item.path,
        contentBase64: found.base64,
        mode: item.mode ?? defaultMode,
        ...secretMark(kind),
      });
    }
  }
  return files;
}

/** Files of a Secret carry the mark printers redact by. */
function secretMark(kind: 'configmap' | 'secret'): { secret?: true } {
  return kind === 'secret' ? { secret: true } : {};
}

function downwardFiles(
  ctx: PlanContext,
  items: DownwardAPIVolumeFile[] | undefined,
  defaultMode: number,
  path: PlanPath,
): PlannedFile[] {
  const files: PlannedFile[] = [];
  for (const [index, item] of (items ?? []).entries()) {
    const itemPath = [...path, 'items', index];
    let value: string | undefined;
    if (item.fieldRef) {
      value = resolveFieldRef(ctx, item.fieldRef, 'volume', [...itemPath, 'fieldRef']);
    } else if (item.resourceFieldRef) {
      const refPath = [...itemPath, 'resourceFieldRef'];
      const containerName = item.resourceFieldRef.containerName ?? '';
      const target = findContainer(ctx, containerName);
      if (!target) {
        ctx.issues.error([...refPath, 'containerName'], `no container named "${containerName}"`);
      } else {
        value = resolveResourceFieldRef(ctx, item.resourceFieldRef, target, refPath);
      }
    }
    if (value !== undefined) {
      files.push({ path: item.path, contentBase64: text(value), mode: item.mode ?? defaultMode });
    }
  }
  return files;
}

function planEmptyDir(ctx: PlanContext, volume: Volume, path: PlanPath): PodVolume {
  const source = volume.emptyDir ?? {};
  const sourcePath = [...path, 'emptyDir'];
  let sizeBytes: bigint | undefined;
  if (source.sizeLimit !== undefined) {
    try {
      sizeBytes = quantityValue(parseQuantity(source.sizeLimit));
    } catch (error) {
      if (!(error instanceof QuantityError)) throw error;
      ctx.issues.error([...sourcePath, 'sizeLimit'], error.message);
    }
  }
  let planned: PodVolume;
  if (source.medium === 'Memory') {
    const opts: Record<string, string> = { type: 'tmpfs', device: 'tmpfs' };
    if (sizeBytes !== undefined && sizeBytes > 0n) opts.o = `size=${sizeBytes}`;
    planned = podVolume(ctx, 'emptyDir', volume.name, [], opts);
  } else {
    if (source.medium && source.medium !== '') {
      ctx.issues.error(
        [...sourcePath, 'medium'],
        `emptyDir medium "${source.medium}" is not supported`,
      );
    }
    if (source.sizeLimit !== undefined) {
      ctx.issues.warn(
        [...sourcePath, 'sizeLimit'],
        'sizeLimit is not enforced for disk-backed emptyDir (Docker volumes have no quota)',
      );
    }
    planned = podVolume(ctx, 'emptyDir', volume.name, []);
  }
  planned.rootMode = EMPTY_DIR_MODE;
  return planned;
}

function planVolume(ctx: PlanContext, volume: Volume, index: number): PlannedVolume | undefined {
  const path = ['spec', 'volumes', index];
  if (volume.hostPath) {
    return {
      kind: 'hostPath',
      name: volume.name,
      hostPath: volume.hostPath.path,
      type: volume.hostPath.type ?? '',
    };
  }
  if (volume.emptyDir) return planEmptyDir(ctx, volume, path);
  if (volume.configMap) {
    const source = volume.configMap;
    const sourcePath = [...path, 'configMap'];
    const files = keyFiles(
      ctx,
      'configmap',
      source.name ?? '',
      source.items,
      source.optional,
      source.defaultMode ?? DEFAULT_FILE_MODE,
      sourcePath,
      [...sourcePath, 'name'],
    );
    return podVolume(ctx, 'configMap', volume.name, files);
  }
  if (volume.secret) {
    const source = volume.secret;
    const sourcePath = [...path, 'secret'];
    const files = keyFiles(
      ctx,
      'secret',
      source.secretName ?? '',
      source.items,
      source.optional,
      source.defaultMode ?? DEFAULT_FILE_MODE,
      sourcePath,
      [...sourcePath, 'secretName'],
    );
    return podVolume(ctx, 'secret', volume.name, files);
  }
  if (volume.downwardAPI) {
    const source = volume.downwardAPI;
    const files = downwardFiles(ctx, source.items, source.defaultMode ?? DEFAULT_FILE_MODE, [
      ...path,
      'downwardAPI',
    ]);
    return podVolume(ctx, 'downwardAPI', volume.name, files);
  }
  if (volume.projected) {
    const defaultMode = volume.projected.defaultMode ?? DEFAULT_FILE_MODE;
    const byPath = new Map<string, PlannedFile>();
    for (const [si, source] of (volume.projected.sources ?? []).entries()) {
      const sourcePath = [...path, 'projected', 'sources', si];
      let files: PlannedFile[] = [];
      if (source.configMap) {
        const cm = source.configMap;
        const p = [...sourcePath, 'configMap'];
        files = keyFiles(ctx, 'configmap', cm.name ?? '', cm.items, cm.optional, defaultMode, p, [
          ...p,
          'name',
        ]);
      } else if (source.secret) {
        const secret = source.secret;
        const p = [...sourcePath, 'secret'];
        files = keyFiles(
          ctx,
          'secret',
          secret.name ?? '',
          secret.items,
          secret.optional,
          defaultMode,
          p,
          [...p, 'name'],
        );
      } else if (source.downwardAPI) {
        files = downwardFiles(ctx, source.downwardAPI.items, defaultMode, [
          ...sourcePath,
          'downwardAPI',
        ]);
      } else {
        ctx.issues.warn(
          sourcePath,
          'only configMap, secret and downwardAPI projections are supported; this source is skipped',
        );
      }
      for (const file of files) byPath.set(file.path, file);
    }
    return podVolume(ctx, 'projected', volume.name, [...byPath.values()]);
  }
  if (volume.persistentVolumeClaim) {
    const claimName = volume.persistentVolumeClaim.claimName;
    const planned: PlannedVolume = {
      kind: 'persistentVolumeClaim',
      name: volume.name,
      dockerName: claimVolumeDockerName(ctx.namespace, claimName),
      claimName,
      create: claimVolumeCreate(
        ctx.namespace,
        claimName,
        ctx.input.podrunVersion,
        ctx.input.extraLabels,
      ),
    };
    if (ctx.input.claims && !ctx.input.claims.has(claimName)) planned.undeclared = true;
    return planned;
  }
  const kind = Object.keys(volume).find((key) => key !== 'name') ?? 'unknown';
  ctx.issues.error([...path, kind], `volume type ${kind} is not supported by podrun`);
  return undefined;
}

export function planVolumes(ctx: PlanContext): PlannedVolume[] {
  const out: PlannedVolume[] = [];
  for (const [index, volume] of (ctx.spec.volumes ?? []).entries()) {
    const planned = planVolume(ctx, volume, index);
    if (planned) out.push(planned);
  }
  // The pod's resolv.conf, when podrun writes it (src/plan/dns.ts); filled at sandbox start.
  const dns = planDns(ctx.spec, { namespaceResolver: namespaceHasHeadless(ctx.input.services) });
  if (dns) out.push(podVolume(ctx, 'emptyDir', dns.volumeName, []));
  if (ctx.spec.automountServiceAccountToken !== false) {
    const file = { path: 'namespace', contentBase64: text(ctx.namespace), mode: DEFAULT_FILE_MODE };
    out.push(podVolume(ctx, 'projected', SERVICE_ACCOUNT_VOLUME_NAME, [file]));
  }
  return out;
}

/** VolumeOptions for a Docker volume mount (the @types require fields Docker does not). */
function volumeOptions(subPath?: string): MountSettings['VolumeOptions'] {
  const options: { NoCopy: boolean; Subpath?: string } = { NoCopy: true };
  if (subPath !== undefined) options.Subpath = subPath;
  return options as MountSettings['VolumeOptions'];
}

/** The sandbox mounts every pod-scoped volume: to fill it, and to hold tmpfs volumes alive. */
export function sandboxMounts(volumes: PlannedVolume[]): MountSettings[] {
  const mounts: MountSettings[] = [];
  for (const volume of volumes) {
    if (volume.kind === 'hostPath' || volume.kind === 'persistentVolumeClaim') continue;
    if (!volume.populatePath) continue;
    // The sandbox's create makes the volume (labels and driver options as planned),
    // so the pod's first objects appear in one call: a process killed before it
    // leaves no volume without a pod, one killed after it leaves a pod to take over.
    const driverOptions = volume.create.DriverOpts;
    mounts.push({
      Type: 'volume',
      Source: volume.dockerName,
      Target: volume.populatePath,
      VolumeOptions: {
        NoCopy: true,
        Labels: volume.create.Labels,
        ...(driverOptions ? { DriverConfig: { Name: 'local', Options: driverOptions } } : {}),
      } as MountSettings['VolumeOptions'],
    });
  }
  return mounts;
}

export interface PlannedMounts {
  mounts: MountSettings[];
  subPathMounts: PendingSubPathMount[];
  volumeSubpaths: { volumeName: string; subPath: string }[];
}

const PROPAGATION: Record<string, 'rslave' | 'rshared' | undefined> = {
  HostToContainer: 'rslave',
  Bidirectional: 'rshared',
};

function resolveSubPath(
  ctx: PlanContext,
  mount: VolumeMount,
  env: EnvMap,
  path: PlanPath,
): string | undefined {
  let subPath = mount.subPath;
  let field = 'subPath';
  if (mount.subPathExpr) {
    subPath = expand(mount.subPathExpr, envLookup(env));
    field = 'subPathExpr';
  }
  if (!subPath) return undefined;
  if (posix.isAbsolute(subPath) || subPath.split('/').includes('..')) {
    ctx.issues.error([...path, field], `subPath "${subPath}" must be a relative path without ".."`);
    return undefined;
  }
  return posix.normalize(subPath).replace(/\/$/, '');
}

export function planMounts(
  ctx: PlanContext,
  container: Container,
  env: EnvMap,
  path: PlanPath,
  volumes: PlannedVolume[],
): PlannedMounts {
  const out: PlannedMounts = { mounts: [], subPathMounts: [], volumeSubpaths: [] };
  // Every init and app container bind-mounts the pod's one resolv.conf file (a file
  // target, which a Docker volume mount cannot be on every engine: src/pod binds it
  // from the volume's path).
  const dns = volumes.find((volume) => volume.name === DNS_VOLUME_NAME);
  if (dns) {
    out.subPathMounts.push({
      volumeName: dns.name,
      subPath: RESOLV_CONF_FILE,
      target: RESOLV_CONF_PATH,
      readOnly: false,
    });
  }
  const specVolumes = ctx.spec.volumes ?? [];
  for (const [index, mount] of (container.volumeMounts ?? []).entries()) {
    const mountPath = [...path, 'volumeMounts', index];
    const planned = volumes.find((volume) => volume.name === mount.name);
    const spec = specVolumes.find((volume) => volume.name === mount.name);
    if (!spec) {
      ctx.issues.error([...mountPath, 'name'], `no volume named "${mount.name}" in spec.volumes`);
      continue;
    }
    if (!planned) continue; // the volume itself has an error already
    const subPath = resolveSubPath(ctx, mount, env, mountPath);
    if (subPath) out.volumeSubpaths.push({ volumeName: planned.name, subPath });
    const propagation = mount.mountPropagation ? PROPAGATION[mount.mountPropagation] : undefined;

    if (planned.kind === 'hostPath') {
      const source = subPath ? posix.join(planned.hostPath, subPath) : planned.hostPath;
      const settings: MountSettings = {
        Type: 'bind',
        Source: source,
        Target: mount.mountPath,
        ReadOnly: mount.readOnly === true,
      };
      if (propagation) settings.BindOptions = { Propagation: propagation };
      out.mounts.push(settings);
      continue;
    }
    if (propagation) {
      ctx.issues.warn(
        [...mountPath, 'mountPropagation'],
        'mount propagation applies to hostPath volumes only on Docker; ignored',
      );
    }
    const readOnly =
      mount.readOnly === true ||
      planned.kind === 'configMap' ||
      planned.kind === 'secret' ||
      planned.kind === 'downwardAPI' ||
      planned.kind === 'projected' ||
      spec.persistentVolumeClaim?.readOnly === true;
    if (subPath && !ctx.input.engine.volumeSubpath) {
      out.subPathMounts.push({
        volumeName: planned.name,
        subPath,
        target: mount.mountPath,
        readOnly,
      });
      continue;
    }
    out.mounts.push({
      Type: 'volume',
      Source: planned.dockerName,
      Target: mount.mountPath,
      ReadOnly: readOnly,
      VolumeOptions: volumeOptions(subPath),
    });
  }
  const serviceAccount = volumes.find((volume) => volume.name === SERVICE_ACCOUNT_VOLUME_NAME);
  const ownMount = (container.volumeMounts ?? []).some(
    (mount) => posix.normalize(mount.mountPath).replace(/(.)\/$/, '$1') === SERVICE_ACCOUNT_PATH,
  );
  if (serviceAccount && 'dockerName' in serviceAccount && !ownMount) {
    out.mounts.push({
      Type: 'volume',
      Source: serviceAccount.dockerName,
      Target: SERVICE_ACCOUNT_PATH,
      ReadOnly: true,
      VolumeOptions: volumeOptions(),
    });
  }
  return out;
}
