// Regenerates docs/supported-fields.md from the code's list of supported fields.
import { writeFileSync } from 'node:fs';
import { renderSupportedFields } from '../src/manifest/supported-fields-doc.js';

writeFileSync(new URL('../docs/supported-fields.md', import.meta.url), renderSupportedFields());
console.log('docs/supported-fields.md written');
