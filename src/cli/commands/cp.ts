// podrun cp [NS/]POD:PATH LOCAL | LOCAL [NS/]POD:PATH [-c CONTAINER] [-n NS]
// kubectl's file specs; one side is a pod path. Works with nothing in the image
// (pod/copy-files.ts).
import { type CopyReport, copyFromPod, copyToPod, type PodPath } from '../../pod/copy-files.js';

interface CpFlags {
  namespace: string;
  container?: string;
}

/** `[ns/]pod:path`, or undefined for a local path (kubectl: a colon after a slash-free name). */
function podPath(spec: string, flags: CpFlags): PodPath | undefined {
  const match = /^(?:([a-z0-9-.]+)\/)?([a-z0-9][a-z0-9-.]*):(.*)$/.exec(spec);
  if (!match) return undefined;
  const path = match[3] ?? '';
  if (path === '') throw new Error(`${spec}: name the path in the pod (POD:PATH)`);
  return {
    namespace: match[1] ?? flags.namespace,
    pod: match[2]!,
    container: flags.container,
    path: path.startsWith('/') ? path : `/${path}`,
  };
}

function warnSkipped(report: CopyReport): void {
  for (const line of report.skipped) process.stderr.write(`warning: skipped ${line}\n`);
}

export async function runCp(source: string, destination: string, flags: CpFlags): Promise<void> {
  const from = podPath(source, flags);
  const to = podPath(destination, flags);
  if (from && to) throw new Error('one of source and destination must be a local path');
  if (!from && !to) throw new Error('one of source and destination must be POD:PATH');
  const report = from ? await copyFromPod(from, destination) : await copyToPod(source, to!);
  warnSkipped(report);
}
