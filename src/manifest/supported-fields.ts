// The one list of Pod (and Service, Namespace) fields podrun implements. Docs are
// generated from it, and any field set in such an object that is valid Kubernetes but
// not covered here gets a warning: a manifest is never silently run differently from
// what it says.
//
// Notation: `.` between fields, `[]` for "every item of this list". An entry covers its
// whole subtree unless other entries name children of it: `metadata.labels` covers every
// label, while listing `...resources.limits.cpu` and `.memory` leaves other keys of
// `limits` (e.g. `nvidia.com/gpu`) unsupported.
import { HANDLED_KINDS, schemaKey, WORKLOAD_KINDS, type WorkloadKind } from './kinds.js';
import type { Reporter } from './report.js';
import { type SchemaKind, schemaRoot, schemaType } from './schema.js';
import type { FieldPath } from './types.js';

const PROBE = [
  'exec',
  'httpGet',
  'tcpSocket',
  'initialDelaySeconds',
  'periodSeconds',
  'timeoutSeconds',
  'successThreshold',
  'failureThreshold',
];
const HANDLER = ['exec', 'httpGet', 'sleep'];

const CONTAINER = [
  'name',
  'image',
  'imagePullPolicy',
  'command',
  'args',
  'workingDir',
  'env[].name',
  'env[].value',
  'env[].valueFrom.configMapKeyRef',
  'env[].valueFrom.secretKeyRef',
  'env[].valueFrom.fieldRef',
  'env[].valueFrom.resourceFieldRef',
  'envFrom[].prefix',
  'envFrom[].configMapRef',
  'envFrom[].secretRef',
  'ports[].containerPort',
  'ports[].hostPort',
  'ports[].hostIP',
  'ports[].protocol',
  'ports[].name',
  'resources.requests.cpu',
  'resources.requests.memory',
  'resources.limits.cpu',
  'resources.limits.memory',
  'volumeMounts[].name',
  'volumeMounts[].mountPath',
  'volumeMounts[].subPath',
  'volumeMounts[].readOnly',
  'volumeMounts[].subPathExpr',
  'securityContext.runAsUser',
  'securityContext.runAsGroup',
  'securityContext.runAsNonRoot',
  'securityContext.readOnlyRootFilesystem',
  'securityContext.privileged',
  'securityContext.capabilities.add',
  'securityContext.capabilities.drop',
  'securityContext.allowPrivilegeEscalation',
  'securityContext.seccompProfile',
  'securityContext.appArmorProfile',
  'securityContext.seLinuxOptions',
  'tty',
  'stdin',
  'stdinOnce',
  ...['livenessProbe', 'readinessProbe', 'startupProbe'].flatMap((p) =>
    PROBE.map((f) => `${p}.${f}`),
  ),
  ...['postStart', 'preStop'].flatMap((h) => HANDLER.map((f) => `lifecycle.${h}.${f}`)),
];

const METADATA = [
  'apiVersion',
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.labels',
  'metadata.annotations',
  'metadata.uid',
];

/** Server-managed metadata that `kubectl get -o yaml` writes: accepted silently. */
const SERVER_METADATA = [
  'status',
  'metadata.creationTimestamp',
  'metadata.resourceVersion',
  'metadata.generation',
  'metadata.managedFields',
  'metadata.selfLink',
];

