// Soak measurement of the supervisor (issue 10): N pods, each probed by exec every
// 2 s (readiness and liveness), supervised as users run them (applied through the
// CLI), plus a "witness" pod applied first. Every 15 s it samples the supervisor
// process: RSS (/proc/PID/status VmRSS, and its anonymous part RssAnon: RssFile is
// the node binary's pages, touched once), the V8 heap (heapUsed, and heapTotal: what
// V8 reserved, which grows during warm-up; from the supervisor's status answer) and
// CPU % of one core (utime+stime deltas of /proc/PID/stat). At the end:
// a summary, and whether `describe pod witness` still shows its Created and Started
// events. Everything it created is removed at the end, also on Ctrl-C (unless --keep).
//
//   npx tsx scripts/soak.ts [--pods 30] [--minutes 12] [--keep]
//   (npm run soak -- ...; set PODRUN_SUPERVISOR_SCOPE to soak a scoped supervisor)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { askSupervisor, type SupervisorStatus } from '../src/supervisor/protocol.js';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const cli = join(root, 'bin/podrun.js');
const IMAGE = 'podrun-test/busybox:1';
const SAMPLE_MS = 15_000;
const CLK_TCK = 100; // USER_HZ on Linux

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return undefined;
  return process.argv[at + 1];
}
const pods = Number(option('pods') ?? 30);
const minutes = Number(option('minutes') ?? 12);
const keep = process.argv.includes('--keep');
if (!Number.isInteger(pods) || pods < 0 || !(minutes > 0)) {
  console.error('usage: soak.ts [--pods N] [--minutes M] [--keep]');
  process.exit(2);
}

const ns = `soak-${randomBytes(3).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'podrun-soak-'));

function podYaml(name: string): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${ns} }
spec:
  terminationGracePeriodSeconds: 1
  containers:
    - name: app
      image: ${IMAGE}
      command: [sleep, '86400']
      readinessProbe: { exec: { command: ['true'] }, periodSeconds: 2 }
      livenessProbe: { exec: { command: ['true'] }, periodSeconds: 2 }
`;
}

