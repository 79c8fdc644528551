// One test per class of error the manifest stage reports, each asserting the exact
// line `file:line:col: path: message`.
import { describe, expect, it } from 'vitest';
import { errorLines, POD, parseOk } from './test-helpers.js';

/** A pod whose first container starts at line 6 (`- name: app`); `extra` follows it. */
const pod = (containerExtra: string, specExtra = '') => `${POD}${containerExtra}${specExtra}`;

describe('schema checks', () => {
  it('unknown field, with a suggestion', () => {
    expect(
      errorLines(
        pod('  - name: two\n    imagee: nginx\n    image: x\n', '  restartPolicyy: Always\n'),
      ),
    ).toEqual([
      'pod.yaml:9:5: spec.containers[1].imagee: unknown field (did you mean "image"?)',
      'pod.yaml:11:3: spec.restartPolicyy: unknown field (did you mean "restartPolicy"?)',
    ]);
    expect(errorLines(pod('    zzzzzz: 1\n'))).toEqual([
      'pod.yaml:8:5: spec.containers[0].zzzzzz: unknown field',
    ]);
  });

  it('a wrong type in Secret data or stringData names the type, never the value', () => {
    const secret =
      'apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { pw: 123456789 }\ndata: { x: 987654321 }\n';
    const lines = errorLines(secret);
    expect(lines).toEqual([
      'pod.yaml:4:15: stringData.pw: Invalid type: expected string, got integer',
      'pod.yaml:5:9: data.x: Invalid type: expected string, got integer',
    ]);
  });

  it('wrong type', () => {
    expect(errorLines(pod('    ports:\n    - containerPort: "80"\n    command: echo\n'))).toEqual([
      'pod.yaml:9:7: spec.containers[0].ports[0].containerPort: Invalid type: expected integer, got string "80"',
      'pod.yaml:10:5: spec.containers[0].command: Invalid type: expected array, got string "echo"',
    ]);
  });

  it('bad quantity', () => {
    expect(errorLines(pod('    resources: {limits: {memory: 1 gig}}\n'))).toEqual([
      'pod.yaml:8:26: spec.containers[0].resources.limits.memory: Invalid value: "1 gig": must be a quantity such as "500m", "1.5", "128Mi"',
    ]);
  });

  it('missing required fields', () => {
    expect(
      errorLines(
        'apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  - image: x\n',
      ),
    ).toEqual(['pod.yaml:6:5: spec.containers[0].name: Required value']);
    expect(errorLines('apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec: {}\n')).toEqual([
      'pod.yaml:4:1: spec.containers: Required value',
    ]);
    expect(
      errorLines(
        'apiVersion: v1\nkind: Pod\nmetadata: {labels: {a: b}}\nspec:\n  containers:\n  - name: a\n',
      ),
    ).toEqual([
      'pod.yaml:3:1: metadata.name: Required value: name is required',
      'pod.yaml:6:5: spec.containers[0].image: Required value',
    ]);
  });

  it('enum values: restartPolicy, imagePullPolicy, protocol', () => {
    expect(
      errorLines(
        pod(
          '    imagePullPolicy: Sometimes\n    ports: [{containerPort: 80, protocol: tcp}]\n',
          '  restartPolicy: always\n',
        ),
      ),
    ).toEqual([
      'pod.yaml:8:5: spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
      'pod.yaml:9:33: spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
      'pod.yaml:10:3: spec.restartPolicy: Unsupported value: "always": supported values: "Always", "Never", "OnFailure"',
    ]);
  });
});

