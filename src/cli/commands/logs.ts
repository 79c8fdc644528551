// podrun logs POD [-c C] [--all-containers] [-f] [--tail N] [--since D] [--timestamps] [--previous]
import type { Writable } from 'node:stream';
import { containerLogs } from '../../pod/container-io.js';
import { containerNames, defaultContainerName, hasInstance } from '../../pod/containers-of.js';
import { PodNotFoundError } from '../../pod/errors.js';
import { findPodRecord } from '../../pod/records.js';
import { linePrefixer } from '../line-prefix.js';
import { podNameArg } from '../output.js';

interface LogsFlags {
  namespace: string;
  container?: string;
  allContainers?: boolean;
  follow?: boolean;
  tail?: number;
  since?: string;
  timestamps?: boolean;
  previous?: boolean;
  prefix?: boolean;
}

/** "5s", "2m", "3h", "1h30m" → seconds. */
export function parseDuration(text: string): number {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`invalid duration "${text}" (use e.g. 10s, 5m, 1h)`);
  }
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 } as const;
  return parts.reduce(
    (sum, [, value, suffix]) => sum + Number(value) * unit[suffix as keyof typeof unit],
    0,
  );
}

export async function runLogs(podArg: string, flags: LogsFlags): Promise<void> {
  const name = podNameArg(podArg);
  const record = await findPodRecord(flags.namespace, name);
  if (!record) throw new PodNotFoundError(flags.namespace, name);
  const names = flags.allContainers
    ? containerNames(record)
    : [flags.container ?? defaultContainerName(record)];
  const since = flags.since ? Date.now() / 1000 - parseDuration(flags.since) : undefined;
  const showPrefix = flags.prefix || names.length > 1;
  await Promise.all(
    names.map(async (container) => {
      // With --all-containers, one not created yet (an app while init runs) shows nothing.
      if (flags.allContainers && !hasInstance(record, container, flags.previous)) return;
      // Both streams go to stdout, merged in write order, as kubectl prints them; one
      // prefixer per container keeps a line whole even when its stream changes mid-line.
      const prefix = `[pod/${record.name}/${container}] `;
      const out = showPrefix ? linePrefixer(process.stdout, prefix) : process.stdout;
      const options = {
        follow: flags.follow,
        tail: flags.tail,
        since,
        timestamps: flags.timestamps,
        previous: flags.previous,
      };
      await containerLogs(record, container, options, out);
      if (showPrefix) (out as Writable).end();
    }),
  );
}
