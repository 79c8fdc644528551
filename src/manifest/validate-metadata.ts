// metadata checks shared by every kind: podrun names Docker objects after these values
// and stores labels as Docker labels, so they must be valid Kubernetes names.
import { dnsLabelError, labelValueError, qualifiedNameError } from './names.js';
import { type Reporter, say } from './report.js';
import { isObj, obj, str } from './shape.js';

/** `nameError` is the syntax the kind's names follow (DNS subdomain for most). */
export function checkMetadata(
  object: unknown,
  report: Reporter,
  nameError: (name: string) => string | undefined,
): void {
  const metadata = obj(obj(object).metadata);
  const name = metadata.name;
  if (name === undefined || name === null || name === '') {
    const why =
      metadata.generateName !== undefined ? 'generateName is not supported by podrun' : '';
    report.error(['metadata', 'name'], say.required(why || 'name is required'));
  } else if (typeof name === 'string') {
    const why = nameError(name);
    if (why) report.error(['metadata', 'name'], say.invalid(name, why));
  }
  const namespace = str(metadata.namespace);
  if (namespace !== undefined) {
    const why = dnsLabelError(namespace);
    if (why) report.error(['metadata', 'namespace'], say.invalid(namespace, why));
  }
  if (isObj(metadata.labels)) checkLabels(metadata.labels, ['metadata', 'labels'], report);
  if (isObj(metadata.annotations)) {
    for (const key of Object.keys(metadata.annotations)) {
      const why = qualifiedNameError(key.toLowerCase());
      if (why) report.error(['metadata', 'annotations', key], say.invalid(key, why));
    }
  }
}

/** Label keys and values (metadata.labels, a Service's selector). */
export function checkLabels(
  labels: Record<string, unknown>,
  at: ReadonlyArray<string | number>,
  report: Reporter,
): void {
  for (const [key, value] of Object.entries(labels)) {
    const keyWhy = qualifiedNameError(key);
    if (keyWhy) report.error([...at, key], say.invalid(key, keyWhy));
    if (typeof value === 'string') {
      const valueWhy = labelValueError(value);
      if (valueWhy) report.error([...at, key], say.invalid(value, valueWhy));
    }
  }
}
