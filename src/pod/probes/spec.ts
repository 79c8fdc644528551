// A container's probe as podrun runs it: Kubernetes defaults applied (period 10 s,
// timeout 1 s, successThreshold 1, failureThreshold 3, initialDelay 0) and named
// ports resolved against the container's ports. Pure.
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import { PodrunError } from '../../errors.js';

export type ProbeKind = 'startup' | 'readiness' | 'liveness';

export type ProbeHandler =
  | { type: 'exec'; command: string[] }
  | { type: 'tcp'; host?: string; port: number }
  | {
      type: 'http';
      scheme: 'HTTP' | 'HTTPS';
      host?: string;
      port: number;
      path: string;
      headers: { name: string; value: string }[];
    };

export interface ProbeSettings {
  kind: ProbeKind;
  initialDelayMs: number;
  periodMs: number;
  timeoutMs: number;
  successThreshold: number;
  failureThreshold: number;
  handler: ProbeHandler;
}

export class ProbeSpecError extends PodrunError {
  override name = 'ProbeSpecError';
}

export function resolvePort(container: Container, port: number | string | undefined): number {
  if (typeof port === 'number') return port;
  if (port !== undefined && /^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new ProbeSpecError(`container ${container.name}: no port named "${port}"`);
  return named.containerPort;
}

/** The handler of a probe or lifecycle hook (exec, httpGet, tcpSocket). */
export function handlerOf(
  container: Container,
  action: Pick<Probe, 'exec' | 'httpGet' | 'tcpSocket'>,
): ProbeHandler | undefined {
  if (action.exec) return { type: 'exec', command: action.exec.command ?? [] };
  if (action.httpGet) {
    const http = action.httpGet;
    return {
      type: 'http',
      scheme: http.scheme === 'HTTPS' ? 'HTTPS' : 'HTTP',
      host: http.host || undefined,
      port: resolvePort(container, http.port),
      path: http.path || '/',
      headers: (http.httpHeaders ?? []).map((h) => ({ name: h.name, value: h.value })),
    };
  }
  if (action.tcpSocket) {
    return {
      type: 'tcp',
      host: action.tcpSocket.host || undefined,
      port: resolvePort(container, action.tcpSocket.port),
    };
  }
  return undefined;
}

const FIELD: Record<ProbeKind, 'startupProbe' | 'readinessProbe' | 'livenessProbe'> = {
  startup: 'startupProbe',
  readiness: 'readinessProbe',
  liveness: 'livenessProbe',
};

export function probeSettings(container: Container, kind: ProbeKind): ProbeSettings | undefined {
  const probe = container[FIELD[kind]];
  if (!probe) return undefined;
  const handler = handlerOf(container, probe);
  if (!handler) return undefined;
  return {
    kind,
    initialDelayMs: (probe.initialDelaySeconds ?? 0) * 1000,
    periodMs: (probe.periodSeconds ?? 10) * 1000,
    timeoutMs: (probe.timeoutSeconds ?? 1) * 1000,
    // Kubernetes requires 1 for liveness and startup probes.
    successThreshold: kind === 'readiness' ? (probe.successThreshold ?? 1) : 1,
    failureThreshold: probe.failureThreshold ?? 3,
    handler,
  };
}
