// One bridge network per namespace, shared by its pods: pods resolve each other by
// name through Docker's embedded DNS (the sandbox registers aliases).
import type Docker from 'dockerode';
import { baseLabels, Labels } from './labels.js';
import { namespaceNetworkName } from './names.js';

export function planNetwork(
  namespace: string,
  version: string,
): { name: string; create: Docker.NetworkCreateOptions } {
  const name = namespaceNetworkName(namespace);
  return {
    name,
    create: {
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: baseLabels('network', version, { [Labels.namespace]: namespace }),
    },
  };
}