/** Every Pod field path podrun implements (see the notation above). */
export const SUPPORTED_POD_FIELDS: readonly string[] = [
  ...METADATA,
  ...CONTAINER.map((f) => `spec.containers[].${f}`),
  ...CONTAINER.map((f) => `spec.initContainers[].${f}`),
  // An init container with restartPolicy: Always is a native sidecar.
  'spec.initContainers[].restartPolicy',
  'spec.volumes[].name',
  'spec.volumes[].emptyDir.medium',
  'spec.volumes[].emptyDir.sizeLimit',
  'spec.volumes[].hostPath.path',
  'spec.volumes[].hostPath.type',
  'spec.volumes[].configMap.name',
  'spec.volumes[].configMap.items',
  'spec.volumes[].configMap.defaultMode',
  'spec.volumes[].configMap.optional',
  'spec.volumes[].secret.secretName',
  'spec.volumes[].secret.items',
  'spec.volumes[].secret.defaultMode',
  'spec.volumes[].secret.optional',
  'spec.volumes[].downwardAPI.items[].path',
  'spec.volumes[].downwardAPI.items[].fieldRef',
  'spec.volumes[].downwardAPI.items[].resourceFieldRef',
  'spec.volumes[].downwardAPI.items[].mode',
  'spec.volumes[].downwardAPI.defaultMode',
  'spec.volumes[].persistentVolumeClaim.claimName',
  'spec.volumes[].persistentVolumeClaim.readOnly',
  'spec.volumes[].projected',
  'spec.restartPolicy',
  'spec.terminationGracePeriodSeconds',
  'spec.hostname',
  'spec.subdomain',
  'spec.hostAliases',
  'spec.dnsConfig',
  'spec.dnsPolicy',
  'spec.shareProcessNamespace',
  'spec.securityContext.runAsUser',
  'spec.securityContext.runAsGroup',
  'spec.securityContext.runAsNonRoot',
  'spec.securityContext.fsGroup',
  'spec.securityContext.supplementalGroups',
  'spec.securityContext.sysctls',
  'spec.securityContext.seccompProfile',
  'spec.securityContext.appArmorProfile',
  'spec.securityContext.seLinuxOptions',
  'spec.setHostnameAsFQDN',
  'spec.enableServiceLinks',
  'spec.automountServiceAccountToken',
];

/**
 * Supported fields that podrun implements for some values only; another value is
 * warned about. (No service account token is mounted: automountServiceAccountToken
 * true still warns. ClusterFirstWithHostNet is ClusterFirst, as the kubelet makes it
 * for a pod without host networking.)
 */
export const SUPPORTED_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  'spec.automountServiceAccountToken': [false],
  'spec.dnsPolicy': ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'],
};

/** What podrun does with a supported field, where the field's name does not say it. */
export const FIELD_NOTES: Readonly<Record<string, string>> = {
  'spec.enableServiceLinks':
    '`false` drops the `<SVC>_SERVICE_HOST`/`_PORT` and docker-link variables of the Services that existed when the pod was applied',
  'spec.automountServiceAccountToken':
    'every init and app container gets `/var/run/secrets/kubernetes.io/serviceaccount/namespace` (read-only, 0644) unless `false`; no `token` or `ca.crt`: podrun runs no API server, so apps that talk to the Kubernetes API need a real cluster',
};

/**
 * Fields accepted without a warning although podrun does nothing with them: defaults
 * that kubectl and the API server write into manifests (`kubectl get -o yaml`, `kubectl
 * run --dry-run -o yaml`), server-managed metadata, and status.
 */
export const IGNORED_FIELDS: readonly string[] = [
  ...SERVER_METADATA,
  'spec.containers[].terminationMessagePath',
  'spec.containers[].terminationMessagePolicy',
  'spec.initContainers[].terminationMessagePath',
  'spec.initContainers[].terminationMessagePolicy',
];

/** Fields accepted without a warning when they hold the Kubernetes default value. */
export const DEFAULT_VALUES: Readonly<Record<string, unknown>> = {
  'spec.schedulerName': 'default-scheduler',
  'spec.serviceAccountName': 'default',
  'spec.serviceAccount': 'default',
  'spec.priority': 0,
  'spec.preemptionPolicy': 'PreemptLowerPriority',
  'spec.hostNetwork': false,
  'spec.hostPID': false,
  'spec.hostIPC': false,
};

/** Every Service field path podrun implements. */
export const SUPPORTED_SERVICE_FIELDS: readonly string[] = [
  ...METADATA,
  'spec.type',
  'spec.selector',
  'spec.ports[].name',
  'spec.ports[].port',
  'spec.ports[].targetPort',
  'spec.ports[].protocol',
  'spec.ports[].nodePort',
  'spec.clusterIP',
  'spec.clusterIPs',
  'spec.sessionAffinity',
  'spec.publishNotReadyAddresses',
  'spec.allocateLoadBalancerNodePorts',
];

/** Values podrun implements for some Service fields; ClientIP affinity is warned about. */
export const SUPPORTED_SERVICE_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  'spec.sessionAffinity': ['None'],
};

/**
 * Service fields accepted silently: server-managed ones, appProtocol (a hint for
 * implementations that kube-proxy also ignores) and sessionAffinityConfig (its
 * sessionAffinity: ClientIP is warned about already).
 */
