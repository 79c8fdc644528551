// Semantic checks of one container (init or app), as the API server makes them: what
// the schema cannot say, and what would make the pod impossible to run.
import { dnsLabelError, envVarNameError, ianaSvcNameError } from './names.js';
import { type Reporter, say } from './report.js';
import { int, isObj, list, type Obj, obj, str } from './shape.js';
import type { FieldPath } from './types.js';

export const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PORT_RANGE = 'must be between 1 and 65535, inclusive';
const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];
const ENV_SOURCES = ['configMapKeyRef', 'fieldRef', 'resourceFieldRef', 'secretKeyRef'];
// What the downward API can expose through env (the kubelet resolves these).
const ENV_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const LABEL_OR_ANNOTATION_PATH = /^metadata\.(labels|annotations)\['[^']+'\]$/;
export const RESOURCE_FIELDS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];

export interface ContainerContext {
  report: Reporter;
  /** Names of the pod's volumes, for volumeMounts. */
  volumes: ReadonlySet<string>;
  isInit: boolean;
}

export function checkContainer(c: Obj, at: FieldPath, ctx: ContainerContext): void {
  const { report } = ctx;
  const name = str(c.name);
  if (c.name === undefined || c.name === null) report.error([...at, 'name'], say.required());
  else if (name !== undefined) {
    const why = dnsLabelError(name);
    if (why) report.error([...at, 'name'], say.invalid(name, why));
  }
  // Optional in the schema, but the API server rejects a container without an image.
  if (c.image === undefined || c.image === null || c.image === '') {
    report.error([...at, 'image'], say.required());
  }
  const pull = str(c.imagePullPolicy);
  if (pull !== undefined && !PULL_POLICIES.includes(pull)) {
    report.error([...at, 'imagePullPolicy'], say.unsupported(pull, PULL_POLICIES));
  }
  checkRestartPolicy(c, at, ctx);
  checkPorts(c, at, report);
  checkVolumeMounts(c, at, ctx);
  checkEnv(c, at, report);
  checkHandlers(c, at, ctx);
}

function checkRestartPolicy(c: Obj, at: FieldPath, { report, isInit }: ContainerContext): void {
  if (c.restartPolicy === undefined || c.restartPolicy === null) return;
  if (!isInit) {
    report.error([...at, 'restartPolicy'], say.forbidden('may not be set for non-init containers'));
  } else if (c.restartPolicy !== 'Always') {
    report.error([...at, 'restartPolicy'], say.unsupported(c.restartPolicy, ['Always']));
  }
}

function checkPorts(c: Obj, at: FieldPath, report: Reporter): void {
  const seenPorts = new Set<string>();
  const seenNames = new Set<string>();
  for (const [port, i] of list(c.ports)) {
    const here = [...at, 'ports', i];
    const containerPort = int(port.containerPort);
    if (port.containerPort === undefined || port.containerPort === null) {
      report.error([...here, 'containerPort'], say.required());
    } else if (containerPort !== undefined && (containerPort < 1 || containerPort > 65535)) {
      report.error([...here, 'containerPort'], say.invalid(containerPort, PORT_RANGE));
    }
    const hostPort = int(port.hostPort);
    // 0 is how the API represents "no host port".
    if (hostPort !== undefined && hostPort !== 0 && (hostPort < 1 || hostPort > 65535)) {
      report.error([...here, 'hostPort'], say.invalid(hostPort, PORT_RANGE));
    }
    const protocol = str(port.protocol) ?? 'TCP';
    if (!PROTOCOLS.includes(protocol)) {
      report.error([...here, 'protocol'], say.unsupported(protocol, PROTOCOLS));
    }
    if (containerPort !== undefined) {
      const key = `${containerPort}/${protocol}`;
      if (seenPorts.has(key)) report.error([...here, 'containerPort'], say.duplicate(key));
      seenPorts.add(key);
    }
    const name = str(port.name);
    if (name !== undefined) {
      const why = ianaSvcNameError(name);
      if (why) report.error([...here, 'name'], say.invalid(name, why));
      else if (seenNames.has(name)) report.error([...here, 'name'], say.duplicate(name));
      seenNames.add(name);
    }
  }
}

