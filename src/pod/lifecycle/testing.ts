// Test fixtures for the pure lifecycle rules (decide, first-run): a pod's facts with
// defaults filled in. Not shipped (tsconfig.build.json leaves testing.ts out).
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { InstanceFacts, PodFacts } from './facts.js';

export function podFactsOf(
  spec: Partial<PodSpec>,
  instances: Partial<InstanceFacts>[],
  sandbox: 'running' | 'exited' | 'created' | 'none' = 'running',
  sandboxCreatedAt = 0,
): PodFacts {
  return {
    namespace: 'ns',
    name: 'p',
    spec: { containers: [{ name: 'app', image: 'x' }], ...spec },
    sandbox:
      sandbox === 'none'
        ? undefined
        : { id: 's', attempt: 0, state: sandbox, createdAt: sandboxCreatedAt },
    maxSandboxAttempt: 0,
    instances: instances.map((i, n) => ({
      id: `c${n}`,
      name: 'app',
      role: 'app',
      attempt: 0,
      sandboxAttempt: 0,
      streak: 0,
      state: 'running',
      oomKilled: false,
      createdAt: 0,
      ...i,
    })),
    terminating: false,
    supervised: true,
  };
}
