// Runs once before the Docker-backed tests: an engine must answer (scripts/test.sh
// has already started one and built the images; this makes `vitest --project docker`
// work on its own too).
import { execFileSync } from 'node:child_process';
import { ensurePauseImage, LOCAL_PAUSE_IMAGE } from '../src/docker/pause-image.js';

export default async function setup(): Promise<void> {
  execFileSync('bash', ['scripts/ensure-docker.sh'], { stdio: 'inherit' });
  // vitest.config.ts pins PODRUN_PAUSE_IMAGE to podrun's own pause image: build it
  // even where registry.k8s.io/pause is present (which the default order prefers).
  // image '' = no explicit image; an unpullable registry image leaves the local build.
  const ref = await ensurePauseImage({ image: '', registryImage: '127.0.0.1:9/none:0' });
  if (ref !== LOCAL_PAUSE_IMAGE) throw new Error(`pause image ${ref}, not ${LOCAL_PAUSE_IMAGE}`);
}
