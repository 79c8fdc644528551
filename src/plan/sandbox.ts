// The sandbox: a pause container that owns the pod's network, IPC (and, with
// shareProcessNamespace, PID) namespaces. Everything Docker refuses on `container:`
// joiners lives here: hostname, /etc/hosts entries, published ports, net sysctls.
// DNS is not set here: the engine's own resolv.conf stays, or podrun writes the pod's
// file itself (src/plan/dns.ts), since HostConfig.Dns on a user-defined network only
// changes the upstreams of Docker's embedded server.
//
// Hostname and subdomain: Hostname is spec.hostname or the pod name (truncated to
// 63 characters as the kubelet does). With a subdomain, Domainname is
// `<subdomain>.<namespace>.svc.cluster.local`: Docker then writes
// `<ip> <hostname>.<domain> <hostname>` into the pod's /etc/hosts itself — the very
// line the kubelet writes — without needing the pod IP at plan time. The network
// aliases add `<hostname>.<subdomain>` and the FQDN so other pods resolve the pod the
// way a headless Service named after the subdomain would let them.
// With setHostnameAsFQDN the FQDN is the hostname itself, as in Kubernetes.
import type Docker from 'dockerode';
import type { PodSpec } from 'kubernetes-types/core/v1.js';
import type { PlanContext } from './context.js';
import { baseLabels, Labels } from './labels.js';
import { namespaceNetworkName, SANDBOX_CONTAINER_NAME } from './names.js';
import { planPorts } from './ports.js';
import { splitSysctls } from './sysctls.js';
import type { PlannedContainer, PlannedVolume } from './types.js';
import { sandboxMounts } from './volumes.js';

export const CLUSTER_DOMAIN = 'cluster.local';
export const SHM_SIZE_BYTES = 64 * 1024 * 1024;
const HOSTNAME_MAX = 63;

/** The kubelet's hostname: spec.hostname, else the pod name cut to 63 without a trailing '-' or '.'. */
export function podHostname(podName: string, spec: PodSpec): string {
  if (spec.hostname) return spec.hostname;
  if (podName.length <= HOSTNAME_MAX) return podName;
  return podName.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
}

export interface PodNames {
  hostname: string;
  /** `<subdomain>.<ns>.svc.cluster.local`, when spec.subdomain is set. */
  domain?: string;
  /** Aliases on the namespace network. */
  aliases: string[];
}

export function podNames(ctx: PlanContext): PodNames {
  const hostname = podHostname(ctx.podName, ctx.spec);
  const aliases = [ctx.podName];
  const subdomain = ctx.spec.subdomain;
  if (!subdomain) return { hostname, aliases };
  const domain = `${subdomain}.${ctx.namespace}.svc.${CLUSTER_DOMAIN}`;
  for (const alias of [`${hostname}.${subdomain}`, `${hostname}.${domain}`]) {
    if (!aliases.includes(alias)) aliases.push(alias);
  }
  return { hostname, domain, aliases };
}

function sandboxLabels(ctx: PlanContext, attempt: number): Record<string, string> {
  return baseLabels('sandbox', ctx.input.podrunVersion, {
    [Labels.namespace]: ctx.namespace,
    [Labels.pod]: ctx.podName,
    [Labels.container]: SANDBOX_CONTAINER_NAME,
    [Labels.podUid]: ctx.input.uid,
    [Labels.specHash]: ctx.specHash,
    [Labels.attempt]: String(attempt),
    ...ctx.input.extraLabels,
    [Labels.podManifest]: JSON.stringify(ctx.pod),
  });
}

function checkDns(ctx: PlanContext): void {
  if (ctx.spec.dnsPolicy === 'None' && !ctx.spec.dnsConfig) {
    ctx.issues.error(['spec', 'dnsConfig'], 'dnsConfig is required when dnsPolicy is None');
  }
}

export function planSandbox(ctx: PlanContext, volumes: PlannedVolume[]): PlannedContainer {
  const attempt = ctx.input.sandboxAttempt ?? 0;
  const network = namespaceNetworkName(ctx.namespace);
  const names = podNames(ctx);
  const ports = planPorts(ctx);
  const { sandbox: sysctls } = splitSysctls(ctx.spec);
  checkDns(ctx);

  const hostConfig: Docker.HostConfig = {
    NetworkMode: network,
    IpcMode: 'shareable',
    ShmSize: SHM_SIZE_BYTES,
    RestartPolicy: { Name: 'no' },
    Init: false,
  };
  const extraHosts = (ctx.spec.hostAliases ?? []).flatMap((alias) =>
    (alias.hostnames ?? []).map((host) => `${host}:${alias.ip}`),
  );
  if (extraHosts.length > 0) hostConfig.ExtraHosts = extraHosts;
  if (Object.keys(ports.PortBindings).length > 0) hostConfig.PortBindings = ports.PortBindings;
  if (Object.keys(sysctls).length > 0) hostConfig.Sysctls = sysctls;
  const mounts = sandboxMounts(volumes);
  if (mounts.length > 0) hostConfig.Mounts = mounts;

  const create: Docker.ContainerCreateOptions = {
    name: ctx.sandboxName,
    Image: ctx.input.pauseImage,
    Labels: sandboxLabels(ctx, attempt),
    HostConfig: hostConfig,
    NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: names.aliases } } },
  };
  if (ctx.spec.setHostnameAsFQDN && names.domain) {
    create.Hostname = `${names.hostname}.${names.domain}`;
    if (create.Hostname.length > 64) {
      ctx.issues.error(
        ['spec', 'setHostnameAsFQDN'],
        `the FQDN ${create.Hostname} is longer than 64 characters`,
      );
    }
  } else {
    create.Hostname = names.hostname;
    if (names.domain) create.Domainname = names.domain;
  }
  if (Object.keys(ports.ExposedPorts).length > 0) create.ExposedPorts = ports.ExposedPorts;

  return {
    name: SANDBOX_CONTAINER_NAME,
    role: 'sandbox',
    dockerName: ctx.sandboxName,
    image: ctx.input.pauseImage,
    imagePullPolicy: 'IfNotPresent',
    create,
    subPathMounts: [],
    attempt,
  };
}
