import { PodrunError } from '../errors.js';
export class PodNotFoundError extends PodrunError {
  override name = 'PodNotFoundError';
  constructor(namespace: string, name: string) {
    super(`pods "${name}" not found in namespace ${namespace}`);
  }
}

export class PodStartError extends PodrunError {
  override name = 'PodStartError';
}
