// Stopping containers as the kubelet does: preStop first, inside the grace period,
// then the stop signal (the image's STOPSIGNAL, else SIGTERM; Docker sends it) and
// SIGKILL when the rest of the grace period runs out.
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { stopContainer } from '../../docker/containers.js';
import { runHook } from './hooks.js';

export interface StopTarget {
  id: string;
  spec?: Container;
  sandboxId?: string;
  podIP?: string;
}

export function graceSecondsOfPod(pod: Pod | undefined, override?: number): number {
  if (override !== undefined && override >= 0) return override;
  return pod?.spec?.terminationGracePeriodSeconds ?? 30;
}

export async function stopWithGrace(target: StopTarget, graceSeconds: number): Promise<void> {
  const began = Date.now();
  const preStop = target.spec?.lifecycle?.preStop;
  if (preStop && target.spec && graceSeconds > 0) {
    await runHook(
      target.spec,
      preStop,
      {
        containerId: target.id,
        sandboxId: target.sandboxId ?? target.id,
        podIP: target.podIP ?? '',
      },
      graceSeconds * 1000,
    );
  }
  const left = Math.max(0, graceSeconds - (Date.now() - began) / 1000);
  // A preStop that used up the grace still leaves the kubelet's 2 s for the signal.
  await stopContainer(target.id, preStop ? Math.max(left, Math.min(2, graceSeconds)) : left);
}
