// A ReplicaSet's create-pod intent on the engine: the pod object the controller makes
// (name, template labels with pod-template-hash, ownerReferences, uid, creation time),
// planned as `apply` plans a pod and given its sandbox through the normal pod path
// (start-sandbox.ts). Only the sandbox: the supervisor's own pod sync starts the init
// and app containers on its next step, so no tick waits on a pod's first run.
import { randomUUID } from 'node:crypto';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { controllerReference, type Owner } from '../controllers/intents.js';
import { engineSupportsVolumeSubpath } from '../docker/client.js';
import { ensureImage } from '../docker/images.js';
import { ensurePauseImage } from '../docker/pause-image.js';
import { Labels } from '../plan/labels.js';
import { planPod } from '../plan/plan-pod.js';
import { claimExists, loadStoredConfigMaps, loadStoredSecrets } from '../pod/config-store.js';
import { CreatedObjects } from '../pod/created-objects.js';
import { namespaceServiceLinks } from '../pod/service-links.js';
import { PodBeingCreatedError, startSandbox } from '../pod/start-sandbox.js';
import { PODRUN_VERSION } from '../version.js';
import { WorkloadLabels } from './labels.js';

export interface ControlledPod {
  namespace: string;
  name: string;
  template: PodTemplateSpec;
  owner: Owner;
  /** The supervision scope the pod's containers carry. */
  scope?: string;
  /** The library's owner label, from the controller's holder. */
  libraryOwner?: string;
}

/** The pod object a controller creates from its template (as the API server stores it). */
export function controlledPodObject(input: ControlledPod, uid: string, now: Date): Pod {
  const metadata = input.template.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...metadata,
      name: input.name,
      namespace: input.namespace,
      uid,
      creationTimestamp: now.toISOString(),
      ownerReferences: [controllerReference(input.owner)],
    },
    spec: structuredClone(input.template.spec ?? { containers: [] }),
  };
}

/**
 * Create the pod's sandbox. False when another process is making this very pod (its
 * name is taken): the next step sees it. A failure removes what this call made.
 */
export async function createControlledPod(input: ControlledPod): Promise<boolean> {
  const uid = randomUUID();
  const pod = controlledPodObject(input, uid, new Date());
  const namespace = input.namespace;
  const claims = new Set<string>();
  for (const volume of pod.spec?.volumes ?? []) {
    const claim = volume.persistentVolumeClaim?.claimName;
    if (claim && (await claimExists(namespace, claim))) claims.add(claim);
  }
  const [configMaps, secrets, volumeSubpath, services, pauseImage] = await Promise.all([
    loadStoredConfigMaps(namespace),
    loadStoredSecrets(namespace),
    engineSupportsVolumeSubpath(),
    namespaceServiceLinks(namespace),
    ensurePauseImage(),
  ]);
  const plan = planPod({
    pod,
    uid,
    configMaps,
    secrets,
    pauseImage,
    podrunVersion: PODRUN_VERSION,
    engine: { volumeSubpath },
    claims,
    extraLabels: {
      ...(input.libraryOwner ? { [Labels.owner]: input.libraryOwner } : {}),
      [WorkloadLabels.controllerUid]: input.owner.uid ?? '',
      [WorkloadLabels.controllerKind]: input.owner.kind,
      [WorkloadLabels.controllerName]: input.owner.name,
    },
    services,
  });
  for (const container of [...plan.initContainers, ...plan.containers])
    await ensureImage(container.image, container.imagePullPolicy);
  const created = new CreatedObjects();
  try {
    await startSandbox(plan, { created, supervised: input.scope });
  } catch (error) {
    if (error instanceof PodBeingCreatedError) {
      await created.release();
      return false;
    }
    await created.rollback();
    throw error;
  }
  await created.release();
  return true;
}
