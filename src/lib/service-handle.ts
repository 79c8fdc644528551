// A Service of an environment as the test reaches it: the host port the engine
// chose for each of its ports (every proxied Service is published on 127.0.0.1 in an
// environment, ClusterIP ones too), and its address inside the namespace.
import type { ServiceRecord } from '../pod/service-records.js';
import type { HostPort } from './published-ports.js';

export class ServiceHandle {
  constructor(readonly record: ServiceRecord) {}

  get name(): string {
    return this.record.name;
  }

  /** The proxy's address on the namespace network ('None' when headless). */
  get clusterIP(): string {
    return this.record.clusterIP;
  }

  /** Where the host reaches the Service's port `port` (the Service port, not the targetPort). */
  hostPort(port: number, protocol: 'TCP' | 'UDP' = 'TCP'): HostPort {
    const found = this.record.hostPorts.find((h) => h.port === port && h.protocol === protocol);
    if (!found) {
      const known = this.record.hostPorts.map((h) => `${h.port}/${h.protocol}`).join(', ');
      const why =
        this.record.clusterIP === 'None'
          ? 'a headless Service has no proxy to publish'
          : `it publishes ${known || 'nothing'}`;
      throw new Error(`service ${this.name} has no port ${port}/${protocol} (${why})`);
    }
    return { host: found.hostIP === '0.0.0.0' ? '127.0.0.1' : found.hostIP, port: found.hostPort };
  }

  /** `http://host:port/path` for the Service's port `port`. */
  url(port: number, path = '/'): string {
    const { host, port: hostPort } = this.hostPort(port);
    const shown = host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${hostPort}${path.startsWith('/') ? path : `/${path}`}`;
  }
}
