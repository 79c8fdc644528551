// The workload controllers as pure steps: an object, its pods' facts and the clock in;
// intents and a status out (docs/controllers.md). No I/O: the supervisor carries the
// intents out on its one sync path.
export {
  cronJobOwner,
  cronJobRunName,
  INSTANTIATE_ANNOTATION,
  jobFromCronJob,
  type OwnedJob,
  SCHEDULED_TIMESTAMP_ANNOTATION,
  syncCronJob,
} from './cronjob.js';
export {
  CONTROLLER_REVISION_HASH_LABEL,
  daemonSetOwner,
  daemonSetPodTemplate,
  daemonSetRevision,
  syncDaemonSet,
} from './daemonset.js';
export {
  DEPLOYMENT_DEFAULTS,
  DESIRED_REPLICAS_ANNOTATION,
  deploymentOwner,
  MAX_REPLICAS_ANNOTATION,
  maxSurge,
  maxUnavailable,
  REVISION_ANNOTATION,
  resolveFenceposts,
  syncDeployment,
} from './deployment.js';
export { isActive, isAvailable, type OwnedPod, type PodPhase } from './facts.js';
export {
  POD_TEMPLATE_HASH_LABEL,
  podTemplateHash,
  sameTemplate,
  withoutHashLabel,
} from './hash.js';
export type { ControllerIntent, ControllerStep, Owner } from './intents.js';
export {
  COMPLETION_INDEX_ANNOTATION,
  COMPLETION_INDEX_ENV,
  CONTROLLER_UID_LABELS,
  JOB_BACKOFF,
  JOB_NAME_LABELS,
  jobBackoffDelayMs,
  jobOwner,
  jobPodTemplate,
  syncJob,
} from './job.js';
export { generateName, KUBE_ALPHABET, type Random } from './names.js';
export {
  podFromTemplate,
  replicaSetOwner,
  replicaSetStatus,
  syncReplicaSet,
} from './replicaset.js';
