// Plan a pod again from what Docker holds (the manifest label, uid, stored
// configMaps/secrets, the plan input recorded on the pod: plan-input.ts), for a given
// sandbox generation: what a supervisor needs to create a container or a whole new
// sandbox without any state of its own.
import { engineSupportsVolumeSubpath } from '../../docker/client.js';
import { ensurePauseImage } from '../../docker/pause-image.js';
import { Labels } from '../../plan/labels.js';
import { planPod } from '../../plan/plan-pod.js';
import type { PlannedContainer, PodPlan } from '../../plan/types.js';
import { PODRUN_VERSION } from '../../version.js';
import { loadStoredConfigMaps, loadStoredSecrets } from '../config-store.js';
import type { PodRecord } from '../records.js';
import { recordedPlanInput } from './plan-input.js';

export async function replanPod(
  record: PodRecord,
  sandboxAttempt: number,
  podIP?: string,
): Promise<PodPlan> {
  if (!record.pod)
    throw new Error(`pod ${record.namespace}/${record.name}: its manifest label is gone`);
  const [configMaps, secrets, volumeSubpath] = await Promise.all([
    loadStoredConfigMaps(record.namespace),
    loadStoredSecrets(record.namespace),
    engineSupportsVolumeSubpath(),
  ]);
  const recorded = recordedPlanInput(record);
  const pauseImage = recorded.pauseImage ?? (await ensurePauseImage());
  const plan = planPod({
    pod: record.pod,
    uid: record.uid,
    configMaps,
    secrets,
    pauseImage,
    podrunVersion: PODRUN_VERSION,
    engine: { volumeSubpath },
    extraLabels: recorded.owner ? { [Labels.owner]: recorded.owner } : undefined,
    publishAllPorts: recorded.publishAllPorts,
    hostPorts: recorded.hostPorts,
    services: recorded.services,
    sandboxAttempt,
    podIP: podIP || undefined,
  });
  // Keep the spec hash the pod was applied with, so `apply` still sees it unchanged.
  const keepHash = (planned: PlannedContainer) => {
    if (planned.create.Labels && record.specHash)
      planned.create.Labels[Labels.specHash] = record.specHash;
  };
  for (const planned of [plan.sandbox, ...plan.initContainers, ...plan.containers])
    keepHash(planned);
  return { ...plan, specHash: record.specHash || plan.specHash };
}