export const IGNORED_SERVICE_FIELDS: readonly string[] = [
  ...SERVER_METADATA,
  'spec.ports[].appProtocol',
  'spec.sessionAffinityConfig',
];

/** Service fields accepted silently when they hold what podrun does anyway. */
export const DEFAULT_SERVICE_VALUES: Readonly<Record<string, unknown>> = {
  'spec.ipFamilies': ['IPv4'],
  'spec.ipFamilyPolicy': 'SingleStack',
  'spec.internalTrafficPolicy': 'Cluster',
  'spec.externalTrafficPolicy': 'Cluster',
};

/** A Namespace is its name: podrun makes its network. */
export const SUPPORTED_NAMESPACE_FIELDS: readonly string[] = METADATA.filter(
  (field) => field !== 'metadata.namespace',
);

/** spec.finalizers is the API server's own (`kubernetes`). */
export const IGNORED_NAMESPACE_FIELDS: readonly string[] = [...SERVER_METADATA, 'spec'];

interface FieldTable {
  supported: readonly string[];
  values: Readonly<Record<string, readonly unknown[]>>;
  ignored: readonly string[];
  defaults: Readonly<Record<string, unknown>>;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.every(isEmpty);
  if (typeof value === 'object') return Object.values(value).every(isEmpty);
  return false;
}

function childPattern(pattern: string, segment: string | number): string {
  if (typeof segment === 'number') return `${pattern}[]`;
  return pattern === '' ? segment : `${pattern}.${segment}`;
}

/**
 * A check that warns about every field set in an object of `kind` that podrun does
 * not implement. Fields the schema does not know are left to the schema check (and
 * the --validate mode).
 */
function unsupportedFieldWarner(
  kind: SchemaKind,
  table: FieldTable,
): (object: unknown, report: Reporter) => void {
  const supported = new Set(table.supported);
  const ignored = new Set(table.ignored);
  // Patterns that are parents of a more specific entry: only their listed children are supported.
  const parents = new Set<string>();
  for (const entry of table.supported) {
    for (let i = 0; i < entry.length; i++) {
      if (entry[i] === '.' || entry[i] === '[') {
        const prefix = entry.slice(0, i);
        parents.add(prefix);
        supported.add(prefix);
      }
    }
  }
  // Defaults may be lists (ipFamilies), so they compare as JSON.
  const isDefault = (pattern: string, value: unknown) =>
    pattern in table.defaults && JSON.stringify(table.defaults[pattern]) === JSON.stringify(value);

  return (object, report) => {
    const visit = (value: unknown, type: string, pattern: string, path: FieldPath): void => {
      if (pattern !== '') {
        if (ignored.has(pattern)) return;
        if (isDefault(pattern, value)) return;
        if (!supported.has(pattern)) {
          if (!isEmpty(value)) report.warn(path, 'not supported by podrun; ignored');
          return;
        }
        const values = table.values[pattern];
        if (values && !values.includes(value)) {
          report.warn(path, `value ${JSON.stringify(value)} is not supported by podrun; ignored`);
          return;
        }
        if (!parents.has(pattern)) return; // the whole subtree is supported
      }
      if (Array.isArray(value)) {
        const itemType = type.startsWith('[]') ? type.slice(2) : '';
        for (const [i, item] of value.entries()) {
          visit(item, itemType, childPattern(pattern, i), [...path, i]);
        }
      } else if (typeof value === 'object' && value !== null) {
        const fields = schemaType(type)?.fields;
        const valueType = type.startsWith('{}') ? type.slice(2) : '';
        for (const [key, item] of Object.entries(value)) {
          const fieldType = fields ? fields[key] : valueType;
          if (fieldType === undefined) continue; // unknown to Kubernetes itself
          visit(item, fieldType, childPattern(pattern, key), [...path, key]);
        }
      }
    };
    visit(object, schemaRoot(kind), '', []);
  };
}

/** Warns about every field set in `pod` that podrun does not implement. */
export const warnUnsupportedPodFields = unsupportedFieldWarner('Pod', {
  supported: SUPPORTED_POD_FIELDS,
  values: SUPPORTED_VALUES,
  ignored: IGNORED_FIELDS,
  defaults: DEFAULT_VALUES,
});

