// Write (or read back) a namespace resolver's records file with one put_archive, as
// the Service proxy's config is written (docker/service-proxy.ts): no exec, and it
// works on a created container before its start. The resolver re-reads the file every
// 250 ms (and on SIGHUP); its `end` line keeps a half-written file from being applied.
import { DNS_RECORDS_PATH } from '../plan/headless-dns.js';
import { readFile, tarOf } from './archive.js';
import { engine } from './engine.js';

export async function writeDnsRecords(containerId: string, text: string): Promise<void> {
  const path = DNS_RECORDS_PATH.replace(/^\//, '');
  const tar = await tarOf([
    { path, contentBase64: Buffer.from(text).toString('base64'), mode: 0o644 },
  ]);
  await engine().putArchive(containerId, tar, { path: '/' });
}

export function readDnsRecords(containerId: string): Promise<string> {
  return readFile(containerId, DNS_RECORDS_PATH);
}
