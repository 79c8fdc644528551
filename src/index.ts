// podrun's library API. The pod-level test-fixture API (issue: library) builds on
// these; they are the same functions the CLI uses.

export { ManifestError } from './manifest/errors.js';
export { loadManifests } from './manifest/load.js';
export { parseManifestText } from './manifest/parse.js';
export type { LoadOptions, ManifestSet, ValidationMode } from './manifest/types.js';
export { type ApplyOptions, type ApplyResult, applyManifests } from './pod/apply.js';
export { deletePodRecord } from './pod/delete-pod.js';
export { podObject } from './pod/pod-object.js';
export { findPodRecord, listPodRecords, type PodRecord } from './pod/records.js';
export { type PodStatusSummary, podStatus } from './pod/status.js';
export { PODRUN_VERSION } from './version.js';
