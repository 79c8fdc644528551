// securityContext → Docker options. The container's securityContext overrides the
// pod's field by field, as the kubelet does (securitycontext.DetermineEffectiveSecurityContext).
// seccomp: Docker's default profile is kept unless the spec says Unconfined. (The
// kubelet's own default is Unconfined unless --seccomp-default; Docker's default is
// the RuntimeDefault most clusters choose.)
import type Docker from 'dockerode';
import type { Container, PodSecurityContext, SecurityContext } from 'kubernetes-types/core/v1.js';
import type { PlanContext } from './context.js';
import type { PlanPath } from './errors.js';

type SecurityHostConfig = Pick<
  Docker.HostConfig,
  'Privileged' | 'CapAdd' | 'CapDrop' | 'SecurityOpt' | 'ReadonlyRootfs' | 'GroupAdd'
>;

export interface PlannedSecurity {
  user?: string;
  hostConfig: SecurityHostConfig;
  /** runAsNonRoot without runAsUser: src/pod checks the image's USER at create time. */
  verifyNonRoot: boolean;
}

/** Pod-level fields with the container's overrides applied. */
export function effectiveSecurityContext(
  pod: PodSecurityContext | undefined,
  container: SecurityContext | undefined,
): SecurityContext {
  const merged: SecurityContext = { ...container };
  merged.runAsUser ??= pod?.runAsUser;
  merged.runAsGroup ??= pod?.runAsGroup;
  merged.runAsNonRoot ??= pod?.runAsNonRoot;
  merged.seLinuxOptions ??= pod?.seLinuxOptions;
  merged.seccompProfile ??= pod?.seccompProfile;
  merged.appArmorProfile ??= pod?.appArmorProfile;
  for (const key of Object.keys(merged) as (keyof SecurityContext)[]) {
    if (merged[key] === undefined) delete merged[key];
  }
  return merged;
}

/** Which part of the spec a merged field came from, for error paths. */
function fieldPath(
  containerPath: PlanPath,
  container: SecurityContext | undefined,
  field: keyof SecurityContext,
): PlanPath {
  return container?.[field] !== undefined
    ? [...containerPath, 'securityContext', field]
    : ['spec', 'securityContext', field];
}

export function planSecurity(
  ctx: PlanContext,
  container: Container,
  path: PlanPath,
): PlannedSecurity {
  const podSc = ctx.spec.securityContext;
  const sc = effectiveSecurityContext(podSc, container.securityContext);
  const hostConfig: SecurityHostConfig = {};
  const securityOpt: string[] = [];
  let verifyNonRoot = false;

  let user: string | undefined;
  if (sc.runAsUser !== undefined) {
    user = sc.runAsGroup !== undefined ? `${sc.runAsUser}:${sc.runAsGroup}` : `${sc.runAsUser}`;
  } else if (sc.runAsGroup !== undefined) {
    ctx.issues.warn(
      fieldPath(path, container.securityContext, 'runAsGroup'),
      'runAsGroup without runAsUser is not applied (Docker needs the user to set a group)',
    );
  }
  if (sc.runAsNonRoot) {
    if (sc.runAsUser === 0) {
      ctx.issues.error(
        fieldPath(path, container.securityContext, 'runAsUser'),
        'runAsNonRoot is set but runAsUser is 0 (root)',
      );
    } else if (sc.runAsUser === undefined) {
      verifyNonRoot = true;
    }
  }

  const groups: string[] = [];
  for (const gid of [
    ...(podSc?.supplementalGroups ?? []),
    ...(podSc?.fsGroup !== undefined ? [podSc.fsGroup] : []),
  ]) {
    if (!groups.includes(String(gid))) groups.push(String(gid));
  }
  if (groups.length > 0) hostConfig.GroupAdd = groups;
  if (podSc?.fsGroup !== undefined) {
    ctx.issues.warn(
      ['spec', 'securityContext', 'fsGroup'],
      'fsGroup is added to the supplemental groups; volume ownership is not changed',
    );
  }

  if (sc.privileged) {
    hostConfig.Privileged = true;
    if (sc.allowPrivilegeEscalation === false) {
      ctx.issues.error(
        [...path, 'securityContext', 'allowPrivilegeEscalation'],
        'cannot set allowPrivilegeEscalation to false and privileged to true',
      );
    }
  }
  const add = sc.capabilities?.add ?? [];
  const drop = sc.capabilities?.drop ?? [];
  if (add.length > 0) hostConfig.CapAdd = [...add];
  if (drop.length > 0) hostConfig.CapDrop = [...drop];
  if (sc.allowPrivilegeEscalation === false) securityOpt.push('no-new-privileges');
  if (sc.readOnlyRootFilesystem) hostConfig.ReadonlyRootfs = true;

  const seccomp = sc.seccompProfile;
  if (seccomp?.type === 'Unconfined') securityOpt.push('seccomp=unconfined');
  else if (seccomp?.type === 'Localhost') {
    ctx.issues.warn(
      fieldPath(path, container.securityContext, 'seccompProfile'),
      "Localhost seccomp profiles are not supported; Docker's default profile is used",
    );
  }
  const apparmor = sc.appArmorProfile;
  if (apparmor?.type === 'Unconfined') securityOpt.push('apparmor=unconfined');
  else if (apparmor?.type === 'Localhost' && apparmor.localhostProfile) {
    securityOpt.push(`apparmor=${apparmor.localhostProfile}`);
  }
  const selinux = sc.seLinuxOptions;
  if (selinux) {
    for (const [key, value] of [
      ['user', selinux.user],
      ['role', selinux.role],
      ['type', selinux.type],
      ['level', selinux.level],
    ] as const) {
      if (value) securityOpt.push(`label=${key}:${value}`);
    }
  }
  if (sc.procMount && sc.procMount !== 'Default') {
    ctx.issues.warn([...path, 'securityContext', 'procMount'], 'procMount is not supported');
  }
  if (securityOpt.length > 0) hostConfig.SecurityOpt = securityOpt;
  return { user, hostConfig, verifyNonRoot };
}
