// Run podrun's Service proxy (`/pause --proxy`, images/pause/proxy.c) as a raw
// container for test/service-proxy.test.ts: the image, start, config writes, and
// waiting until the proxy says it applied a config.
import type Docker from 'dockerode';
import { ensurePauseImage } from '../../src/docker/pause-image.js';
import { type ProxyWrite, writeProxyConfig } from '../../src/docker/service-proxy.js';
import {
  PROXY_CONFIG_PATH,
  type ProxyControl,
  proxyCreateOptions,
} from '../../src/plan/service-proxy.js';
import type { EngineTracker } from './engine.js';

/**
 * The image under test: built from this checkout's pause binary under its own tag
 * (PODRUN_PROXY_IMAGE, default podrun/pause:proxy-dev), never the shared
 * podrun/pause:<version> other runs use. Rebuilt only when the binary changed.
 */
export function proxyImage(): Promise<string> {
  return ensurePauseImage({
    image: '', // not the pinned image: build localTag from the shipped binary
    localTag: process.env.PODRUN_PROXY_IMAGE ?? 'podrun/pause:proxy-dev',
    registryImage: '127.0.0.1:9/none:0', // never pullable: no network needed
  });
}

export class ProxyContainer {
  private appliedSeen = 0;
  /** How the last configure() got its config there. */
  lastWrite: ProxyWrite | undefined;
  private constructor(
    readonly container: Docker.Container,
    private readonly network: string,
    readonly control?: ProxyControl,
  ) {}

  /**
   * Start a proxy on `network` answering to `aliases`, with `config` applied;
   * with `control`, configure() hands it configs over its control channel.
   */
  static async start(
    engine: EngineTracker,
    options: {
      name: string;
      network: string;
      aliases: string[];
      config: string;
      control?: ProxyControl;
    },
  ): Promise<ProxyContainer> {
    const container = await engine.run(
      proxyCreateOptions({
        name: options.name,
        image: await proxyImage(),
        network: options.network,
        aliases: options.aliases,
        labels: {},
        control: options.control,
      }),
    );
    const proxy = new ProxyContainer(container, options.network, options.control);
    await proxy.configure(options.config);
    return proxy;
  }

  async logs(): Promise<string> {
    const raw = (await this.container.logs({ stdout: true, stderr: true })) as unknown as Buffer;
    // Multiplexed frames: 8-byte headers; strip them so lines read whole.
    const lines: string[] = [];
    for (let at = 0; at + 8 <= raw.length; ) {
      const size = raw.readUInt32BE(at + 4);
      lines.push(raw.subarray(at + 8, at + 8 + size).toString());
      at += 8 + size;
    }
    return lines.join('');
  }

  /** Times a log line matching `pattern` appears. */
  async count(pattern: RegExp): Promise<number> {
    return (await this.logs()).split('\n').filter((line) => pattern.test(line)).length;
  }

  /** Wait until the proxy has logged `pattern` at least `times` times. */
  async waitFor(pattern: RegExp, times: number): Promise<void> {
    while ((await this.count(pattern)) < times) {
      const { State } = await this.container.inspect();
      if (!State.Running) throw new Error(`proxy exited (${State.ExitCode}): ${await this.logs()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Write a config (it must differ from the current one) and wait until it is applied. */
  async configure(text: string, control = this.control): Promise<void> {
    this.lastWrite = await writeProxyConfig(
      {
        containerId: this.container.id,
        configPath: PROXY_CONFIG_PATH,
        running: true,
        control: control && { ...control, ip: await this.ip(this.network) },
      },
      text,
    );
    this.appliedSeen += 1;
    await this.waitFor(/: applied: /, this.appliedSeen);
  }

  async ip(network: string): Promise<string> {
    const info = await this.container.inspect();
    return info.NetworkSettings.Networks[network]?.IPAddress ?? '';
  }
}
