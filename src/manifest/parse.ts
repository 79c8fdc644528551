// Manifest text → typed, validated objects. Pure: no I/O, so the CLI, the library and
// the tests all feed it text.
import type {
  ConfigMap,
  Namespace,
  PersistentVolumeClaim,
  Pod,
  Secret,
  Service,
} from 'kubernetes-types/core/v1.js';
import { isMap, isSeq, type LineCounter, type Node } from 'yaml';
import {
  BUNDLE_KINDS,
  HANDLED_KINDS,
  type HandledKind,
  IGNORED_KINDS,
  type KindInfo,
  POD_KINDS,
  schemaKey,
  WORKLOAD_KINDS,
} from './kinds.js';
import { makeLocator } from './locate.js';
import { IssueList, type Reporter, say } from './report.js';
import { checkSchema, type SchemaKind } from './schema.js';
import { completeManifestSet, emptyManifestSet } from './set-checks.js';
import { isObj, list, obj } from './shape.js';
import {
  warnUnsupportedNamespaceFields,
  warnUnsupportedPodFields,
  warnUnsupportedServiceFields,
} from './supported-fields.js';
import type {
  IgnoredObject,
  LoadOptions,
  ManifestObject,
  ManifestSet,
  WorkloadObject,
} from './types.js';
import { checkConfigMap, checkSecret, normalizeSecret } from './validate-config.js';
import { checkMetadata } from './validate-metadata.js';
import { checkPod } from './validate-pod.js';
import { checkService, normalizeService } from './validate-service.js';
import { checkWorkload } from './validate-workload.js';
import { readYamlDocuments } from './yaml-documents.js';

/**
 * Parses and validates one manifest text (YAML or JSON, several documents, `kind: List`).
 * `file` is how the user named it, used in messages. Throws ManifestError listing every
 * problem; warnings are returned in the set.
 */
export function parseManifestText(text: string, file: string, options: LoadOptions): ManifestSet {
  const issues = new IssueList();
  const set = emptyManifestSet();
  collectManifests(text, file, options, set, issues);
  return completeManifestSet(set, issues);
}

/** Adds the objects of `text` to `set` and its problems to `issues`, without throwing. */
export function collectManifests(
  text: string,
  file: string,
  options: LoadOptions,
  set: ManifestSet,
  issues: IssueList,
): void {
  const { documents, lineCounter } = readYamlDocuments(text, file, issues);
  const add = (value: unknown, node: Node) =>
    addObject(value, node, { file, lineCounter, options, set, issues });
  for (const { node, value } of documents) {
    if (isObj(value) && value.kind === 'List' && value.apiVersion === 'v1') {
      // A List is only a wrapper (what `kubectl get -o yaml` prints for several objects).
      const itemsNode = isMap(node) ? node.get('items', true) : undefined;
      const items = Array.isArray(value.items) ? value.items : [];
      items.forEach((item, i) => {
        const itemNode = isSeq(itemsNode) ? (itemsNode.items[i] as Node | undefined) : undefined;
        add(item, itemNode ?? node);
      });
    } else {
      add(value, node);
    }
  }
}

interface Context {
  file: string;
  lineCounter: LineCounter;
  options: LoadOptions;
  set: ManifestSet;
  issues: IssueList;
}

