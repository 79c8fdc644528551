// References from a Pod to keys of ConfigMaps and Secrets. The manifest stage checks them
// against the maps in the same ManifestSet; the pod stage calls checkConfigRefs again
// with a lookup that also knows the maps already stored on the engine.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { IssueList, type Reporter, say } from './report.js';
import { list, obj, str } from './shape.js';
import type {
  ConfigLookup,
  FieldPath,
  ManifestIssue,
  ManifestObject,
  ManifestSet,
} from './types.js';
import { configMapKeys, secretKeys } from './validate-config.js';

export interface ConfigRefOptions {
  /**
   * A non-optional reference to a map the lookup does not know: 'ignore' when the map
   * may still exist elsewhere (the manifest stage), 'error' when the lookup knows all.
   */
  missing: 'ignore' | 'error';
}

type Kind = 'ConfigMap' | 'Secret';

/** A lookup over the ConfigMaps and Secrets of a ManifestSet. */
export function lookupInSet(set: ManifestSet): ConfigLookup {
  const keys = new Map<string, string[]>();
  for (const { object } of set.configMaps) {
    keys.set(
      `ConfigMap/${object.metadata?.namespace}/${object.metadata?.name}`,
      configMapKeys(object),
    );
  }
  for (const { object } of set.secrets) {
    keys.set(`Secret/${object.metadata?.namespace}/${object.metadata?.name}`, secretKeys(object));
  }
  return (kind, namespace, name) => keys.get(`${kind}/${namespace}/${name}`);
}

/**
 * Every non-optional reference of `pods` to a ConfigMap or Secret key that `lookup` knows
 * is absent, as errors (and to unknown maps too, with `missing: 'error'`).
 */
export function checkConfigRefs(
  pods: readonly ManifestObject<Pod>[],
  lookup: ConfigLookup,
  options: ConfigRefOptions = { missing: 'ignore' },
): ManifestIssue[] {
  const issues = new IssueList();
  for (const pod of pods) {
    const namespace = pod.object.metadata?.namespace ?? 'default';
    const report = issues.reporter(pod.locate);
    for (const ref of podRefs(pod.object)) checkRef(ref, namespace, lookup, options, report);
  }
  return issues.errors;
}

interface Ref {
  kind: Kind;
  name: unknown;
  namePath: FieldPath;
  optional: unknown;
  /** The keys referenced, each with where it is written. */
  keys: Array<{ key: unknown; path: FieldPath }>;
}

function checkRef(
  ref: Ref,
  namespace: string,
  lookup: ConfigLookup,
  options: ConfigRefOptions,
  report: Reporter,
): void {
  const name = str(ref.name);
  if (name === undefined || ref.optional === true) return;
  const known = lookup(ref.kind, namespace, name);
  if (known === undefined) {
    if (options.missing === 'error') {
      report.error(
        ref.namePath,
        say.notFound(name, `(no ${ref.kind} of that name in namespace "${namespace}")`),
      );
    }
    return;
  }
  for (const { key, path } of ref.keys) {
    if (typeof key === 'string' && !known.includes(key)) {
      report.error(path, say.notFound(key, `in ${ref.kind} "${name}"`));
    }
  }
}

function* podRefs(pod: unknown): Generator<Ref> {
  const spec = obj(obj(pod).spec);
  for (const [volume, i] of list(spec.volumes)) {
    for (const [field, kind, nameField] of [
      ['configMap', 'ConfigMap', 'name'],
      ['secret', 'Secret', 'secretName'],
    ] as const) {
      if (volume[field] === undefined) continue;
      const source = obj(volume[field]);
      const at = ['spec', 'volumes', i, field];
      yield {
        kind,
        name: source[nameField],
        namePath: [...at, nameField],
        optional: source.optional,
        keys: list(source.items).map(([item, j]) => ({
          key: item.key,
          path: [...at, 'items', j, 'key'],
        })),
      };
    }
  }
  for (const field of ['initContainers', 'containers'] as const) {
    for (const [container, c] of list(spec[field])) {
      const at = ['spec', field, c];
      for (const [env, e] of list(container.env)) {
        const valueFrom = obj(env.valueFrom);
        for (const [refField, kind] of [
          ['configMapKeyRef', 'ConfigMap'],
          ['secretKeyRef', 'Secret'],
        ] as const) {
          if (valueFrom[refField] === undefined) continue;
          const ref = obj(valueFrom[refField]);
          const refAt = [...at, 'env', e, 'valueFrom', refField];
          yield {
            kind,
            name: ref.name,
            namePath: [...refAt, 'name'],
            optional: ref.optional,
            keys: [{ key: ref.key, path: [...refAt, 'key'] }],
          };
        }
      }
      for (const [envFrom, e] of list(container.envFrom)) {
        for (const [refField, kind] of [
          ['configMapRef', 'ConfigMap'],
          ['secretRef', 'Secret'],
        ] as const) {
          if (envFrom[refField] === undefined) continue;
          const ref = obj(envFrom[refField]);
          yield {
            kind,
            name: ref.name,
            namePath: [...at, 'envFrom', e, refField, 'name'],
            optional: ref.optional,
            keys: [],
          };
        }
      }
    }
  }
}
