// The reaper's watchdog process: started detached by the library (one per owner
// session), it holds the read end of a pipe whose write end only the test process
// has. When that pipe closes, the test process is gone (normal exit, crash, SIGKILL):
// the watchdog removes everything labelled with the owner session and exits.
// Usage: node watchdog.js <owner>; prints "ready" once it can clean up.
import { log } from '../log.js';
import { reapOwner } from '../pod/reap-owner.js';

const FIRST_PASS_GAP_MS = 500;
const GIVE_UP_AFTER_MS = 9_000;

const owner = process.argv[2];
if (!owner) {
  process.stderr.write('usage: watchdog <owner>\n');
  process.exit(2);
}

async function cleanUp(session: string): Promise<void> {
  const started = Date.now();
  // Requests the owner sent just before it died may still complete at the engine, so
  // clean until a pass finds nothing (at least two passes).
  for (let pass = 1; ; pass++) {
    let found = 1;
    try {
      const summary = await reapOwner(session);
      found = summary.pods + summary.volumes;
      log().info({ owner: session, pass, ...summary }, 'reaper pass');
    } catch (error) {
      log().warn({ err: error, owner: session, pass }, 'reaper pass failed');
    }
    if ((found === 0 && pass >= 2) || Date.now() - started > GIVE_UP_AFTER_MS) break;
    await new Promise((resolve) => setTimeout(resolve, FIRST_PASS_GAP_MS));
  }
}

let triggered = false;
function ownerGone(): void {
  if (triggered) return;
  triggered = true;
  void cleanUp(owner!).finally(() => process.exit(0));
}

process.stdin.on('data', () => {});
process.stdin.on('end', ownerGone);
process.stdin.on('close', ownerGone);
process.stdin.on('error', ownerGone);
process.stdout.write('ready\n');
