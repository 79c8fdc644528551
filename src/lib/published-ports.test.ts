import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { portKey, publishedPortsOf } from './published-ports.js';

function inspect(ports: Record<string, unknown>): Docker.ContainerInspectInfo {
  return { NetworkSettings: { Ports: ports } } as unknown as Docker.ContainerInspectInfo;
}

describe('publishedPortsOf', () => {
  it('prefers the IPv4 wildcard binding and maps it to 127.0.0.1', () => {
    const ports = publishedPortsOf(
      inspect({
        '8080/tcp': [
          { HostIp: '::', HostPort: '49160' },
          { HostIp: '0.0.0.0', HostPort: '49159' },
        ],
      }),
    );
    expect(ports.get(portKey(8080))).toEqual({ host: '127.0.0.1', port: 49159 });
  });

  it('keeps a specific host IP and skips unpublished ports', () => {
    const ports = publishedPortsOf(
      inspect({ '53/udp': [{ HostIp: '127.0.0.2', HostPort: '5353' }], '9000/tcp': null }),
    );
    expect(ports.get(portKey(53, 'UDP'))).toEqual({ host: '127.0.0.2', port: 5353 });
    expect(ports.has(portKey(9000))).toBe(false);
  });
});
