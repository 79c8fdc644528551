// Pod sysctls: the network and IPC ones belong to the namespaces the sandbox owns,
// so they go on the sandbox (Docker rejects them on `container:` joiners). Any
// other namespaced sysctl goes on each app and init container.
import type { PodSpec } from 'kubernetes-types/core/v1.js';

const SANDBOX_SYSCTL = /^(net\.|kernel\.shm|kernel\.msg|kernel\.sem$|fs\.mqueue\.)/;

export function isSandboxSysctl(name: string): boolean {
  return SANDBOX_SYSCTL.test(name);
}

export function splitSysctls(spec: PodSpec): {
  sandbox: Record<string, string>;
  containers: Record<string, string>;
} {
  const sandbox: Record<string, string> = {};
  const containers: Record<string, string> = {};
  for (const { name, value } of spec.securityContext?.sysctls ?? []) {
    if (isSandboxSysctl(name)) sandbox[name] = value;
    else containers[name] = value;
  }
  return { sandbox, containers };
}
