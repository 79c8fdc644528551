import { describe, expect, it } from 'vitest';
import {
  DNS_VOLUME_NAME,
  formatResolvConf,
  MAX_SEARCH_CHARS,
  mergeDnsConfig,
  type PlannedDns,
  parseResolvConf,
  planDns,
  podResolvConf,
} from './dns.js';
import { planPod } from './plan-pod.js';
import { makeInput, makePod } from './testing.js';

// What Docker 20.10 writes for a container on a user-defined network.
const ENGINE = 'search corp.example\nnameserver 127.0.0.11\noptions ndots:0\n';

function dns(spec: Parameters<typeof planDns>[0]): PlannedDns {
  const planned = planDns(spec);
  if (!planned) throw new Error('expected podrun to write resolv.conf');
  return planned;
}

describe('dnsPolicy None', () => {
  it('is exactly dnsConfig: nameservers, searches, options, nothing else', () => {
    const planned = dns({
      containers: [],
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: ['1.2.3.4', '5.6.7.8'],
        searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
    });
    // The engine's file is no base under None, even if one were passed.
    expect(podResolvConf(planned, ENGINE)).toBe(
      'nameserver 1.2.3.4\nnameserver 5.6.7.8\n' +
        'search ns1.svc.cluster-domain.example my.dns.search.suffix\n' +
        'options ndots:2 edns0\n',
    );
  });

  it('writes only the lines dnsConfig has', () => {
    const planned = dns({
      containers: [],
      dnsPolicy: 'None',
      dnsConfig: { nameservers: ['10.0.0.1'] },
    });
    expect(podResolvConf(planned)).toBe('nameserver 10.0.0.1\n');
  });
});

describe('ClusterFirst with dnsConfig', () => {
  it('keeps the engine file untouched without dnsConfig', () => {
    expect(planDns({ containers: [] })).toBeUndefined();
    expect(planDns({ containers: [], dnsPolicy: 'ClusterFirst' })).toBeUndefined();
  });

  it('puts podrun resolver first, then the extra nameservers, searches and options merged', () => {
    const planned = dns({
      containers: [],
      dnsConfig: {
        nameservers: ['127.0.0.11', '1.1.1.1'],
        searches: ['corp.example', 'extra.example'],
        options: [{ name: 'ndots', value: '5' }, { name: 'edns0' }],
      },
    });
    expect(planned.base).toBe('engine');
    expect(podResolvConf(planned, ENGINE)).toBe(
      'nameserver 127.0.0.11\nnameserver 1.1.1.1\n' +
        'search corp.example extra.example\n' +
        'options ndots:5 edns0\n',
    );
  });

  it('ClusterFirstWithHostNet merges the same way', () => {
    const planned = dns({
      containers: [],
      dnsPolicy: 'ClusterFirstWithHostNet',
      dnsConfig: { searches: ['x.example'] },
    });
    expect(podResolvConf(planned, ENGINE)).toBe(
      'nameserver 127.0.0.11\nsearch corp.example x.example\noptions ndots:0\n',
    );
  });

  it('keeps at most 3 nameservers, after removing duplicates', () => {
    const merged = mergeDnsConfig(
      { nameservers: ['127.0.0.11'], searches: [], options: [] },
      { nameservers: ['1.1.1.1', '127.0.0.11', '1.1.1.1', '8.8.8.8', '9.9.9.9'] },
    );
    expect(merged.nameservers).toEqual(['127.0.0.11', '1.1.1.1', '8.8.8.8']);
  });

  it('cuts the search list to 32 domains, drops any over 253 characters, and keeps 2048 characters', () => {
    const many = Array.from({ length: 40 }, (_, i) => `d${i}.example`);
    const byCount = mergeDnsConfig(
      { nameservers: [], searches: ['base.example'], options: [] },
      { searches: many },
    );
    expect(byCount.searches).toHaveLength(32);
    expect(byCount.searches[0]).toBe('base.example');
    expect(byCount.searches[31]).toBe('d30.example');

    const tooLong = `${'a'.repeat(250)}.example`;
    expect(
      mergeDnsConfig(
        { nameservers: [], searches: [], options: [] },
        { searches: ['ok.example', tooLong] },
      ).searches,
    ).toEqual(['ok.example']);

    // 20 domains of 120 characters: 20 * 121 - 1 = 2419 > 2048; 16 fit (1935).
    const wide = Array.from(
      { length: 20 },
      (_, i) => `${String(i).padStart(2, '0')}${'x'.repeat(110)}.example`,
    );
    const byChars = mergeDnsConfig(
      { nameservers: [], searches: [], options: [] },
      { searches: wide },
    );
    expect(byChars.searches.join(' ').length).toBeLessThanOrEqual(MAX_SEARCH_CHARS);
    expect(byChars.searches).toEqual(wide.slice(0, 16));
  });

  it('overrides options by name in place and appends new ones', () => {
    const merged = mergeDnsConfig(
      { nameservers: [], searches: [], options: ['ndots:0', 'rotate', 'timeout:2'] },
      {
        options: [
          { name: 'timeout', value: '5' },
          { name: 'ndots', value: '5' },
          { name: 'attempts', value: '3' },
          { name: 'rotate' },
        ],
      },
    );
    expect(merged.options).toEqual(['ndots:5', 'rotate', 'timeout:5', 'attempts:3']);
  });
});

