// Before `apply` creates anything: plan each workload's pod template
// as its pods will be planned (the ConfigMaps and Secrets stored or in the same apply),
// so a template podrun cannot run fails the apply with its file:line:col under
// spec.template, as a bare pod does, instead of a supervisor warning later.
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import { ManifestError } from '../manifest/errors.js';
import type { ManifestIssue, ManifestSet } from '../manifest/types.js';
import { PlanError } from '../plan/errors.js';
import { planPod } from '../plan/plan-pod.js';
import {
  type ConfigMapData,
  loadStoredConfigMaps,
  loadStoredSecrets,
  type SecretData,
} from '../pod/config-store.js';
import { PODRUN_VERSION } from '../version.js';
import { controlledPodObject } from './create-pod.js';

export async function checkWorkloadTemplates(set: ManifestSet): Promise<void> {
  const entries = set.workloads;
  if (entries.length === 0) return;
  const nsOf = (object: { metadata?: { namespace?: string } }) =>
    object.metadata?.namespace ?? 'default';
  const configMaps = new Map<string, Map<string, ConfigMapData>>();
  const secrets = new Map<string, Map<string, SecretData>>();
  for (const namespace of new Set(entries.map(({ object }) => nsOf(object)))) {
    configMaps.set(namespace, await loadStoredConfigMaps(namespace));
    secrets.set(namespace, await loadStoredSecrets(namespace));
  }
  for (const { object } of set.configMaps) {
    configMaps.get(nsOf(object))?.set(object.metadata?.name ?? '', {
      data: object.data ?? {},
      binaryData: object.binaryData ?? {},
    });
  }
  for (const { object } of set.secrets)
    secrets.get(nsOf(object))?.set(object.metadata?.name ?? '', { data: object.data ?? {} });
  const issues: ManifestIssue[] = [];
  for (const entry of entries) {
    const object = entry.object as Deployment;
    const namespace = nsOf(object);
    const name = object.metadata?.name ?? '';
    const pod = controlledPodObject(
      {
        namespace,
        name: `${name}-check`,
        template: object.spec?.template ?? {},
        owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: 'check' },
      },
      'check',
      new Date(),
    );
    try {
      planPod({
        pod,
        uid: 'check',
        configMaps: configMaps.get(namespace) ?? new Map(),
        secrets: secrets.get(namespace) ?? new Map(),
        pauseImage: 'pause',
        podrunVersion: PODRUN_VERSION,
        engine: { volumeSubpath: true },
      });
    } catch (error) {
      if (!(error instanceof PlanError)) throw error;
      for (const issue of error.issues) {
        // A pod's path (spec.containers...) is the template's (spec.template.spec...).
        const path = ['spec', 'template', ...issue.path];
        issues.push({ location: entry.locate(path), path, message: issue.message });
      }
    }
  }
  if (issues.length > 0) throw new ManifestError(issues);
}
