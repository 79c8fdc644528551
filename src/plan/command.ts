// command/args against the image's ENTRYPOINT/CMD, as Kubernetes defines them:
//   command set        → Entrypoint = command, Cmd = args (or none: [] clears the image CMD)
//   only args          → Cmd = args, the image ENTRYPOINT stays
//   neither            → the image's ENTRYPOINT and CMD
// Both get $(VAR) expansion against the container's final environment.
import type Docker from 'dockerode';
import type { Container } from 'kubernetes-types/core/v1.js';
import { type EnvMap, envLookup, expand } from './env.js';

export function planCommand(
  container: Container,
  env: EnvMap,
): Pick<Docker.ContainerCreateOptions, 'Entrypoint' | 'Cmd'> {
  const lookup = envLookup(env);
  const command = container.command?.map((part) => expand(part, lookup));
  const args = container.args?.map((part) => expand(part, lookup));
  if (command && command.length > 0) return { Entrypoint: command, Cmd: args ?? [] };
  if (args && args.length > 0) return { Cmd: args };
  return {};
}
