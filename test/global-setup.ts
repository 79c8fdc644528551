// Runs once before the Docker-backed tests: an engine must answer (scripts/test.sh
// has already started one and built the images; this makes `vitest --project docker`
// work on its own too).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('bash', ['scripts/ensure-docker.sh'], { stdio: 'inherit' });
}
