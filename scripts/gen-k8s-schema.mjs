#!/usr/bin/env node
// Regenerates src/manifest/generated/core-v1-schema.json: a compact table of every field
// (name, type, required) of the Kubernetes types reachable from the kinds podrun reads: Pod,
// ConfigMap, Secret, PersistentVolumeClaim, Service, Namespace, and the kinds it accepts
// without effect (ServiceAccount, RBAC, NetworkPolicy, HPA, PDB, ...), so those too get
// strict unknown-field checks, and the workload kinds (apps/v1 Deployment, ReplicaSet,
// DaemonSet, batch/v1 Job and CronJob).
//
// Source of truth: the type declarations of the `kubernetes-models` package (a
// devDependency, pinned to 4.5.1 because 5.x needs Node 22), which its authors generate
// from the official Kubernetes OpenAPI document. We read them with the TypeScript compiler
// API rather than importing the package at run time: podrun's cold start then costs one
// small JSON parse instead of loading hundreds of validator modules, and the table has
// what those validators lack: the list of known fields, to reject unknown ones.
//
// Type notation in the table (read by src/manifest/schema.ts):
//   string | integer | boolean | IntOrString | Quantity | object (free-form)
//   enum:A|B|C        a string restricted to these values
//   []T               an array of T
//   {}T               a map of string to T
//   Name              another entry of `types`
//
// Names: a core/v1 or apimachinery type keeps its short name (Container, ObjectMeta); a
// type of another API group is prefixed with its group/version (`autoscaling/v2.MetricSpec`),
// since groups reuse short names. Roots are keyed by kind for core/v1 and by
// `group/version/Kind` otherwise (src/manifest/schema.ts, schemaKey).
//
// Usage: node scripts/gen-k8s-schema.mjs
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = dirname(require.resolve('kubernetes-models/package.json'));
const pkgVersion = require('kubernetes-models/package.json').version;
const out = join(root, 'src/manifest/generated/core-v1-schema.json');

// schema key → [declaration file, interface name]
const core = (kind) => [kind, [`v1/${kind}.d.ts`, `I${kind}`]];
const group = (apiVersion, kind) => [
  `${apiVersion}/${kind}`,
  [`${apiVersion}/${kind}.d.ts`, `I${kind}`],
];
const ROOTS = Object.fromEntries([
  core('Pod'),
  core('ConfigMap'),
  core('Secret'),
  core('PersistentVolumeClaim'),
  core('Service'),
  core('Namespace'),
  core('ServiceAccount'),
  core('ResourceQuota'),
  core('LimitRange'),
  group('rbac.authorization.k8s.io/v1', 'Role'),
  group('rbac.authorization.k8s.io/v1', 'RoleBinding'),
  group('rbac.authorization.k8s.io/v1', 'ClusterRole'),
  group('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding'),
  group('networking.k8s.io/v1', 'NetworkPolicy'),
  group('networking.k8s.io/v1', 'Ingress'),
  group('autoscaling/v1', 'HorizontalPodAutoscaler'),
  group('autoscaling/v2', 'HorizontalPodAutoscaler'),
  group('policy/v1', 'PodDisruptionBudget'),
  group('scheduling.k8s.io/v1', 'PriorityClass'),
  group('apps/v1', 'Deployment'),
  group('apps/v1', 'ReplicaSet'),
  group('apps/v1', 'DaemonSet'),
  group('batch/v1', 'Job'),
  group('batch/v1', 'CronJob'),
]);

// Aliases whose meaning is more than their TypeScript shape (both are `string | number`).
const NAMED_ALIASES = { IQuantity: 'Quantity', IIntOrString: 'IntOrString' };

const files = Object.values(ROOTS).map(([f]) => join(pkgDir, f));
const program = ts.createProgram(files, {
  strict: true,
  noEmit: true,
  moduleResolution: ts.ModuleResolutionKind.Node10,
});
const checker = program.getTypeChecker();

