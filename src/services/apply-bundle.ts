// `apply` of a whole bundle: Namespaces (their networks) first, then Services (their
// proxies), then everything the pod stage applies (pod/apply.ts, unchanged), then
// each touched Service's endpoints once, so a fresh apply answers through its
// Services at once. Services come before pods so a pod created after its Service
// can get service links. A proxy whose address podrun fixed (create-service.ts) is
// only created before the pods: it starts while they are planned and started (their
// links hold its known address), and the pod stage waits for every such start
// before it reports, so a proxy that fails to start still rolls the pods back.
// Objects of ignored kinds get one warning line each and
// nothing else. Every Service is planned (every error with its file:line) before the
// first object is created; a failure or Ctrl-C before the report removes the
// Services and networks this apply created, as the pod stage removes its pods.
import type { Service } from 'kubernetes-types/core/v1.js';
import { pingEngine } from '../docker/client.js';
import { removeContainer } from '../docker/containers.js';
import { log } from '../log.js';
import { ManifestError } from '../manifest/errors.js';
import { ignoredObjectWarning } from '../manifest/ignored.js';
import type { ManifestIssue, ManifestObject, ManifestSet } from '../manifest/types.js';
import { PlanError } from '../plan/errors.js';
import { Labels } from '../plan/labels.js';
import { planService, type ServicePlan } from '../plan/service.js';
import {
  ApplyInterrupted,
  type ApplyOptions,
  type ApplyResult,
  applyManifests,
} from '../pod/apply.js';
import type { ProbeReport } from '../pod/probes/report.js';
import { listServiceRecords, type ServiceRecord } from '../pod/service-records.js';
import { PODRUN_VERSION } from '../version.js';
import { ensureService } from './create-service.js';
import { EndpointsWriter } from './endpoints-sync.js';
import { ensureNamespace, removeNamespaceIfUnused } from './namespaces.js';
import { ensureProxyImage } from './proxy-image.js';

export interface BundleApplyOptions extends ApplyOptions {
  /** Library: publish LoadBalancer and NodePort ports on engine-chosen host ports. */
  randomServiceHostPorts?: boolean;
  /** Library environments: ClusterIP Services are published on the host too (plan/service.ts). */
  publishClusterIP?: boolean;
  /** Readiness for the endpoints written after the pods started (the supervisor's report). */
  probes?: (namespace: string) => Promise<ProbeReport>;
  /** One line per object of an ignored kind (ServiceAccount, Role, ...). */
  onWarning?: (line: string) => void;
  /**
   * Given, the endpoints write after the pods started is not awaited but handed over:
   * `apply --wait` waits for its pods meanwhile (the write does not change whether
   * they are Ready) and awaits the write before it returns, so it still exits with
   * the Services answering. It never rejects: a failed write is a warning in the log
   * (before, it failed the apply after its report), and the supervisor writes again.
   */
  endpointsWrite?: (written: Promise<void>) => void;
}

interface ServiceWork {
  entry: ManifestObject<Service>;
  plan: ServicePlan;
  existing?: ServiceRecord;
}

function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function nodePortsOf(service: Service): number[] {
  return (service.spec?.ports ?? []).flatMap((port) => (port.nodePort ? [port.nodePort] : []));
}

