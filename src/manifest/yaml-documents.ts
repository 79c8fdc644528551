// Splits manifest text into YAML documents, reporting syntax errors with line:col.
import { isScalar, LineCounter, type Node, parseAllDocuments, type Tags } from 'yaml';
import type { IssueList } from './report.js';

export interface YamlDocument {
  /** The document's root node, for locating fields. */
  node: Node;
  /** The document as plain data. */
  value: unknown;
}

// kubectl reads YAML 1.1 (go-yaml v2): `defaultMode: 0644` is octal, `yes` is a boolean.
// Unlike go-yaml decoding into JSON, yaml's 1.1 schema would also turn dates into Date
// objects and `1:20` into 80; drop those tags so such values stay strings.
const customTags = (tags: Tags) =>
  tags.filter(
    (tag) =>
      typeof tag !== 'object' ||
      (tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME'),
  );

export function readYamlDocuments(
  text: string,
  file: string,
  issues: IssueList,
): { documents: YamlDocument[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const documents: YamlDocument[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, version: '1.1', customTags })) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
        // The first line of the message, without the position and source excerpt yaml adds.
        const message = (error.message.split('\n')[0] ?? '').replace(
          / at line \d+, column \d+:?$/,
          '',
        );
        issues.add('error', {
          location: { file, line: pos.line, column: pos.col },
          path: [],
          message: `YAML syntax error: ${message}`,
        });
      }
      continue;
    }
    const node = doc.contents as Node | null;
    if (node === null || (isScalar(node) && node.value === null)) continue; // empty document
    documents.push({ node, value: doc.toJS() });
  }
  return { documents, lineCounter };
}
