// A namespace's resolver for its headless Services (src/plan/headless-dns.ts): made
// with the namespace's first headless Service, kept while the namespace network lives
// (pods planned with it name it in their resolv.conf, so it must outlive the last
// headless Service), and removed with the network, by whichever delete path removes
// that (docker/networks.ts takes a resolver that is the network's last container).
// Its records follow readiness through the endpoints sync (endpoints-sync.ts), which
// calls HeadlessRecordsWriter each step, as it rewrites the proxies' configs.
import { createContainer, killContainer, startContainer } from '../docker/containers.js';
import { readDnsRecords, writeDnsRecords } from '../docker/dns-records.js';
import { isConflict } from '../docker/errors.js';
import { log } from '../log.js';
import { headlessRecords, renderDnsRecords, resolverCreateOptions } from '../plan/headless-dns.js';
import { serviceAliases } from '../plan/service.js';
import { listResolverRecords, type ResolverRecord } from '../pod/dns-resolver.js';
import { LifecycleLabels } from '../pod/lifecycle/labels.js';
import { listServiceRecords, type ServiceRecord } from '../pod/service-records.js';
import { PODRUN_VERSION } from '../version.js';

export const EMPTY_DNS_RECORDS = renderDnsRecords([]);

export interface EnsureResolverOptions {
  /** The proxy image (proxy-image.ts): podrun's pause binary, which has the DNS mode. */
  image: string;
  /** The namespace network's ID. */
  network: string;
  /** The supervision scope: a supervisor of it starts the resolver again after an engine restart. */
  supervise?: string;
}

/** The namespace's resolver, running: kept when there is one, else made and started. */
export async function ensureResolver(
  namespace: string,
  options: EnsureResolverOptions,
): Promise<ResolverRecord | undefined> {
  const [existing] = await listResolverRecords(namespace);
  if (existing) {
    if (existing.state !== 'running') await startContainer(existing.containerId);
    return existing;
  }
  const create = resolverCreateOptions({
    namespace,
    image: options.image,
    network: options.network,
    version: PODRUN_VERSION,
    extraLabels: options.supervise ? { [LifecycleLabels.supervised]: options.supervise } : {},
  });
  let id: string;
  try {
    id = await createContainer(create);
  } catch (error) {
    // Another apply made it a moment ago: that one serves the namespace.
    if (!isConflict(error)) throw error;
    const [winner] = await listResolverRecords(namespace);
    if (!winner) throw error;
    if (winner.state !== 'running') await startContainer(winner.containerId);
    return winner;
  }
  // No records yet: every headless name is forwarded (NXDOMAIN) until the sync writes them.
  await writeDnsRecords(id, EMPTY_DNS_RECORDS);
  await startContainer(id);
  const [made] = await listResolverRecords(namespace);
  return made;
}

/**
 * A headless Service is gone: its names leave the resolver's records now (read,
 * edited, written back), not at the next sync, which only looks at namespaces that
 * still have headless Services.
 */
export async function forgetHeadlessNames(record: ServiceRecord): Promise<void> {
  const [resolver] = await listResolverRecords(record.namespace);
  if (resolver?.state !== 'running') return;
  const names = new Set(serviceAliases(record.name, record.namespace).map((n) => n.toLowerCase()));
  const text = await readDnsRecords(resolver.containerId);
  const kept = text
    .split('\n')
    .filter((line) => !(line.startsWith('name ') && names.has(line.split(' ')[1] ?? '')));
  if (kept.length === text.split('\n').length) return;
  await writeDnsRecords(resolver.containerId, kept.join('\n'));
  await killContainer(resolver.containerId, 'SIGHUP');
}

export interface HeadlessSyncOptions {
  /** Start a resolver that has exited (the supervisor does, after an engine restart). */
  restartExited?: boolean;
}

/**
 * Writes each resolver's records when they differ from what this writer last wrote.
 * The cache key holds the resolver's and the headless Services' container IDs, so a
 * Service deleted and made again (new holder) is always written afresh.
 */
export class HeadlessRecordsWriter {
  private readonly written = new Map<string, { key: string; text: string }>();

  /**
   * One step for the namespaces of `headless` (Services whose endpoints the caller
   * keeps). Every headless Service of such a namespace is in its records, whoever
   * keeps it, so all writers write the same text. `addresses`: a Service's
   * resolvable addresses (its Ready endpoints), from the pods the caller read.
   */
  async sync(
    headless: readonly ServiceRecord[],
    addresses: (record: ServiceRecord) => string[],
    options: HeadlessSyncOptions = {},
  ): Promise<string[]> {
    const written: string[] = [];
    const namespaces = [...new Set(headless.map((record) => record.namespace))];
    await Promise.all(
      namespaces.map(async (namespace) => {
        try {
          const [resolver] = await listResolverRecords(namespace);
          if (!resolver) return;
          if (resolver.state === 'exited' || resolver.state === 'dead') {
            if (!options.restartExited) return;
            await startContainer(resolver.containerId);
            resolver.state = 'running';
          } else if (resolver.state !== 'running' && resolver.state !== 'created') {
            return;
          }
          const all = (await listServiceRecords({ namespace })).filter(
            (record) => record.clusterIP === 'None',
          );
          const text = renderDnsRecords(
            headlessRecords(
              all.map((record) => ({
                name: record.name,
                namespace: record.namespace,
                addresses: addresses(record),
              })),
            ),
          );
          const key = [resolver.containerId, ...all.map((r) => r.containerId).sort()].join(',');
          const last = this.written.get(resolver.containerId);
          if (last && last.key === key && last.text === text) return;
          await writeDnsRecords(resolver.containerId, text);
          // Applied now rather than at the resolver's next 250 ms re-read.
          if (resolver.state === 'running') await killContainer(resolver.containerId, 'SIGHUP');
          this.written.set(resolver.containerId, { key, text });
          written.push(namespace);
        } catch (error) {
          log().warn(
            { err: error },
            `namespace ${namespace}: dns records: ${(error as Error).message}`,
          );
        }
      }),
    );
    return written;
  }
}
