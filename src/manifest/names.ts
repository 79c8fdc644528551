// Name syntaxes the API server enforces (k8s.io/apimachinery/pkg/util/validation),
// each returning the reason a value is invalid, or undefined when it is valid.

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS_LABEL = new RegExp(`^${LABEL}$`);
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function dnsLabelError(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS_LABEL.test(value)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** A Service name: a DNS label that starts with a letter (it becomes a DNS name and an env prefix). */
export function dns1035LabelError(value: string): string | undefined {
  if (value.length > 63) return 'must be no more than 63 characters';
  if (!DNS_1035_LABEL.test(value)) {
    return "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
  }
  return undefined;
}

/** RBAC object names (`system:controller:x` is valid): anything usable as a URL path segment. */
export function pathSegmentNameError(value: string): string | undefined {
  if (value === '.' || value === '..') return `may not be '${value}'`;
  for (const bad of ['/', '%']) {
    if (value.includes(bad)) return `may not contain '${bad}'`;
  }
  return undefined;
}

export function dnsSubdomainError(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!DNS_SUBDOMAIN.test(value)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

/** A named port: at most 15 characters, at least one letter, no "--". */
export function ianaSvcNameError(value: string): string | undefined {
  if (value.length > 15) return 'must be no more than 15 characters';
  if (!IANA_SVC_NAME.test(value)) {
    return 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), and must start and end with an alpha-numeric character';
  }
  if (value.includes('--')) return 'must not contain consecutive hyphens';
  if (!/[a-z]/.test(value)) return 'must contain at least one letter (a-z)';
  return undefined;
}

export function envVarNameError(value: string): string | undefined {
  if (!ENV_VAR_NAME.test(value)) {
    return "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";
  }
  return undefined;
}

/** A key of a ConfigMap or Secret, which becomes a file name in a volume. */
export function configKeyError(value: string): string | undefined {
  if (value.length > 253) return 'must be no more than 253 characters';
  if (!CONFIG_KEY.test(value)) {
    return "a valid config key must consist of alphanumeric characters, '-', '_' or '.'";
  }
  if (value === '.' || value === '..' || value.startsWith('..')) return "must not start with '..'";
  return undefined;
}

/** A label or annotation key: an optional DNS-subdomain prefix and "/", then a name. */
export function qualifiedNameError(value: string): string | undefined {
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined) {
    const prefixError = prefix === '' ? 'must be non-empty' : dnsSubdomainError(prefix);
    if (prefixError) return `prefix part ${prefixError}`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return "name part must consist of at most 63 alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}

export function labelValueError(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    return "a valid label must be an empty string or consist of at most 63 alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  }
  return undefined;
}