async function podrun(...args: string[]): Promise<string> {
  const { stdout } = await run('node', [cli, ...args], {
    cwd: root,
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

interface Cpu {
  ticks: number;
  at: number;
}

function readCpu(pid: number): Cpu {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { ticks: Number(fields[11]) + Number(fields[12]), at: Date.now() };
}

function readRssMb(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN) / 1024;
  return { rss: mb('VmRSS'), anon: mb('RssAnon') };
}

interface Sample {
  t: number; // seconds since the pods were applied
  rss: number;
  anon: number;
  heap?: number;
  heapTotal?: number;
  cpu?: number;
}

async function supervisorStatus(): Promise<
  (SupervisorStatus & { memory?: NodeJS.MemoryUsage }) | undefined
> {
  return askSupervisor({ op: 'status' }, { timeoutMs: 5000 });
}

/** A scoped supervisor this run started is stopped at the end (never the default one). */
let stopSupervisorAtEnd = false;

let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    if (keep) {
      console.log(`--keep: pods left in namespace ${ns}`);
    } else {
      console.log(`cleaning up namespace ${ns} ...`);
      try {
        await podrun('delete', 'pods', '--all', '-n', ns, '--grace-period', '0');
      } catch (error) {
        console.error(`cleanup: ${(error as Error).message}`);
      }
      if (stopSupervisorAtEnd) await podrun('supervisor', 'stop').catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  })();
  return cleaning;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.log(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function slopeMbPerHour(samples: Sample[]): number {
  // Least squares over (t, rss).
  const n = samples.length;
  if (n < 2) return Number.NaN;
  const mt = samples.reduce((s, x) => s + x.t, 0) / n;
  const mr = samples.reduce((s, x) => s + x.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of samples) {
    num += (x.t - mt) * (x.rss - mr);
    den += (x.t - mt) ** 2;
  }
  return (num / den) * 3600;
}

async function main(): Promise<void> {
  const scope = process.env.PODRUN_SUPERVISOR_SCOPE ?? '(default)';
  console.log(`soak: ${pods} pods + witness, ${minutes} min, namespace ${ns}, scope ${scope}`);
  const before = await supervisorStatus();
  stopSupervisorAtEnd = !before && process.env.PODRUN_SUPERVISOR_SCOPE !== undefined;
  if (before) console.log(`note: supervisor ${before.pid} already runs since ${before.startedAt}`);
  writeFileSync(join(dir, 'witness.yaml'), podYaml('witness'));
  await podrun('apply', '-f', join(dir, 'witness.yaml'), '--wait=2m');
  const names = Array.from({ length: pods }, (_, i) => `soak-${i + 1}`);
  writeFileSync(join(dir, 'pods.yaml'), names.map(podYaml).join('---\n'));
  const applyStart = Date.now();
  await podrun('apply', '-f', join(dir, 'pods.yaml'));
  console.log(`applied ${pods} pods in ${((Date.now() - applyStart) / 1000).toFixed(1)} s`);
  const status = await supervisorStatus();
  if (!status) throw new Error('no supervisor answers on its socket');
  const pid = status.pid;
  console.log(`supervisor pid ${pid} (started ${status.startedAt}, ${status.pods} pods)`);

  const samples: Sample[] = [];
  const t0 = Date.now();
  const end = t0 + minutes * 60_000;
  let last = readCpu(pid);
  console.log('   t(s)  RSS(MB)  RssAnon  heapUsed  heapTotal  CPU(%)  pods');
  for (;;) {
    const now = Date.now();
    const { rss, anon } = readRssMb(pid);
    const cpuNow = readCpu(pid);
    const cpu =
      samples.length === 0
        ? undefined
        : ((cpuNow.ticks - last.ticks) / CLK_TCK / ((cpuNow.at - last.at) / 1000)) * 100;
    last = cpuNow;
    const answer = await supervisorStatus();
    if (answer && answer.pid !== pid) throw new Error(`the supervisor changed: pid ${answer.pid}`);
    const mb = (bytes: number | undefined) => (bytes === undefined ? undefined : bytes / 2 ** 20);
    const heap = mb(answer?.memory?.heapUsed);
    const heapTotal = mb(answer?.memory?.heapTotal);
    const sample: Sample = { t: (now - t0) / 1000, rss, anon, heap, heapTotal, cpu };
    samples.push(sample);
    const col = (value: number | undefined, width: number) =>
      (value?.toFixed(1) ?? '-').padStart(width);
    console.log(
      `${sample.t.toFixed(0).padStart(7)}  ${col(rss, 7)}  ${col(anon, 7)}  ${col(heap, 8)}  ${col(heapTotal, 9)}  ${col(cpu, 6)}  ${answer?.pods ?? '?'}`,
    );
    if (now >= end || interrupted) break;
    await sleep(Math.min(SAMPLE_MS, Math.max(0, end - Date.now())));
  }

  const first = samples[0] as Sample;
  const at3 = samples.find((s) => s.t >= 180) ?? (samples.at(-1) as Sample);
  const lastSample = samples.at(-1) as Sample;
  const max = Math.max(...samples.map((s) => s.rss));
  const tail = samples.filter((s) => s.t >= lastSample.t / 3);
  const heapTail = tail.filter((s) => s.heap !== undefined);
  const cpus = samples.map((s) => s.cpu).filter((c): c is number => c !== undefined);
  const meanCpu = cpus.reduce((a, b) => a + b, 0) / Math.max(1, cpus.length);
  console.log('\nsummary');
  console.log(
    `  RSS MB: first ${first.rss.toFixed(1)}, after 3 min ${at3.rss.toFixed(1)} (t=${at3.t.toFixed(0)} s), last ${lastSample.rss.toFixed(1)}, max ${max.toFixed(1)}`,
  );
  console.log(
    `  RSS slope over the last 2/3 (${tail.length} samples): ${slopeMbPerHour(tail).toFixed(1)} MB/h`,
  );
  const anonSlope = slopeMbPerHour(tail.map((s) => ({ ...s, rss: s.anon })));
  console.log(
    `  RssAnon MB: first ${first.anon.toFixed(1)}, after 3 min ${at3.anon.toFixed(1)}, last ${lastSample.anon.toFixed(1)}, slope over the last 2/3 ${anonSlope.toFixed(1)} MB/h`,
  );
  if (heapTail.length > 1) {
    const heapSlope = slopeMbPerHour(heapTail.map((s) => ({ ...s, rss: s.heap as number })));
    const heapMean = heapTail.reduce((sum, s) => sum + (s.heap as number), 0) / heapTail.length;
    console.log(
      `  heapUsed MB: first ${first.heap?.toFixed(1)}, mean over the last 2/3 ${heapMean.toFixed(1)}, last ${lastSample.heap?.toFixed(1)}, slope over the last 2/3 ${heapSlope.toFixed(1)} MB/h`,
    );
    console.log(
      `  heapTotal MB (V8's reservation): first ${first.heapTotal?.toFixed(1)}, after 3 min ${at3.heapTotal?.toFixed(1)}, last ${lastSample.heapTotal?.toFixed(1)}`,
    );
  }
  console.log(`  CPU: mean ${meanCpu.toFixed(1)} % of one core over ${cpus.length} intervals`);

  const describe = await podrun('describe', 'pod', 'witness', '-n', ns);
  const events = describe.slice(describe.indexOf('\nEvents:'));
  const rows = events
    .split('\n')
    .slice(1)
    .filter((line) => /^ {2}(Normal|Warning) /.test(line));
  const has = (reason: string) => rows.some((line) => line.split(/\s+/)[2] === reason);
  console.log(
    `  witness: ${rows.length} events in describe; Created ${has('Created') ? 'yes' : 'MISSING'}, Started ${has('Started') ? 'yes' : 'MISSING'}`,
  );
  if (!has('Created') || !has('Started')) {
    console.log(events);
    process.exitCode = 1;
  }
}

main()
  .catch((error) => {
    console.error(`soak: ${(error as Error).message}`);
    process.exitCode = 1;
  })
  .finally(() => cleanup());
