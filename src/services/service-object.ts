// A Service as the API server would return it (`get svc -o json|yaml`): the stored
// manifest (node ports assigned) with spec.clusterIP(s) set to the proxy's address
// and, for a LoadBalancer, status.loadBalancer.ingress [{ip: 127.0.0.1}].
import type { Service } from 'kubernetes-types/core/v1.js';
import type { PlannedServicePort, ServiceProtocol, ServiceType } from '../plan/service.js';
import type { ServiceRecord } from '../pod/service-records.js';

export function serviceTypeOf(record: ServiceRecord): ServiceType {
  return (record.service.spec?.type ?? 'ClusterIP') as ServiceType;
}

/** The Service's ports as plan/service-table.ts formats them. */
export function servicePortsOf(record: ServiceRecord): PlannedServicePort[] {
  return (record.service.spec?.ports ?? []).map((port) => ({
    name: port.name ?? '',
    port: port.port,
    protocol: (port.protocol ?? 'TCP') as ServiceProtocol,
    targetPort: port.targetPort ?? port.port,
    ...(port.nodePort ? { nodePort: port.nodePort } : {}),
  }));
}

export function serviceObject(record: ServiceRecord): Service {
  const service = structuredClone(record.service);
  const spec = { ...service.spec };
  const ip = record.clusterIP;
  if (ip) {
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  }
  spec.type = serviceTypeOf(record);
  spec.sessionAffinity = spec.sessionAffinity ?? 'None';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    ...service,
    metadata: { ...service.metadata, namespace: record.namespace, name: record.name },
    spec,
    status: {
      loadBalancer: spec.type === 'LoadBalancer' ? { ingress: [{ ip: '127.0.0.1' }] } : {},
    },
  };
}
