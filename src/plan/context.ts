// Shared per-pod state while planning: the input, derived names, and the issue sink.
import type { Pod, PodSpec } from 'kubernetes-types/core/v1.js';
import { Issues } from './errors.js';
import { computeSpecHash } from './hash.js';
import type { PlanInput } from './input.js';
import { sandboxDockerName } from './names.js';

export interface PlanContext {
  input: PlanInput;
  pod: Pod;
  spec: PodSpec;
  namespace: string;
  podName: string;
  specHash: string;
  sandboxName: string;
  issues: Issues;
  /** Set when something needs status.podIP / status.hostIP and the input has none. */
  needsPodIP: boolean;
}

export function createContext(input: PlanInput): PlanContext {
  const pod = input.pod;
  const namespace = pod.metadata?.namespace ?? 'default';
  const podName = pod.metadata?.name ?? '';
  return {
    input,
    pod,
    spec: pod.spec ?? { containers: [] },
    namespace,
    podName,
    specHash: computeSpecHash(input),
    sandboxName: sandboxDockerName(namespace, podName, input.sandboxAttempt ?? 0),
    issues: new Issues(),
    needsPodIP: false,
  };
}
