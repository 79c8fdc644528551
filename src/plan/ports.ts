// Ports: every hostPort of every container is published by the sandbox, which owns
// the network namespace (Docker rejects port publishing on `container:` joiners).
// Key `${containerPort}/${protocol}`; containerPorts without hostPort are only
// published (on a random host port) with the publishAllPorts library option.
import type { PlanContext } from './context.js';

interface Binding {
  HostIp?: string;
  HostPort: string;
}

export interface PlannedPorts {
  ExposedPorts: Record<string, Record<string, never>>;
  PortBindings: Record<string, Binding[]>;
}

const WILDCARDS = new Set(['', '0.0.0.0', '::']);

export function planPorts(ctx: PlanContext): PlannedPorts {
  const exposed: PlannedPorts['ExposedPorts'] = {};
  const bindings: PlannedPorts['PortBindings'] = {};
  const random = new Map<string, string>();
  const taken: { hostIP: string; hostPort: number; protocol: string; where: string }[] = [];

  const groups = [
    ['initContainers', ctx.spec.initContainers ?? []],
    ['containers', ctx.spec.containers ?? []],
  ] as const;
  for (const [field, containers] of groups) {
    for (const [ci, container] of containers.entries()) {
      for (const [pi, port] of (container.ports ?? []).entries()) {
        const path = ['spec', field, ci, 'ports', pi];
        const protocol = (port.protocol ?? 'TCP').toLowerCase();
        const key = `${port.containerPort}/${protocol}`;
        const hostIP = port.hostIP ?? '';
        if (port.hostPort !== undefined && port.hostPort !== 0) {
          const clash = taken.find(
            (other) =>
              other.hostPort === port.hostPort &&
              other.protocol === protocol &&
              (other.hostIP === hostIP || WILDCARDS.has(other.hostIP) || WILDCARDS.has(hostIP)),
          );
          if (clash) {
            ctx.issues.error(
              [...path, 'hostPort'],
              `hostPort ${port.hostPort}/${protocol.toUpperCase()} is already published by ${clash.where}`,
            );
            continue;
          }
          taken.push({
            hostIP,
            hostPort: port.hostPort,
            protocol,
            where: `container "${container.name}"`,
          });
          exposed[key] = {};
          const binding: Binding = { HostPort: String(port.hostPort) };
          if (hostIP !== '') binding.HostIp = hostIP;
          bindings[key] = [...(bindings[key] ?? []), binding];
        } else if (ctx.input.publishAllPorts && !random.has(key)) {
          random.set(key, hostIP);
        }
      }
    }
  }
  // publishAllPorts: a random host port for each containerPort not published explicitly.
  for (const [key, hostIP] of random) {
    if (key in bindings) continue;
    exposed[key] = {};
    const hostPort = ctx.input.hostPorts?.[key] ?? '';
    bindings[key] = [
      hostIP !== '' ? { HostIp: hostIP, HostPort: hostPort } : { HostPort: hostPort },
    ];
  }
  return { ExposedPorts: exposed, PortBindings: bindings };
}
