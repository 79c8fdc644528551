import { describe, expect, it } from 'vitest';
import type { ListedConfigObject } from '../../pod/config-store.js';
import { formatKubectlTable } from '../tab-writer.js';
import { CONFIG_HEADERS, type ConfigKind, configView } from './config-views.js';

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

function listed(name: string, fields: Partial<ListedConfigObject>): ListedConfigObject {
  return {
    namespace: 'default',
    name,
    createdAt: ago(51),
    keys: [],
    metadata: {},
    volume: `podrun-pvc_default_${name}`,
    ...fields,
  };
}

function table(kind: Exclude<ConfigKind, 'Namespace'>, objects: ListedConfigObject[]): string {
  return formatKubectlTable([
    CONFIG_HEADERS[kind],
    ...objects.map((object) => configView(kind, object, false).cells),
  ]);
}

describe('get configmaps, secrets and persistentvolumeclaims in kubectl columns', () => {
  it('configmaps: NAME DATA AGE (data and binaryData keys counted)', () => {
    expect(table('ConfigMap', [listed('game-config', { keys: ['a', 'b'] })])).toBe(
      'NAME          DATA   AGE\ngame-config   2      51s\n',
    );
  });

  it('secrets: NAME TYPE DATA AGE, Opaque by default; -o yaml carries no value', () => {
    // kubernetes.io, "Managing Secrets using kubectl".
    expect(table('Secret', [listed('db-user-pass', { keys: ['password', 'username'] })])).toBe(
      'NAME           TYPE     DATA   AGE\ndb-user-pass   Opaque   2      51s\n',
    );
    const tls = configView('Secret', listed('cert', { type: 'kubernetes.io/tls' }), false);
    expect(tls.cells[1]).toBe('kubernetes.io/tls');
    expect(tls.object).not.toHaveProperty('data');
  });

  it('persistentvolumeclaims: bound at once, capacity and access modes from the spec', () => {
    const claim = listed('uploads-pvc', {
      createdAt: ago(14 * 60),
      spec: {
        accessModes: ['ReadWriteMany'],
        resources: { requests: { storage: '5Gi' } },
        storageClassName: 'standard',
      },
      volume: 'pvc-4ca1e54a-c71c-402e-b099-5860bc86d927',
    });
    expect(table('PersistentVolumeClaim', [claim])).toBe(
      'NAME          STATUS   VOLUME                                     CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n' +
        'uploads-pvc   Bound    pvc-4ca1e54a-c71c-402e-b099-5860bc86d927   5Gi        RWX            standard       <unset>                 14m\n',
    );
    const wide = configView('PersistentVolumeClaim', claim, true).cells;
    expect(wide.at(-1)).toBe('Filesystem');
    // A claim no PersistentVolumeClaim object declared (made on first use).
    expect(configView('PersistentVolumeClaim', listed('data', {}), false).cells).toEqual([
      'data',
      'Bound',
      'podrun-pvc_default_data',
      '',
      '',
      '',
      '<unset>',
      '51s',
    ]);
  });
});
