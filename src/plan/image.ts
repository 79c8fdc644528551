// Image pull policy defaulting, as the API server does: an explicit policy wins;
// otherwise ":latest" or no tag → Always, any other tag or a digest → IfNotPresent.
import type { Container } from 'kubernetes-types/core/v1.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/** The tag of an image reference ('' with a digest, 'latest' when none is written). */
export function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastSlash = image.lastIndexOf('/');
  const lastColon = image.lastIndexOf(':');
  return lastColon > lastSlash ? image.slice(lastColon + 1) : 'latest';
}

export function defaultPullPolicy(image: string): PullPolicy {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

export function pullPolicyOf(container: Container): PullPolicy {
  const explicit = container.imagePullPolicy;
  if (explicit === 'Always' || explicit === 'IfNotPresent' || explicit === 'Never') return explicit;
  return defaultPullPolicy(container.image ?? '');
}
