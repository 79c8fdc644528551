// Test environments from whole bundles: startManifests applies Pods, Services,
// ConfigMaps, Secrets, claims and workloads (Deployments, ReplicaSets, DaemonSets,
// Jobs, CronJobs) into a fresh namespace of their own, with a supervisor of their
// own running in this process (scope = namespace) for as long as the environment
// lives, so ten environments at once share nothing: no namespace, no supervisor, no
// host port. It waits until the bundle is up (pods Ready or Succeeded, Deployments
// rolled out, Jobs Complete); a start that fails removes everything it made. Every
// object carries the owner label, so the reaper removes all of it when the test
// process dies (the supervisor dies with it: nothing re-creates a replica).

import { randomBytes } from 'node:crypto';
import { ensureImage } from '../docker/images.js';
import { log } from '../log.js';
import { manifestObjectCount } from '../manifest/set-checks.js';
import type { ManifestSet } from '../manifest/types.js';
import type { ApplyResult } from '../pod/apply.js';
import { processEventStore } from '../pod/event-store.js';
import { listServiceRecords } from '../pod/service-records.js';
import { applyBundle } from '../services/apply-bundle.js';
import { EndpointsWriter } from '../services/endpoints-sync.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { applyWorkloads, type WorkloadApplyResult } from '../workloads/apply.js';
import { checkWorkloadTemplates } from '../workloads/check.js';
import { waitTargets } from './env-targets.js';
import { tearDownEnvironment } from './env-teardown.js';
import { waitForTargets } from './env-wait.js';
import { Environment } from './environment.js';
import { ensureReaper } from './reaper.js';
import { ownerSession } from './session.js';
import { intoNamespace, loadSource, type ManifestSource, withRandomHostPorts } from './sources.js';
import { DEFAULT_START_TIMEOUT_MS, type LibraryStartOptions } from './start-pod.js';

export interface StartManifestsOptions extends LibraryStartOptions {
  /** The namespace is `<prefix>-<8 hex>`, fresh for each environment. Default "env". */
  namespacePrefix?: string;
  /** Wait until the bundle is up. Default true. */
  wait?: boolean;
  /** How long the start (and later waits) may take. Default 60 s. */
  timeoutMs?: number;
  /** Grace period when the environment stops; default each pod's terminationGracePeriodSeconds. */
  gracePeriodSeconds?: number;
}

/** A namespace name that is also a valid supervision scope ([a-z0-9-], at most 63). */
function freshNamespace(prefix: string): string {
  const clean =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 40) || 'env';
  return `${clean}-${randomBytes(4).toString('hex')}`;
}

/**
 * The images of the workloads' templates, present before the controllers run: a
 * missing image fails the start here, in one line, rather than as a supervisor
 * warning every tick until the timeout.
 */
async function ensureTemplateImages(set: ManifestSet, options: StartManifestsOptions) {
  const wanted = new Map<string, 'Always' | 'IfNotPresent' | 'Never'>();
  for (const { object } of set.workloads) {
    const spec =
      object.kind === 'CronJob'
        ? object.spec?.jobTemplate?.spec?.template?.spec
        : object.spec?.template?.spec;
    for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      if (!container.image) continue;
      // The controllers pull what Always asks for; here only what must be there at all.
      const policy = container.imagePullPolicy === 'Never' ? 'Never' : 'IfNotPresent';
      wanted.set(container.image, policy);
    }
  }
  await Promise.all(
    [...wanted].map(([image, policy]) => {
      let said = false;
      return ensureImage(image, policy, () => {
        if (!said) options.onProgress?.(`pulling ${image}`);
        said = true;
      });
    }),
  );
}

/**
 * Start a whole bundle (a manifest path or directory, YAML text, or typed objects)
 * as a test environment; dispose it (or call stop()) to remove all of it.
 */
export async function startManifests(
  source: ManifestSource,
  options: StartManifestsOptions = {},
): Promise<Environment> {
  const namespace = freshNamespace(options.namespacePrefix ?? 'env');
  const timeoutMs = options.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let set = await loadSource(source, {
    namespace,
    validate: options.validate ?? 'strict',
    workloads: true,
  });
  if (manifestObjectCount(set) === 0) throw new Error('the manifest holds no object');
  set = withRandomHostPorts(intoNamespace(set, namespace));
  // A template podrun cannot run fails here, at its file:line, before anything exists.
  await checkWorkloadTemplates(set);
  await ensureTemplateImages(set, options);

  const owner = options.reaper === false ? undefined : ownerSession();
  if (owner) await ensureReaper(owner);
  // The daemon's 1 s tick: engine events and probe results wake it sooner (250 ms
  // measured no faster, for one environment or ten, and costs ten times the listings).
  const supervisor = new Supervisor({ scope: namespace, namespace });
  supervisor.start();
  const probes = async () => supervisor.probeReport();
  let applied: ApplyResult[] = [];
  let workloads: WorkloadApplyResult[] = [];
  try {
    applied = await applyBundle(set, {
      owner,
      supervise: namespace,
      publishAllPorts: true,
      // Every Service on engine-chosen host ports, ClusterIP ones too: parallel
      // environments never fight over 127.0.0.1:80.
      randomServiceHostPorts: true,
      publishClusterIP: true,
      probes,
      onWarning: (line) => log().warn(line),
      pauseImage: options.pauseImage,
      signal: options.signal,
      onProgress: options.onProgress,
      events: processEventStore().sink,
      // Stored once the Services and ConfigMaps exist (their pods get the Service
      // links), while the proxies are still starting: the controllers' first pods
      // need not wait for them.
      beforeReport: async () => {
        workloads = (await applyWorkloads(set.workloads, { supervise: namespace, owner })).results;
        supervisor.poke();
      },
    });
    if (options.wait ?? true) {
      await waitForTargets(waitTargets(applied, workloads), {
        namespace,
        timeoutMs,
        probes: () => supervisor.probeReport(),
        signal: options.signal,
      });
      // The Services point at the pods that just became ready now, not at the
      // supervisor's next tick: the first request of the test gets an answer.
      await new EndpointsWriter().sync({ namespace, report: supervisor.probeReport() });
    }
    const services = await listServiceRecords({ namespace });
    return new Environment({
      namespace,
      supervisor,
      owner,
      applied,
      workloads,
      services,
      timeoutMs,
      gracePeriodSeconds: options.gracePeriodSeconds,
    });
  } catch (error) {
    await tearDownEnvironment({
      namespace,
      supervisor,
      applied,
      gracePeriodSeconds: options.gracePeriodSeconds,
    }).catch((cleanup: unknown) =>
      // The reaper removes whatever is left when this process ends.
      log().warn(`cleanup after a failed start: ${(cleanup as Error).message}`),
    );
    throw error;
  }
}
