// The supervisor's probe memory: the last probe states it reported, in a file next to
// its socket, so the next supervisor of the scope (a hand-over after an upgrade, a
// restart after a kill) starts each still-running container Started and Ready as it
// was, instead of Failure until its next probe. The kubelet does the same across its
// own restart, from the pod status the API server holds. Lost or unreadable, it costs
// what a first start costs: readiness waits for the first probe.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { log } from '../log.js';
import type { ProbeReport } from '../pod/probes/report.js';

/** The states in a memory file's text; anything malformed is left out. Pure. */
export function parseProbeMemory(text: string): ProbeReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  const states: ProbeReport = {};
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return states;
  for (const [id, state] of Object.entries(parsed as Record<string, unknown>)) {
    if (!/^[0-9a-f]{64}$/.test(id) || !state || typeof state !== 'object') continue;
    const { started, ready } = state as Record<string, unknown>;
    if (typeof started === 'boolean' && typeof ready === 'boolean') {
      states[id] = { started, ready };
    }
  }
  return states;
}

export class ProbeMemory {
  private lastWritten: string | undefined;

  constructor(private readonly path: string) {}

  read(): ProbeReport {
    try {
      return parseProbeMemory(readFileSync(this.path, 'utf8'));
    } catch {
      return {};
    }
  }

  /**
   * Write the states when they differ from the last write, whole or not at all; with
   * no state left, remove the file (a scope whose pods are gone leaves nothing).
   */
  write(states: ProbeReport): void {
    const text = JSON.stringify(states);
    if (text === this.lastWritten) return;
    try {
      if (text === '{}') {
        rmSync(this.path, { force: true });
      } else {
        const temp = `${this.path}.${process.pid}.tmp`;
        writeFileSync(temp, text, { mode: 0o600 });
        renameSync(temp, this.path);
      }
      this.lastWritten = text;
    } catch (error) {
      log().warn(`supervisor: probe memory not written (${(error as Error).message})`);
    }
  }
}
