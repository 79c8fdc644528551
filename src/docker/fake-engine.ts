// An in-memory engine for unit tests (no daemon), faithful to the real one where
// podrun depends on it: unique container names (409), 404 for unknown ids and names,
// lookup by name or unique id prefix, label filters, created/running/exited states
// with ExitCode/StartedAt/FinishedAt, `container:<id>` joiners that fail to start
// when their owner is not running (409), stop/kill semantics (304, 409), wait,
// volumes in use (409), networks with active endpoints (403) and the engine's racy
// duplicate-name check (allowDuplicateNetworks), the event stream, small archives,
// scripted exec results. Status codes and messages are the ones Docker 20.10 answers.
//
// Nothing runs: a container's process ends when the test says (`exit`), or on stop
// and kill. Time stands still unless the test moves it (`advanceClock`), or follows a
// time source the test controls (`new FakeEngine({ now: () => Date.now() })` under
// vitest's fake timers: code that compares the engine's timestamps with Date.now(),
// as the lifecycle does, then sees one clock). Every call can be held at a gate
// (`hold`) so a test scripts an interleaving exactly.
// Every call is recorded (`calls`, `callLog()`).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import type Docker from 'dockerode';
import { extract, pack } from 'tar-stream';
import type {
  Engine,
  EngineFilters,
  EngineVolume,
  EventsQuery,
  ExecRequest,
  LogsQuery,
  ProgressMessage,
} from './engine.js';
import { engineError } from './errors.js';

export type EngineOp = Exclude<keyof Engine, 'hintKey'>;

export interface FakeCall {
  /** Order of arrival, from 1. */
  seq: number;
  op: EngineOp;
  args: unknown[];
  /** Set once the call finished with an error. */
  error?: unknown;
  done: boolean;
}

/** A held call: the test lets it go on (or fail) when its script says so. */
export interface Gate {
  /** Resolves with the call once one reached the gate. */
  readonly reached: Promise<FakeCall>;
  release(): void;
  /** Let the held call reject with this error instead of going on. */
  fail(error: unknown): void;
}

export interface HoldOptions {
  /**
   * 'before' (default): the engine has not acted yet; 'after': it has (or refused:
   * the call's `error` is set), the caller has not heard.
   */
  when?: 'before' | 'after';
}

export interface ExecCall {
  containerId: string;
  containerName: string;
  cmd: string[];
  stdin: string;
}

export interface ExecOutcome {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/** Returns the outcome for the commands it scripts, undefined for the others. */
export type ExecScript = (
  call: ExecCall,
) => ExecOutcome | undefined | Promise<ExecOutcome | undefined>;

interface FakeFile {
  type: 'file' | 'directory';
  content: Buffer;
  mode: number;
}

interface FakeContainer {
  id: string;
  name: string;
  created: number;
  /** Creation order (ties on the clock are common: it stands still). */
  order: number;
  options: Docker.ContainerCreateOptions;
  imageId: string;
  status: 'created' | 'running' | 'exited';
  removing: boolean;
  exitCode: number;
  error: string;
  startedAt?: number;
  finishedAt?: number;
  pid: number;
  ip: string;
  files: Map<string, FakeFile>;
  logs: Array<{ stream: 1 | 2; data: Buffer; time: number }>;
  waiters: Array<() => void>;
  followers: Set<PassThrough>;
}

interface FakeNetwork {
  id: string;
  name: string;
  created: number;
  options: Docker.NetworkCreateOptions;
  builtin: boolean;
  subnet: number;
  nextHost: number;
}

interface FakeVolume {
  name: string;
  labels: Record<string, string>;
  options: Record<string, string>;
  created: number;
  files: Map<string, FakeFile>;
}

interface FakeImage {
  id: string;
  tags: Set<string>;
  config: { User?: string; Labels?: Record<string, string>; Env?: string[]; Cmd?: string[] };
  created: number;
}

interface FakeEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: 'local';
  time: number;
  timeNano: number;
}

interface HeldGate {
  op: EngineOp;
  match?: (...args: never[]) => boolean;
  when: 'before' | 'after';
  caught: boolean;
  arrive: (call: FakeCall) => void;
  opened: Promise<void>;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGUSR2: 12,
  SIGTERM: 15,
};
/** Signals whose default action does not end a process. */
const HARMLESS = new Set(['SIGCHLD', 'SIGWINCH', 'SIGURG', 'SIGCONT']);

function normalizeRef(ref: string): string {
  if (ref.includes('@') || ref.startsWith('sha256:')) return ref;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  return lastPart.includes(':') ? ref : `${ref}:latest`;
}

/** `key` or `key=value` label filters, all of which must hold. */
function labelsMatch(labels: Record<string, string> | undefined, filters: string[] = []): boolean {
  return filters.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return labels?.[filter] !== undefined;
    return labels?.[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED /var/run/docker.sock'), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: '/var/run/docker.sock',
  });
}

export class FakeEngine implements Engine {
  /** Every call, in order of arrival. */
  readonly calls: FakeCall[] = [];
  /** Let two creates of one network name both succeed, as the engine's racy check can. */
  allowDuplicateNetworks = false;
  /** The engine's API version (1.45+ mounts volume subpaths itself). */
  apiVersion = '1.41';
  arch = 'amd64';
  /** The resolv.conf every container starts with. */
  resolvConf = 'nameserver 127.0.0.11\noptions ndots:0\n';

