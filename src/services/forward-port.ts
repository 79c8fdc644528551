// Which pod and port a connection forwarded to a Service goes to (port-forward
// svc/NAME): REMOTE names a Service port (its number or its name, as kubectl looks
// it up), and the connection goes to a Ready endpoint of that port, at the
// targetPort resolved on that pod (a named targetPort can differ from pod to pod).
// Unlike kubectl, which picks one pod when it starts and fails once that pod is
// gone, this is asked again for every connection; it keeps to the previous
// connection's pod while that stays a Ready endpoint.
import type { Service, ServicePort } from 'kubernetes-types/core/v1.js';
import type { EndpointTarget, ServiceEndpoints } from '../plan/endpoints.js';

/** The Service port REMOTE names; a one-line error when there is none. */
export function forwardedServicePort(service: Service, remote: number | string): ServicePort {
  const name = service.metadata?.name ?? '';
  const ports = service.spec?.ports ?? [];
  const found =
    typeof remote === 'number'
      ? ports.find((port) => port.port === remote)
      : ports.find((port) => port.name === remote);
  if (!found) {
    throw new Error(
      typeof remote === 'number'
        ? `Service ${name} does not have a service port ${remote}`
        : `Service ${name} does not have a service port named "${remote}"`,
    );
  }
  if ((found.protocol ?? 'TCP') !== 'TCP') {
    throw new Error(
      `port-forward forwards TCP only: Service ${name} port ${found.port} is ${found.protocol}`,
    );
  }
  return found;
}

/** A Ready endpoint of the Service port numbered `servicePort`, `previousPod`'s while it is one. */
export function pickEndpoint(
  endpoints: ServiceEndpoints,
  servicePort: number,
  previousPod?: string,
): EndpointTarget | undefined {
  const entry = endpoints.ports.find(
    (port) => port.servicePort === servicePort && port.protocol === 'TCP',
  );
  const ready = entry?.ready ?? [];
  return ready.find((target) => target.pod === previousPod) ?? ready[0];
}
