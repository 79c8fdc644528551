// The engine as podrun uses it: exactly the Docker API operations podrun makes, one
// method each (testcontainers' ContainerClient/ImageClient/NetworkClient in one, as
// cri-dockerd's DockerClientInterface). Methods answer as the engine does: an error
// carries its HTTP status (404, 409, 304 ...) and the functions of src/docker decide
// what that means (errors.ts). Two implementations: the dockerode one (every call
// timed for --log-level debug) and an in-memory fake for unit tests (fake-engine.ts).
// Every src/docker function goes through `engine()`; `useEngine(fake)` swaps it.
import type { Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { DockerodeEngine } from './dockerode-engine.js';

/** The engine's filter map (`label`, `name`, `type`, `event`, `dangling` ...). */
export type EngineFilters = Record<string, string[]>;

export interface EngineVolume {
  Name: string;
  Labels: Record<string, string> | null;
  Mountpoint: string;
  Options?: Record<string, string> | null;
  /** When the engine made it (RFC 3339). */
  CreatedAt?: string;
}

/** One progress message of a pull or build stream, as the engine sends it. */
export interface ProgressMessage {
  id?: string;
  status?: string;
  stream?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string; code?: number };
  aux?: { ID?: string };
}

export interface LogsQuery {
  stdout: boolean;
  stderr: boolean;
  timestamps: boolean;
  /** A count, or "all" (typed as a number, as dockerode's typings know only numbers). */
  tail: number;
  /** "seconds.nanoseconds" (see engineTime), typed as a number for dockerode. */
  since: number;
}

export interface ExecRequest {
  Cmd: string[];
  Tty: boolean;
  stdin?: Readable;
  stdout: Writable;
  stderr: Writable;
}

export interface EventsQuery {
  /** Unix seconds. */
  since?: number;
  /** Unix seconds; without it the stream stays open and carries new events. */
  until?: number;
  filters?: EngineFilters;
}

export interface Engine {
  /**
   * Names this engine in hints podrun keeps between processes (subnet-hint.ts): its
   * endpoint. None for an in-memory engine, which then gets no hints.
   */
  readonly hintKey?: string;
  // Containers
  /** The new container's id; 409 if the name is taken, 404 if the image is missing. */
  createContainer(options: Docker.ContainerCreateOptions): Promise<string>;
  /** 304 if already running; 409 when its network/IPC owner is not running. */
  startContainer(id: string): Promise<void>;
  /** By id, name or unique id prefix; 404 if none. */
  inspectContainer(idOrName: string): Promise<Docker.ContainerInspectInfo>;
  /** 304 if not running. */
  stopContainer(id: string, options: { t: number }): Promise<void>;
  /** 409 if not running. */
  killContainer(id: string, options: { signal: string }): Promise<void>;
  /** 409 if running and not forced, or a removal is in progress. */
  removeContainer(id: string, options: { force: boolean; v: boolean }): Promise<void>;
  listContainers(options: {
    all: boolean;
    filters?: EngineFilters;
  }): Promise<Docker.ContainerInfo[]>;
  /** Resolves once the container is not running. */
  waitContainer(id: string): Promise<{ StatusCode: number }>;
  /** The log so far: multiplexed frames without a TTY, raw bytes with one. */
  containerLogs(id: string, query: LogsQuery): Promise<Buffer>;
  /** The log as a stream that stays open while the container runs. */
  followContainerLogs(id: string, query: LogsQuery): Promise<NodeJS.ReadableStream>;
  /** Extract a tar into an existing directory of the container; 404 if it is missing. */
  putArchive(id: string, tar: Buffer, options: { path: string }): Promise<void>;
  /** Resolves if the path exists; 404 otherwise. */
  statArchive(id: string, options: { path: string }): Promise<void>;
  /** A tar of the path; 404 if missing. */
  getArchive(id: string, options: { path: string }): Promise<NodeJS.ReadableStream>;
  /** Run a command in a running container (409 if it is not); resolves with its exit code. */
  exec(id: string, request: ExecRequest): Promise<number>;

  // Images
  inspectImage(ref: string): Promise<Docker.ImageInspectInfo>;
  /**
   * Pull; every progress message (failures after the start arrive as `error`
   * messages) goes to onMessage; resolves when the stream ends.
   */
  pullImage(
    ref: string,
    options: { auth?: Docker.AuthConfig; signal?: AbortSignal },
    onMessage: (message: ProgressMessage) => void,
  ): Promise<void>;
  /** Build from a tar context; like pullImage, failures arrive as messages. */
  buildImage(
    context: Buffer,
    query: Record<string, unknown>,
    onMessage: (message: ProgressMessage) => void,
  ): Promise<void>;
  pruneImages(filters: EngineFilters): Promise<void>;

  // Networks
  /** The `name` filter matches substrings, as the engine's does. */
  listNetworks(filters: EngineFilters): Promise<Docker.NetworkInspectInfo[]>;
  /** 409 if the name exists (the engine's check is racy: duplicates happen). */
  createNetwork(options: Docker.NetworkCreateOptions): Promise<string>;
  inspectNetwork(id: string): Promise<Docker.NetworkInspectInfo>;
  /** 403 while containers are connected. */
  removeNetwork(id: string): Promise<void>;

  // Volumes
  /** Creating a volume that exists returns it unchanged. */
  createVolume(options: Docker.VolumeCreateOptions): Promise<void>;
  inspectVolume(name: string): Promise<EngineVolume>;
  /** 409 while a container (running or not) uses it. */
  removeVolume(name: string): Promise<void>;
  listVolumes(filters: EngineFilters): Promise<EngineVolume[]>;

  // System
  /** The engine's version; remembered for the process unless `fresh`. */
  version(options?: { fresh?: boolean }): Promise<Docker.DockerVersion>;
  ping(): Promise<void>;
  /** Engine events as JSON lines. */
  events(query: EventsQuery): Promise<NodeJS.ReadableStream>;
}

let current: Engine | undefined;
const forDocker = new WeakMap<Docker, Engine>();

/** The engine every src/docker function uses: the default dockerode one unless replaced. */
export function engine(): Engine {
  current ??= new DockerodeEngine();
  return current;
}

/** Replace the engine (tests: a FakeEngine); `undefined` restores the default. */
export function useEngine(replacement: Engine | undefined): void {
  current = replacement;
}

/** The engine for an explicit dockerode client (e.g. a second test dockerd), else engine(). */
export function engineFor(docker?: Docker): Engine {
  if (!docker) return engine();
  let wrapped = forDocker.get(docker);
  if (!wrapped) {
    wrapped = new DockerodeEngine(docker);
    forDocker.set(docker, wrapped);
  }
  return wrapped;
}