describe('semantic checks', () => {
  it('invalid names: pod, container, port, volume', () => {
    const lines = errorLines(`apiVersion: v1
kind: Pod
metadata: {name: web.Example}
spec:
  volumes: [{name: Data_1, emptyDir: {}}]
  containers:
  - name: my_app
    image: nginx
    ports: [{containerPort: 80, name: http-web-frontend}]
`);
    expect(lines).toEqual([
      `pod.yaml:3:12: metadata.name: Invalid value: "web.Example": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      `pod.yaml:5:14: spec.volumes[0].name: Invalid value: "Data_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
      `pod.yaml:7:5: spec.containers[0].name: Invalid value: "my_app": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
      'pod.yaml:9:33: spec.containers[0].ports[0].name: Invalid value: "http-web-frontend": must be no more than 15 characters',
    ]);
  });

  it('duplicate container names across init and app containers', () => {
    expect(errorLines(pod('', '  initContainers:\n  - name: app\n    image: busybox\n'))).toEqual([
      'pod.yaml:6:5: spec.containers[0].name: Duplicate value: "app"',
    ]);
  });

  it('duplicate containerPort/protocol in a container, and hostPort in the pod', () => {
    expect(
      errorLines(
        pod(
          '    ports:\n    - {containerPort: 80}\n    - {containerPort: 80, protocol: UDP}\n    - {containerPort: 80, protocol: TCP, hostPort: 8080}\n  - name: two\n    image: x\n    ports: [{containerPort: 81, hostPort: 8080}]\n',
        ),
      ),
    ).toEqual([
      'pod.yaml:11:8: spec.containers[0].ports[2].containerPort: Duplicate value: "80/TCP"',
      'pod.yaml:14:33: spec.containers[1].ports[0].hostPort: Duplicate value: ":8080/TCP"',
    ]);
  });

  it('ports out of range', () => {
    expect(
      errorLines(pod('    ports: [{containerPort: 0}, {containerPort: 70000, hostPort: -1}]\n')),
    ).toEqual([
      'pod.yaml:8:14: spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive',
      'pod.yaml:8:34: spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'pod.yaml:8:56: spec.containers[0].ports[1].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive',
    ]);
  });

  it('duplicate volume names, unknown mount, duplicate mountPath', () => {
    expect(
      errorLines(
        pod(
          '    volumeMounts:\n    - {name: a, mountPath: /data}\n    - {name: b, mountPath: /data}\n    - {name: missing, mountPath: /other}\n',
          '  volumes:\n  - {name: a, emptyDir: {}}\n  - {name: a, emptyDir: {}}\n  - {name: b, hostPath: {path: /tmp}, emptyDir: {}}\n',
        ),
      ),
    ).toEqual([
      'pod.yaml:10:17: spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique',
      'pod.yaml:11:8: spec.containers[0].volumeMounts[2].name: Not found: "missing"',
      'pod.yaml:14:6: spec.volumes[1].name: Duplicate value: "a"',
      'pod.yaml:15:15: spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type',
    ]);
  });

  it('env var with both value and valueFrom', () => {
    expect(
      errorLines(
        pod(
          '    env:\n    - name: A\n      value: x\n      valueFrom: {fieldRef: {fieldPath: metadata.name}}\n',
        ),
      ),
    ).toEqual([
      'pod.yaml:11:7: spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    ]);
  });

  it('restartPolicy on containers: only Always, only for init containers', () => {
    expect(
      errorLines(
        pod(
          '    restartPolicy: Always\n',
          '  initContainers:\n  - {name: side, image: x, restartPolicy: OnFailure}\n',
        ),
      ),
    ).toEqual([
      'pod.yaml:8:5: spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
      'pod.yaml:10:28: spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    ]);
  });

  it('dnsPolicy None needs dnsConfig with a nameserver', () => {
    expect(errorLines(pod('', '  dnsPolicy: None\n'))).toEqual([
      'pod.yaml:4:1: spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None',
    ]);
    expect(
      errorLines(pod('', '  dnsPolicy: None\n  dnsConfig:\n    searches: [a.example]\n')),
    ).toEqual([
      'pod.yaml:9:3: spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None',
    ]);
    expect(errorLines(pod('', '  dnsPolicy: None\n  dnsConfig:\n    nameservers: []\n'))).toEqual([
      'pod.yaml:10:5: spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None',
    ]);
    expect(
      errorLines(pod('', '  dnsPolicy: None\n  dnsConfig: {nameservers: [1.1.1.1]}\n')),
    ).toEqual([]);
  });

  it('dnsConfig limits: 3 valid nameservers, search domains, option names', () => {
    expect(
      errorLines(
        pod(
          '',
          '  dnsConfig:\n    nameservers: [1.1.1.1, 2.2.2.2, 3.3.3.3, dns.example]\n' +
            '    searches: [ok.example., Bad_Domain]\n    options: [{value: "2"}]\n',
        ),
      ),
    ).toEqual([
      'pod.yaml:9:5: spec.dnsConfig.nameservers: Invalid value: ["1.1.1.1","2.2.2.2","3.3.3.3","dns.example"]: must not have more than 3 nameservers',
      'pod.yaml:9:46: spec.dnsConfig.nameservers[3]: Invalid value: "dns.example": must be valid IP address',
      "pod.yaml:10:29: spec.dnsConfig.searches[1]: Invalid value: \"Bad_Domain\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
      'pod.yaml:11:15: spec.dnsConfig.options[0].name: Required value',
    ]);
  });

  it('a volume naming no source becomes an emptyDir, as the API server defaults it', () => {
    const set = parseOk(pod('', '  volumes: [{name: scratch}]\n'));
    expect(set.pods[0]!.object.spec?.volumes?.[0]).toEqual({ name: 'scratch', emptyDir: {} });
  });
});

describe('ConfigMap and Secret references', () => {
  const maps = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {present: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: sec}
stringData: {token: abc}
`;

  it('reports a missing key of a map in the set, unless the ref is optional', () => {
    const text = pod(
      '    env:\n    - {name: A, valueFrom: {configMapKeyRef: {name: cfg, key: absent}}}\n    - {name: B, valueFrom: {secretKeyRef: {name: sec, key: token}}}\n    - {name: C, valueFrom: {secretKeyRef: {name: sec, key: nope, optional: true}}}\n    - {name: D, valueFrom: {configMapKeyRef: {name: elsewhere, key: k}}}\n',
      '  volumes:\n  - name: v\n    secret:\n      secretName: sec\n      items: [{key: missing, path: m}]\n',
    );
    expect(errorLines(text + maps)).toEqual([
      'pod.yaml:9:58: spec.containers[0].env[0].valueFrom.configMapKeyRef.key: Not found: "absent" in ConfigMap "cfg"',
      'pod.yaml:17:16: spec.volumes[0].secret.items[0].key: Not found: "missing" in Secret "sec"',
    ]);
  });

  it('a PVC reference is fine', () => {
    expect(
      parseOk(pod('', '  volumes: [{name: d, persistentVolumeClaim: {claimName: data}}]\n')).pods,
    ).toHaveLength(1);
  });
});

describe('unsupported fields', () => {
  it('warns about valid fields podrun does not implement', () => {
    const set = parseOk(
      pod(
        '    resources: {limits: {cpu: "1", nvidia.com/gpu: 1}}\n    terminationMessagePath: /dev/termination-log\n',
        '  affinity: {nodeAffinity: {}}\n  nodeSelector: {disk: ssd}\n  schedulerName: default-scheduler\n  automountServiceAccountToken: true\n  tolerations: []\nstatus: {phase: Pending}\n',
      ),
    );
    expect(
      set.warnings.map(
        (w) => `${w.location.line}:${w.location.column} ${w.path.join('.')}: ${w.message}`,
      ),
    ).toEqual([
      '8:36 spec.containers.0.resources.limits.nvidia.com/gpu: not supported by podrun; ignored',
      '11:3 spec.nodeSelector: not supported by podrun; ignored',
      '13:3 spec.automountServiceAccountToken: value true is not supported by podrun; ignored',
    ]);
  });

  it('says nothing for a plain pod', () => {
    expect(parseOk(POD).warnings).toEqual([]);
  });
});
