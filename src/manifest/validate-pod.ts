// Semantic checks of a Pod beyond its schema: names, uniqueness, references between
// fields. They run in every --validate mode, since each one would make the pod
// impossible to create (or create it wrong) on Docker.
import { isIP } from 'node:net';
import { dnsLabelError, dnsSubdomainError } from './names.js';
import { type Reporter, say } from './report.js';
import { schemaType } from './schema.js';
import { int, isObj, list, obj, str } from './shape.js';
import { checkContainer } from './validate-container.js';
import { checkMetadata } from './validate-metadata.js';

export const POD_RESTART_POLICIES = ['Always', 'Never', 'OnFailure'];

// Every field of Volume but its name is a volume source, and a volume has at most one.
const VOLUME_SOURCES = Object.keys(schemaType('Volume')?.fields ?? {}).filter((f) => f !== 'name');

export function checkPod(pod: unknown, report: Reporter): void {
  checkMetadata(pod, report, dnsSubdomainError);
  checkPodSpec(pod, report);
}

/**
 * The checks of a pod's `spec` (paths start at `spec`), without its metadata: for a Pod,
 * and for a workload's `spec.template` through a reporter that prefixes the paths.
 */
export function checkPodSpec(pod: unknown, report: Reporter): void {
  const spec = obj(obj(pod).spec);
  const volumes = checkVolumes(spec.volumes, report);

  const restartPolicy = str(spec.restartPolicy);
  if (restartPolicy !== undefined && !POD_RESTART_POLICIES.includes(restartPolicy)) {
    report.error(['spec', 'restartPolicy'], say.unsupported(restartPolicy, POD_RESTART_POLICIES));
  }
  for (const field of ['hostname', 'subdomain'] as const) {
    const value = str(spec[field]);
    const why = value === undefined ? undefined : dnsLabelError(value);
    if (why) report.error(['spec', field], say.invalid(value, why));
  }
  checkDns(spec, report);

  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    report.error(['spec', 'containers'], say.required());
  }
  // Container names share one namespace across init and app containers; host ports all
  // end up on the one sandbox container, so they must not collide either.
  const names = new Set<string>();
  const hostPorts = new Set<string>();
  for (const field of ['initContainers', 'containers'] as const) {
    for (const [container, i] of list(spec[field])) {
      const at = ['spec', field, i];
      checkContainer(container, at, { report, volumes, isInit: field === 'initContainers' });
      const name = str(container.name);
      if (name !== undefined) {
        if (names.has(name)) report.error([...at, 'name'], say.duplicate(name));
        names.add(name);
      }
      for (const [port, j] of list(container.ports)) {
        const hostPort = int(port.hostPort);
        if (hostPort === undefined || hostPort === 0) continue;
        const key = `${str(port.hostIP) ?? ''}:${hostPort}/${str(port.protocol) ?? 'TCP'}`;
        if (hostPorts.has(key)) report.error([...at, 'ports', j, 'hostPort'], say.duplicate(key));
        hostPorts.add(key);
      }
    }
  }
}

// The API server's limits on spec.dnsConfig (the kubelet cuts the merged file to the same).
const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCHES = 32;
const MAX_DNS_SEARCH_CHARS = 2048;

function checkDns(spec: Record<string, unknown>, report: Reporter): void {
  const none = spec.dnsPolicy === 'None';
  if (!isObj(spec.dnsConfig)) {
    if (none) {
      report.error(
        ['spec', 'dnsConfig'],
        say.required('must provide `dnsConfig` when `dnsPolicy` is None'),
      );
    }
    return;
  }
  const at = ['spec', 'dnsConfig'];
  const config = spec.dnsConfig;
  const nameservers = Array.isArray(config.nameservers) ? config.nameservers : [];
  if (none && nameservers.length === 0) {
    report.error(
      [...at, 'nameservers'],
      say.required('must provide at least one DNS nameserver when `dnsPolicy` is None'),
    );
  }
  if (nameservers.length > MAX_DNS_NAMESERVERS) {
    report.error(
      [...at, 'nameservers'],
      say.invalid(nameservers, `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`),
    );
  }
  for (const [i, server] of nameservers.entries()) {
    if (typeof server === 'string' && isIP(server) === 0) {
      report.error([...at, 'nameservers', i], say.invalid(server, 'must be valid IP address'));
    }
  }
  const searches = Array.isArray(config.searches) ? config.searches : [];
  if (searches.length > MAX_DNS_SEARCHES) {
    report.error(
      [...at, 'searches'],
      say.invalid(searches, `must not have more than ${MAX_DNS_SEARCHES} search paths`),
    );
  }
  const strings = searches.filter((search): search is string => typeof search === 'string');
  if (strings.join(' ').length > MAX_DNS_SEARCH_CHARS) {
    report.error(
      [...at, 'searches'],
      say.invalid(
        searches,
        `must not have more than ${MAX_DNS_SEARCH_CHARS} characters (including spaces) in the search list`,
      ),
    );
  }
  for (const [i, search] of searches.entries()) {
    if (typeof search !== 'string' || search === '.') continue;
    const why = dnsSubdomainError(search.replace(/\.$/, ''));
    if (why) report.error([...at, 'searches', i], say.invalid(search, why));
  }
  for (const [option, i] of list(config.options)) {
    if (!str(option.name)) report.error([...at, 'options', i, 'name'], say.required());
  }
}

/** Checks spec.volumes and returns the names declared. */
function checkVolumes(value: unknown, report: Reporter): Set<string> {
  const names = new Set<string>();
  for (const [volume, i] of list(value)) {
    const at = ['spec', 'volumes', i];
    const name = str(volume.name);
    if (volume.name === undefined || volume.name === null)
      report.error([...at, 'name'], say.required());
    else if (name !== undefined) {
      const why = dnsLabelError(name);
      if (why) report.error([...at, 'name'], say.invalid(name, why));
      else if (names.has(name)) report.error([...at, 'name'], say.duplicate(name));
      names.add(name);
    }
    const sources = VOLUME_SOURCES.filter((s) => volume[s] !== undefined && volume[s] !== null);
    if (sources.length > 1) {
      report.error([...at, sources[1]!], say.forbidden('may not specify more than 1 volume type'));
    }
    const claim = obj(volume.persistentVolumeClaim);
    if (isObj(volume.persistentVolumeClaim) && !str(claim.claimName)) {
      report.error([...at, 'persistentVolumeClaim', 'claimName'], say.required());
    }
    const hostPath = obj(volume.hostPath);
    if (isObj(volume.hostPath) && str(hostPath.path)?.startsWith('/') === false) {
      report.error(
        [...at, 'hostPath', 'path'],
        say.invalid(hostPath.path, 'must be an absolute path'),
      );
    }
  }
  return names;
}
