// podrun create job NAME --from=cronjob/CRONJOB: run a CronJob's Job now, as kubectl
// does (a manual run, owned by the CronJob), without waiting for its schedule.
import { ensureSupervisor } from '../../supervisor/launch.js';
import { createJobFromCronJob } from '../../workloads/manage.js';
import { CRONJOB_TYPES } from './workloads.js';

export async function runCreateJob(
  name: string,
  flags: { from?: string; namespace: string },
): Promise<void> {
  const from = flags.from ?? '';
  const slash = from.indexOf('/');
  const type = slash >= 0 ? from.slice(0, slash).toLowerCase() : '';
  if (!CRONJOB_TYPES.includes(type) || slash === from.length - 1)
    throw new Error(
      `--from must name a cronjob (--from=cronjob/NAME); podrun makes Jobs from CronJobs only, got "${from}"`,
    );
  const cronJob = from.slice(slash + 1);
  const made = await createJobFromCronJob(flags.namespace, cronJob, name);
  if (!made)
    throw new Error(`cronjobs.batch "${cronJob}" not found in namespace ${flags.namespace}`);
  process.stdout.write(`job.batch/${name} created\n`);
  // The supervisor runs the Job's controller: make sure one is there to start its pods.
  await ensureSupervisor().catch((error: Error) =>
    process.stderr.write(`Warning: ${error.message}; the Job will not start\n`),
  );
}
