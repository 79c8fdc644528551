// Entry point of the background supervisor process (`node dist/supervisor/daemon.js`),
// started on demand by `podrun apply`/`up`/`get` (launch.ts), detached from the
// terminal, logging to <runtime dir>/supervisor-<engine>.log. It exits on
// `podrun supervisor stop`, SIGTERM/SIGINT, when another process owns its socket,
// or after PODRUN_SUPERVISOR_IDLE_MS (default 5 min) without any supervised pod;
// after a rebuild or upgrade of podrun it hands over to a supervisor of the new build.
// As the process's entry it also plugs in the CLI's warm path (src/cli/warm-serve.ts,
// loaded on the first request): the one place the supervisor knows the CLI exists.
import { configureLogging, log } from '../log.js';
import { buildStamp } from './build-stamp.js';
import { ensureSupervisor } from './launch.js';
import { ensureRuntimeDir, supervisionScope, supervisorPaths } from './paths.js';
import { ProbeMemory } from './probe-memory.js';
import { SupervisorRunningError, serveSupervisor } from './server.js';
import { Supervisor } from './supervisor.js';

async function main(): Promise<void> {
  configureLogging({ level: process.env.PODRUN_LOG_LEVEL ?? 'info', format: 'json' });
  const paths = supervisorPaths();
  ensureRuntimeDir(paths);
  const idle = Number(process.env.PODRUN_SUPERVISOR_IDLE_MS ?? 300_000);
  let stopping = false;
  const supervisor = new Supervisor({
    scope: supervisionScope(),
    probeMemory: new ProbeMemory(paths.probes),
    idleMs: idle,
    onIdle: () => shutdown('no supervised pods left'),
  });
  let served: Awaited<ReturnType<typeof serveSupervisor>> | undefined;
  const shutdown = (why: string, handOver = false) => {
    if (stopping) return;
    stopping = true;
    log().info(`supervisor ${process.pid} stopping: ${why}`);
    void supervisor
      .stop()
      .then(() => served?.close())
      .then(async () => {
        if (!handOver) return;
        const status = await ensureSupervisor();
        log().info(`supervisor ${process.pid} handed over to pid ${status.pid}`);
      })
      .catch((error: Error) => log().warn(`supervisor: handing over: ${error.message}`))
      .finally(() => process.exit(0));
  };
  // The build whose code this process has loaded; verbs load on first use.
  const host = { build: buildStamp() };
  try {
    served = await serveSupervisor(
      supervisor,
      paths,
      () => shutdown('asked to stop'),
      async (request, send) =>
        (await import('../cli/warm-serve.js')).serveWarmCli(request, host, send),
    );
  } catch (error) {
    if (error instanceof SupervisorRunningError) {
      log().info(error.message);
      process.exit(0);
    }
    throw error;
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // A rebuild or upgrade of podrun: this process runs the old code (and the warm path
  // refuses every CLI of the new build), so a supervisor of the new build takes over.
  // The new stamp must hold for two checks: a build under way writes for a while.
  let newBuild: string | undefined;
  setInterval(() => {
    if (!served?.stillOwner()) return shutdown('another supervisor owns the socket');
    const now = buildStamp();
    if (now === host.build || now === 'unknown') newBuild = undefined;
    else if (now === newBuild) shutdown('podrun was rebuilt or upgraded', true);
    else newBuild = now;
  }, 5000).unref();
  log().info(
    `supervisor ${process.pid} started (scope ${supervisor.options.scope}, socket ${paths.socket}, back-off base ${supervisor.backoff.baseMs} ms)`,
  );
  supervisor.start();
  // After the start-up work (often an apply waiting on this supervisor), not in it.
  setTimeout(() => {
    import('../cli/warm-serve.js')
      .then((warm) => warm.preloadWarmVerbs())
      .catch((error: Error) =>
        log().warn(`supervisor: preloading the warm path: ${error.message}`),
      );
  }, 2000).unref();
}

main().catch((error) => {
  process.stderr.write(`podrun supervisor: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
