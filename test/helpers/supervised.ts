// An in-process supervisor for one test file's namespace, served on the socket of
// its own scope so other podrun code in the process (podEvents, waitForPod) finds
// it; plus apply and status helpers that go through it.
import { parseManifestText } from '../../src/manifest/parse.js';
import { applyManifests } from '../../src/pod/apply.js';
import { findPodRecord, withDetails } from '../../src/pod/records.js';
import { podStatus } from '../../src/pod/status.js';
import { ensureRuntimeDir, supervisorPaths } from '../../src/supervisor/paths.js';
import { type ServedSupervisor, serveSupervisor } from '../../src/supervisor/server.js';
import { Supervisor } from '../../src/supervisor/supervisor.js';

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