function checkVolumeMounts(c: Obj, at: FieldPath, { report, volumes }: ContainerContext): void {
  const seenPaths = new Set<string>();
  for (const [mount, i] of list(c.volumeMounts)) {
    const here = [...at, 'volumeMounts', i];
    const name = str(mount.name);
    if (mount.name === undefined || mount.name === null)
      report.error([...here, 'name'], say.required());
    else if (name !== undefined && !volumes.has(name))
      report.error([...here, 'name'], say.notFound(name));
    const mountPath = str(mount.mountPath);
    if (mount.mountPath === undefined || mount.mountPath === null || mountPath === '') {
      report.error([...here, 'mountPath'], say.required());
    } else if (mountPath !== undefined) {
      // Docker only mounts at absolute paths.
      if (!mountPath.startsWith('/')) {
        report.error([...here, 'mountPath'], say.invalid(mountPath, 'must be an absolute path'));
      }
      if (seenPaths.has(mountPath)) {
        report.error([...here, 'mountPath'], say.invalid(mountPath, 'must be unique'));
      }
      seenPaths.add(mountPath);
    }
    const subPath = str(mount.subPath);
    if (subPath !== undefined) {
      if (subPath.startsWith('/')) {
        report.error([...here, 'subPath'], say.invalid(subPath, 'must be a relative path'));
      } else if (subPath.split('/').includes('..')) {
        report.error([...here, 'subPath'], say.invalid(subPath, "must not contain '..'"));
      }
    }
  }
}

function checkEnv(c: Obj, at: FieldPath, report: Reporter): void {
  for (const [env, i] of list(c.env)) {
    const here = [...at, 'env', i];
    const name = str(env.name);
    if (env.name === undefined || env.name === null)
      report.error([...here, 'name'], say.required());
    else if (name !== undefined) {
      const why = envVarNameError(name);
      if (why) report.error([...here, 'name'], say.invalid(name, why));
    }
    if (!isObj(env.valueFrom)) continue;
    const value = str(env.value);
    if (value !== undefined && value !== '') {
      report.error(
        [...here, 'valueFrom'],
        say.invalid('', 'may not be specified when `value` is not empty'),
      );
    }
    const sources = ENV_SOURCES.filter((s) => isObj(env.valueFrom) && isObj(env.valueFrom[s]));
    if (sources.length === 0) {
      report.error(
        [...here, 'valueFrom'],
        say.invalid('', `must specify one of: ${ENV_SOURCES.join(', ')}`),
      );
    } else if (sources.length > 1) {
      report.error(
        [...here, 'valueFrom'],
        say.invalid('', 'may not have more than one field specified at a time'),
      );
    }
    const fieldPath = str(obj(env.valueFrom.fieldRef).fieldPath);
    if (
      fieldPath !== undefined &&
      !ENV_FIELD_PATHS.includes(fieldPath) &&
      !LABEL_OR_ANNOTATION_PATH.test(fieldPath)
    ) {
      report.error(
        [...here, 'valueFrom', 'fieldRef', 'fieldPath'],
        say.unsupported(fieldPath, ENV_FIELD_PATHS),
      );
    }
    const resource = str(obj(env.valueFrom.resourceFieldRef).resource);
    if (resource !== undefined && !RESOURCE_FIELDS.includes(resource)) {
      report.error(
        [...here, 'valueFrom', 'resourceFieldRef', 'resource'],
        say.unsupported(resource, RESOURCE_FIELDS),
      );
    }
  }
}

/** Probes and lifecycle hooks name exactly one handler. */
function checkHandlers(c: Obj, at: FieldPath, { report, isInit }: ContainerContext): void {
  const isSidecar = isInit && c.restartPolicy === 'Always';
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (!isObj(c[probe])) continue;
    if (isInit && !isSidecar) {
      report.error(
        [...at, probe],
        say.forbidden('may not be set for init containers without restartPolicy=Always'),
      );
    }
    checkOneHandler(c[probe] as Obj, [...at, probe], PROBE_HANDLERS, report);
  }
  const lifecycle = obj(c.lifecycle);
  for (const hook of ['postStart', 'preStop']) {
    if (isObj(lifecycle[hook])) {
      checkOneHandler(
        lifecycle[hook] as Obj,
        [...at, 'lifecycle', hook],
        LIFECYCLE_HANDLERS,
        report,
      );
    }
  }
}

function checkOneHandler(handler: Obj, at: FieldPath, kinds: string[], report: Reporter): void {
  const set = kinds.filter((k) => isObj(handler[k]));
  if (set.length === 0) report.error(at, say.required('must specify a handler type'));
  else if (set.length > 1) {
    report.error([...at, set[1]!], say.forbidden('may not specify more than 1 handler type'));
  }
  const port = obj(handler.httpGet ?? handler.tcpSocket).port;
  if (typeof port === 'number' && (port < 1 || port > 65535)) {
    const which = isObj(handler.httpGet) ? 'httpGet' : 'tcpSocket';
    report.error([...at, which, 'port'], say.invalid(port, PORT_RANGE));
  }
}
