// A supervisor for one test file's namespace, of two kinds. In-process
// (superviseNamespace): served on the socket of its own scope so other podrun code in
// the process (podEvents, waitForPod) finds it; plus apply and status helpers that go
// through it. Detached (scopedNamespace): the one the CLI itself starts, scoped to the
// namespace so the file never touches the default supervisor or another file's; plus
// a CLI runner in that namespace and the afterAll cleanup.
import { listPodrunContainers, removeContainer } from '../../src/docker/containers.js';
import { parseManifestText } from '../../src/manifest/parse.js';
import { Labels } from '../../src/plan/labels.js';
import { applyManifests } from '../../src/pod/apply.js';
import { findPodRecord, withDetails } from '../../src/pod/records.js';
import { podStatus } from '../../src/pod/status.js';
import { stopSupervisor } from '../../src/supervisor/launch.js';
import { ensureRuntimeDir, supervisorPaths } from '../../src/supervisor/paths.js';
import { type ServedSupervisor, serveSupervisor } from '../../src/supervisor/server.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';
import { cleanNamespace, podrun, testNamespace } from './pods.js';

export interface SupervisedNamespace {
  supervisor: Supervisor;
  /** Apply through the supervisor; `pauseImage` overrides the pinned pause image. */
  apply(yaml: string, options?: { pauseImage?: string }): ReturnType<typeof applyManifests>;
  status(name: string): Promise<ReturnType<typeof podStatus>>;
  stop(): Promise<void>;
}

/** Start a supervisor scoped to `ns` (sets PODRUN_SUPERVISOR_SCOPE for this process). */
export async function superviseNamespace(
  ns: string,
  backoffBaseMs: number,
): Promise<SupervisedNamespace> {
  process.env.PODRUN_SUPERVISOR_SCOPE = ns;
  const supervisor = new Supervisor({
    scope: ns,
    namespace: ns,
    tickMs: 300,
    backoff: { baseMs: backoffBaseMs, maxMs: 4 * backoffBaseMs, resetAfterMs: 600_000 },
  });
  supervisor.start();
  const paths = supervisorPaths();
  ensureRuntimeDir(paths);
  const served: ServedSupervisor = await serveSupervisor(supervisor, paths, () => undefined);
  return {
    supervisor,
    apply(yaml, options = {}) {
      const set = parseManifestText(yaml, 'test.yaml', {
        defaultNamespace: ns,
        validate: 'strict',
      });
      return applyManifests(set, { supervise: ns, pauseImage: options.pauseImage });
    },
    async status(name) {
      const record = await findPodRecord(ns, name);
      if (!record) throw new Error(`pod ${name} is gone`);
      return podStatus(await withDetails(record), supervisor.probeReport());
    },
    async stop() {
      await supervisor.stop();
      await served.close();
    },
  };
}

export interface ScopedNamespace {
  /** The test file's namespace, and the supervisor scope of this process and its CLI runs. */
  ns: string;
  /**
   * `podrun ARGS -n ns`, which must succeed: resolves to its stdout; a non-zero exit
   * rejects naming the command and its stderr, so a failed step fails where it happened.
   */
  ok(args: string[]): Promise<string>;
  /**
   * For afterAll: stop the scope's supervisor first (so it restarts and re-creates
   * nothing while we delete), then remove the namespace's pods and volumes, then the
   * holders a failed test left (removeHolders).
   */
  cleanUp(): Promise<void>;
}

/**
 * A fresh namespace made this process's PODRUN_SUPERVISOR_SCOPE, which every CLI run
 * inherits: the detached supervisor they start is the namespace's own. Call it at the
 * top of the file, before any podrun command.
 */
export function scopedNamespace(prefix: string): ScopedNamespace {
  const ns = testNamespace(prefix);
  process.env.PODRUN_SUPERVISOR_SCOPE = ns;
  return {
    ns,
    async ok(args) {
      const result = await podrun([...args, '-n', ns]);
      if (result.code !== 0) throw new Error(`podrun ${args.join(' ')}: ${result.stderr}`);
      return result.stdout;
    },
    async cleanUp() {
      await stopSupervisor();
      await cleanNamespace(ns);
      await removeHolders(ns);
    },
  };
}

/**
 * Remove the holder containers (where Deployments, ReplicaSets, DaemonSets and Jobs
 * live) of objects a failed test left; a passing run deleted them. After cleanNamespace
 * every container still labelled with the namespace is one, hence no finer filter.
 */
export async function removeHolders(ns: string): Promise<void> {
  for (const holder of await listPodrunContainers({ [Labels.namespace]: ns }))
    await removeContainer(holder.Id);
}
