// Secrets never reach the terminal or a log. The plan knows which env entries and
// which files come from Secrets (PlannedContainer.secretEnv, PlannedFile.secret);
// these helpers are the one place that turns that knowledge into redacted output,
// for every printer (apply --dry-run), event and error message, and the logger.
// Structural redaction (by name) comes first; redactText is the backstop for free
// text such as an engine error that echoes create options. Pure.
import type Docker from 'dockerode';
import { expand } from './env.js';
import { Labels } from './labels.js';
import type { PlannedContainer, PodPlan } from './types.js';

export const REDACTED = '<redacted>';

/**
 * Values shorter than this are not scrubbed from free text: "1" or "on" cannot be
 * told from ordinary words and would garble every line. Env entries and files are
 * redacted by name whatever their length.
 */
export const MIN_SCRUB_LENGTH = 4;

function envPairs(create: Docker.ContainerCreateOptions): [string, string][] {
  return (create.Env ?? []).map((entry) => {
    const at = entry.indexOf('=');
    return at === -1 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
  });
}

/** Every secret-derived string of a plan: secret env values and secret file contents. */
export function secretValues(plan: PodPlan): string[] {
  const values = new Set<string>();
  for (const container of [plan.sandbox, ...plan.initContainers, ...plan.containers]) {
    const names = new Set(container.secretEnv ?? []);
    if (names.size === 0) continue;
    for (const [name, value] of envPairs(container.create)) {
      if (names.has(name) && value !== '') values.add(value);
    }
  }
  for (const volume of plan.volumes) {
    if (!('files' in volume)) continue;
    for (const file of volume.files) {
      if (!file.secret) continue;
      const content = Buffer.from(file.contentBase64, 'base64').toString('utf8');
      for (const value of secretContentValues(content)) values.add(value);
    }
  }
  return [...values];
}

/**
 * The strings one secret value stands for in free text: the whole value and, since
 * a file is often read line by line (a key file, a .env), each of its lines.
 */
export function secretContentValues(content: string): string[] {
  const values = new Set<string>();
  if (content !== '') values.add(content);
  for (const line of content.split('\n')) if (line.trim() !== '') values.add(line.trim());
  return [...values];
}

/** `text` with every occurrence of a secret value (raw or JSON-escaped) replaced. */
export function redactText(text: string, values: Iterable<string>): string {
  const forms = new Set<string>();
  for (const value of values) {
    if (value.length < MIN_SCRUB_LENGTH) continue;
    forms.add(value);
    forms.add(JSON.stringify(value).slice(1, -1));
  }
  // Longest first, so a secret that contains another is replaced whole.
  let out = text;
  for (const form of [...forms].sort((a, b) => b.length - a.length)) {
    out = out.split(form).join(REDACTED);
  }
  return out;
}

/** A container's secret env values, for scrubbing text about that container. */
function containerSecretValues(container: PlannedContainer): string[] {
  const names = new Set(container.secretEnv ?? []);
  return envPairs(container.create)
    .filter(([name, value]) => names.has(name) && value !== '')
    .map(([, value]) => value);
}

/**
 * A container's create options as podrun may print them: secret env values
 * replaced by the marker (names kept), command and args expanded with the marker
 * in place of secret variables, mount subpaths scrubbed, and the pod manifest label
 * summarized. The engine still gets the real options; only printers use this.
 */
export function redactCreateOptions(container: PlannedContainer): Docker.ContainerCreateOptions {
  const { create } = container;
  const secret = new Set(container.secretEnv ?? []);
  const labels = { ...(create.Labels ?? {}) };
  if (labels[Labels.podManifest]) labels[Labels.podManifest] = '(the pod, JSON)';
  const out: Docker.ContainerCreateOptions = { ...create, Labels: labels };
  if (secret.size === 0) return out;

  const pairs = envPairs(create);
  out.Env = pairs.map(([name, value]) => `${name}=${secret.has(name) ? REDACTED : value}`);
  // command/args were expanded against the real env (plan/command.ts); expand the
  // spec again with the marker standing in for every secret variable.
  const known = new Map(pairs);
  const lookup = (name: string) => (secret.has(name) ? REDACTED : known.get(name));
  const spec = container.spec;
  if (spec?.command && create.Entrypoint !== undefined) {
    out.Entrypoint = spec.command.map((part) => expand(part, lookup));
  }
  if (spec?.args && create.Cmd !== undefined) {
    out.Cmd = spec.args.map((part) => expand(part, lookup));
  }
  const values = containerSecretValues(container);
  if (create.HostConfig?.Mounts) {
    out.HostConfig = {
      ...create.HostConfig,
      Mounts: create.HostConfig.Mounts.map(
        (mount) => JSON.parse(redactText(JSON.stringify(mount), values)) as typeof mount,
      ),
    };
  }
  return out;
}
