// Shared by the manifest tests: parse inline YAML and read back the error lines.
import { ManifestError } from './errors.js';
import { parseManifestText } from './parse.js';
import type { LoadOptions, ManifestSet } from './types.js';

export const STRICT: LoadOptions = { defaultNamespace: 'default', validate: 'strict' };

/** The error lines `parseManifestText` throws for `text`, or [] when it parses. */
export function errorLines(text: string, options: LoadOptions = STRICT, file = 'pod.yaml') {
  try {
    parseManifestText(text, file, options);
    return [];
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    return error.message.split('\n');
  }
}

export function parseOk(text: string, options: LoadOptions = STRICT): ManifestSet {
  return parseManifestText(text, 'pod.yaml', options);
}

/** A valid pod to start tests from; its `spec:` line is line 4. */
export const POD = `apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: nginx
`;