  private ownClock = Date.parse('2026-01-01T00:00:00Z');
  private readonly timeSource: (() => number) | undefined;
  private seq = 0;
  private counter = 0;
  private down = false;
  private readonly gates: HeldGate[] = [];
  private readonly containers = new Map<string, FakeContainer>();
  private readonly networks = new Map<string, FakeNetwork>();
  private readonly volumes = new Map<string, FakeVolume>();
  private readonly images = new Map<string, FakeImage>();
  private readonly registry = new Map<string, FakeImage['config']>();
  private readonly eventLog: FakeEvent[] = [];
  private readonly subscribers = new Set<{ stream: PassThrough; filters: EngineFilters }>();
  private readonly execScripts: ExecScript[] = [];

  constructor(options: { now?: () => number } = {}) {
    this.timeSource = options.now;
    for (const name of ['bridge', 'host', 'none']) {
      const id = this.newId();
      this.networks.set(id, {
        id,
        name,
        created: this.clock,
        options: { Name: name, Driver: name === 'bridge' ? 'bridge' : name },
        builtin: true,
        subnet: 17,
        nextHost: 2,
      });
    }
  }

  // ---- Test controls ------------------------------------------------------------

  /** The fake's clock, ms since the epoch; it moves only here. */
  now(): number {
    return this.clock;
  }

  advanceClock(ms: number): void {
    if (this.timeSource) throw new Error('fake: the clock follows its time source; move that');
    this.ownClock += ms;
  }

  private get clock(): number {
    return this.timeSource ? this.timeSource() : this.ownClock;
  }

  /** A container as it stands now, synchronously (for gate matchers); undefined if none. */
  peek(idOrName: string): { id: string; name: string; status: string } | undefined {
    try {
      const { id, name, status } = this.container(idOrName);
      return { id, name, status };
    } catch {
      return undefined;
    }
  }

  /** Hold the next call of `op` (that `match` accepts) at a gate the test opens later. */
  hold<K extends EngineOp>(
    op: K,
    match?: (...args: Parameters<Engine[K]>) => boolean,
    options: HoldOptions = {},
  ): Gate {
    let arrive!: (call: FakeCall) => void;
    const reached = new Promise<FakeCall>((resolve) => {
      arrive = resolve;
    });
    let open!: () => void;
    let shut!: (error: unknown) => void;
    const opened = new Promise<void>((resolve, reject) => {
      open = resolve;
      shut = reject;
    });
    opened.catch(() => undefined);
    this.gates.push({
      op,
      match: match as HeldGate['match'],
      when: options.when ?? 'before',
      caught: false,
      arrive,
      opened,
    });
    return { reached, release: () => open(), fail: (error) => shut(error) };
  }

  /** "op subject" per call, in order: what a test asserts an interleaving with. */
  callLog(ops?: EngineOp[]): string[] {
    return this.calls
      .filter((call) => !ops || ops.includes(call.op))
      .map((call) => `${call.op} ${subjectOf(call.args)}`.trim());
  }

  /** Answer every call with ECONNREFUSED, as a stopped engine does (or answer again). */
  setDown(down: boolean): void {
    this.down = down;
  }

  /** An image the engine has locally. */
  addImage(ref: string, config: FakeImage['config'] = {}): string {
    return this.tagImage(ref, config);
  }

  /** An image a pull can fetch. */
  addRegistryImage(ref: string, config: FakeImage['config'] = {}): void {
    this.registry.set(normalizeRef(ref), config);
  }

  /** Script exec results; the newest script that answers wins, else exit 0 and no output. */
  onExec(script: ExecScript): void {
    this.execScripts.unshift(script);
  }

  /** The container's main process ends by itself with this exit code. */
  exit(idOrName: string, exitCode: number): void {
    const container = this.container(idOrName);
    if (container.status !== 'running') throw new Error(`fake: ${idOrName} is not running`);
    this.finish(container, exitCode);
  }

  /** A line in the container's log, as its process would write it. */
  writeLog(idOrName: string, stream: 'stdout' | 'stderr', text: string): void {
    const container = this.container(idOrName);
    const entry = {
      stream: stream === 'stdout' ? 1 : 2,
      data: Buffer.from(text),
      time: this.clock,
    } as const;
    container.logs.push(entry);
    for (const follower of container.followers) follower.write(this.frame(container, entry, false));
  }

  /** A file in a container's filesystem (or the volume mounted there). */
  writeFile(idOrName: string, path: string, content: string, mode = 0o644): void {
    const container = this.container(idOrName);
    const { store, key } = this.resolvePath(container, path);
    store.set(key, { type: 'file', content: Buffer.from(content), mode });
  }

  /** A file's content in a container's filesystem, or undefined. */
  fileContent(idOrName: string, path: string): string | undefined {
    const container = this.container(idOrName);
    const { store, key } = this.resolvePath(container, path);
    return store.get(key)?.content.toString('utf8');
  }

  // ---- Containers -----------------------------------------------------------------

