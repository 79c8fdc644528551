// Which build of podrun a process runs: the modification time of the compiled
// supervisor entry next to this file (dist/supervisor/daemon.js; daemon.ts when run
// from source). Every build rewrites it. The warm path compares a CLI's stamp with
// the one its supervisor took at start (the code it has loaded), and the supervisor
// hands over when the stamp on disk moves on (daemon.ts).
import { statSync } from 'node:fs';

export function buildStamp(): string {
  for (const name of ['./daemon.js', './daemon.ts']) {
    const stat = statSync(new URL(name, import.meta.url), { throwIfNoEntry: false });
    if (stat) return `${name}@${stat.mtimeMs}`;
  }
  return 'unknown';
}
