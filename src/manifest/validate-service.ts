// Semantic checks of a Service beyond its schema, worded as the API server's
// ValidateService words them, plus the limits of what podrun can serve: no
// ExternalName, no SCTP, no fixed clusterIP. They run in every --validate mode.

import { isIP } from 'node:net';
import type { Service } from 'kubernetes-types/core/v1.js';
import { dns1035LabelError, dnsLabelError, ianaSvcNameError } from './names.js';
import { type Reporter, say } from './report.js';
import { schemaType } from './schema.js';
import { int, isObj, list, obj, str } from './shape.js';
import { checkLabels, checkMetadata } from './validate-metadata.js';

export const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer'];
export const SERVICE_PROTOCOLS = ['TCP', 'UDP'];
export const SESSION_AFFINITIES = ['None', 'ClientIP'];
/** The API server's default --service-node-port-range. */
export const NODE_PORT_RANGE = { min: 30000, max: 32767 } as const;

const enumOf = (type: string, field: string) =>
  (schemaType(type)?.fields[field] ?? '').replace(/^enum:/, '').split('|');
// What the schema allows, so a value it already rejected is reported in the same words.
const SCHEMA_TYPES = enumOf('ServiceSpec', 'type');
const SCHEMA_PROTOCOLS = enumOf('ServicePort', 'protocol');
const SCHEMA_AFFINITIES = enumOf('ServiceSpec', 'sessionAffinity');

const portRange = 'must be between 1 and 65535, inclusive';