/** Warns about every field set in a Service that podrun does not implement. */
export const warnUnsupportedServiceFields = unsupportedFieldWarner('Service', {
  supported: SUPPORTED_SERVICE_FIELDS,
  values: SUPPORTED_SERVICE_VALUES,
  ignored: IGNORED_SERVICE_FIELDS,
  defaults: DEFAULT_SERVICE_VALUES,
});

/** Warns about every field set in a Namespace that podrun does not implement. */
export const warnUnsupportedNamespaceFields = unsupportedFieldWarner('Namespace', {
  supported: SUPPORTED_NAMESPACE_FIELDS,
  values: {},
  ignored: IGNORED_NAMESPACE_FIELDS,
  defaults: {},
});

/**
 * Every field of the workload kinds their controllers implement, `spec.template` aside:
 * the template is a Pod and gets the Pod's warnings (warnUnsupportedPodFields, with
 * paths under `spec.template`).
 */
export const SUPPORTED_WORKLOAD_FIELDS: Readonly<Record<WorkloadKind, readonly string[]>> = {
  Deployment: [
    ...METADATA,
    'spec.replicas',
    'spec.selector',
    'spec.template',
    'spec.minReadySeconds',
    'spec.strategy',
    'spec.progressDeadlineSeconds',
    'spec.revisionHistoryLimit',
    'spec.paused',
  ],
  ReplicaSet: [
    ...METADATA,
    'spec.replicas',
    'spec.selector',
    'spec.template',
    'spec.minReadySeconds',
  ],
  DaemonSet: [
    ...METADATA,
    'spec.selector',
    'spec.template',
    'spec.minReadySeconds',
    'spec.updateStrategy',
    'spec.revisionHistoryLimit',
  ],
  Job: [
    ...METADATA,
    'spec.completions',
    'spec.parallelism',
    'spec.backoffLimit',
    'spec.activeDeadlineSeconds',
    'spec.ttlSecondsAfterFinished',
    'spec.completionMode',
    'spec.selector',
    'spec.manualSelector',
    'spec.template',
  ],
  CronJob: [
    ...METADATA,
    'spec.schedule',
    'spec.timeZone',
    'spec.concurrencyPolicy',
    'spec.startingDeadlineSeconds',
    'spec.suspend',
    'spec.successfulJobsHistoryLimit',
    'spec.failedJobsHistoryLimit',
    'spec.jobTemplate.metadata.labels',
    'spec.jobTemplate.metadata.annotations',
    'spec.jobTemplate.spec.completions',
    'spec.jobTemplate.spec.parallelism',
    'spec.jobTemplate.spec.backoffLimit',
    'spec.jobTemplate.spec.activeDeadlineSeconds',
    'spec.jobTemplate.spec.ttlSecondsAfterFinished',
    'spec.jobTemplate.spec.completionMode',
    'spec.jobTemplate.spec.selector',
    'spec.jobTemplate.spec.manualSelector',
    'spec.jobTemplate.spec.template',
  ],
};

/** Workload fields accepted silently when they hold the API server's default. */
export const DEFAULT_WORKLOAD_VALUES: Readonly<Record<string, unknown>> = {
  'spec.suspend': false,
  'spec.podReplacementPolicy': 'TerminatingOrFailed',
  'spec.jobTemplate.spec.suspend': false,
  'spec.jobTemplate.spec.podReplacementPolicy': 'TerminatingOrFailed',
};

const workloadWarners = Object.fromEntries(
  WORKLOAD_KINDS.map((kind) => [
    kind,
    unsupportedFieldWarner(schemaKey(HANDLED_KINDS[kind].apiVersions[0]!, kind) as SchemaKind, {
      supported: SUPPORTED_WORKLOAD_FIELDS[kind],
      values: {},
      ignored: SERVER_METADATA,
      defaults: DEFAULT_WORKLOAD_VALUES,
    }),
  ]),
) as Record<WorkloadKind, (object: unknown, report: Reporter) => void>;

/** Warns about every field of a workload outside its template that podrun does not implement. */
export function warnUnsupportedWorkloadFields(
  kind: WorkloadKind,
  object: unknown,
  report: Reporter,
): void {
  workloadWarners[kind](object, report);
}
