// Restart one container of a pod on demand (library `restart()`, tests) the way the
// kubelet restarts one: preStop and the stop signal inside the grace period, then a
// fresh container from the pod's spec (new root filesystem, same volumes and
// namespaces) through the same launch path the supervisor uses, so postStart runs
// and the lifecycle labels stay right. The previous instance is kept for
// `logs --previous`; older ones are removed.
import { Labels } from '../plan/labels.js';
import { containerInstance } from './containers-of.js';
import { graceSecondsOf } from './delete-pod.js';
import { PodNotFoundError } from './errors.js';
import { LifecycleLabels, numberLabel } from './lifecycle/labels.js';
import { launchContainer, pruneOlderInstances } from './lifecycle/launch.js';
import { replanPod } from './lifecycle/replan.js';
import { stopWithGrace } from './lifecycle/stop.js';
import { ProbeResults } from './probes/results.js';
import { findPodRecord, type PodRecord, podIPOf } from './records.js';

export async function restartPodContainer(
  record: PodRecord,
  containerName: string,
  graceOverride?: number,
): Promise<string> {
  const current = containerInstance(record, containerName);
  const sandbox = record.sandbox;
  if (sandbox?.State !== 'running') {
    throw new Error(`pod ${record.name} has no running sandbox; its supervisor rebuilds it`);
  }
  const labels = current.Labels;
  const role = labels[Labels.role] === 'init' ? 'init' : 'app';
  const specs = role === 'init' ? record.pod?.spec?.initContainers : record.pod?.spec?.containers;
  const spec = specs?.find((c) => c.name === containerName);
  if (!spec) {
    throw new Error(
      `container ${containerName} is not in pod ${record.name}'s spec (a joined container restarts through its own client)`,
    );
  }
  const podIP = podIPOf(record);
  await stopWithGrace(
    { id: current.Id, spec, sandboxId: sandbox.Id, podIP },
    graceSecondsOf(record, graceOverride),
  );
  const attempt = numberLabel(labels, Labels.attempt);
  const sandboxAttempt = numberLabel(labels, LifecycleLabels.sandboxAttempt);
  const older = record.containers
    .filter((info) => info.Labels[Labels.container] === containerName && info.Id !== current.Id)
    .map((info) => ({ id: info.Id, attempt: numberLabel(info.Labels, Labels.attempt) }));
  await pruneOlderInstances(older, attempt);
  const plan = await replanPod(record, sandboxAttempt, podIP);
  const planned = (role === 'init' ? plan.initContainers : plan.containers).find(
    (c) => c.name === containerName,
  );
  if (!planned) throw new Error(`container ${containerName} vanished from pod ${record.name}`);
  // This call drives the one instance it makes: a failed postStart hook's kill
  // verdict is carried out here, as a sync step would (the restart policy, in a
  // supervised pod, decides what follows).
  const results = new ProbeResults();
  const launched = await launchContainer(
    {
      plan,
      sandboxId: sandbox.Id,
      podIP,
      supervised: labels[LifecycleLabels.supervised],
      results,
    },
    planned,
    { attempt: attempt + 1, sandboxAttempt, streak: 0 },
  );
  if (results.get(launched.id)?.kill) {
    await stopWithGrace(
      { id: launched.id, spec, sandboxId: sandbox.Id, podIP },
      graceSecondsOf(record),
    );
  }
  return launched.id;
}

export async function restartContainerByName(
  namespace: string,
  pod: string,
  container: string,
): Promise<string> {
  const record = await findPodRecord(namespace, pod);
  if (!record) throw new PodNotFoundError(namespace, pod);
  return restartPodContainer(record, container);
}