/** @type {Record<string, {required: string[], fields: Record<string, string>}>} */
const types = {};
/** name → declaration, to catch two different interfaces with one short name */
const seen = new Map();

function isStringLiteralUnion(t) {
  const parts = t.isUnion() ? t.types : [t];
  return parts.every((p) => p.isStringLiteral());
}

function describe(t) {
  t = checker.getNonNullableType(t);
  const alias = t.aliasSymbol?.name;
  if (alias && NAMED_ALIASES[alias]) return NAMED_ALIASES[alias];
  if (t.flags & ts.TypeFlags.Boolean || t.flags & ts.TypeFlags.BooleanLiteral) return 'boolean';
  if (t.flags & ts.TypeFlags.String) return 'string';
  // The OpenAPI document types every number reachable from these kinds as an integer.
  if (t.flags & ts.TypeFlags.Number) return 'integer';
  if (isStringLiteralUnion(t)) {
    const values = (t.isUnion() ? t.types : [t]).map((p) => p.value).sort();
    return `enum:${values.join('|')}`;
  }
  if (t.isUnion()) {
    const kinds = new Set(t.types.map((p) => describe(p)));
    if (kinds.has('string') && kinds.has('integer') && kinds.size === 2) return 'IntOrString';
    throw new Error(`unsupported union: ${checker.typeToString(t)}`);
  }
  if (checker.isArrayType(t)) return `[]${describe(checker.getTypeArguments(t)[0])}`;
  const index = checker.getIndexTypeOfType(t, ts.IndexKind.String);
  if (index && checker.getPropertiesOfType(t).length === 0) return `{}${describe(index)}`;
  if (t.flags & ts.TypeFlags.Object) {
    if (checker.getPropertiesOfType(t).length === 0) return 'object';
    return visitInterface(t);
  }
  throw new Error(`unsupported type: ${checker.typeToString(t)}`);
}

/** `autoscaling/v2.` for a type declared under that group's folder; '' for core/v1 and apimachinery. */
function groupPrefix(decl) {
  const file = decl.getSourceFile().fileName;
  const rel = relative(pkgDir, file);
  if (rel.startsWith('..') || rel.startsWith('v1/')) return '';
  return `${dirname(rel)}.`;
}

function visitInterface(t) {
  const symbol = t.aliasSymbol ?? t.getSymbol();
  const decl = symbol.declarations?.[0];
  const name = groupPrefix(decl) + symbol.name.replace(/^I(?=[A-Z])/, '');
  if (seen.has(name)) {
    if (seen.get(name) !== decl) throw new Error(`two types named ${name}`);
    return name;
  }
  seen.set(name, decl);
  const entry = { required: [], fields: {} };
  types[name] = entry; // before recursing: types may refer to themselves
  for (const prop of checker.getPropertiesOfType(t).sort((a, b) => a.name.localeCompare(b.name))) {
    const propType = checker.getTypeOfSymbolAtLocation(prop, decl);
    entry.fields[prop.name] = describe(propType);
    if (!(prop.flags & ts.SymbolFlags.Optional)) entry.required.push(prop.name);
  }
  return name;
}

const roots = {};
for (const [kind, [file, iface]] of Object.entries(ROOTS)) {
  const source = program.getSourceFile(join(pkgDir, file));
  const sym = checker
    .getExportsOfModule(checker.getSymbolAtLocation(source))
    .find((s) => s.name === iface);
  if (!sym) throw new Error(`${iface} not found in ${file}`);
  roots[kind] = visitInterface(checker.getDeclaredTypeOfSymbol(sym));
}

const sortedTypes = Object.fromEntries(
  Object.entries(types).sort(([a], [b]) => a.localeCompare(b)),
);
const table = { source: `kubernetes-models@${pkgVersion}`, roots, types: sortedTypes };
writeFileSync(out, `${JSON.stringify(table, null, 1)}\n`);
console.log(`wrote ${out}: ${Object.keys(types).length} types`);
