// Write a Service proxy's config into its container with one put_archive: no exec,
// and it works on a created container before its start and on a remote engine. The
// proxy re-reads the file every 250 ms; the file's `end` line keeps it from
// applying the half-written file the engine's extraction briefly leaves.
import { PROXY_CONFIG_PATH } from '../plan/service-proxy.js';
import { tarOf } from './archive.js';
import { engine } from './engine.js';

export async function writeProxyConfig(containerId: string, text: string): Promise<void> {
  const path = PROXY_CONFIG_PATH.replace(/^\//, '');
  const tar = await tarOf([
    { path, contentBase64: Buffer.from(text).toString('base64'), mode: 0o644 },
  ]);
  // Entries are relative to the root ("etc/podrun-proxy.conf", its directory first).
  await engine().putArchive(containerId, tar, { path: '/' });
}