function addObject(value: unknown, node: Node, ctx: Context): void {
  const locate = makeLocator(node, ctx.file, ctx.lineCounter);
  const report = ctx.issues.reporter(locate);
  if (!isObj(value)) {
    report.error([], 'expected a Kubernetes object (a mapping with apiVersion and kind)');
    return;
  }
  const identified = identify(value, report, ctx.options);
  if (identified === undefined) return;
  const { kind, info } = identified;
  dropNulls(value);

  if (ctx.options.validate !== 'ignore') {
    const unknownFields = ctx.options.validate === 'strict' ? 'error' : 'warn';
    checkSchema(value, schemaKey(String(value.apiVersion), kind) as SchemaKind, report, {
      unknownFields,
    });
  }
  const metadata = obj(value.metadata);
  value.metadata = metadata;
  // The API server drops the namespace of a cluster-scoped object.
  if (info.clusterScoped) delete metadata.namespace;
  else metadata.namespace ??= ctx.options.defaultNamespace;

  const entry = { object: value, source: locate([]), locate };
  switch (kind) {
    case 'Pod':
      checkPod(value, report);
      warnUnsupportedPodFields(value, report);
      normalizePod(value as Pod);
      ctx.set.pods.push(entry as ManifestObject<Pod>);
      break;
    case 'ConfigMap':
      checkConfigMap(value, report);
      ctx.set.configMaps.push(entry as ManifestObject<ConfigMap>);
      break;
    case 'Secret':
      checkSecret(value, report);
      normalizeSecret(value as Secret);
      ctx.set.secrets.push(entry as ManifestObject<Secret>);
      break;
    case 'PersistentVolumeClaim':
      checkMetadata(value, report, info.nameError);
      ctx.set.persistentVolumeClaims.push(entry as ManifestObject<PersistentVolumeClaim>);
      break;
    case 'Service':
      checkService(value, report);
      warnUnsupportedServiceFields(value, report);
      normalizeService(value as Service);
      ctx.set.services.push(entry as ManifestObject<Service>);
      break;
    case 'Namespace':
      checkMetadata(value, report, info.nameError);
      warnUnsupportedNamespaceFields(value, report);
      ctx.set.namespaces.push(entry as ManifestObject<Namespace>);
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'Job':
    case 'CronJob': {
      checkWorkload(kind, value, report);
      const spec = obj(value.spec);
      // A CronJob's pods come from spec.jobTemplate.spec.template.
      const podTemplate =
        kind === 'CronJob' ? obj(obj(spec.jobTemplate).spec).template : spec.template;
      for (const [volume] of list(obj(obj(podTemplate).spec).volumes)) normalizeVolume(volume);
      ctx.set.workloads.push(entry as unknown as ManifestObject<WorkloadObject>);
      break;
    }
    default:
      checkMetadata(value, report, info.nameError);
      ctx.set.ignored.push(entry as ManifestObject<IgnoredObject>);
  }
}

/**
 * The object's kind and how podrun handles it, when podrun reads that kind with this
 * apiVersion; else reports why not. Without `bundle`, only the pod kinds are read;
 * the workload kinds only with `workloads`.
 */
function identify(
  value: Record<string, unknown>,
  report: Reporter,
  options: LoadOptions,
): { kind: string; info: KindInfo } | undefined {
  const { kind, apiVersion } = value;
  const bundle = options.bundle === true;
  const handled: readonly HandledKind[] = [
    ...POD_KINDS,
    ...(bundle ? BUNDLE_KINDS : []),
    ...(options.workloads === true ? WORKLOAD_KINDS : options.workloads || []),
  ];
  const known: readonly string[] = bundle ? [...handled, ...Object.keys(IGNORED_KINDS)] : handled;
  const infoOf = (k: string): KindInfo | undefined =>
    (handled as readonly string[]).includes(k)
      ? HANDLED_KINDS[k as HandledKind]
      : bundle
        ? IGNORED_KINDS[k]
        : undefined;
  let info: KindInfo | undefined;
  let ok = true;
  if (kind === undefined || kind === null || kind === '') {
    report.error(['kind'], say.required());
    ok = false;
  } else if (typeof kind !== 'string' || !known.includes(kind)) {
    report.error(['kind'], say.unsupported(kind, known));
    ok = false;
  } else {
    info = infoOf(kind);
  }
  // A known kind names its own apiVersions; for an unknown one, any version podrun reads.
  const versions = info
    ? info.apiVersions
    : [...new Set(known.flatMap((k) => infoOf(k)?.apiVersions ?? []))];
  if (apiVersion === undefined || apiVersion === null || apiVersion === '') {
    report.error(['apiVersion'], say.required());
    ok = false;
  } else if (typeof apiVersion !== 'string' || !versions.includes(apiVersion)) {
    report.error(['apiVersion'], say.unsupported(apiVersion, versions));
    ok = false;
  }
  return ok && info ? { kind: kind as string, info } : undefined;
}

/** `field: null` means "not set", as for the API server; dropping it spares later stages. */
function dropNulls(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropNulls(item);
  } else if (isObj(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item === null) delete value[key];
      else dropNulls(item);
    }
  }
}

/** The API server's one volume default: a volume naming no source is an emptyDir. */
function normalizePod(pod: Pod): void {
  for (const volume of pod.spec?.volumes ?? []) normalizeVolume(volume);
}

function normalizeVolume(volume: unknown): void {
  if (!isObj(volume)) return;
  if (Object.keys(volume).every((key) => key === 'name')) volume.emptyDir = {};
}
