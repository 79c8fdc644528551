// The manifest stage's public API: text or files in, validated Kubernetes objects out.
export { type ConfigRefOptions, checkConfigRefs, lookupInSet } from './config-refs.js';
export { formatFieldPath, formatIssue, formatLocation, ManifestError } from './errors.js';
export { ignoredObjectWarning } from './ignored.js';
export { BUNDLE_KINDS, IGNORED_KINDS, POD_KINDS, WORKLOAD_KINDS } from './kinds.js';
export { loadManifests } from './load.js';
export { parseManifestText } from './parse.js';
export { matchesSelector } from './selector.js';
export {
  DEFAULT_VALUES,
  IGNORED_FIELDS,
  SUPPORTED_POD_FIELDS,
  SUPPORTED_SERVICE_FIELDS,
  SUPPORTED_VALUES,
} from './supported-fields.js';
export type * from './types.js';
export { NODE_PORT_RANGE } from './validate-service.js';