/** Plan every Service of the set against what the engine holds; errors carry file:line. */
export function planServices(
  set: ManifestSet,
  stored: readonly ServiceRecord[],
  options: Pick<BundleApplyOptions, 'randomServiceHostPorts' | 'publishClusterIP'>,
  random: () => number = Math.random,
): ServiceWork[] {
  const inSet = new Set(
    set.services.map(({ object }) =>
      keyOf(object.metadata?.namespace ?? 'default', object.metadata?.name ?? ''),
    ),
  );
  const nodePortsInUse = new Set<number>();
  const hostPortsInUse = new Map<string, string>();
  const holdBindings = (
    holder: string,
    bindings: Array<{ hostPort: number; protocol: string }>,
  ) => {
    for (const binding of bindings) {
      if (binding.hostPort > 0)
        hostPortsInUse.set(`${binding.hostPort}/${binding.protocol}`, holder);
    }
  };
  for (const record of stored) {
    // A Service this apply replaces holds nothing against itself.
    if (inSet.has(keyOf(record.namespace, record.name))) continue;
    for (const port of nodePortsOf(record.service)) nodePortsInUse.add(port);
    holdBindings(`Service "${record.namespace}/${record.name}"`, record.hostPorts);
  }
  const issues: ManifestIssue[] = [];
  const work: ServiceWork[] = [];
  for (const entry of set.services) {
    const namespace = entry.object.metadata?.namespace ?? 'default';
    const name = entry.object.metadata?.name ?? '';
    const existing = stored.find((r) => r.namespace === namespace && r.name === name);
    try {
      const plan = planService({
        service: entry.object,
        version: PODRUN_VERSION,
        nodePortsInUse,
        random,
        randomHostPorts: options.randomServiceHostPorts,
        publishClusterIP: options.publishClusterIP,
        previous: existing?.service,
        hostPortsInUse,
      });
      // As the API server does: the Service gets its uid and creation time here (not
      // part of the spec hash, so a re-apply of the same file is `unchanged`).
      plan.manifest.metadata = {
        ...plan.manifest.metadata,
        uid: existing?.service.metadata?.uid ?? crypto.randomUUID(),
        creationTimestamp: new Date().toISOString(),
      };
      plan.labels[Labels.serviceManifest] = JSON.stringify(plan.manifest);
      for (const port of plan.ports) if (port.nodePort) nodePortsInUse.add(port.nodePort);
      holdBindings(`Service "${namespace}/${name}"`, plan.bindings);
      work.push({ entry, plan, existing });
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      for (const issue of error.issues) {
        issues.push({
          location: entry.locate(issue.path),
          path: issue.path,
          message: issue.message,
        });
      }
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
  return work;
}

interface BundleProgress {
  /** Proxy containers this apply created (a rollback removes them). */
  containers: string[];
  /** Namespaces whose network this apply created. */
  networks: string[];
  /** `service/x`, `namespace/y`: for the interrupt message. */
  objects: string[];
}

async function rollBack(progress: BundleProgress, namespaces: Iterable<string>): Promise<void> {
  await Promise.all(progress.containers.map((id) => removeContainer(id).catch(() => undefined)));
  for (const namespace of new Set([...progress.networks, ...namespaces])) {
    await removeNamespaceIfUnused(namespace).catch(() => undefined);
  }
}

export async function applyBundle(
  set: ManifestSet,
  options: BundleApplyOptions = {},
): Promise<ApplyResult[]> {
  for (const entry of set.ignored) options.onWarning?.(ignoredObjectWarning(entry));
  const own: ApplyResult[] = [];
  const namespaces = set.namespaces.map(({ object }) => object.metadata?.name ?? '');
  if (options.dryRun) {
    const work = planServices(set, [], options);
    for (const namespace of namespaces) {
      own.push({ kind: 'Namespace', namespace, name: namespace, action: 'created', warnings: [] });
    }
    for (const { plan } of work) {
      own.push({
        kind: 'Service',
        namespace: plan.namespace,
        name: plan.name,
        action: 'created',
        warnings: [],
      });
    }
    const results = await applyManifests(set, {
      ...options,
      report: (done) => options.report?.([...own, ...done]),
    });
    return [...own, ...results];
  }
  if (set.services.length === 0 && set.namespaces.length === 0) {
    return applyManifests(set, options);
  }

  await pingEngine();
  const work = planServices(set, await listServiceRecords(), options);
  const image = await ensureProxyImage();
  const progress: BundleProgress = { containers: [], networks: [], objects: [] };
  const serviceNamespaces = work.map(({ plan }) => plan.namespace);
  // The Services' events files, written while the pods start (create-service.ts).
  const eventWrites: Array<Promise<void>> = [];
  // The proxies starting beside the pods (create-service.ts `started`).
  const starts: Array<Promise<void>> = [];
  let reported = false;
  const interrupted = () => options.signal?.aborted === true && !reported;
  const interruptError = async (podLines?: string) => {
    await rollBack(progress, serviceNamespaces);
    const lines = progress.objects.map((object) => `interrupted: ${object} was rolled back`);
    return new ApplyInterrupted(
      [podLines, ...lines]
        .filter((line) => line && line !== 'interrupted: nothing was created')
        .join('\n') || 'interrupted: nothing was created',
    );
  };
  let results: ApplyResult[];
  try {
    for (const namespace of namespaces) {
      if (interrupted()) throw await interruptError();
      const made = await ensureNamespace(namespace, { lockImage: image, owner: options.owner });
      if (made.created) {
        progress.networks.push(namespace);
        progress.objects.push(`namespace/${namespace}`);
      }
      own.push({
        kind: 'Namespace',
        namespace,
        name: namespace,
        action: made.created ? 'created' : 'unchanged',
        warnings: [],
      });
    }
    for (const { plan, existing } of work) {
      if (interrupted()) throw await interruptError();
      const made = await ensureService(plan, {
        image,
        owner: options.owner,
        supervise: options.supervise,
        existing,
      });
      if (made.action !== 'unchanged') {
        progress.containers.push(made.containerId);
        progress.objects.push(`service/${plan.name}`);
      }
      if (made.networkCreated) progress.networks.push(plan.namespace);
      if (made.eventsWritten) eventWrites.push(made.eventsWritten);
      if (made.started) starts.push(made.started);
      own.push({
        kind: 'Service',
        namespace: plan.namespace,
        name: plan.name,
        action: made.action,
        warnings: [],
      });
    }
    if (interrupted()) throw await interruptError();
    results = await applyManifests(set, {
      ...options,
      // The caller's step (a library environment storing its workloads) runs beside
      // the proxies' starts: neither needs the other, both need the Services created.
      beforeReport: async () => {
        await Promise.all([...starts, options.beforeReport?.()]);
      },
      report: (done) => {
        reported = true;
        options.report?.([...own, ...done]);
      },
    });
  } catch (error) {
    // No removal races a start still under way.
    await Promise.allSettled(starts);
    await Promise.all(eventWrites);
    if (reported) throw error;
    if (error instanceof ApplyInterrupted) {
      // The pod stage rolled back its pods and said so; the Services go too.
      throw await interruptError(error.message);
    }
    await rollBack(progress, serviceNamespaces);
    throw error;
  }
  // Endpoints for the Services of every namespace this apply touched, once, now that
  // the pods run: the supervisor (or the library's loop) keeps them right after this.
  const touched = new Set([
    ...serviceNamespaces,
    ...results.filter((r) => r.kind === 'Pod').map((r) => r.namespace),
  ]);
  const written = writeEndpoints(touched, options.probes);
  if (options.endpointsWrite) options.endpointsWrite(written);
  else await written;
  await Promise.all(eventWrites);
  return [...own, ...results];
}

async function writeEndpoints(
  namespaces: Iterable<string>,
  probes: BundleApplyOptions['probes'],
): Promise<void> {
  const writer = new EndpointsWriter();
  for (const namespace of namespaces) {
    const report = (await probes?.(namespace).catch(() => undefined)) ?? undefined;
    await writer
      .sync({ namespace, report })
      .catch((error: Error) => log().warn(`endpoints of ${namespace}: ${error.message}`));
  }
}