  createContainer(options: Docker.ContainerCreateOptions): Promise<string> {
    return this.call('createContainer', [options], () => {
      const name = (options.name ?? `fake_${++this.counter}`).replace(/^\//, '');
      const taken = [...this.containers.values()].find((c) => c.name === name);
      if (taken) {
        throw engineError(
          409,
          `Conflict. The container name "/${name}" is already in use by container "${taken.id}". You have to remove (or rename) that container to be able to reuse that name.`,
        );
      }
      const image = this.findImage(String(options.Image));
      if (!image) throw engineError(404, `No such image: ${options.Image}`);
      const mode = options.HostConfig?.NetworkMode ?? 'default';
      if (this.isUserNetwork(mode) && !this.findNetwork(mode)) {
        throw engineError(404, `network ${mode} not found`);
      }
      for (const volume of this.volumeNamesOf(options)) {
        if (this.volumes.has(volume)) continue;
        // As the engine: a mount's VolumeOptions label and configure the volume it makes.
        const mount = (options.HostConfig?.Mounts ?? []).find((m) => m.Source === volume);
        const made = mount?.VolumeOptions;
        this.makeVolume({
          Name: volume,
          Labels: made?.Labels,
          DriverOpts: made?.DriverConfig?.Options,
        });
      }
      const id = this.newId();
      const container: FakeContainer = {
        id,
        name,
        created: this.clock,
        order: ++this.counter,
        options,
        imageId: image.id,
        status: 'created',
        removing: false,
        exitCode: 0,
        error: '',
        pid: 0,
        ip: '',
        files: new Map(),
        logs: [],
        waiters: [],
        followers: new Set(),
      };
      const file = (content: string): FakeFile => ({
        type: 'file',
        content: Buffer.from(content),
        mode: 0o644,
      });
      container.files.set('/etc/resolv.conf', file(this.resolvConf));
      container.files.set('/etc/hostname', file(`${options.Hostname ?? id.slice(0, 12)}\n`));
      container.files.set('/etc/hosts', file('127.0.0.1\tlocalhost\n'));
      this.containers.set(id, container);
      this.emit('container', 'create', id, this.containerAttributes(container));
      return id;
    });
  }

  startContainer(id: string): Promise<void> {
    return this.call('startContainer', [id], () => {
      const container = this.container(id);
      if (container.status === 'running') throw engineError(304, 'container already started');
      const host = container.options.HostConfig ?? {};
      const joins: Array<[string | undefined, string]> = [
        [host.NetworkMode, 'network'],
        [host.IpcMode, 'IPC'],
        [host.PidMode, 'PID namespace'],
      ];
      try {
        for (const [mode, what] of joins) {
          if (!mode?.startsWith('container:')) continue;
          const owner = this.container(mode.slice('container:'.length));
          if (owner.status !== 'running') {
            throw engineError(409, `cannot join ${what} of a non running container: ${owner.id}`);
          }
          if (what === 'IPC' && owner.options.HostConfig?.IpcMode !== 'shareable') {
            throw engineError(
              500,
              `joining IPC of container ${owner.id}: non-shareable IPC (hint: use IpcMode:shareable for the donor container)`,
            );
          }
        }
        const mode = host.NetworkMode ?? 'default';
        if (this.isUserNetwork(mode)) {
          const network = this.findNetwork(mode);
          if (!network) throw engineError(404, `network ${mode} not found`);
          container.ip = `10.89.${network.subnet}.${network.nextHost++}`;
        } else if (mode === 'default' || mode === 'bridge') {
          const bridge = this.findNetwork('bridge')!;
          container.ip = `172.17.0.${bridge.nextHost++}`;
        }
      } catch (error) {
        // As the engine: the failed start is recorded on the container.
        container.exitCode = 128;
        container.error = (error as Error & { json?: { message?: string } }).json?.message ?? '';
        throw error;
      }
      container.status = 'running';
      container.startedAt = this.clock;
      container.finishedAt = undefined;
      container.exitCode = 0;
      container.error = '';
      container.pid = 1000 + ++this.counter;
      this.emit('container', 'start', container.id, this.containerAttributes(container));
    });
  }

  inspectContainer(idOrName: string): Promise<Docker.ContainerInspectInfo> {
    return this.call('inspectContainer', [idOrName], () =>
      this.inspectInfo(this.container(idOrName)),
    );
  }

  stopContainer(id: string, options: { t: number }): Promise<void> {
    return this.call('stopContainer', [id, options], () => {
      const container = this.container(id);
      if (container.status !== 'running') throw engineError(304, 'container already stopped');
      const signal = container.options.StopSignal ?? 'SIGTERM';
      this.emit('container', 'kill', container.id, {
        ...this.containerAttributes(container),
        signal: String(SIGNALS[signal] ?? 15),
      });
      this.finish(container, 128 + (SIGNALS[signal] ?? 15));
      this.emit('container', 'stop', container.id, this.containerAttributes(container));
    });
  }

  killContainer(id: string, options: { signal: string }): Promise<void> {
    return this.call('killContainer', [id, options], () => {
      const container = this.container(id);
      if (container.status !== 'running') {
        throw engineError(
          409,
          `Cannot kill container: ${id}: Container ${container.id} is not running`,
        );
      }
      const signal = options.signal.startsWith('SIG') ? options.signal : `SIG${options.signal}`;
      this.emit('container', 'kill', container.id, {
        ...this.containerAttributes(container),
        signal: String(SIGNALS[signal] ?? signal),
      });
      if (!HARMLESS.has(signal)) this.finish(container, 128 + (SIGNALS[signal] ?? 15));
    });
  }

  removeContainer(id: string, options: { force: boolean; v: boolean }): Promise<void> {
    return this.call('removeContainer', [id, options], () => {
      const container = this.container(id);
      if (container.removing) {
        throw engineError(409, `removal of container ${id} is already in progress`);
      }
      if (container.status === 'running') {
        if (!options.force) {
          throw engineError(
            409,
            `You cannot remove a running container ${container.id}. Stop the container before attempting removal or force remove`,
          );
        }
        this.emit('container', 'kill', container.id, {
          ...this.containerAttributes(container),
          signal: '9',
        });
        this.finish(container, 137);
      }
      this.containers.delete(container.id);
      this.emit('container', 'destroy', container.id, this.containerAttributes(container));
    });
  }

  listContainers(options: {
    all: boolean;
    filters?: EngineFilters;
  }): Promise<Docker.ContainerInfo[]> {
    return this.call('listContainers', [options], () => {
      const filters = options.filters ?? {};
      return [...this.containers.values()]
        .filter((c) => options.all || c.status === 'running')
        .filter((c) => labelsMatch(c.options.Labels, filters.label))
        .filter((c) => !filters.name || filters.name.some((n) => `/${c.name}`.includes(n)))
        .filter((c) => !filters.id || filters.id.some((prefix) => c.id.startsWith(prefix)))
        .filter((c) => !filters.status || filters.status.includes(c.status))
        .sort((a, b) => b.created - a.created || b.order - a.order)
        .map((c) => this.listInfo(c));
    });
  }

  waitContainer(id: string): Promise<{ StatusCode: number }> {
    return this.call('waitContainer', [id], async () => {
      const container = this.container(id);
      if (container.status === 'running') {
        await new Promise<void>((resolve) => container.waiters.push(resolve));
      }
      return { StatusCode: container.exitCode };
    });
  }

  containerLogs(id: string, query: LogsQuery): Promise<Buffer> {
    return this.call('containerLogs', [id, query], () => {
      const container = this.container(id);
      return Buffer.concat(
        this.logEntries(container, query).map((e) => this.frame(container, e, query.timestamps)),
      );
    });
  }

  followContainerLogs(id: string, query: LogsQuery): Promise<NodeJS.ReadableStream> {
    return this.call('followContainerLogs', [id, query], () => {
      const container = this.container(id);
      const stream = new PassThrough();
      for (const entry of this.logEntries(container, query)) {
        stream.write(this.frame(container, entry, query.timestamps));
      }
      if (container.status === 'running') container.followers.add(stream);
      else stream.end();
      return stream;
    });
  }

  putArchive(id: string, tar: Buffer, options: { path: string }): Promise<void> {
    return this.call('putArchive', [id, tar, options], async () => {
      const container = this.container(id);
      if (!this.pathExists(container, options.path)) {
        throw engineError(404, `Could not find the file ${options.path} in container ${id}`);
      }
      for (const entry of await untar(tar)) {
        const path = posix.join(options.path, entry.name);
        const { store, key } = this.resolvePath(container, path);
        store.set(key, { type: entry.type, content: entry.content, mode: entry.mode });
      }
    });
  }

  statArchive(id: string, options: { path: string }): Promise<void> {
    return this.call('statArchive', [id, options], () => {
      const container = this.container(id);
      if (!this.pathExists(container, options.path)) {
        throw engineError(404, `Could not find the file ${options.path} in container ${id}`);
      }
    });
  }

  getArchive(id: string, options: { path: string }): Promise<NodeJS.ReadableStream> {
    return this.call('getArchive', [id, options], () => {
      const container = this.container(id);
      const { store, key } = this.resolvePath(container, options.path);
      const file = store.get(key);
      if (file?.type !== 'file') {
        throw engineError(404, `Could not find the file ${options.path} in container ${id}`);
      }
      const archive = pack();
      archive.entry({ name: posix.basename(options.path), mode: file.mode }, file.content);
      archive.finalize();
      return archive as unknown as NodeJS.ReadableStream;
    });
  }

  exec(id: string, request: ExecRequest): Promise<number> {
    return this.call('exec', [id, request.Cmd], async () => {
      const container = this.container(id);
      if (container.status !== 'running') {
        throw engineError(409, `Container ${container.id} is not running`);
      }
      const stdin = request.stdin ? await readAll(request.stdin) : '';
      const call = {
        containerId: container.id,
        containerName: container.name,
        cmd: request.Cmd,
        stdin,
      };
      let outcome: ExecOutcome | undefined;
      for (const script of this.execScripts) {
        outcome = await script(call);
        if (outcome) break;
      }
      outcome ??= { exitCode: 0 };
      if (outcome.stdout) request.stdout.write(outcome.stdout);
      if (outcome.stderr) (request.Tty ? request.stdout : request.stderr).write(outcome.stderr);
      return outcome.exitCode;
    });
  }

  // ---- Images ---------------------------------------------------------------------

  inspectImage(ref: string): Promise<Docker.ImageInspectInfo> {
    return this.call('inspectImage', [ref], () => {
      const image = this.findImage(ref);
      if (!image) throw engineError(404, `No such image: ${ref}`);
      return {
        Id: image.id,
        RepoTags: [...image.tags],
        Created: new Date(image.created).toISOString(),
        Architecture: this.arch,
        Os: 'linux',
        Config: { ...image.config },
      } as unknown as Docker.ImageInspectInfo;
    });
  }

  pullImage(
    ref: string,
    options: { auth?: Docker.AuthConfig; signal?: AbortSignal },
    onMessage: (message: ProgressMessage) => void,
  ): Promise<void> {
    return this.call('pullImage', [ref, { auth: options.auth ? '<auth>' : undefined }], () => {
      const key = normalizeRef(ref);
      const config = this.registry.get(key);
      if (!config) {
        const [repo, tag] = [
          key.slice(0, key.lastIndexOf(':')),
          key.slice(key.lastIndexOf(':') + 1),
        ];
        throw engineError(
          404,
          `manifest for ${repo}:${tag} not found: manifest unknown: manifest unknown`,
        );
      }
      onMessage({
        status: `Pulling from ${key.slice(0, key.lastIndexOf(':'))}`,
        id: key.slice(key.lastIndexOf(':') + 1),
      });
      const id = this.tagImage(key, config);
      onMessage({ status: `Digest: ${id}` });
      onMessage({ status: `Status: Downloaded newer image for ${key}` });
      this.emit('image', 'pull', key, { name: key });
    });
  }

  buildImage(
    context: Buffer,
    query: Record<string, unknown>,
    onMessage: (message: ProgressMessage) => void,
  ): Promise<void> {
    return this.call('buildImage', [query], async () => {
      const dockerfileName = String(query.dockerfile ?? 'Dockerfile');
      const dockerfile = (await untar(context)).find((e) => e.name === dockerfileName);
      if (!dockerfile) {
        onMessage({
          error: `Cannot locate specified Dockerfile: ${dockerfileName}`,
          errorDetail: { message: `Cannot locate specified Dockerfile: ${dockerfileName}` },
        });
        return;
      }
      const config: FakeImage['config'] = { Labels: {} };
      const lines = dockerfile.content
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim());
      lines.forEach((line, index) => {
        onMessage({ stream: `Step ${index + 1}/${lines.length} : ${line}\n` });
        const [instruction = '', ...rest] = line.trim().split(/\s+/);
        const argument = rest.join(' ');
        if (instruction.toUpperCase() === 'USER') config.User = argument;
        if (instruction.toUpperCase() === 'LABEL') {
          for (const match of argument.matchAll(
            /("(?:[^"\\]|\\.)*"|[^\s=]+)=("(?:[^"\\]|\\.)*"|\S+)/g,
          )) {
            const unquote = (text: string) =>
              text.startsWith('"') ? (JSON.parse(text) as string) : text;
            config.Labels![unquote(match[1]!)] = unquote(match[2]!);
          }
        }
      });
      const tags = ([] as unknown[]).concat(query.t ?? []).map(String);
      let id = '';
      for (const tag of tags) id = this.tagImage(tag, config, id || undefined);
      if (!id) id = this.tagImage(undefined, config);
      onMessage({ aux: { ID: id } });
      onMessage({ stream: `Successfully built ${id.slice(7, 19)}\n` });
    });
  }

