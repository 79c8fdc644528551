import { describe, expect, it } from 'vitest';
import { PlanError } from './errors.js';
import { planPod } from './plan-pod.js';
import { makeInput, podWith } from './testing.js';

function planWith(...args: Parameters<typeof podWith>) {
  const plan = planPod(makeInput(podWith(...args)));
  return { container: plan.containers[0]!, warnings: plan.warnings };
}

describe('securityContext', () => {
  it('sets User uid:gid, or uid alone', () => {
    expect(
      planWith({ securityContext: { runAsUser: 1000, runAsGroup: 3000 } }).container.create.User,
    ).toBe('1000:3000');
    expect(planWith({ securityContext: { runAsUser: 1000 } }).container.create.User).toBe('1000');
    expect(planWith({}).container.create.User).toBeUndefined();
  });

  it('lets the container override the pod', () => {
    const { container } = planWith(
      { securityContext: { runAsUser: 2000 } },
      { securityContext: { runAsUser: 1000, runAsGroup: 3000 } },
    );
    expect(container.create.User).toBe('2000:3000');
  });

  it('adds supplementalGroups and fsGroup', () => {
    const { container, warnings } = planWith(
      {},
      { securityContext: { supplementalGroups: [4000, 5000], fsGroup: 4000 } },
    );
    expect(container.create.HostConfig?.GroupAdd).toEqual(['4000', '5000']);
    expect(warnings[0]).toMatch(/^spec\.securityContext\.fsGroup: /);
  });

  it('maps privileged, capabilities, no-new-privileges and read-only root', () => {
    const { container } = planWith({
      securityContext: {
        capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      },
    });
    const hc = container.create.HostConfig!;
    expect(hc.CapAdd).toEqual(['NET_ADMIN']);
    expect(hc.CapDrop).toEqual(['ALL']);
    expect(hc.SecurityOpt).toEqual(['no-new-privileges']);
    expect(hc.ReadonlyRootfs).toBe(true);
    expect(hc.Privileged).toBeUndefined();
    expect(
      planWith({ securityContext: { privileged: true } }).container.create.HostConfig?.Privileged,
    ).toBe(true);
  });

  it('maps seccomp, AppArmor and SELinux options', () => {
    const { container } = planWith(
      {
        securityContext: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s-nginx' } },
      },
      {
        securityContext: {
          seccompProfile: { type: 'Unconfined' },
          seLinuxOptions: { type: 'spc_t', level: 's0:c1' },
        },
      },
    );
    expect(container.create.HostConfig?.SecurityOpt).toEqual([
      'seccomp=unconfined',
      'apparmor=k8s-nginx',
      'label=type:spc_t',
      'label=level:s0:c1',
    ]);
  });

  it('runAsNonRoot: rejects uid 0, asks src/pod to verify the image when no uid is set', () => {
    expect(() => planWith({ securityContext: { runAsNonRoot: true, runAsUser: 0 } })).toThrow(
      PlanError,
    );
    expect(() =>
      planWith({ securityContext: { runAsNonRoot: true } }, { securityContext: { runAsUser: 0 } }),
    ).toThrow(/spec\.securityContext\.runAsUser: runAsNonRoot is set but runAsUser is 0/);
    expect(planWith({}, { securityContext: { runAsNonRoot: true } }).container.verifyNonRoot).toBe(
      true,
    );
    expect(
      planWith({ securityContext: { runAsNonRoot: true, runAsUser: 1 } }).container.verifyNonRoot,
    ).toBeUndefined();
  });

  it('rejects privileged with allowPrivilegeEscalation false', () => {
    expect(() =>
      planWith({ securityContext: { privileged: true, allowPrivilegeEscalation: false } }),
    ).toThrow(/allowPrivilegeEscalation/);
  });

  it('warns about runAsGroup without runAsUser', () => {
    const { container, warnings } = planWith({ securityContext: { runAsGroup: 10 } });
    expect(container.create.User).toBeUndefined();
    expect(warnings).toEqual([
      'spec.containers[0].securityContext.runAsGroup: runAsGroup without runAsUser is not applied (Docker needs the user to set a group)',
    ]);
  });
});
