// App and init containers: they join the sandbox's network and IPC namespaces (and
// PID with shareProcessNamespace), so they must not set Hostname, DNS, ExtraHosts,
// ports or MacAddress (Docker rejects those on `container:` network mode). Docker's
// restart policy stays 'no': podrun's supervisor restarts containers, as the kubelet.
import type Docker from 'dockerode';
import type { Container } from 'kubernetes-types/core/v1.js';
import { planCommand } from './command.js';
import type { PlanContext } from './context.js';
import { buildEnv, toDockerEnv } from './env.js';
import type { PlanPath } from './errors.js';
import { pullPolicyOf } from './image.js';
import { baseLabels, Labels } from './labels.js';
import { containerDockerName } from './names.js';
import { planResources } from './resources.js';
import { planSecurity } from './security.js';
import { splitSysctls } from './sysctls.js';
import type { PlannedContainer, PlannedVolume } from './types.js';
import { planMounts } from './volumes.js';

export const DEFAULT_TERMINATION_GRACE_SECONDS = 30;

export type WorkloadRole = 'init' | 'app';

function containerLabels(
  ctx: PlanContext,
  role: WorkloadRole,
  name: string,
  attempt: number,
): Record<string, string> {
  return baseLabels(role, ctx.input.podrunVersion, {
    [Labels.namespace]: ctx.namespace,
    [Labels.pod]: ctx.podName,
    [Labels.container]: name,
    [Labels.podUid]: ctx.input.uid,
    [Labels.specHash]: ctx.specHash,
    [Labels.attempt]: String(attempt),
    ...ctx.input.extraLabels,
  });
}

export function planWorkload(
  ctx: PlanContext,
  container: Container,
  role: WorkloadRole,
  attempt: number,
  path: PlanPath,
  volumes: PlannedVolume[],
): PlannedContainer {
  const needsPodIPBefore = ctx.needsPodIP;
  ctx.needsPodIP = false;
  const dockerName = containerDockerName(ctx.namespace, ctx.podName, container.name, attempt);
  const image = container.image ?? '';
  if (!image) ctx.issues.error([...path, 'image'], 'image is required');

  const secretEnv = new Set<string>();
  const env = buildEnv(ctx, container, path, secretEnv);
  const security = planSecurity(ctx, container, path);
  const mounts = planMounts(ctx, container, env, path, volumes);
  const joined = `container:${ctx.sandboxName}`;

  const hostConfig: Docker.HostConfig = {
    NetworkMode: joined,
    IpcMode: joined,
    RestartPolicy: { Name: 'no' },
    Init: false,
    ...planResources(ctx, container, path),
    ...security.hostConfig,
  };
  if (ctx.spec.shareProcessNamespace) hostConfig.PidMode = joined;
  if (mounts.mounts.length > 0) hostConfig.Mounts = mounts.mounts;
  const { containers: sysctls } = splitSysctls(ctx.spec);
  if (Object.keys(sysctls).length > 0) hostConfig.Sysctls = sysctls;

  const create: Docker.ContainerCreateOptions = {
    name: dockerName,
    Image: image,
    ...planCommand(container, env),
    Env: toDockerEnv(env),
    Labels: containerLabels(ctx, role, container.name, attempt),
    Tty: container.tty === true,
    OpenStdin: container.stdin === true,
    StdinOnce: container.stdinOnce === true,
    AttachStdin: container.stdin === true,
    StopTimeout: ctx.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS,
    HostConfig: hostConfig,
  };
  if (container.workingDir) create.WorkingDir = container.workingDir;
  if (security.user !== undefined) create.User = security.user;

  const planned: PlannedContainer = {
    name: container.name,
    role,
    dockerName,
    image,
    imagePullPolicy: pullPolicyOf(container),
    create,
    subPathMounts: mounts.subPathMounts,
    spec: container,
    attempt,
  };
  if (security.verifyNonRoot) planned.verifyNonRoot = true;
  if (mounts.volumeSubpaths.length > 0) planned.volumeSubpaths = mounts.volumeSubpaths;
  if (ctx.needsPodIP) planned.needsPodIP = true;
  if (secretEnv.size > 0) planned.secretEnv = [...secretEnv];
  ctx.needsPodIP ||= needsPodIPBefore;
  return planned;
}
