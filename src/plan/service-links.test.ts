import { describe, expect, it } from 'vitest';
import { expand } from './env.js';
import {
  type LinkService,
  serviceLinkEnv,
  serviceLinkLookup,
  serviceLinkVariables,
  withServiceLinks,
} from './service-links.js';

const redis: LinkService = {
  name: 'redis-primary',
  namespace: 'shop',
  clusterIP: '10.0.0.11',
  ports: [
    { name: 'redis', port: 6379, protocol: 'TCP' },
    { name: 'stats', port: 9121, protocol: 'UDP' },
  ],
};

describe('service links', () => {
  it('the kubelet variables, names mangled, in its order', () => {
    expect(serviceLinkVariables(redis)).toEqual([
      ['REDIS_PRIMARY_SERVICE_HOST', '10.0.0.11'],
      ['REDIS_PRIMARY_SERVICE_PORT', '6379'],
      ['REDIS_PRIMARY_SERVICE_PORT_REDIS', '6379'],
      ['REDIS_PRIMARY_SERVICE_PORT_STATS', '9121'],
      ['REDIS_PRIMARY_PORT', 'tcp://10.0.0.11:6379'],
      ['REDIS_PRIMARY_PORT_6379_TCP', 'tcp://10.0.0.11:6379'],
      ['REDIS_PRIMARY_PORT_6379_TCP_PROTO', 'tcp'],
      ['REDIS_PRIMARY_PORT_6379_TCP_PORT', '6379'],
      ['REDIS_PRIMARY_PORT_6379_TCP_ADDR', '10.0.0.11'],
      ['REDIS_PRIMARY_PORT_9121_UDP', 'udp://10.0.0.11:9121'],
      ['REDIS_PRIMARY_PORT_9121_UDP_PROTO', 'udp'],
      ['REDIS_PRIMARY_PORT_9121_UDP_PORT', '9121'],
      ['REDIS_PRIMARY_PORT_9121_UDP_ADDR', '10.0.0.11'],
    ]);
  });

  it('an unnamed single port has no _SERVICE_PORT_<NAME>', () => {
    const web = { name: 'web', namespace: 'shop', clusterIP: '10.0.0.5', ports: [{ port: 80 }] };
    expect(serviceLinkVariables(web).map(([name]) => name)).toEqual([
      'WEB_SERVICE_HOST',
      'WEB_SERVICE_PORT',
      'WEB_PORT',
      'WEB_PORT_80_TCP',
      'WEB_PORT_80_TCP_PROTO',
      'WEB_PORT_80_TCP_PORT',
      'WEB_PORT_80_TCP_ADDR',
    ]);
  });

  it("only the pod's namespace, only Services with an address, none when disabled", () => {
    const other = { ...redis, name: 'db', namespace: 'dev' };
    const headless = { ...redis, name: 'peers', clusterIP: 'None' };
    const pending = { ...redis, name: 'later', clusterIP: undefined };
    const env = serviceLinkEnv('shop', undefined, [other, headless, pending, redis]);
    expect([...env.keys()].every((name) => name.startsWith('REDIS_PRIMARY_'))).toBe(true);
    expect(env.size).toBe(13);
    expect(serviceLinkEnv('shop', true, [redis]).size).toBe(13);
    expect(serviceLinkEnv('shop', false, [redis]).size).toBe(0);
  });

  it("the container's own variables win; links fill in the rest and expand in values", () => {
    const links = serviceLinkEnv('shop', true, [redis]);
    const own = new Map([['REDIS_PRIMARY_SERVICE_HOST', 'localhost']]);
    const env = withServiceLinks(own, links);
    expect(env.get('REDIS_PRIMARY_SERVICE_HOST')).toBe('localhost');
    expect(env.get('REDIS_PRIMARY_SERVICE_PORT')).toBe('6379');
    expect([...env.keys()][0]).toBe('REDIS_PRIMARY_SERVICE_HOST');
    const lookup = serviceLinkLookup(new Map(), links);
    expect(
      expand('redis://$(REDIS_PRIMARY_SERVICE_HOST):$(REDIS_PRIMARY_SERVICE_PORT)', lookup),
    ).toBe('redis://10.0.0.11:6379');
  });
});
