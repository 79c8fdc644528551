// LoadOptions.workloads as a list: only the kinds the supervisor runs are read.
import { describe, expect, it } from 'vitest';
import { parseManifestText } from './parse.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: app, image: busybox }] }
`;
const job = `apiVersion: batch/v1
kind: Job
metadata: { name: once }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: app, image: busybox }]
`;

const parse = (text: string, workloads?: boolean | Array<'Deployment' | 'ReplicaSet'>) =>
  parseManifestText(text, 'w.yaml', {
    defaultNamespace: 'default',
    validate: 'strict',
    bundle: true,
    workloads,
  });

describe('workloads: a list of kinds', () => {
  it('reads the listed kinds', () => {
    expect(parse(deployment, ['Deployment', 'ReplicaSet']).workloads).toHaveLength(1);
  });

  it('rejects the others as without the flag', () => {
    const message = (text: string, workloads?: Array<'Deployment' | 'ReplicaSet'>) => {
      try {
        parse(text, workloads);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    // The same errors, at the same places (the lists of supported values now name
    // apps/v1 Deployment and ReplicaSet).
    const where = (text: string) =>
      text.split('\n').map((line) => line.replace(/: Unsupported value: ("[^"]*").*/, ' $1'));
    const listed = message(job, ['Deployment', 'ReplicaSet']);
    expect(where(listed)).toEqual(where(message(job)));
    expect(listed).toMatch(/w\.yaml:2:1: kind: Unsupported value: "Job"/);
    expect(message(deployment, ['ReplicaSet'])).toMatch(/kind: Unsupported value: "Deployment"/);
  });
});
