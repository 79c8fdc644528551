// podrun's command line: commander verbs that stay thin over src/pod. Each verb's
// module is imported only when that verb runs, so `--version` and `--help` load
// nothing heavy.
import { Command, InvalidArgumentError, Option } from 'commander';
import { PODRUN_VERSION } from '../version.js';
import { reportError } from './report-error.js';
import { stdio } from './stdio.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface ProgramOptions {
  /**
   * Run inside the supervisor for a CLI process (warm-serve.ts): commander throws
   * instead of exiting, writes its help and errors to the verb's output, and the
   * supervisor's logging is left as it is.
   */
  hosted?: boolean;
}

export function buildProgram(setup: ProgramOptions = {}): Command {
  const program = new Command('podrun');
  if (setup.hosted)
    program.exitOverride().configureOutput({
      writeOut: (text) => stdio().out(text),
      writeErr: (text) => stdio().err(text),
    });
  program
    .description('Run Kubernetes Pods on a local Docker engine')
    .version(PODRUN_VERSION, '-v, --version')
    .addOption(
      new Option('--log-level <level>', 'podrun diagnostics level')
        .choices(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'])
        .default(process.env.PODRUN_LOG_LEVEL ?? 'warn'),
    )
    .addOption(
      new Option('--log-format <format>', 'diagnostics format')
        .choices(['pretty', 'json'])
        .default('pretty'),
    )
    .showHelpAfterError('(run podrun --help for usage)')
    .hook('preAction', async (command) => {
      if (setup.hosted) return;
      const { configureLogging } = await import('../log.js');
      const options = command.opts<{ logLevel: string; logFormat: 'pretty' | 'json' }>();
      configureLogging({ level: options.logLevel, format: options.logFormat });
    });

  program
    .command('apply')
    .description('create or update pods, configmaps, secrets and claims from manifests')
    .requiredOption(
      '-f, --filename <path>',
      'manifest file, directory, or - for stdin (repeatable)',
      collect,
    )
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .addOption(
      new Option('--validate <mode>', 'schema validation')
        .choices(['strict', 'warn', 'ignore'])
        .default('strict'),
    )
    .option('--dry-run', 'print the plan (Docker create options) and create nothing')
    .option(
      '--pause-image <image>',
      'pause image (default: registry.k8s.io/pause:3.10, else built locally)',
    )
    .option(
      '--wait [timeout]',
      'wait until every pod is Ready (or Succeeded); timeout like 90s or 5m (default 5m)',
    )
    .action(async (options) => (await import('./commands/apply.js')).runApply(options));

  program
    .command('up')
    .description(
      'apply, stream every container log, supervise; Ctrl-C stops and removes everything',
    )
    .requiredOption('-f, --filename <path>', 'manifest file or directory (repeatable)', collect)
    .option('-n, --namespace <ns>', 'namespace for objects that name none', 'default')
    .option('--abort-on-container-exit', 'stop everything when any app container exits')
    .option('--pause-image <image>', 'pause image')
    .action(async (options) => (await import('./commands/up.js')).runUp(options));

  program
    .command('supervisor')
    .description('the background supervisor that restarts, probes and rebuilds pods')
    .argument('<action>', 'status | start | stop | run (foreground)')
    .action(async (action) => (await import('./commands/supervisor.js')).runSupervisor(action));

  program
    .command('delete')
    .description(
      'delete pods (gracefully), services or workloads by name, by label, all of a namespace, or by manifest',
    )
    .argument('[type]', 'pod, svc, deployment, rs, ds, job or cronjob')
    .argument('[names...]', 'names')
    .option('-f, --filename <path>', 'delete what these manifests declare (repeatable)', collect)
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--all', 'every object of the type in the namespace')
    .option(
      '-l, --selector <selector>',
      'objects whose labels match (k=v, k!=v, k in (a,b), k, !k)',
    )
    .option('-A, --all-namespaces', 'with --all or -l: every namespace')
    .option('--grace-period <seconds>', 'override terminationGracePeriodSeconds', Number)
    .action(async (type, names, options) =>
      (await import('./commands/delete.js')).runDelete(type, names, options),
    );

  program
    .command('create')
    .description('create a job from a cronjob now (create job NAME --from=cronjob/NAME)')
    .argument('<type>', 'job')
    .argument('<name>', "the new Job's name")
    .requiredOption('--from <cronjob>', 'cronjob/NAME whose jobTemplate the Job is made from')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(async (type: string, name: string, options) => {
      if (type !== 'job')
        throw new Error(`podrun creates jobs only (create job NAME --from=cronjob/X), not ${type}`);
      return (await import('./commands/create-job.js')).runCreateJob(name, options);
    });

  program
    .command('scale')
    .description('set the replicas of a deployment or replicaset')
    .argument('<type>', 'deployment/NAME, deployment, rs/NAME or rs')
    .argument('[names...]', 'names')
    .requiredOption('--replicas <count>', 'the new number of replicas', Number)
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .action(async (type, names, options) =>
      (await import('./commands/workloads.js')).runScale(type, names, options),
    );

  program
    .command('rollout')
    .description('status, restart, undo, history, pause or resume the rollout of a deployment')
    .argument('<action>', 'status | restart | undo | history | pause | resume')
    .argument('<type>', 'deployment/NAME or deployment')
    .argument('[name]', 'name (with the deployment form)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('--timeout <duration>', 'status: give up after this long (0s: never)', '0s')
    .option('-w, --watch [bool]', 'status: watch until done (-w=false: print once)', true)
    .option('--to-revision <n>', 'undo: the revision to go back to (0: the previous one)')
    .action(async (action, type, name, options) =>
      (await import('./commands/rollout.js')).runRollout(action, type, name, options),
    );

  program
    .command('get')
    .description(
      'list pods, services, endpoints, deployments or replicasets (all: pods and services)',
    )
    .argument('<type>', 'pods | svc | endpoints | deploy | rs | all')
    .argument('[names...]', 'names')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-A, --all-namespaces', 'every namespace')
    .option('-l, --selector <selector>', 'label selector (k=v, k!=v, k in (a,b), k, !k)')
    .option(
      '--field-selector <selector>',
      'metadata.name, metadata.namespace, status.phase, ... (=, ==, !=, comma-joined)',
    )
    .addOption(
      new Option(
        '-o, --output <format>',
        'wide, json, yaml, name, jsonpath=TEMPLATE, custom-columns=SPEC, custom-columns-file=FILE',
      ).argParser((value: string) => {
        if (
          ['wide', 'json', 'yaml', 'name'].includes(value) ||
          /^(jsonpath|custom-columns|custom-columns-file)=/.test(value)
        )
          return value;
        throw new InvalidArgumentError(
          'Allowed choices are wide, json, yaml, name, jsonpath=TEMPLATE, custom-columns=SPEC, custom-columns-file=FILE.',
        );
      }),
    )
    .option('--no-headers', 'no header line')
    .option('--show-labels', 'a LABELS column last')
    .option(
      '-L, --label-columns <keys>',
      'a column per label key (comma-separated, repeatable)',
      collect,
    )
    .option(
      '--sort-by <jsonpath>',
      'order by this field, e.g. .metadata.name or {.status.startTime}',
    )
    .option('-w, --watch', 'pods: print the table, then a row per change, until Ctrl-C')
    .option('--watch-only', 'pods: only the rows of changes')
    .action(async (type, names, options) =>
      (await import('./commands/get.js')).runGet(type, names, {
        ...options,
        // commander's --no-headers is `headers: false`.
        noHeaders: options.headers === false,
      }),
    );

  program
    .command('cp')
    .description('copy files and directories to and from a pod (no tar needed in the image)')
    .argument('<source>', '[NS/]POD:PATH or a local path')
    .argument('<destination>', '[NS/]POD:PATH or a local path')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', "container (default: the pod's default container)")
    .action(async (source, destination, options) =>
      (await import('./commands/cp.js')).runCp(source, destination, options),
    );

  program
    .command('wait')
    .description('wait until pods meet a condition (Ready, delete, a jsonpath value)')
    .argument('<resources...>', 'pod/NAME..., or pods with -l or --all')
    .requiredOption(
      '--for <condition>',
      'delete | condition=NAME[=VALUE] | jsonpath={PATH}[=VALUE]',
    )
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-l, --selector <selector>', 'label selector (k=v, k!=v, k in (a,b), k, !k)')
    .option('--all', 'every pod of the namespace')
    .option('--timeout <duration>', 'give up after this long (0: check once)', '30s')
    .action(async (resources, options) =>
      (await import('./commands/wait.js')).runWait(resources, options),
    );

  program
    .command('describe')
    .description('show a pod, service or workload in detail')
    .argument('<type>', 'pod, svc, deployment, rs, ds, job or cronjob')
    .argument('[name]', 'its name; none: every one of the type (or those -l selects)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-l, --selector <selector>', 'every one whose labels match')
    .action(async (type, name, options) =>
      (await import('./commands/describe.js')).runDescribe(type, name, options),
    );

  program
    .command('logs')
    .description("print a container's logs")
    .argument('[pod]', 'pod name (or pod/NAME)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-l, --selector <selector>', 'every matching pod (last 10 lines unless --tail)')
    .option('--max-log-requests <n>', 'with -l -f: most streams followed at once', Number, 5)
    .option('-c, --container <name>', 'container (default: the default container)')
    .option('--all-containers', 'every container of the pod')
    .option('-f, --follow', 'stream new lines')
    .option('--tail <lines>', 'last N lines', Number)
    .option('--since <duration>', 'only newer than a relative duration like 5s, 2m, 3h')
    .option('--timestamps', 'prefix each line with its timestamp')
    .option('-p, --previous', 'the previous instance of the container')
    .option('--prefix', 'prefix each line with [pod/container]')
    .action(async (pod, options) => (await import('./commands/logs.js')).runLogs(pod, options));

  program
    .command('port-forward')
    .description(
      "forward local ports to a pod (a Service's or Deployment's pod, chosen per connection) until Ctrl-C",
    )
    .argument('<target>', 'pod/NAME (or NAME), svc/NAME or deploy/NAME')
    .argument('<ports...>', '[LOCAL:]REMOTE (LOCAL empty or 0: a free port, printed)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option(
      '--address <addresses>',
      'addresses to listen on, comma-separated: localhost (default) or IPs',
      collect,
    )
    .action(async (target, ports, options) =>
      (await import('./commands/port-forward.js')).runPortForward(target, ports, options),
    );

  program
    .command('exec')
    .description('run a command in a container of a pod')
    .argument('<pod>', 'pod name (or pod/NAME)')
    .argument('<command...>', 'command and arguments (after --)')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-c, --container <name>', 'container (default: the default container)')
    .option('-i, --stdin', 'pass stdin to the command')
    .option('-t, --tty', 'allocate a TTY')
    .action(async (pod, command, options) =>
      (await import('./commands/exec.js')).runExec(pod, command, options),
    );

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `podrun get pods -o name | head -1`: the reader went away. Stop quietly as kubectl
  // does, instead of an unhandled EPIPE stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error);
  }
}
