import { describe, expect, it } from 'vitest';
import { errorLines, POD, parseOk, STRICT } from './test-helpers.js';

describe('parseManifestText', () => {
  it('parses a pod, fills the namespace and remembers where fields are', () => {
    const set = parseOk(POD);
    expect(set.pods).toHaveLength(1);
    const pod = set.pods[0]!;
    expect(pod.object.metadata?.namespace).toBe('default');
    expect(pod.source).toEqual({ file: 'pod.yaml', line: 1, column: 1 });
    expect(pod.locate(['spec', 'containers', 0, 'image'])).toEqual({
      file: 'pod.yaml',
      line: 7,
      column: 5,
    });
    // A missing field points at its nearest written parent.
    expect(pod.locate(['spec', 'containers', 0, 'ports', 0])).toMatchObject({ line: 6, column: 5 });
    expect(set.warnings).toEqual([]);
  });

  it('reads several documents, skips empty ones and unwraps a List', () => {
    const text = `---
# only a comment
---
${POD}---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: cfg, namespace: other}
  data: {a: "1"}
- apiVersion: v1
  kind: PersistentVolumeClaim
  metadata: {name: data}
---
`;
    const set = parseOk(text);
    expect(set.pods.map((p) => p.object.metadata?.name)).toEqual(['web']);
    expect(set.configMaps[0]!.object.metadata?.namespace).toBe('other');
    expect(set.configMaps[0]!.source).toMatchObject({ line: 15, column: 3 });
    expect(set.persistentVolumeClaims[0]!.object.metadata?.namespace).toBe('default');
  });

  it('accepts JSON', () => {
    const set = parseOk(
      '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"a","image":"x"}]}}',
    );
    expect(set.pods[0]!.object.metadata?.name).toBe('j');
  });

  it('reads YAML as kubectl does: 0644 is octal', () => {
    const set = parseOk(`${POD}  volumes:
  - name: cfg
    configMap: {name: c, defaultMode: 0644}
`);
    expect(set.pods[0]!.object.spec?.volumes?.[0]?.configMap?.defaultMode).toBe(0o644);
  });

  it('reports YAML syntax errors with line:col', () => {
    expect(errorLines('apiVersion: v1\nkind: Pod\nmetadata: {name: x\n')).toEqual([
      expect.stringMatching(/^pod\.yaml:4:1: YAML syntax error: /),
    ]);
    expect(errorLines('a: 1\na: 2\n')).toEqual([
      'pod.yaml:2:1: YAML syntax error: Map keys must be unique',
    ]);
  });

  it('rejects unknown kinds and apiVersions', () => {
    expect(errorLines('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n')).toEqual([
      'pod.yaml:1:1: apiVersion: Unsupported value: "apps/v1": supported values: "v1"',
      'pod.yaml:2:1: kind: Unsupported value: "Deployment": supported values: "Pod", "ConfigMap", "Secret", "PersistentVolumeClaim"',
    ]);
    expect(errorLines('metadata: {name: d}\n')).toEqual([
      'pod.yaml:1:1: kind: Required value',
      'pod.yaml:1:1: apiVersion: Required value',
    ]);
    expect(errorLines('- a\n')).toEqual([
      'pod.yaml:1:1: expected a Kubernetes object (a mapping with apiVersion and kind)',
    ]);
  });

  it('collects every error of the run, not just the first', () => {
    const lines = errorLines(`apiVersion: v1
kind: Pod
metadata: {name: Web_1}
spec:
  restartPolicy: Sometimes
  containers:
  - name: app
    imagee: nginx
`);
    expect(lines).toEqual([
      `pod.yaml:3:12: metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      'pod.yaml:5:3: spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"',
      'pod.yaml:7:5: spec.containers[0].image: Required value',
      'pod.yaml:8:5: spec.containers[0].imagee: unknown field (did you mean "image"?)',
    ]);
  });
});

describe('Secrets and ConfigMaps', () => {
  it('merges stringData into data as base64', () => {
    const set = parseOk(`apiVersion: v1
kind: Secret
metadata: {name: s}
data: {a: YWFh}
stringData: {b: bbb, a: override}
`);
    expect(set.secrets[0]!.object.data).toEqual({ a: 'b3ZlcnJpZGU=', b: 'YmJi' });
    expect(set.secrets[0]!.object.stringData).toBeUndefined();
  });

  it('rejects data that is not base64 and bad keys', () => {
    expect(
      errorLines(`apiVersion: v1
kind: Secret
metadata: {name: s}
data:
  ok: YWFh
  bad: not base64!
`),
    ).toEqual(['pod.yaml:6:3: data.bad: Invalid value: "<value>": illegal base64 data']);
    expect(
      errorLines(`apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {"a b": x}
`),
    ).toEqual([
      `pod.yaml:4:8: data[a b]: Invalid value: "a b": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
    ]);
  });

  it('rejects two objects of one kind with the same name in a namespace', () => {
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
    expect(errorLines(`${cm}---\n${cm}`)).toEqual([
      'pod.yaml:7:12: metadata.name: Duplicate value: "c": another ConfigMap in namespace "default" has this name',
    ]);
  });
});

describe('validate modes', () => {
  const typo = `${POD}    imagePullPolicyy: Always\n`;

  it('strict: unknown fields are errors', () => {
    expect(errorLines(typo)).toEqual([
      'pod.yaml:8:5: spec.containers[0].imagePullPolicyy: unknown field (did you mean "imagePullPolicy"?)',
    ]);
  });

  it('warn: unknown fields are warnings, other schema errors stay errors', () => {
    const set = parseOk(typo, { ...STRICT, validate: 'warn' });
    expect(set.warnings.map((w) => w.message)).toEqual([
      'unknown field (did you mean "imagePullPolicy"?)',
    ]);
    expect(errorLines(`${typo}    tty: "yes"\n`, { ...STRICT, validate: 'warn' })).toEqual([
      'pod.yaml:9:5: spec.containers[0].tty: Invalid type: expected boolean, got string "yes"',
    ]);
  });

  it('ignore: no schema checks, but impossible pods are still errors', () => {
    const ignore = { ...STRICT, validate: 'ignore' as const };
    expect(parseOk(`${typo}    tty: "yes"\n`, ignore).warnings).toEqual([]);
    expect(
      errorLines(`${POD}    volumeMounts: [{name: data, mountPath: /data}]\n`, ignore),
    ).toEqual(['pod.yaml:8:21: spec.containers[0].volumeMounts[0].name: Not found: "data"']);
  });
});
