// Whether an exited container is restarted, by the pod's restartPolicy (and, for
// native sidecars, their own restartPolicy: Always).
export type RestartPolicy = 'Always' | 'OnFailure' | 'Never';

export function policyOf(value: string | undefined): RestartPolicy {
  return value === 'OnFailure' || value === 'Never' ? value : 'Always';
}

/** App containers: Always restarts every exit, OnFailure non-zero exits, Never none. */
export function shouldRestartApp(policy: RestartPolicy, exitCode: number): boolean {
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/**
 * Init containers run to completion: a failure is retried unless the pod's policy
 * is Never (then the pod fails). A sidecar (restartPolicy: Always) always restarts.
 */
export function shouldRestartInit(
  policy: RestartPolicy,
  exitCode: number,
  sidecar: boolean,
): boolean {
  if (sidecar) return true;
  return exitCode !== 0 && policy !== 'Never';
}