export function checkService(service: unknown, report: Reporter): void {
  checkMetadata(service, report, dns1035LabelError);
  const spec = obj(obj(service).spec);
  const at = (...path: Array<string | number>) => ['spec', ...path];

  const type = str(spec.type) ?? 'ClusterIP';
  if (type === 'ExternalName') {
    report.error(
      at('type'),
      `${say.unsupported(type, SERVICE_TYPES)}: podrun does not support ExternalName Services (it runs no cluster DNS to hold the CNAME)`,
    );
  } else if (!SERVICE_TYPES.includes(type)) {
    report.error(at('type'), say.unsupported(type, SCHEMA_TYPES));
  }

  const headless = checkClusterIP(spec, type, report);

  const ports = list(spec.ports);
  if (ports.length === 0 && !headless && type !== 'ExternalName')
    report.error(at('ports'), say.required());
  const names = new Set<string>();
  const seenPorts = new Set<string>();
  const seenNodePorts = new Set<string>();
  for (const [port, i] of ports) {
    const name = str(port.name) ?? '';
    if (name === '' && ports.length > 1) {
      report.error(at('ports', i, 'name'), say.required('when a Service has more than one port'));
    } else if (name !== '') {
      const why = dnsLabelError(name);
      if (why) report.error(at('ports', i, 'name'), say.invalid(name, why));
      if (names.has(name)) report.error(at('ports', i, 'name'), say.duplicate(name));
      names.add(name);
    }

    const number = int(port.port);
    if (number !== undefined && (number < 1 || number > 65535)) {
      report.error(at('ports', i, 'port'), say.invalid(number, portRange));
    }

    const protocol = str(port.protocol) ?? 'TCP';
    if (protocol === 'SCTP') {
      report.error(
        at('ports', i, 'protocol'),
        `${say.unsupported(protocol, SERVICE_PROTOCOLS)}: podrun's Service proxy forwards TCP and UDP only`,
      );
    } else if (!SERVICE_PROTOCOLS.includes(protocol)) {
      report.error(at('ports', i, 'protocol'), say.unsupported(protocol, SCHEMA_PROTOCOLS));
    }

    checkTargetPort(port.targetPort, at('ports', i, 'targetPort'), report);

    const nodePort = int(port.nodePort);
    if (nodePort !== undefined && nodePort !== 0) {
      if (type === 'ClusterIP') {
        report.error(
          at('ports', i, 'nodePort'),
          say.forbidden("may not be used when `type` is 'ClusterIP'"),
        );
      } else if (nodePort < NODE_PORT_RANGE.min || nodePort > NODE_PORT_RANGE.max) {
        report.error(
          at('ports', i, 'nodePort'),
          say.invalid(
            nodePort,
            `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
          ),
        );
      } else {
        const key = `${nodePort}/${protocol}`;
        if (seenNodePorts.has(key))
          report.error(at('ports', i, 'nodePort'), say.duplicate(nodePort));
        seenNodePorts.add(key);
      }
    }

    if (number !== undefined) {
      const key = `${number}/${protocol}`;
      if (seenPorts.has(key)) {
        report.error(at('ports', i), say.duplicate({ port: number, protocol }));
      }
      seenPorts.add(key);
    }
  }

  if (isObj(spec.selector)) checkLabels(spec.selector, at('selector'), report);

  const affinity = str(spec.sessionAffinity) ?? 'None';
  if (!SESSION_AFFINITIES.includes(affinity)) {
    report.error(at('sessionAffinity'), say.unsupported(affinity, SCHEMA_AFFINITIES));
  } else if (affinity === 'None' && spec.sessionAffinityConfig !== undefined) {
    report.error(
      at('sessionAffinityConfig'),
      say.forbidden('must not be set when session affinity is None'),
    );
  } else if (affinity === 'ClientIP') {
    const timeout = int(obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds);
    if (timeout !== undefined && (timeout < 1 || timeout > 86400)) {
      report.error(
        at('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'),
        say.invalid(timeout, 'must be greater than 0 and less than 86400'),
      );
    }
  }
}

/**
 * clusterIP and clusterIPs: empty (podrun assigns the address), or "None" for a
 * headless Service of type ClusterIP. Returns whether the Service is headless.
 */
function checkClusterIP(spec: Record<string, unknown>, type: string, report: Reporter): boolean {
  const clusterIPs = Array.isArray(spec.clusterIPs) ? spec.clusterIPs : [];
  const clusterIP = str(spec.clusterIP) ?? str(clusterIPs[0]) ?? '';
  const fixed = (path: Array<string | number>, value: string) =>
    report.error(
      path,
      say.invalid(
        value,
        "podrun gives each Service an address on its namespace network and cannot reserve a fixed one; leave clusterIP empty (or 'None' for a headless Service)",
      ),
    );
  if (clusterIP === 'None') {
    if (type === 'NodePort' || type === 'LoadBalancer') {
      report.error(
        ['spec', 'clusterIP'],
        say.invalid(clusterIP, `may not be set to 'None' for ${type} services`),
      );
    }
  } else if (clusterIP !== '') {
    if (isIP(clusterIP) === 0) {
      report.error(
        ['spec', 'clusterIP'],
        say.invalid(clusterIP, "must be empty, 'None', or a valid IP address"),
      );
    } else {
      fixed(['spec', spec.clusterIP !== undefined ? 'clusterIP' : 'clusterIPs'], clusterIP);
    }
  }
  clusterIPs.forEach((value, i) => {
    if (typeof value !== 'string') return;
    if (i === 0 && spec.clusterIP !== undefined && value !== clusterIP) {
      report.error(
        ['spec', 'clusterIPs', 0],
        say.invalid(value, 'must be equal to `clusterIP` when both are set'),
      );
    } else if (i > 0) {
      // A second address is a second IP family; podrun's namespace networks are IPv4 only.
      report.error(
        ['spec', 'clusterIPs', i],
        say.invalid(value, 'podrun runs single-stack IPv4 Services only'),
      );
    }
  });
  return clusterIP === 'None';
}

function checkTargetPort(value: unknown, path: Array<string | number>, report: Reporter): void {
  if (typeof value === 'number' && Number.isSafeInteger(value)) {
    // 0 means unset: the API server defaults it to `port`.
    if (value !== 0 && (value < 1 || value > 65535))
      report.error(path, say.invalid(value, portRange));
  } else if (typeof value === 'string' && value !== '') {
    const why = ianaSvcNameError(value);
    if (why) report.error(path, say.invalid(value, why));
  }
}

/**
 * The API server's defaults, so later stages read one shape: type ClusterIP,
 * sessionAffinity None, protocol TCP, targetPort = port, clusterIP from clusterIPs[0].
 */
export function normalizeService(service: Service): void {
  // With --validate=ignore nothing guarantees the shape: leave what is not a list alone.
  if (!isObj(service.spec)) service.spec = {};
  const spec = service.spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.clusterIP === undefined && Array.isArray(spec.clusterIPs) && spec.clusterIPs[0]) {
    spec.clusterIP = spec.clusterIPs[0];
  }
  for (const port of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isObj(port)) continue;
    port.protocol ??= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port;
    }
  }
}
