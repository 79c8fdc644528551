// postStart and preStop hooks (exec, httpGet, sleep; tcpSocket is accepted as the
// kubelet does, as a connect). postStart runs right after the container starts and
// holds back the next container; a failure kills the container. preStop runs before
// the stop signal and eats into terminationGracePeriodSeconds.
import type { Container, LifecycleHandler } from 'kubernetes-types/core/v1.js';
import { type ProbeOutcome, type ProbeTarget, runHandler } from '../probes/run-probe.js';
import { handlerOf } from '../probes/spec.js';

export async function runHook(
  container: Container,
  hook: LifecycleHandler | undefined,
  target: ProbeTarget,
  timeoutMs: number,
): Promise<ProbeOutcome | undefined> {
  if (!hook) return undefined;
  const sleep = (hook as { sleep?: { seconds?: number } }).sleep;
  if (sleep) {
    const ms = Math.min((sleep.seconds ?? 0) * 1000, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { ok: true, output: '' };
  }
  try {
    const handler = handlerOf(container, hook);
    if (!handler) return undefined;
    return await runHandler(handler, target, timeoutMs);
  } catch (error) {
    return { ok: false, output: (error as Error).message };
  }
}
