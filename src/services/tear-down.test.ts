import { describe, expect, it } from 'vitest';
import { type AppliedObject, tearDownOrder } from './tear-down.js';

const made = (
  kind: AppliedObject['kind'],
  name: string,
  action: AppliedObject['action'] = 'created',
  namespace = 'shop',
): AppliedObject => ({ kind, namespace, name, action });

describe('tearDownOrder', () => {
  it('takes pods first, then Services, config objects, claims this run created, namespaces last', () => {
    const order = tearDownOrder([
      made('Namespace', 'shop'),
      made('Service', 'web'),
      made('ConfigMap', 'page', 'unchanged'),
      made('Secret', 'key'),
      made('PersistentVolumeClaim', 'new'),
      made('PersistentVolumeClaim', 'old', 'unchanged'),
      made('Pod', 'backend', 'unchanged'),
    ]);
    expect(order.map((o) => `${o.kind}/${o.name}`)).toEqual([
      'Pod/backend',
      'Service/web',
      'ConfigMap/page',
      'Secret/key',
      'PersistentVolumeClaim/new',
      'Namespace/shop',
    ]);
  });

  it("adds the network of every Service's and pod's namespace, once", () => {
    const order = tearDownOrder([
      made('Service', 'a', 'created', 'one'),
      made('Pod', 'b', 'created', 'one'),
      made('Pod', 'c', 'created', 'two'),
    ]);
    expect(order.filter((o) => o.kind === 'Namespace').map((o) => o.name)).toEqual(['one', 'two']);
  });
});
