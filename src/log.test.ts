import { describe, expect, it } from 'vitest';
import { rememberSecretData, scrubSecrets } from './log.js';
import { REDACTED } from './plan/redact.js';

describe('scrubSecrets (logs, errors, events)', () => {
  it('redacts every Secret value the process has read, whole and line by line', () => {
    expect(scrubSecrets('token s3cr3t-abc')).toBe('token s3cr3t-abc');
    rememberSecretData({
      token: Buffer.from('s3cr3t-abc').toString('base64'),
      env: Buffer.from('USER=admin\nPASS=hunter22\n').toString('base64'),
    });
    expect(scrubSecrets('token s3cr3t-abc, line PASS=hunter22')).toBe(
      `token ${REDACTED}, line ${REDACTED}`,
    );
  });
});
