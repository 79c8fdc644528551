// podrun apply -f FILE|DIR|- : validate and plan everything first, then create.
import { stringify } from 'yaml';
import { loadManifests } from '../../manifest/load.js';
import type { ValidationMode } from '../../manifest/types.js';
import type { PodPlan } from '../../plan/types.js';
import { applyManifests } from '../../pod/apply.js';
import { abortOnSignals } from '../interrupt.js';
import { printWarnings } from '../output.js';

interface ApplyFlags {
  filename: string[];
  namespace: string;
  validate: ValidationMode;
  dryRun?: boolean;
  pauseImage?: string;
}

/** The plan as the user should read it: Docker create options, secrets redacted. */
export function planForDisplay(plan: PodPlan): object {
  return {
    pod: `${plan.namespace}/${plan.name}`,
    specHash: plan.specHash,
    network: plan.network.create,
    volumes: plan.volumes.map((volume) =>
      'files' in volume
        ? {
            ...volume,
            files: volume.files.map((file) => ({
              path: file.path,
              mode: `0${file.mode.toString(8)}`,
              bytes: Buffer.from(file.contentBase64, 'base64').length,
            })),
          }
        : volume,
    ),
    containers: [plan.sandbox, ...plan.initContainers, ...plan.containers].map((container) => ({
      name: container.name,
      role: container.role,
      create: redactEnv(container.create),
    })),
    warnings: plan.warnings,
  };
}

function redactEnv(create: PodPlan['sandbox']['create']): object {
  // Values from secrets would otherwise be printed; keep names, hide values of all env.
  const labels = { ...(create.Labels ?? {}) };
  if (labels['io.podrun.pod-manifest']) labels['io.podrun.pod-manifest'] = '(the pod, JSON)';
  return { ...create, Labels: labels };
}

export async function runApply(flags: ApplyFlags): Promise<void> {
  const set = await loadManifests(flags.filename, {
    defaultNamespace: flags.namespace,
    validate: flags.validate,
  });
  printWarnings(set.warnings);
  const interrupt = abortOnSignals();
  try {
    const results = await applyManifests(set, {
      dryRun: flags.dryRun,
      pauseImage: flags.pauseImage,
      signal: interrupt.signal,
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    for (const result of results) {
      if (flags.dryRun && result.plan) {
        process.stdout.write(`---\n${stringify(planForDisplay(result.plan))}`);
        continue;
      }
      for (const warning of result.warnings)
        process.stderr.write(`Warning: ${result.kind.toLowerCase()}/${result.name}: ${warning}\n`);
      const suffix = flags.dryRun ? ' (dry run)' : '';
      process.stdout.write(
        `${result.kind.toLowerCase()}/${result.name} ${result.action}${suffix}\n`,
      );
      const failure = result.started?.initFailure;
      if (failure) {
        process.stderr.write(
          `Warning: pod/${result.name}: init container ${failure.container} exited with code ${failure.exitCode}; app containers not started\n`,
        );
      }
    }
  } catch (error) {
    if (interrupt.signal.aborted) {
      // Everything this apply created has been removed by now; 130 = killed by SIGINT.
      throw Object.assign(new Error('interrupted: removed what this apply had created'), {
        exitCode: 130,
      });
    }
    throw error;
  } finally {
    interrupt.dispose();
  }
}