  pruneImages(filters: EngineFilters): Promise<void> {
    return this.call('pruneImages', [filters], () => {
      for (const [id, image] of this.images) {
        if (image.tags.size > 0) continue;
        if (!labelsMatch(image.config.Labels, filters.label)) continue;
        if ([...this.containers.values()].some((c) => c.imageId === id)) continue;
        this.images.delete(id);
        this.emit('image', 'delete', id, { name: id });
      }
    });
  }

  // ---- Networks -------------------------------------------------------------------

  listNetworks(filters: EngineFilters): Promise<Docker.NetworkInspectInfo[]> {
    return this.call('listNetworks', [filters], () =>
      [...this.networks.values()]
        .filter((n) => !filters.name || filters.name.some((name) => n.name.includes(name)))
        .filter((n) => !filters.id || filters.id.some((prefix) => n.id.startsWith(prefix)))
        .filter((n) => labelsMatch(n.options.Labels, filters.label))
        // The list leaves Containers empty, as the engine's does; inspect fills it.
        .map((n) => ({ ...this.networkInfo(n), Containers: {} })),
    );
  }

  createNetwork(options: Docker.NetworkCreateOptions): Promise<string> {
    return this.call('createNetwork', [options], () => {
      const exists = [...this.networks.values()].some((n) => n.name === options.Name);
      if (exists && !this.allowDuplicateNetworks) {
        throw engineError(409, `network with name ${options.Name} already exists`);
      }
      const id = this.newId();
      this.networks.set(id, {
        id,
        name: options.Name,
        created: this.clock,
        options,
        builtin: false,
        subnet: 100 + this.networks.size,
        nextHost: 2,
      });
      this.emit('network', 'create', id, { name: options.Name, type: options.Driver ?? 'bridge' });
      return id;
    });
  }

