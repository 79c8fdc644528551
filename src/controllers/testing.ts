// Test helpers for the controllers: a seeded random source, and a small in-memory
// "cluster" that carries out the intents the steps return and plays the kubelet (pods
// become Ready, succeed or fail after a time the test sets), so a test can run a
// Deployment or Job step by step and check what holds at every step.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { syncDeployment } from './deployment.js';
import type { OwnedPod, PodPhase } from './facts.js';
import type { ControllerIntent } from './intents.js';
import { syncJob } from './job.js';
import type { Random } from './names.js';
import { syncReplicaSet } from './replicaset.js';

/** mulberry32: a deterministic [0, 1) source. */
export function seeded(seed = 1): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pod(name: string, fields: Partial<OwnedPod> = {}): OwnedPod {
  return {
    name,
    labels: {},
    createdAt: 0,
    phase: 'Running',
    scheduled: true,
    ready: true,
    readySince: 0,
    restartCount: 0,
    terminating: false,
    ...fields,
  };
}

/** What the simulated kubelet does with a pod made from `template`. */
export interface PodBehaviour {
  /** ms from creation to Running (sandbox up). */
  startMs: number;
  /** ms from creation to Ready; undefined = never Ready. */
  readyMs?: number;
  /** ms from creation to the end, and how it ends (run-to-completion pods). */
  exitMs?: number;
  exit?: 'Succeeded' | 'Failed';
}

export interface SimPod {
  facts: OwnedPod;
  owner: string;
  template: PodTemplateSpec;
  behaviour: PodBehaviour;
}

export class Cluster {
  now = 1_000_000;
  readonly pods = new Map<string, SimPod>();
  readonly replicaSets = new Map<string, ReplicaSet>();
  readonly created: string[] = [];
  readonly log: ControllerIntent[] = [];
  readonly random = seeded(7);

  constructor(private readonly behave: (template: PodTemplateSpec) => PodBehaviour) {}

  tick(ms: number): void {
    this.now += ms;
    for (const p of this.pods.values()) {
      const age = this.now - p.facts.createdAt;
      const b = p.behaviour;
      let phase: PodPhase = age >= b.startMs ? 'Running' : 'Pending';
      if (b.exitMs !== undefined && age >= b.exitMs) phase = b.exit ?? 'Succeeded';
      const ready = phase === 'Running' && b.readyMs !== undefined && age >= b.readyMs;
      p.facts = {
        ...p.facts,
        phase,
        scheduled: age >= b.startMs,
        ready,
        readySince: ready ? (p.facts.readySince ?? this.now) : undefined,
        finishedAt:
          phase === 'Succeeded' || phase === 'Failed'
            ? (p.facts.finishedAt ?? p.facts.createdAt + b.exitMs!)
            : undefined,
      };
    }
  }

  podsOf(owner: string): OwnedPod[] {
    return [...this.pods.values()].filter((p) => p.owner === owner).map((p) => p.facts);
  }

  apply(owner: string, intents: readonly ControllerIntent[]): void {
    for (const intent of intents) {
      this.log.push(intent);
      switch (intent.kind) {
        case 'create-pod': {
          if (this.pods.has(intent.name)) throw new Error(`pod ${intent.name} exists`);
          this.created.push(intent.name);
          this.pods.set(intent.name, {
            owner,
            template: intent.template,
            behaviour: this.behave(intent.template),
            facts: {
              name: intent.name,
              labels: { ...intent.template.metadata?.labels },
              annotations: { ...intent.template.metadata?.annotations },
              createdAt: this.now,
              phase: 'Pending',
              scheduled: false,
              ready: false,
              restartCount: 0,
              terminating: false,
            },
          });
          break;
        }
        case 'delete-pod':
          if (!this.pods.delete(intent.name)) throw new Error(`no pod ${intent.name}`);
          break;
        case 'create-replicaset': {
          const name = intent.replicaSet.metadata?.name ?? '';
          if (this.replicaSets.has(name)) throw new Error(`replicaset ${name} exists`);
          this.replicaSets.set(name, structuredClone(intent.replicaSet));
          break;
        }
        case 'scale-replicaset': {
          const rs = this.replicaSets.get(intent.name)!;
          rs.spec = { ...rs.spec!, replicas: intent.replicas };
          rs.metadata = {
            ...rs.metadata,
            annotations: { ...rs.metadata?.annotations, ...intent.annotations },
          };
          break;
        }
        case 'annotate-replicaset': {
          const rs = this.replicaSets.get(intent.name)!;
          rs.metadata = {
            ...rs.metadata,
            annotations: { ...rs.metadata?.annotations, ...intent.annotations },
          };
          break;
        }
        case 'delete-replicaset':
          this.replicaSets.delete(intent.name);
          for (const [name, p] of this.pods)
            if (p.owner === `rs/${intent.name}`) this.pods.delete(name);
          break;
        case 'delete-self':
          break;
      }
    }
  }

  syncReplicaSets(): void {
    for (const [name, rs] of this.replicaSets) {
      const step = syncReplicaSet({
        replicaSet: rs,
        pods: this.podsOf(`rs/${name}`),
        now: this.now,
        random: this.random,
      });
      this.apply(`rs/${name}`, step.intents);
      Object.assign(rs, { status: step.status }); // read-only in kubernetes-types
    }
  }

  /** One round: the ReplicaSets' statuses, the Deployment's step, the ReplicaSets' pods. */
  syncDeployment(d: Deployment): ControllerIntent[] {
    this.syncReplicaSets();
    const step = syncDeployment({
      deployment: d,
      replicaSets: [...this.replicaSets.values()],
      pods: [...this.pods.values()].filter((p) => p.owner.startsWith('rs/')).map((p) => p.facts),
      now: this.now,
    });
    this.apply('deployment', step.intents);
    d.status = step.status;
    this.syncReplicaSets();
    return step.intents;
  }

  syncJob(job: Job): ReturnType<typeof syncJob> {
    const step = syncJob({ job, pods: this.podsOf('job'), now: this.now, random: this.random });
    this.apply('job', step.intents);
    job.status = step.status;
    return step;
  }

  /** Pods not being deleted, and of those the Ready ones, by pod-template-hash. */
  live(): { total: number; ready: number; byHash: Record<string, number> } {
    const byHash: Record<string, number> = {};
    let ready = 0;
    let total = 0;
    for (const { facts } of this.pods.values()) {
      if (facts.terminating || facts.phase === 'Succeeded' || facts.phase === 'Failed') continue;
      total++;
      if (facts.ready) ready++;
      const hash = facts.labels['pod-template-hash'] ?? '';
      byHash[hash] = (byHash[hash] ?? 0) + 1;
    }
    return { total, ready, byHash };
  }
}
