// Maps a field path of a parsed object back to where it was written in the YAML text.
import { isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import type { FieldPath, SourceLocation } from './types.js';

/** A locator for the object whose YAML node is `root`. */
export function makeLocator(
  root: Node,
  file: string,
  lineCounter: LineCounter,
): (path: FieldPath) => SourceLocation {
  const at = (offset: number): SourceLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col };
  };
  return (path) => {
    // Walk as far as the path exists; a field points at its key, an item at its value,
    // and a missing field at the nearest parent that was written.
    let node: Node = root;
    let offset = root.range?.[0] ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === segment,
        );
        if (!pair || !isScalar(pair.key)) break;
        offset = pair.key.range?.[0] ?? offset;
        if (!pair.value) break;
        node = pair.value as Node;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (!item) break;
        node = item as Node;
        offset = node.range?.[0] ?? offset;
      } else {
        break;
      }
    }
    return at(offset);
  };
}
