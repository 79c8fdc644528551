// Logs and exec for one container of a pod: the pod-level face of src/docker's
// log and exec calls, shared by the CLI (logs, exec, up) and the library handle.
import type { Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { type ExecResult, execCollect, execStream } from '../docker/exec.js';
import { type LogOptions, streamLogs } from '../docker/logs.js';
import { Labels } from '../plan/labels.js';
import { containerInstance, hasTty } from './containers-of.js';
import type { PodRecord } from './records.js';

export type { ExecResult };

export interface ContainerLogOptions extends Omit<LogOptions, 'tty'> {
  /** The instance before the last restart (kubectl logs --previous). */
  previous?: boolean;
}

/** Write a container's log to `out`: stdout and stderr merged in write order, as kubectl logs prints it. */
export async function containerLogs(
  record: PodRecord,
  container: string,
  options: ContainerLogOptions,
  out: Writable,
): Promise<void> {
  const instance = containerInstance(record, container, options.previous);
  await instanceLogs(record, instance, options, out);
}

/** The log of one given instance (podrun up follows every instance, restarts too). */
export async function instanceLogs(
  record: PodRecord,
  instance: Docker.ContainerInfo,
  options: Omit<LogOptions, 'tty'>,
  out: Writable,
): Promise<void> {
  const tty = hasTty(record, instance.Labels[Labels.container] ?? '');
  await streamLogs(instance.Id, { ...options, tty }, out);
}

function runningInstance(record: PodRecord, container: string) {
  const instance = containerInstance(record, container);
  if (instance.State !== 'running') {
    throw new Error(
      `cannot exec in container ${instance.Labels[Labels.container]}: it is not running (${instance.State})`,
    );
  }
  return instance;
}

/** Exec with live streams (the CLI); resolves with the command's exit code. */
export async function containerExec(
  record: PodRecord,
  container: string,
  command: string[],
  streams: { stdin?: Readable; stdout: Writable; stderr: Writable; tty?: boolean },
): Promise<number> {
  return execStream(runningInstance(record, container).Id, command, streams);
}

/** Exec and collect stdout, stderr and the exit code (the library, tests). */
export async function containerExecCollect(
  record: PodRecord,
  container: string,
  command: string[],
  input?: string,
): Promise<ExecResult> {
  return execCollect(runningInstance(record, container).Id, command, input);
}
