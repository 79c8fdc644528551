// Services, Namespaces and the kinds accepted without effect (LoadOptions.bundle).
import { describe, expect, it } from 'vitest';
import { ignoredObjectWarning } from './ignored.js';
import { errorLines, parseOk, STRICT } from './test-helpers.js';
import type { LoadOptions } from './types.js';

const BUNDLE: LoadOptions = { ...STRICT, bundle: true };
const errors = (text: string) => errorLines(text, BUNDLE, 'svc.yaml');
const parse = (text: string) => parseOk(text, BUNDLE);

/** A Service whose `spec:` is line 4; `extra` lines go under spec (2-space indent). */
const svc = (extra: string, name = 'web') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n${extra}`;
const PORT80 = '  ports:\n  - port: 80\n';

describe('Service', () => {
  it('is rejected as today unless the caller reads bundles', () => {
    expect(errorLines(svc(PORT80), STRICT, 'svc.yaml')).toEqual([
      'svc.yaml:2:1: kind: Unsupported value: "Service": supported values: "Pod", "ConfigMap", "Secret", "PersistentVolumeClaim"',
    ]);
  });

  it('gets the API server defaults', () => {
    const [entry] = parse(svc(`  selector: {app: web}\n${PORT80}`)).services;
    expect(entry?.object.metadata?.namespace).toBe('default');
    expect(entry?.object.spec).toEqual({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    });
  });

  it('keeps a named targetPort and a nodePort', () => {
    const set = parse(
      svc(
        '  type: NodePort\n  ports:\n  - {name: http, port: 80, targetPort: http, nodePort: 30080}\n  - {name: dns, port: 53, protocol: UDP}\n',
      ),
    );
    expect(set.services[0]?.object.spec?.ports).toEqual([
      { name: 'http', port: 80, targetPort: 'http', nodePort: 30080, protocol: 'TCP' },
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
    ]);
    expect(set.warnings).toEqual([]);
  });

  it('headless needs no ports', () => {
    expect(parse(svc('  clusterIP: None\n  selector: {app: db}\n')).services).toHaveLength(1);
  });

  it('names: a DNS-1035 label', () => {
    expect(errors(svc(PORT80, '1web'))).toEqual([
      `svc.yaml:3:12: metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character`,
    ]);
  });

  it('ports: required, named when several, unique, in range', () => {
    expect(errors(svc('  selector: {app: web}\n'))).toEqual([
      'svc.yaml:4:1: spec.ports: Required value',
    ]);
    expect(
      errors(
        svc(
          '  ports:\n  - {port: 80}\n  - {name: a, port: 0}\n  - {name: a, port: 81, targetPort: 70000}\n  - {name: b, port: 82, targetPort: Not_A_Name}\n',
        ),
      ),
    ).toEqual([
      'svc.yaml:6:5: spec.ports[0].name: Required value: when a Service has more than one port',
      'svc.yaml:7:15: spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'svc.yaml:8:6: spec.ports[2].name: Duplicate value: "a"',
      'svc.yaml:8:25: spec.ports[2].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'svc.yaml:9:25: spec.ports[3].targetPort: Invalid value: "Not_A_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), and must start and end with an alpha-numeric character',
    ]);
  });

  it('a port and protocol pair only once; TCP and UDP may share a number', () => {
    expect(
      errors(
        svc(
          '  ports:\n  - {name: a, port: 53}\n  - {name: b, port: 53, protocol: UDP}\n  - {name: c, port: 53}\n',
        ),
      ),
    ).toEqual(['svc.yaml:8:5: spec.ports[2]: Duplicate value: {"port":53,"protocol":"TCP"}']);
  });

  it('SCTP and ExternalName: one clear line each', () => {
    expect(errors(svc('  ports:\n  - {port: 80, protocol: SCTP}\n'))).toEqual([
      `svc.yaml:6:16: spec.ports[0].protocol: Unsupported value: "SCTP": supported values: "TCP", "UDP": podrun's Service proxy forwards TCP and UDP only`,
    ]);
    expect(errors(svc('  type: ExternalName\n  externalName: db.example.com\n'))).toEqual([
      'svc.yaml:5:3: spec.type: Unsupported value: "ExternalName": supported values: "ClusterIP", "NodePort", "LoadBalancer": podrun does not support ExternalName Services (it runs no cluster DNS to hold the CNAME)',
    ]);
  });

  it('nodePort: only for NodePort and LoadBalancer, in 30000-32767, once per protocol', () => {
    expect(errors(svc('  ports:\n  - {port: 80, nodePort: 30080}\n'))).toEqual([
      "svc.yaml:6:16: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
    ]);
    expect(
      errors(
        svc(
          '  type: LoadBalancer\n  ports:\n  - {name: a, port: 80, nodePort: 8080}\n  - {name: b, port: 81, nodePort: 30001}\n  - {name: c, port: 82, nodePort: 30001}\n',
        ),
      ),
    ).toEqual([
      'svc.yaml:7:25: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767',
      'svc.yaml:9:25: spec.ports[2].nodePort: Duplicate value: 30001',
    ]);
  });

  it('clusterIP: empty or None; None only for ClusterIP; no fixed address', () => {
    expect(errors(svc(`  type: NodePort\n  clusterIP: None\n${PORT80}`))).toEqual([
      'svc.yaml:6:3: spec.clusterIP: Invalid value: "None": may not be set to \'None\' for NodePort services',
    ]);
    expect(errors(svc(`  clusterIP: 10.96.0.10\n${PORT80}`))).toEqual([
      `svc.yaml:5:3: spec.clusterIP: Invalid value: "10.96.0.10": podrun gives each Service an address on its namespace network and cannot reserve a fixed one; leave clusterIP empty (or 'None' for a headless Service)`,
    ]);
    expect(errors(svc(`  clusterIP: ten\n${PORT80}`))).toEqual([
      `svc.yaml:5:3: spec.clusterIP: Invalid value: "ten": must be empty, 'None', or a valid IP address`,
    ]);
  });

  it('selector labels are checked like labels', () => {
    expect(errors(svc(`  selector: {app: "a b"}\n${PORT80}`))).toEqual([
      `svc.yaml:5:14: spec.selector.app: Invalid value: "a b": a valid label must be an empty string or consist of at most 63 alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    ]);
  });

  it('sessionAffinity ClientIP is accepted with a warning; its config only with ClientIP', () => {
    const set = parse(
      svc(
        `  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}\n${PORT80}`,
      ),
    );
    expect(set.warnings.map((w) => [w.path.join('.'), w.message])).toEqual([
      ['spec.sessionAffinity', 'value "ClientIP" is not supported by podrun; ignored'],
    ]);
    expect(
      errors(svc(`  sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}\n${PORT80}`)),
    ).toEqual([
      'svc.yaml:5:3: spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None',
    ]);
  });

  it('unknown fields are errors under strict validation; unsupported ones warnings', () => {
    expect(errors(svc(`  selecter: {app: web}\n${PORT80}`))).toEqual([
      'svc.yaml:5:3: spec.selecter: unknown field (did you mean "selector"?)',
    ]);
    const set = parse(svc(`  externalIPs: [192.0.2.1]\n  ipFamilies: [IPv4]\n${PORT80}`));
    expect(set.warnings.map((w) => `${w.path.join('.')}: ${w.message}`)).toEqual([
      'spec.externalIPs: not supported by podrun; ignored',
    ]);
  });

  it('--validate=ignore: a malformed spec is reported, never a crash', () => {
    const ignore = { ...BUNDLE, validate: 'ignore' as const };
    expect(
      errorLines(svc('  ports: {port: 80}\n  clusterIPs: nope\n'), ignore, 'svc.yaml'),
    ).toEqual(['svc.yaml:5:3: spec.ports: Required value']);
    expect(
      errorLines(
        'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: 3\n',
        ignore,
        'svc.yaml',
      ),
    ).toEqual(['svc.yaml:4:1: spec.ports: Required value']);
  });

  it('two Services with one name in one namespace collide', () => {
    expect(errors(`${svc(PORT80)}---\n${svc(PORT80)}`)).toEqual([
      'svc.yaml:10:12: metadata.name: Duplicate value: "web": another Service in namespace "default" has this name',
    ]);
  });
});

describe("the Kubernetes docs' init-container example", () => {
  it('parses unchanged, without a warning', () => {
    const set = parse(`apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels:
    app.kubernetes.io/name: MyApp
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done"]
  - name: init-mydb
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done"]
---
apiVersion: v1
kind: Service
metadata:
  name: myservice
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: mydb
spec:
  ports:
  - protocol: TCP
    port: 80
    targetPort: 9377
`);
    expect(set.pods).toHaveLength(1);
    expect(
      set.services.map((s) => [s.object.metadata?.name, s.object.spec?.ports?.[0]?.targetPort]),
    ).toEqual([
      ['myservice', 9376],
      ['mydb', 9377],
    ]);
    expect(set.warnings).toEqual([]);
  });
});

describe('Namespace and ignored kinds', () => {
  const bundle = `apiVersion: v1
kind: Namespace
metadata: {name: shop, namespace: ignored-here}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: "system:reader", namespace: shop}
rules: [{apiGroups: [""], resources: [pods], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: reader, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: old}
spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 3, targetCPUUtilizationPercentage: 50}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny}
spec: {podSelector: {}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec: {rules: [{host: shop.example, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: q}
spec: {hard: {pods: "10"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: l}
spec: {limits: [{type: Container, default: {cpu: 500m}}]}
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
`;

  it('a Namespace is cluster-scoped: its own namespace field is dropped', () => {
    const set = parse(bundle);
    expect(set.namespaces.map((n) => n.object.metadata)).toEqual([{ name: 'shop' }]);
    expect(set.warnings).toEqual([]);
  });

  it('each ignored object gives exactly one warning line naming kind and name', () => {
    const set = parse(bundle);
    expect(set.ignored.map(ignoredObjectWarning)).toEqual([
      'Warning: pod.yaml:5:1: ServiceAccount/app ignored: podrun runs no API server: no pod gets a token for it',
      'Warning: pod.yaml:9:1: Role/system:reader ignored: podrun runs no API server, so there is nothing to authorize',
      'Warning: pod.yaml:14:1: ClusterRoleBinding/reader ignored: podrun runs no API server, so there is nothing to authorize',
      'Warning: pod.yaml:19:1: HorizontalPodAutoscaler/web ignored: podrun runs no autoscaler: the number of pods stays as applied',
      'Warning: pod.yaml:24:1: HorizontalPodAutoscaler/old ignored: podrun runs no autoscaler: the number of pods stays as applied',
      'Warning: pod.yaml:29:1: PodDisruptionBudget/web ignored: podrun never evicts pods (one engine, no node drains)',
      'Warning: pod.yaml:34:1: NetworkPolicy/deny ignored: podrun enforces no network policy: the pods of a namespace reach each other freely',
      'Warning: pod.yaml:39:1: Ingress/web ignored: podrun runs no ingress controller; make the Service a LoadBalancer or NodePort to reach it from the host',
      "Warning: pod.yaml:44:1: ResourceQuota/q ignored: podrun enforces no namespace quota; each container's own limits still apply",
      'Warning: pod.yaml:49:1: LimitRange/l ignored: podrun applies no namespace defaults: containers get only the requests and limits their pods set',
      'Warning: pod.yaml:54:1: PriorityClass/high ignored: podrun does no scheduling or preemption on one engine',
    ]);
    // Cluster-scoped kinds lose their namespace; namespaced ones keep or get one.
    expect(set.ignored.map((o) => o.object.metadata.namespace)).toEqual([
      'shop',
      'shop',
      undefined,
      'default',
      'default',
      'default',
      'default',
      'default',
      'default',
      'default',
      undefined,
    ]);
  });

  it('ignored kinds still get strict field checks, deep ones included', () => {
    expect(
      errors(
        'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\nautomount: true\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {podSelectr: {}}\n',
      ),
    ).toEqual([
      'svc.yaml:4:1: automount: unknown field',
      'svc.yaml:9:1: spec.podSelector: Required value',
      'svc.yaml:9:8: spec.podSelectr: unknown field (did you mean "podSelector"?)',
    ]);
  });

  it("a name is required and checked with the kind's syntax", () => {
    expect(
      errors(
        'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: "a/b"}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {}\n',
      ),
    ).toEqual([
      `svc.yaml:3:12: metadata.name: Invalid value: "a/b": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      'svc.yaml:7:1: metadata.name: Required value: name is required',
    ]);
  });

  it("a wrong apiVersion names the kind's own versions; a made-up kind stays an error", () => {
    expect(
      errors(
        'apiVersion: v1\nkind: Ingress\nmetadata: {name: web}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n',
      ),
    ).toEqual([
      'svc.yaml:1:1: apiVersion: Unsupported value: "v1": supported values: "networking.k8s.io/v1"',
      expect.stringMatching(
        /^svc\.yaml:5:1: apiVersion: Unsupported value: "example.com\/v1": supported values: "v1", /,
      ),
      expect.stringMatching(
        /^svc\.yaml:6:1: kind: Unsupported value: "Widget": supported values: "Pod", .*"Service", "Namespace", "ServiceAccount", /,
      ),
    ]);
  });

  it('nothing is returned when any object is bad', () => {
    expect(
      errors(`${bundle}---\napiVersion: v1\nkind: Widget\nmetadata: {name: w}\n`),
    ).toHaveLength(1);
  });
});