  inspectNetwork(id: string): Promise<Docker.NetworkInspectInfo> {
    return this.call('inspectNetwork', [id], () => this.networkInfo(this.network(id)));
  }

  removeNetwork(id: string): Promise<void> {
    return this.call('removeNetwork', [id], () => {
      const network = this.network(id);
      if (network.builtin) {
        throw engineError(403, `${network.name} is a pre-defined network and cannot be removed`);
      }
      if (this.endpointsOf(network).length > 0) {
        throw engineError(
          403,
          `error while removing network: network ${network.name} id ${network.id} has active endpoints`,
        );
      }
      this.networks.delete(network.id);
      this.emit('network', 'destroy', network.id, { name: network.name, type: 'bridge' });
    });
  }

  // ---- Volumes --------------------------------------------------------------------

  createVolume(options: Docker.VolumeCreateOptions): Promise<void> {
    return this.call('createVolume', [options], () => {
      const name = String(options.Name ?? this.newId());
      if (!this.volumes.has(name)) this.makeVolume({ ...options, Name: name });
    });
  }

  inspectVolume(name: string): Promise<EngineVolume> {
    return this.call('inspectVolume', [name], () => this.volumeInfo(this.volume(name)));
  }

  removeVolume(name: string): Promise<void> {
    return this.call('removeVolume', [name], () => {
      const volume = this.volume(name);
      const users = [...this.containers.values()].filter((c) =>
        this.volumeNamesOf(c.options).includes(name),
      );
      if (users.length > 0) {
        throw engineError(
          409,
          `remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`,
        );
      }
      this.volumes.delete(volume.name);
      this.emit('volume', 'destroy', volume.name, { driver: 'local' });
    });
  }

  listVolumes(filters: EngineFilters): Promise<EngineVolume[]> {
    return this.call('listVolumes', [filters], () =>
      [...this.volumes.values()]
        .filter((v) => labelsMatch(v.labels, filters.label))
        .filter((v) => !filters.name || filters.name.some((name) => v.name.includes(name)))
        .map((v) => this.volumeInfo(v)),
    );
  }

  // ---- System ---------------------------------------------------------------------

