import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderSupportedFields } from './supported-fields-doc.js';

describe('docs/supported-fields.md', () => {
  it('is generated from the code (run npx tsx scripts/gen-supported-fields.ts)', () => {
    const committed = readFileSync(
      new URL('../../docs/supported-fields.md', import.meta.url),
      'utf8',
    );
    expect(committed).toBe(renderSupportedFields());
  });

  it('lists container and volume fields', () => {
    const doc = renderSupportedFields();
    expect(doc).toContain('- `image`');
    expect(doc).toContain('- `persistentVolumeClaim.claimName`');
    expect(doc).toContain('- `restartPolicy`');
  });
});
