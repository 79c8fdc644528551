// Container environment as the kubelet builds it (makeEnvironmentVariables):
//   1. envFrom sources in order (later sources win), keys prefixed; keys that are not
//      valid env names are skipped with a warning; a missing non-optional source is an error;
//   2. env entries in order, overriding envFrom; literal values get $(VAR) expansion
//      against everything defined so far (envFrom and earlier env), valueFrom values
//      are taken verbatim; an optional reference that is missing drops the variable.
//   3. the service-link variables of the Services in PlanInput.services
//      (FOO_SERVICE_HOST, ...: service-links.ts) that envFrom and env do not define;
//      $(VAR) in env values sees them after the container's own variables (the
//      kubelet's MappingFuncFor(tmpEnv, serviceEnv)), and command/args and
//      subPathExpr, expanded against the final environment, see them too.
// Alongside, it records which names end up holding Secret data (a secretKeyRef, an
// envFrom.secretRef key, or a literal that expanded one of those), so printers can
// redact them by name.
import type { Container } from 'kubernetes-types/core/v1.js';
import type { PlanContext } from './context.js';
import { resolveFieldRef, resolveResourceFieldRef } from './downward.js';
import type { PlanPath } from './errors.js';
import { withServiceLinks } from './service-links.js';
import { allEntries, resolveKeyRef } from './sources.js';

/** Kubernetes IsEnvVarName (C_IDENTIFIER plus '-' and '.'). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function isEnvVarName(name: string): boolean {
  return ENV_NAME.test(name);
}

/**
 * Kubernetes $(VAR) expansion (third_party/forked/golang/expansion): `$(NAME)` becomes
 * the value when `lookup` knows NAME and stays as written otherwise; `$$` becomes `$`;
 * any other `$` is kept.
 */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        out += '$(';
      } else {
        const name = input.slice(cursor + 2, close);
        out += lookup(name) ?? `$(${name})`;
        advance = close - cursor;
      }
    } else {
      out += `$${next}`;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** The final environment, in a stable order: first definition's position, last value. */
export type EnvMap = Map<string, string>;

export function envLookup(env: EnvMap): (name: string) => string | undefined {
  return (name) => env.get(name);
}

/**
 * The container's environment. `secretNames` receives the names whose final value
 * comes from a Secret (and loses names a later non-secret definition overrides).
 */
export function buildEnv(
  ctx: PlanContext,
  container: Container,
  path: PlanPath,
  secretNames: Set<string> = new Set(),
): EnvMap {
  const env: EnvMap = new Map();
  const define = (name: string, value: string, fromSecret: boolean) => {
    env.set(name, value);
    if (fromSecret) secretNames.add(name);
    else secretNames.delete(name);
  };

  for (const [index, from] of (container.envFrom ?? []).entries()) {
    const fromPath = [...path, 'envFrom', index];
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'configmap' : 'secret';
    const refPath = [...fromPath, from.configMapRef ? 'configMapRef' : 'secretRef'];
    const entries = allEntries(ctx, kind, ref.name ?? '');
    if (!entries) {
      if (!ref.optional) {
        ctx.issues.error(refPath, `${kind} "${ref.name}" not found in namespace ${ctx.namespace}`);
      }
      continue;
    }
    const invalid: string[] = [];
    for (const entry of entries) {
      const name = `${from.prefix ?? ''}${entry.key}`;
      if (!isEnvVarName(name)) invalid.push(name);
      else define(name, entry.text, kind === 'secret');
    }
    if (invalid.length > 0) {
      ctx.issues.warn(
        fromPath,
        `skipped keys that are not valid environment variable names: ${invalid.join(', ')}`,
      );
    }
  }

  for (const [index, variable] of (container.env ?? []).entries()) {
    const varPath = [...path, 'env', index];
    const source = variable.valueFrom;
    let value: string | undefined;
    let fromSecret = false;
    if (!source) {
      // A literal that expands a secret-derived variable carries the secret too.
      value = variable.value
        ? expand(variable.value, (name) => {
            const known = env.get(name);
            if (known === undefined) return ctx.serviceLinks.get(name);
            if (secretNames.has(name)) fromSecret = true;
            return known;
          })
        : '';
    } else if (source.configMapKeyRef) {
      const ref = source.configMapKeyRef;
      value = resolveKeyRef(ctx, 'configmap', ref.name ?? '', ref.key, ref.optional, [
        ...varPath,
        'valueFrom',
        'configMapKeyRef',
      ])?.text;
    } else if (source.secretKeyRef) {
      const ref = source.secretKeyRef;
      fromSecret = true;
      value = resolveKeyRef(ctx, 'secret', ref.name ?? '', ref.key, ref.optional, [
        ...varPath,
        'valueFrom',
        'secretKeyRef',
      ])?.text;
    } else if (source.fieldRef) {
      value = resolveFieldRef(ctx, source.fieldRef, 'env', [...varPath, 'valueFrom', 'fieldRef']);
    } else if (source.resourceFieldRef) {
      const refPath = [...varPath, 'valueFrom', 'resourceFieldRef'];
      const target = source.resourceFieldRef.containerName
        ? findContainer(ctx, source.resourceFieldRef.containerName)
        : container;
      if (!target) {
        ctx.issues.error(
          [...refPath, 'containerName'],
          `no container named "${source.resourceFieldRef.containerName}"`,
        );
      } else {
        value = resolveResourceFieldRef(ctx, source.resourceFieldRef, target, refPath);
      }
    }
    if (value === undefined) continue;
    // Map.set keeps an overridden name at its first position: the order is stable.
    define(variable.name, value, fromSecret);
  }
  return withServiceLinks(env, ctx.serviceLinks);
}

export function findContainer(ctx: PlanContext, name: string): Container | undefined {
  return [...(ctx.spec.containers ?? []), ...(ctx.spec.initContainers ?? [])].find(
    (candidate) => candidate.name === name,
  );
}

/** Docker's Env form, NAME=value. */
export function toDockerEnv(env: EnvMap): string[] {
  return [...env].map(([name, value]) => `${name}=${value}`);
}
