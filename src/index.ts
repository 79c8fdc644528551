// podrun's library API. The CLI's building blocks (load, apply, records, status) and,
// for test suites, pods as fixtures: startPod/startPods return handles that clean up
// with `await using`, guarded by a reaper that removes what a dead process left;
// startManifests starts a whole bundle (workloads too) as an environment of its own.

export type { ExecResult } from './docker/exec.js';
export {
  Environment,
  type EnvironmentLogsOptions,
  type ForwardedTarget,
  type PodSelector,
} from './lib/environment.js';
export {
  type CreatedConfigObject,
  type ExecOptions,
  type LogsOptions,
  PodHandle,
} from './lib/pod-handle.js';
export type { HostPort } from './lib/published-ports.js';
export { ServiceHandle } from './lib/service-handle.js';
export { ownerSession } from './lib/session.js';
export type {
  ManifestSource,
  ManifestSourceObject,
  PodSource,
  PodSourceObject,
  PublishedPortRequest,
} from './lib/sources.js';
export { type StartManifestsOptions, startManifests } from './lib/start-manifests.js';
export {
  DEFAULT_START_TIMEOUT_MS,
  type LibraryStartOptions,
  PodGroup,
  type StartPodOptions,
  startPod,
  startPods,
} from './lib/start-pod.js';
export {
  type JoinVolumeMount,
  type StartInPodOptions,
  startInPod,
} from './lib/testcontainers.js';
export { ManifestError } from './manifest/errors.js';
export { loadManifests } from './manifest/load.js';
export { parseManifestText } from './manifest/parse.js';
export type { LoadOptions, ManifestSet, ValidationMode } from './manifest/types.js';
export { type ApplyOptions, type ApplyResult, applyManifests } from './pod/apply.js';
export { deletePodRecord } from './pod/delete-pod.js';
export { flushEvents } from './pod/event-store.js';
export type { PodEvent } from './pod/events.js';
export { podObject } from './pod/pod-object.js';
export { type ReapSummary, reapOwner } from './pod/reap-owner.js';
export { findPodRecord, listPodRecords, type PodRecord } from './pod/records.js';
export { type PodStatusSummary, podStatus } from './pod/status.js';
export { PodWaitError } from './pod/wait.js';
export { PODRUN_VERSION } from './version.js';