  version(options: { fresh?: boolean } = {}): Promise<Docker.DockerVersion> {
    return this.call('version', [options], () => {
      const [major, minor] = this.apiVersion.split('.');
      return {
        Version: `fake-${major}.${minor}`,
        ApiVersion: this.apiVersion,
        MinAPIVersion: '1.12',
        Arch: this.arch,
        Os: 'linux',
        KernelVersion: '6.0.0',
        GoVersion: 'go1.19',
        GitCommit: 'fake',
      } as unknown as Docker.DockerVersion;
    });
  }

  ping(): Promise<void> {
    return this.call('ping', [], () => undefined);
  }

  /**
   * Events since `since` (and up to `until`). Without `until` the stream stays open
   * for new events; with it, it ends after the recorded ones (the fake's clock does
   * not move by itself, so there is nothing to wait for).
   */
  events(query: EventsQuery): Promise<NodeJS.ReadableStream> {
    return this.call('events', [query], () => {
      const filters = query.filters ?? {};
      const stream = new PassThrough();
      for (const event of this.eventLog) {
        if (query.since !== undefined && event.time < query.since) continue;
        if (query.until !== undefined && event.time > query.until) continue;
        if (eventMatches(event, filters)) stream.write(`${JSON.stringify(event)}\n`);
      }
      if (query.until !== undefined) {
        stream.end();
      } else {
        const subscriber = { stream, filters };
        this.subscribers.add(subscriber);
        stream.on('close', () => this.subscribers.delete(subscriber));
      }
      return stream;
    });
  }

  // ---- Internals ------------------------------------------------------------------

  private async call<T>(op: EngineOp, args: unknown[], body: () => T | Promise<T>): Promise<T> {
    const call: FakeCall = { seq: ++this.seq, op, args, done: false };
    this.calls.push(call);
    // Every answer comes asynchronously, as from a socket.
    await Promise.resolve();
    try {
      if (this.down) throw connectionRefused();
      await this.passGate(call, 'before');
      let result: T;
      try {
        result = await body();
      } catch (error) {
        // A refusal (404, 409 ...) is an answer too: an 'after' gate holds it as well.
        call.error = error;
        await this.passGate(call, 'after');
        throw error;
      }
      await this.passGate(call, 'after');
      return result;
    } catch (error) {
      call.error = error;
      throw error;
    } finally {
      call.done = true;
    }
  }

  private async passGate(call: FakeCall, when: 'before' | 'after'): Promise<void> {
    const gate = this.gates.find(
      (g) =>
        !g.caught &&
        g.op === call.op &&
        g.when === when &&
        (!g.match || (g.match as (...args: unknown[]) => boolean)(...call.args)),
    );
    if (!gate) return;
    gate.caught = true;
    gate.arrive(call);
    await gate.opened;
  }

  private newId(): string {
    return createHash('sha256')
      .update(`fake-${++this.counter}`)
      .digest('hex');
  }

  private emit(type: string, action: string, id: string, attributes: Record<string, string>) {
    const event: FakeEvent = {
      Type: type,
      Action: action,
      Actor: { ID: id, Attributes: attributes },
      scope: 'local',
      time: Math.floor(this.clock / 1000),
      timeNano: this.clock * 1e6,
    };
    this.eventLog.push(event);
    for (const subscriber of this.subscribers) {
      if (eventMatches(event, subscriber.filters)) {
        subscriber.stream.write(`${JSON.stringify(event)}\n`);
      }
    }
  }

  private containerAttributes(container: FakeContainer): Record<string, string> {
    return {
      ...container.options.Labels,
      image: String(container.options.Image),
      name: container.name,
    };
  }

  private finish(container: FakeContainer, exitCode: number): void {
    container.status = 'exited';
    container.exitCode = exitCode;
    container.finishedAt = this.clock;
    container.pid = 0;
    container.ip = '';
    this.emit('container', 'die', container.id, {
      ...this.containerAttributes(container),
      exitCode: String(exitCode),
    });
    for (const follower of container.followers) follower.end();
    container.followers.clear();
    for (const waiter of container.waiters.splice(0)) waiter();
  }

