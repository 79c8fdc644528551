// The pod volumes' contents (configMap, secret, downwardAPI and service-account
// files, the emptyDir root mode, the subPath directories the containers mount),
// written before any init or app container starts.
//
// A fresh pod's volumes are filled through a filler: a container that is created
// (never started) with the same volume mounts as the sandbox, takes the one upload
// and is removed. That runs while the sandbox starts, instead of an upload into the
// sandbox before its start: the start (about 200 ms) no longer waits for the upload
// (about 35 ms). The filler is labelled as one of the pod's markers, so a process
// killed mid-way leaves nothing a pod delete does not remove, and it passes the
// delete fence like every other create. Anything unexpected (its name taken by a
// killed process's filler, an engine error) falls back to the upload into the
// sandbox once it runs, which is also how a rebuild's kept volumes (their subPath
// directories checked first) and the tmpfs volumes are filled: a tmpfs lives only
// while a container holds it mounted, and the filler never runs.
import type Docker from 'dockerode';
import { pathExists, putTrees } from '../docker/archive.js';
import { removeContainer } from '../docker/containers.js';
import { Labels } from '../plan/labels.js';
import type { PodPlan } from '../plan/types.js';
import { fenceCreated, PodDeletedError } from './lifecycle/fence.js';
import { LifecycleLabels } from './lifecycle/labels.js';
import { createMarker } from './lifecycle/markers.js';

/** Container name part of the filler (upper case: no Kubernetes container can clash). */
export const FILLER_MARKER = 'FILL' as const;

type Tree = Parameters<typeof putTrees>[1][number];

interface VolumeTree {
  tree: Tree;
  /** The Docker volume the tree goes into. */
  dockerName: string;
  /** A tmpfs (emptyDir medium Memory): filled only through the running sandbox. */
  tmpfs: boolean;
}

/** The subPaths the pod's containers mount in one volume. */
export function subPathsOf(plan: PodPlan, volumeName: string): string[] {
  const all = [...plan.initContainers, ...plan.containers].flatMap((c) => c.volumeSubpaths ?? []);
  return [...new Set(all.filter((e) => e.volumeName === volumeName).map((e) => e.subPath))];
}

/**
 * What each volume the sandbox mounts must hold. A kept volume (sandbox rebuild) may
 * hold its subPath directories already, perhaps chowned by an init container: the
 * upload would reset an existing one's owner and mode, so those are left out.
 */
async function volumeTrees(
  plan: PodPlan,
  sandboxId: string,
  reused: boolean,
): Promise<VolumeTree[]> {
  const trees = await Promise.all(
    plan.volumes.map(async (volume): Promise<VolumeTree | undefined> => {
      if (!('files' in volume) || !volume.populatePath) return undefined;
      const populatePath = volume.populatePath;
      let directories = subPathsOf(plan, volume.name).filter(
        (subPath) => !volume.files.some((file) => file.path === subPath),
      );
      if (reused && directories.length > 0) {
        const exists = await Promise.all(
          directories.map((subPath) => pathExists(sandboxId, `${populatePath}/${subPath}`)),
        );
        directories = directories.filter((_, index) => !exists[index]);
      }
      return {
        tree: {
          directory: populatePath,
          files: volume.files,
          rootMode: volume.rootMode,
          directories,
        },
        dockerName: volume.dockerName,
        tmpfs: volume.create.DriverOpts?.type === 'tmpfs',
      };
    }),
  );
  // Nothing to write (no file, no mode, no directory): no upload, and no filler for it.
  return trees.filter(
    (t) =>
      t !== undefined &&
      (t.tree.files.length > 0 || t.tree.rootMode !== undefined || !!t.tree.directories?.length),
  ) as VolumeTree[];
}

/** The filler: the volumes it fills, where the sandbox mounts them (they exist by now). */
function createFiller(plan: PodPlan, trees: VolumeTree[]): Promise<string> {
  const labels = plan.sandbox.create.Labels ?? {};
  const supervised = labels[LifecycleLabels.supervised];
  const keep = [Labels.owner, Labels.podUid].filter((key) => labels[key]);
  return createMarker({
    namespace: plan.namespace,
    pod: plan.name,
    marker: FILLER_MARKER,
    image: plan.sandbox.create.Image ?? '',
    ...(supervised ? { supervised } : {}),
    labels: Object.fromEntries(keep.map((key) => [key, labels[key]!])),
    mounts: trees.map((t) => ({
      Type: 'volume',
      Source: t.dockerName,
      Target: t.tree.directory,
      VolumeOptions: { NoCopy: true } as Docker.MountSettings['VolumeOptions'],
    })),
  });
}

/** Upload the trees through a filler; false when that could not be done (fall back). */
async function fillThroughFiller(plan: PodPlan, trees: VolumeTree[]): Promise<boolean> {
  let fillerId: string;
  try {
    fillerId = await createFiller(plan, trees);
  } catch {
    return false;
  }
  try {
    // A delete begun since the sandbox's own fence: the filler goes, the start stops.
    await fenceCreated(plan.namespace, plan.name, () => removeContainer(fillerId));
    await putTrees(
      fillerId,
      trees.map((t) => t.tree),
    );
    return true;
  } catch (error) {
    if (error instanceof PodDeletedError) throw error;
    return false;
  } finally {
    await removeContainer(fillerId).catch(() => undefined);
  }
}

/**
 * Start the sandbox (`start`) and fill its volumes. A fresh pod's disk volumes are
 * filled while it starts; the rest, and whatever the filler could not do, once it runs.
 */
export async function startAndFill(
  plan: PodPlan,
  sandboxId: string,
  reused: boolean,
  start: () => Promise<void>,
): Promise<void> {
  const trees = await volumeTrees(plan, sandboxId, reused);
  const early = reused ? [] : trees.filter((t) => !t.tmpfs);
  const late = reused ? trees : trees.filter((t) => t.tmpfs);
  const filling = early.length > 0 ? fillThroughFiller(plan, early) : Promise.resolve(true);
  const [started, filled] = await Promise.allSettled([start(), filling]);
  if (started.status === 'rejected') throw started.reason;
  if (filled.status === 'rejected') throw filled.reason;
  await putTrees(
    sandboxId,
    (filled.value ? late : [...early, ...late]).map((t) => t.tree),
  );
}
