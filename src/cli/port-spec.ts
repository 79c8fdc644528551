// kubectl port-forward's port arguments: `[LOCAL:]REMOTE`. REMOTE is a port number or
// a port name (a container port's, or for svc/NAME the Service port's); LOCAL empty
// or 0 asks for a free local port, LOCAL omitted means the same number as REMOTE
// (once REMOTE's name is resolved).

export interface PortSpec {
  /** The argument as given, for messages. */
  spec: string;
  /** The local port: 0 = pick a free one; undefined = the resolved remote number. */
  local: number | undefined;
  remote: number | string;
}

// A port name is an IANA_SVC_NAME, as the API validates containerPort names.
const PORT_NAME = /^(?=.*[a-z])(?!.*--)[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;

function portNumber(text: string, min: number): number | undefined {
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= min && value <= 65535 ? value : undefined;
}

/** One argument; throws a one-line error naming it. */
export function parsePortSpec(spec: string): PortSpec {
  const parts = spec.split(':');
  if (parts.length > 2) throw new Error(`invalid port "${spec}": expected [LOCAL:]REMOTE`);
  const remoteText = parts[parts.length - 1]!;
  const localText = parts.length === 2 ? parts[0]! : undefined;
  const remote = portNumber(remoteText, 1) ?? (PORT_NAME.test(remoteText) ? remoteText : undefined);
  if (remote === undefined) {
    throw new Error(
      `invalid port "${spec}": remote port "${remoteText}" must be a number from 1 to 65535 or a port name`,
    );
  }
  let local: number | undefined;
  if (localText !== undefined) {
    local = localText === '' ? 0 : portNumber(localText, 0);
    if (local === undefined) {
      throw new Error(
        `invalid port "${spec}": local port "${localText}" must be a number from 0 to 65535`,
      );
    }
  }
  return { spec, local, remote };
}

/** Every argument; at least one is needed. */
export function parsePortSpecs(specs: readonly string[]): PortSpec[] {
  if (specs.length === 0) throw new Error('at least one port is needed: [LOCAL:]REMOTE');
  return specs.map(parsePortSpec);
}