describe('dnsPolicy Default', () => {
  it('starts from the host resolver config without its loopback servers', () => {
    const planned = dns({ containers: [], dnsPolicy: 'Default' });
    const host = 'nameserver 127.0.0.53\nnameserver 10.255.255.53\nsearch lan.\noptions edns0\n';
    expect(podResolvConf(planned, host)).toBe(
      'nameserver 10.255.255.53\nsearch lan\noptions edns0\n',
    );
  });

  it('uses the embedded server, which reaches the host loopback resolver, when only loopback is left', () => {
    const planned = dns({
      containers: [],
      dnsPolicy: 'Default',
      dnsConfig: { options: [{ name: 'ndots', value: '1' }] },
    });
    expect(podResolvConf(planned, 'nameserver 127.0.0.53\n')).toBe(
      'nameserver 127.0.0.11\noptions ndots:1\n',
    );
  });
});

describe('resolv.conf text', () => {
  it('parses as the kubelet: nameservers add up, the last search and options lines win', () => {
    const text =
      '# comment\nnameserver 1.1.1.1\nsearch a b\nnameserver 2.2.2.2\nsearch c. d\noptions x\noptions ndots:3\n';
    expect(parseResolvConf(text)).toEqual({
      nameservers: ['1.1.1.1', '2.2.2.2'],
      searches: ['c', 'd'],
      options: ['ndots:3'],
    });
    expect(formatResolvConf({ nameservers: [], searches: [], options: [] })).toBe('');
  });
});

describe('in the plan', () => {
  it('adds the resolv.conf volume and binds its file into every init and app container', () => {
    const plan = planPod(
      makeInput(
        makePod({
          dnsPolicy: 'None',
          dnsConfig: { nameservers: ['1.1.1.1'] },
          initContainers: [{ name: 'init', image: 'busybox' }],
        }),
      ),
    );
    expect(plan.dns?.policy).toBe('None');
    expect(plan.volumes.map((volume) => volume.name)).toContain(DNS_VOLUME_NAME);
    for (const container of [...plan.initContainers, ...plan.containers]) {
      expect(container.subPathMounts).toContainEqual({
        volumeName: DNS_VOLUME_NAME,
        subPath: 'resolv.conf',
        target: '/etc/resolv.conf',
        readOnly: false,
      });
    }
    const plain = planPod(makeInput(makePod()));
    expect(plain.dns).toBeUndefined();
    expect(plain.volumes.map((volume) => volume.name)).toEqual(['POD-serviceaccount']);
    expect(plain.containers[0]?.subPathMounts).toEqual([]);
  });
});

describe('a namespace with a headless Service (its resolver)', () => {
  const withResolver = { namespaceResolver: true };

  it('ClusterFirst without dnsConfig writes the file, naming the resolver instead of 127.0.0.11', () => {
    const planned = planDns({ containers: [] }, withResolver);
    expect(planned).toMatchObject({ policy: 'ClusterFirst', base: 'engine', resolver: true });
    expect(podResolvConf(planned as PlannedDns, ENGINE, '172.18.0.2')).toBe(
      'nameserver 172.18.0.2\nsearch corp.example\noptions ndots:0\n',
    );
  });

  it('keeps the engine file as it is when the resolver is gone at sandbox start', () => {
    const planned = planDns({ containers: [] }, withResolver) as PlannedDns;
    expect(podResolvConf(planned, ENGINE)).toBe(
      'nameserver 127.0.0.11\nsearch corp.example\noptions ndots:0\n',
    );
  });

  it('merges dnsConfig after the resolver', () => {
    const planned = dns({
      containers: [],
      dnsPolicy: 'ClusterFirstWithHostNet',
      dnsConfig: { nameservers: ['9.9.9.9'], searches: ['x.example'] },
    });
    expect(planned.resolver).toBeUndefined();
    const resolved = planDns(
      { containers: [], dnsConfig: { nameservers: ['9.9.9.9'], searches: ['x.example'] } },
      withResolver,
    ) as PlannedDns;
    expect(podResolvConf(resolved, ENGINE, '172.18.0.2')).toBe(
      'nameserver 172.18.0.2\nnameserver 9.9.9.9\nsearch corp.example x.example\noptions ndots:0\n',
    );
  });

  it('changes nothing for dnsPolicy Default and None', () => {
    const host = 'nameserver 10.0.0.1\n';
    const byDefault = planDns({ containers: [], dnsPolicy: 'Default' }, withResolver) as PlannedDns;
    expect(byDefault.resolver).toBeUndefined();
    expect(podResolvConf(byDefault, host, '172.18.0.2')).toBe('nameserver 10.0.0.1\n');
    const none = planDns(
      { containers: [], dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'] } },
      withResolver,
    ) as PlannedDns;
    expect(podResolvConf(none, ENGINE, '172.18.0.2')).toBe('nameserver 1.1.1.1\n');
  });

  it('is planned from the Services the pod is planned with: only a headless one adds the volume', () => {
    const clusterIP = { name: 'web', clusterIP: '172.18.0.9', ports: [{ port: 80 }] };
    const headless = { name: 'db', clusterIP: 'None', ports: [{ port: 5432 }] };
    const plain = planPod(makeInput(makePod(), { services: [clusterIP] }));
    expect(plain.dns).toBeUndefined();
    expect(plain.volumes.map((volume) => volume.name)).toEqual(['POD-serviceaccount']);
    const plan = planPod(makeInput(makePod(), { services: [clusterIP, headless] }));
    expect(plan.dns).toMatchObject({ base: 'engine', resolver: true });
    expect(plan.volumes.map((volume) => volume.name)).toContain(DNS_VOLUME_NAME);
    expect(plan.containers[0]?.subPathMounts).toContainEqual(
      expect.objectContaining({ volumeName: DNS_VOLUME_NAME, target: '/etc/resolv.conf' }),
    );
    // No service-link variables for the headless one, as before.
    const env = plan.containers[0]?.create.Env ?? [];
    expect(env.some((entry) => entry.startsWith('WEB_SERVICE_HOST='))).toBe(true);
    expect(env.some((entry) => entry.startsWith('DB_'))).toBe(false);
  });
});
