export class PodNotFoundError extends Error {
  override name = 'PodNotFoundError';
  constructor(namespace: string, name: string) {
    super(`pods "${name}" not found in namespace ${namespace}`);
  }
}

export class PodStartError extends Error {
  override name = 'PodStartError';
}
