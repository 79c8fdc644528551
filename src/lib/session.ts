// The owner session: one id per process (per module instance), written as the
// io.podrun.owner label on everything the library creates, so the reaper can remove
// exactly this process's objects and nothing of the CLI's or of another process.
import { randomBytes } from 'node:crypto';

let session: string | undefined;

export function ownerSession(): string {
  session ??= `lib-${process.pid}-${randomBytes(4).toString('hex')}`;
  return session;
}
