// The real engine: each Engine method is one Docker API request through dockerode
// (exec: its create, start, run and inspect), timed for --log-level debug. dockerode
// is loaded lazily so `podrun --version` and `--help` stay fast.
import type Docker from 'dockerode';
import { timed } from '../log.js';
import type {
  Engine,
  EngineFilters,
  EngineVolume,
  EventsQuery,
  ExecRequest,
  LogsQuery,
  ProgressMessage,
} from './engine.js';

let shared: Promise<Docker> | undefined;
let engineVersion: Promise<Docker.DockerVersion> | undefined;

/**
 * The dockerode client for DOCKER_HOST (or the default socket), created once. Its
 * `version()` answer is remembered for the process: apply asks for it up to three
 * times (reachability, API level, architecture), each a round-trip of 5-10 ms.
 */
export function getDocker(): Promise<Docker> {
  shared ??= import('dockerode').then(({ default: DockerCtor }) => {
    const docker = new DockerCtor();
    const fetchVersion = docker.version.bind(docker) as () => Promise<Docker.DockerVersion>;
    docker.version = (() => {
      engineVersion ??= fetchVersion();
      engineVersion.catch(() => {
        engineVersion = undefined;
      });
      return engineVersion;
    }) as Docker['version'];
    return docker;
  });
  return shared;
}

const short = (id: string) => (/^[0-9a-f]{64}$/.test(id) ? id.slice(0, 12) : id);

export class DockerodeEngine implements Engine {
  /** An explicit client (a second engine), or the shared one. */
  constructor(private readonly explicit?: Docker) {}

  get hintKey(): string {
    if (!this.explicit) return process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    const modem = (this.explicit as unknown as { modem?: Record<string, unknown> }).modem ?? {};
    return modem.socketPath
      ? `unix://${String(modem.socketPath)}`
      : `${String(modem.protocol ?? 'http')}://${String(modem.host)}:${String(modem.port)}`;
  }

  private client(): Promise<Docker> {
    return this.explicit ? Promise.resolve(this.explicit) : getDocker();
  }

  async createContainer(options: Docker.ContainerCreateOptions): Promise<string> {
    const docker = await this.client();
    const container = await timed(`create container ${options.name ?? ''}`, () =>
      docker.createContainer(options),
    );
    return container.id;
  }

  async startContainer(id: string): Promise<void> {
    const docker = await this.client();
    await timed(`start container ${short(id)}`, () => docker.getContainer(id).start());
  }

  async inspectContainer(idOrName: string): Promise<Docker.ContainerInspectInfo> {
    const docker = await this.client();
    return timed(`inspect container ${short(idOrName)}`, () =>
      docker.getContainer(idOrName).inspect(),
    );
  }

  async stopContainer(id: string, options: { t: number }): Promise<void> {
    const docker = await this.client();
    await timed(`stop container ${short(id)} (grace ${options.t}s)`, () =>
      docker.getContainer(id).stop(options),
    );
  }

  async killContainer(id: string, options: { signal: string }): Promise<void> {
    const docker = await this.client();
    await timed(`kill container ${short(id)} (${options.signal})`, () =>
      docker.getContainer(id).kill(options),
    );
  }

  async removeContainer(id: string, options: { force: boolean; v: boolean }): Promise<void> {
    const docker = await this.client();
    await timed(`remove container ${short(id)}`, () => docker.getContainer(id).remove(options));
  }

  async listContainers(options: {
    all: boolean;
    filters?: EngineFilters;
  }): Promise<Docker.ContainerInfo[]> {
    const docker = await this.client();
    return timed('list containers', () => docker.listContainers(options));
  }

  async waitContainer(id: string): Promise<{ StatusCode: number }> {
    const docker = await this.client();
    return (await timed(`wait container ${short(id)}`, () => docker.getContainer(id).wait())) as {
      StatusCode: number;
    };
  }

  async containerLogs(id: string, query: LogsQuery): Promise<Buffer> {
    const docker = await this.client();
    return timed(`logs ${short(id)}`, () =>
      docker.getContainer(id).logs({ ...query, follow: false }),
    );
  }

  async followContainerLogs(id: string, query: LogsQuery): Promise<NodeJS.ReadableStream> {
    const docker = await this.client();
    return timed(`logs ${short(id)} (follow)`, () =>
      docker.getContainer(id).logs({ ...query, follow: true }),
    );
  }

  async putArchive(id: string, tar: Buffer, options: { path: string }): Promise<void> {
    const docker = await this.client();
    await timed(`put archive ${short(id)}:${options.path}`, () =>
      docker.getContainer(id).putArchive(tar, options),
    );
  }

  async statArchive(id: string, options: { path: string }): Promise<void> {
    const docker = await this.client();
    await timed(`stat archive ${short(id)}:${options.path}`, () =>
      docker.getContainer(id).infoArchive(options),
    );
  }

  async getArchive(id: string, options: { path: string }): Promise<NodeJS.ReadableStream> {
    const docker = await this.client();
    return timed(`get archive ${short(id)}:${options.path}`, () =>
      docker.getContainer(id).getArchive(options),
    );
  }