  /** By full id, name, or unique id prefix, as the engine looks containers up. */
  private container(idOrName: string): FakeContainer {
    const ref = idOrName.replace(/^\//, '');
    const exact =
      this.containers.get(ref) ?? [...this.containers.values()].find((c) => c.name === ref);
    if (exact) return exact;
    const prefixed = ref ? [...this.containers.values()].filter((c) => c.id.startsWith(ref)) : [];
    if (prefixed.length === 1) return prefixed[0]!;
    if (prefixed.length > 1)
      throw engineError(400, `multiple IDs found with provided prefix: ${ref}`);
    throw engineError(404, `No such container: ${idOrName}`);
  }

  private network(idOrName: string): FakeNetwork {
    const byId = this.networks.get(idOrName);
    if (byId) return byId;
    const named = [...this.networks.values()].filter((n) => n.name === idOrName);
    if (named.length === 1) return named[0]!;
    if (named.length > 1) {
      throw engineError(
        400,
        `network ${idOrName} is ambiguous (${named.length} matches found based on name)`,
      );
    }
    const prefixed = [...this.networks.values()].filter((n) => n.id.startsWith(idOrName));
    if (prefixed.length === 1) return prefixed[0]!;
    throw engineError(404, `network ${idOrName} not found`);
  }

  private findNetwork(idOrName: string): FakeNetwork | undefined {
    try {
      return this.network(idOrName);
    } catch {
      return undefined; // unknown or ambiguous: the caller says which
    }
  }

  private isUserNetwork(mode: string): boolean {
    return !['default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');
  }

  private endpointsOf(network: FakeNetwork): FakeContainer[] {
    return [...this.containers.values()].filter((c) => {
      if (c.status !== 'running') return false;
      const mode = c.options.HostConfig?.NetworkMode ?? 'default';
      const name = mode === 'default' ? 'bridge' : mode;
      return name === network.name || name === network.id;
    });
  }

  private networkInfo(network: FakeNetwork): Docker.NetworkInspectInfo {
    const containers: Record<string, unknown> = {};
    for (const c of this.endpointsOf(network)) {
      containers[c.id] = { Name: c.name, EndpointID: this.newId(), IPv4Address: `${c.ip}/24` };
    }
    return {
      Name: network.name,
      Id: network.id,
      Created: new Date(network.created).toISOString(),
      Scope: 'local',
      Driver: network.options.Driver ?? 'bridge',
      EnableIPv6: false,
      IPAM: { Driver: 'default', Config: [{ Subnet: `10.89.${network.subnet}.0/24` }] },
      Internal: Boolean(network.options.Internal),
      Attachable: Boolean(network.options.Attachable),
      Ingress: false,
      ConfigOnly: false,
      Containers: containers,
      Options: network.options.Options ?? {},
      Labels: network.options.Labels ?? {},
    } as Docker.NetworkInspectInfo;
  }

  private makeVolume(options: Docker.VolumeCreateOptions): void {
    const name = String(options.Name);
    this.volumes.set(name, {
      name,
      labels: (options.Labels as Record<string, string> | undefined) ?? {},
      options: (options.DriverOpts as Record<string, string> | undefined) ?? {},
      created: this.clock,
      files: new Map(),
    });
    this.emit('volume', 'create', name, { driver: 'local' });
  }

  private volume(name: string): FakeVolume {
    const volume = this.volumes.get(name);
    if (!volume) throw engineError(404, `get ${name}: no such volume`);
    return volume;
  }

  private volumeInfo(volume: FakeVolume): EngineVolume {
    return {
      Name: volume.name,
      Labels: volume.labels,
      Mountpoint: `/var/lib/docker/volumes/${volume.name}/_data`,
      Options: volume.options,
      CreatedAt: new Date(volume.created).toISOString(),
    };
  }

  /** Named volumes a container uses, from Mounts and Binds. */
  private volumeNamesOf(options: Docker.ContainerCreateOptions): string[] {
    const host = options.HostConfig ?? {};
    const fromMounts = (host.Mounts ?? [])
      .filter((m) => m.Type === 'volume' && m.Source)
      .map((m) => String(m.Source));
    const fromBinds = (host.Binds ?? [])
      .map((bind) => bind.split(':')[0] ?? '')
      .filter((source) => source && !source.startsWith('/'));
    return [...fromMounts, ...fromBinds];
  }

  /** Mount targets: volume mounts store their files in the volume, shared by its users. */
  private mountsOf(container: FakeContainer): Array<{ target: string; volume?: string }> {
    const host = container.options.HostConfig ?? {};
    const mounts: Array<{ target: string; volume?: string }> = (host.Mounts ?? []).map((m) => ({
      target: posix.normalize(m.Target),
      volume: m.Type === 'volume' ? String(m.Source) : undefined,
    }));
    for (const bind of host.Binds ?? []) {
      const [source = '', target = ''] = bind.split(':');
      mounts.push({
        target: posix.normalize(target),
        volume: source.startsWith('/') ? undefined : source,
      });
    }
    return mounts;
  }

  private resolvePath(container: FakeContainer, path: string) {
    const normal = posix.normalize(path).replace(/(.)\/$/, '$1');
    const mount = this.mountsOf(container)
      .filter((m) => m.volume && (normal === m.target || normal.startsWith(`${m.target}/`)))
      .sort((a, b) => b.target.length - a.target.length)[0];
    const volume = mount?.volume ? this.volumes.get(mount.volume) : undefined;
    if (mount && volume)
      return { store: volume.files, key: normal.slice(mount.target.length).replace(/^\//, '') };
    return { store: container.files, key: normal };
  }

  private pathExists(container: FakeContainer, path: string): boolean {
    const normal = posix.normalize(path).replace(/(.)\/$/, '$1');
    if (normal === '/') return true;
    const mounts = this.mountsOf(container);
    if (mounts.some((m) => m.target === normal || m.target.startsWith(`${normal}/`))) return true;
    const { store, key } = this.resolvePath(container, normal);
    if (store.has(key)) return true;
    return [...store.keys()].some((k) => k.startsWith(key === '' ? '' : `${key}/`));
  }

  private logEntries(container: FakeContainer, query: LogsQuery) {
    const since = Number(String(query.since)) * 1000;
    let entries = container.logs.filter(
      (e) =>
        ((e.stream === 1 && query.stdout) || (e.stream === 2 && query.stderr)) && e.time >= since,
    );
    const tail = Number(query.tail);
    if (Number.isFinite(tail) && tail >= 0) entries = tail === 0 ? [] : entries.slice(-tail);
    return entries;
  }

  /** One log entry as the engine sends it: a frame without a TTY, raw bytes with one. */
  private frame(
    container: FakeContainer,
    entry: { stream: 1 | 2; data: Buffer; time: number },
    timestamps: boolean,
  ): Buffer {
    const data = timestamps
      ? Buffer.concat([Buffer.from(`${new Date(entry.time).toISOString()} `), entry.data])
      : entry.data;
    if (container.options.Tty) return data;
    const header = Buffer.alloc(8);
    header[0] = entry.stream;
    header.writeUInt32BE(data.length, 4);
    return Buffer.concat([header, data]);
  }

  private findImage(ref: string): FakeImage | undefined {
    const byId = this.images.get(ref);
    if (byId) return byId;
    const key = normalizeRef(ref);
    return [...this.images.values()].find((image) => image.tags.has(key));
  }

  /** Give `ref` to an image (a new one unless `id`); the tag's previous image loses it. */
  private tagImage(ref: string | undefined, config: FakeImage['config'], id?: string): string {
    const key = ref ? normalizeRef(ref) : undefined;
    let image = id ? this.images.get(id) : undefined;
    if (!image) {
      const newId = `sha256:${this.newId()}`;
      image = { id: newId, tags: new Set(), config, created: this.clock };
      this.images.set(newId, image);
    }
    if (key) {
      for (const other of this.images.values()) other.tags.delete(key);
      image.tags.add(key);
      this.emit('image', 'tag', image.id, { name: key });
    }
    return image.id;
  }

  private inspectInfo(c: FakeContainer): Docker.ContainerInspectInfo {
    const mode = c.options.HostConfig?.NetworkMode ?? 'default';
    const networkName = mode === 'default' ? 'bridge' : mode;
    const joined = mode.startsWith('container:') || mode === 'host' || mode === 'none';
    const network = joined ? undefined : this.findNetwork(networkName);
    const iso = (ms: number | undefined) =>
      ms === undefined ? ZERO_TIME : new Date(ms).toISOString();
    return {
      Id: c.id,
      Created: new Date(c.created).toISOString(),
      Path: c.options.Entrypoint?.[0] ?? c.options.Cmd?.[0] ?? '',
      Args: [],
      State: {
        Status: c.status,
        Running: c.status === 'running',
        Paused: false,
        Restarting: false,
        OOMKilled: false,
        Dead: false,
        Pid: c.pid,
        ExitCode: c.exitCode,
        Error: c.error,
        StartedAt: iso(c.startedAt),
        FinishedAt: iso(c.finishedAt),
      },
      Image: c.imageId,
      Name: `/${c.name}`,
      RestartCount: 0,
      Driver: 'overlay2',
      Platform: 'linux',
      HostConfig: { NetworkMode: mode, ...c.options.HostConfig },
      Config: {
        Hostname: c.options.Hostname ?? c.id.slice(0, 12),
        Image: c.options.Image,
        Labels: { ...c.options.Labels },
        Env: c.options.Env ?? [],
        Cmd: c.options.Cmd,
        Entrypoint: c.options.Entrypoint,
        Tty: Boolean(c.options.Tty),
        StopSignal: c.options.StopSignal,
      },
      Mounts: this.mountsOf(c).map((m) => ({
        Type: m.volume ? 'volume' : 'bind',
        Name: m.volume,
        Source: m.volume ? `/var/lib/docker/volumes/${m.volume}/_data` : '',
        Destination: m.target,
        Mode: '',
        RW: true,
        Propagation: '',
      })),
      NetworkSettings: {
        Networks: network
          ? {
              [network.name]: {
                NetworkID: network.id,
                IPAddress: c.ip,
                IPPrefixLen: c.ip ? 24 : 0,
              },
            }
          : {},
      },
    } as unknown as Docker.ContainerInspectInfo;
  }

  private listInfo(c: FakeContainer): Docker.ContainerInfo {
    const info = this.inspectInfo(c);
    const status =
      c.status === 'running' ? 'Up' : c.status === 'created' ? 'Created' : `Exited (${c.exitCode})`;
    return {
      Id: c.id,
      Names: [`/${c.name}`],
      Image: String(c.options.Image),
      ImageID: c.imageId,
      Command: [...(c.options.Entrypoint ?? []), ...(c.options.Cmd ?? [])].join(' '),
      Created: Math.floor(c.created / 1000),
      Ports: [],
      Labels: { ...c.options.Labels },
      State: c.status,
      Status: status,
      HostConfig: { NetworkMode: info.HostConfig.NetworkMode ?? 'default' },
      NetworkSettings: info.NetworkSettings,
      Mounts: info.Mounts,
    } as unknown as Docker.ContainerInfo;
  }
}

function eventMatches(event: FakeEvent, filters: EngineFilters): boolean {
  if (filters.type && !filters.type.includes(event.Type)) return false;
  if (filters.event && !filters.event.includes(event.Action.split(':')[0] ?? '')) return false;
  if (!labelsMatch(event.Actor.Attributes, filters.label)) return false;
  if (
    filters.container &&
    !filters.container.some(
      (c) => event.Actor.ID.startsWith(c) || event.Actor.Attributes.name === c,
    )
  ) {
    return false;
  }
  return true;
}

function subjectOf(args: unknown[]): string {
  const first = args[0];
  if (typeof first === 'string') return /^[0-9a-f]{64}$/.test(first) ? first.slice(0, 12) : first;
  // A create's name, or a list's name filter.
  const named = first as { name?: unknown; Name?: unknown } | undefined;
  const subject = named?.name ?? named?.Name;
  if (Array.isArray(subject)) return subject.join(',');
  return subject === undefined ? '' : String(subject);
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

interface TarEntry {
  name: string;
  type: 'file' | 'directory';
  mode: number;
  content: Buffer;
}

function untar(tar: Buffer): Promise<TarEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: TarEntry[] = [];
    const archive = extract();
    archive.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => {
        chunks.push(chunk as Buffer);
      });
      stream.on('end', () => {
        entries.push({
          name: header.name.replace(/\/$/, ''),
          type: header.type === 'directory' ? 'directory' : 'file',
          mode: header.mode ?? 0o644,
          content: Buffer.concat(chunks),
        });
        next();
      });
      stream.resume();
    });
    archive.on('finish', () => resolve(entries));
    archive.on('error', reject);
    archive.end(tar);
  });
}
