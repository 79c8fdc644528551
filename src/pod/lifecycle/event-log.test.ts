import { describe, expect, it } from 'vitest';
import { rememberSecretData } from '../../log.js';
import { REDACTED } from '../../plan/redact.js';
import { EventLog } from './event-log.js';

describe('EventLog', () => {
  it('stores messages with Secret values redacted', () => {
    rememberSecretData({ pw: Buffer.from('s3cr3t-0123').toString('base64') });
    const log = new EventLog();
    log.sink('ns', 'pod', {
      type: 'Warning',
      reason: 'Unhealthy',
      object: 'spec.containers{app}',
      message: 'Liveness probe failed: s3cr3t-0123',
    });
    expect(log.events('ns', 'pod').map((e) => e.message)).toEqual([
      `Liveness probe failed: ${REDACTED}`,
    ]);
  });
});