  async exec(id: string, request: ExecRequest): Promise<number> {
    const docker = await this.client();
    const what = `${short(id)} ${request.Cmd[0] ?? ''}`;
    const exec = await timed(`exec create ${what}`, () =>
      docker.getContainer(id).exec({
        Cmd: request.Cmd,
        AttachStdout: true,
        AttachStderr: true,
        AttachStdin: Boolean(request.stdin),
        Tty: request.Tty,
      }),
    );
    const stream = await timed(`exec start ${short(id)}`, () =>
      exec.start({ hijack: true, stdin: Boolean(request.stdin), Tty: request.Tty }),
    );
    const finished = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    // Non-TTY exec output is multiplexed: the modem demultiplexes it.
    if (request.Tty) stream.pipe(request.stdout, { end: false });
    else docker.modem.demuxStream(stream, request.stdout, request.stderr);
    const stdin = request.stdin;
    if (stdin) {
      stdin.pipe(stream);
      stdin.on('end', () => {
        // Half-close so the command sees EOF on its stdin.
        (stream as unknown as { end?: () => void }).end?.();
      });
    }
    await timed(`exec run ${what}`, () => finished);
    const info = await timed(`exec inspect ${short(id)}`, () => exec.inspect());
    return info.ExitCode ?? -1;
  }

  async inspectImage(ref: string): Promise<Docker.ImageInspectInfo> {
    const docker = await this.client();
    return timed(`inspect image ${ref}`, () => docker.getImage(ref).inspect());
  }

  async pullImage(
    ref: string,
    options: { auth?: Docker.AuthConfig; signal?: AbortSignal },
    onMessage: (message: ProgressMessage) => void,
  ): Promise<void> {
    const docker = await this.client();
    await timed(`pull image ${ref}`, async () => {
      const { signal } = options;
      const stream: NodeJS.ReadableStream = await docker.pull(ref, {
        ...(signal ? { abortSignal: signal } : {}),
        ...(options.auth ? { authconfig: options.auth } : {}),
      });
      await new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
        docker.modem.followProgress(
          stream,
          (error: Error | null) => (error ? reject(error) : resolve()),
          onMessage,
        );
      });
    });
  }

  async buildImage(
    context: Buffer,
    query: Record<string, unknown>,
    onMessage: (message: ProgressMessage) => void,
  ): Promise<void> {
    const docker = await this.client();
    const tags = query.t;
    const describe = String(Array.isArray(tags) ? (tags[0] ?? 'image') : (tags ?? 'image'));
    await timed(`build image ${describe}`, async () => {
      const body = context as unknown as NodeJS.ReadableStream;
      const stream = await docker.buildImage(body, query as unknown as Docker.ImageBuildOptions);
      // A failed build does not reject: its error arrives as a progress message.
      await new Promise<void>((resolve, reject) => {
        docker.modem.followProgress(
          stream,
          (error: Error | null) => (error ? reject(error) : resolve()),
          onMessage,
        );
      });
    });
  }

  async pruneImages(filters: EngineFilters): Promise<void> {
    const docker = await this.client();
    await timed('prune images', () => docker.pruneImages({ filters }));
  }

  async listNetworks(filters: EngineFilters): Promise<Docker.NetworkInspectInfo[]> {
    const docker = await this.client();
    const names = filters.name?.join(',');
    return timed(`list networks${names ? ` ${names}` : ''}`, () =>
      docker.listNetworks({ filters }),
    );
  }

  async createNetwork(options: Docker.NetworkCreateOptions): Promise<string> {
    const docker = await this.client();
    const network = await timed(`create network ${options.Name}`, () =>
      docker.createNetwork(options),
    );
    return network.id;
  }

  async inspectNetwork(id: string): Promise<Docker.NetworkInspectInfo> {
    const docker = await this.client();
    return timed(`inspect network ${short(id)}`, () => docker.getNetwork(id).inspect());
  }

  async removeNetwork(id: string): Promise<void> {
    const docker = await this.client();
    await timed(`remove network ${short(id)}`, () => docker.getNetwork(id).remove());
  }

  async createVolume(options: Docker.VolumeCreateOptions): Promise<void> {
    const docker = await this.client();
    await timed(`create volume ${options.Name}`, () => docker.createVolume(options));
  }

  async inspectVolume(name: string): Promise<EngineVolume> {
    const docker = await this.client();
    return (await timed(`inspect volume ${name}`, () =>
      docker.getVolume(name).inspect(),
    )) as EngineVolume;
  }

  async removeVolume(name: string): Promise<void> {
    const docker = await this.client();
    await timed(`remove volume ${name}`, () => docker.getVolume(name).remove());
  }

  async listVolumes(filters: EngineFilters): Promise<EngineVolume[]> {
    const docker = await this.client();
    const result = await timed('list volumes', () => docker.listVolumes({ filters }));
    return (result.Volumes ?? []) as EngineVolume[];
  }

  async version(options: { fresh?: boolean } = {}): Promise<Docker.DockerVersion> {
    const docker = await this.client();
    if (options.fresh && !this.explicit) engineVersion = undefined;
    return timed('version', () => docker.version());
  }

  async ping(): Promise<void> {
    const docker = await this.client();
    await timed('ping', () => docker.ping());
  }

  async events(query: EventsQuery): Promise<NodeJS.ReadableStream> {
    const docker = await this.client();
    return (await timed('events', () => docker.getEvents(query))) as NodeJS.ReadableStream;
  }
}
