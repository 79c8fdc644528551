import { describe, expect, it } from 'vitest';
import {
  PROXY_CONFIG_PATH,
  PROXY_CONTROL_LABEL,
  parseProxyControl,
  proxyConfigPathOf,
  proxyControlPort,
  proxyCreateOptions,
  renderProxyConfig,
} from './service-proxy.js';

describe('renderProxyConfig', () => {
  it('lists each port with its endpoints and ends with the end line', () => {
    const text = renderProxyConfig([
      {
        protocol: 'TCP',
        port: 80,
        endpoints: [
          { ip: '172.18.0.5', port: 8080 },
          { ip: 'fd00::5', port: 8080 },
        ],
      },
      { protocol: 'UDP', port: 53, endpoints: [] },
    ]);
    expect(text).toBe(
      'podrun-proxy 1\nlisten tcp 80\nto 172.18.0.5 8080\nto fd00::5 8080\nlisten udp 53\nend\n',
    );
  });

  it('rejects what the proxy would reject', () => {
    const port = (p: number) => [{ protocol: 'TCP' as const, port: p, endpoints: [] }];
    expect(() => renderProxyConfig(port(0))).toThrow(/port 0 is not 1-65535/);
    expect(() =>
      renderProxyConfig([
        { protocol: 'TCP', port: 80, endpoints: [{ ip: 'web.default', port: 80 }] },
      ]),
    ).toThrow(/not a numeric IP/);
    expect(() => renderProxyConfig([...port(80), ...port(80)])).toThrow(/TCP\/80 listed twice/);
  });
});

describe('proxyCreateOptions', () => {
  it('runs /pause --proxy on the network under its aliases, host ports on 127.0.0.1', () => {
    const options = proxyCreateOptions({
      name: 'svc-web',
      image: 'podrun/pause:0.1.0',
      network: 'podrun-default',
      aliases: ['web', 'web.default'],
      labels: { 'io.podrun.managed': 'true' },
      hostPorts: [{ protocol: 'TCP', port: 80, hostPort: 30080 }],
    });
    expect(options.Cmd).toEqual(['--proxy', PROXY_CONFIG_PATH]);
    expect(options.HostConfig?.NetworkMode).toBe('podrun-default');
    expect(options.NetworkingConfig?.EndpointsConfig?.['podrun-default']?.Aliases).toEqual([
      'web',
      'web.default',
    ]);
    expect(options.ExposedPorts).toEqual({ '80/tcp': {} });
    expect(options.HostConfig?.PortBindings).toEqual({
      '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '30080' }],
    });
  });

  it('publishes a LoadBalancer port with a node port on both host ports', () => {
    const options = proxyCreateOptions({
      name: 'svc-lb',
      image: 'podrun/pause:0.1.0',
      network: 'podrun-default',
      labels: {},
      hostPorts: [
        { protocol: 'TCP', port: 80, hostPort: 80 },
        { protocol: 'TCP', port: 80, hostPort: 31000 },
      ],
    });
    expect(options.HostConfig?.PortBindings).toEqual({
      '80/tcp': [
        { HostIp: '127.0.0.1', HostPort: '80' },
        { HostIp: '127.0.0.1', HostPort: '31000' },
      ],
    });
  });
});

describe('the control channel', () => {
  const token = 'ab'.repeat(24);

  it('goes in the environment and a label, on a port none of the Service uses', () => {
    const options = proxyCreateOptions({
      name: 'svc-web',
      image: 'podrun/pause:0.1.0',
      network: 'podrun-default',
      labels: { 'io.podrun.managed': 'true' },
      control: { port: 65001, token },
    });
    expect(options.Env).toEqual([`PODRUN_PROXY_CONTROL=65001 ${token}`]);
    expect(options.Labels).toEqual({
      'io.podrun.managed': 'true',
      [PROXY_CONTROL_LABEL]: `65001 ${token}`,
    });
    expect(proxyControlPort([80, 443])).toBe(65001);
    expect(proxyControlPort([65001, 65000, 80])).toBe(64999);
  });

  it('is read back from the label, and an older proxy has none', () => {
    expect(parseProxyControl(`65001 ${token}`)).toEqual({ port: 65001, token });
    expect(parseProxyControl(undefined)).toBeUndefined();
    expect(parseProxyControl('65001')).toBeUndefined();
    expect(parseProxyControl(`70000 ${token}`)).toBeUndefined();
    expect(parseProxyControl('65001 short')).toBeUndefined();
  });

  it("finds the config file an older proxy's command names", () => {
    expect(proxyConfigPathOf('/pause --proxy /run/podrun/proxy.conf')).toBe(PROXY_CONFIG_PATH);
    expect(proxyConfigPathOf('/pause --proxy /etc/podrun-proxy.conf')).toBe(
      '/etc/podrun-proxy.conf',
    );
    expect(proxyConfigPathOf(undefined)).toBe(PROXY_CONFIG_PATH);
  });
});
