import { describe, expect, it } from 'vitest';
import { canonicalJson, computeSpecHash } from './hash.js';
import { makeInput, makePod } from './testing.js';

describe('spec hash', () => {
  it('canonical JSON sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is 16 hex chars, independent of key order and of the uid', () => {
    const a = makePod();
    const b = JSON.parse(
      JSON.stringify({
        spec: a.spec,
        metadata: a.metadata,
        kind: a.kind,
        apiVersion: a.apiVersion,
      }),
    );
    const hash = computeSpecHash(makeInput(a));
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(computeSpecHash(makeInput(b, { uid: 'other' }))).toBe(hash);
  });

  it('changes with the spec, labels, annotations, pause image and referenced data', () => {
    const volumes = [{ name: 'c', configMap: { name: 'cfg' } }];
    const base = makeInput(makePod({ volumes }), { configMaps: { cfg: { data: { k: 'v' } } } });
    const hash = computeSpecHash(base);
    const changed = [
      makeInput(makePod({ volumes, containers: [{ name: 'main', image: 'nginx:1.28' }] }), {
        configMaps: { cfg: { data: { k: 'v' } } },
      }),
      { ...base, configMaps: new Map([['cfg', { data: { k: 'v2' }, binaryData: {} }]]) },
      { ...base, pauseImage: 'other/pause:1' },
      { ...base, pod: { ...base.pod, metadata: { ...base.pod.metadata, labels: { app: 'x' } } } },
      { ...base, pod: { ...base.pod, metadata: { ...base.pod.metadata, annotations: {} } } },
    ];
    for (const input of changed) expect(computeSpecHash(input)).not.toBe(hash);
    // Unreferenced config objects do not matter.
    const unrelated = {
      ...base,
      configMaps: new Map([...base.configMaps, ['other', { data: {}, binaryData: {} }]]),
    };
    expect(computeSpecHash(unrelated)).toBe(hash);
  });
});
