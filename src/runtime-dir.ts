// podrun's per-user runtime directory: $PODRUN_RUNTIME_DIR, $XDG_RUNTIME_DIR/podrun,
// /run/podrun for root, or one in the temp directory. It holds the supervisors'
// sockets and logs and small hints that are safe to lose (docker/subnet-hint.ts);
// never an object's state, which lives only in the engine.
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function runtimeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PODRUN_RUNTIME_DIR) return env.PODRUN_RUNTIME_DIR;
  if (env.XDG_RUNTIME_DIR) return join(env.XDG_RUNTIME_DIR, 'podrun');
  if (process.getuid?.() === 0) return '/run/podrun';
  return join(tmpdir(), `podrun-${process.getuid?.() ?? 'user'}`);
}
