// Subnets this engine picked for earlier probe networks (docker/networks.ts), kept in
// a small file of the runtime directory so the next namespace network can take one
// without a probe (about 150-200 ms: create, inspect and remove a network). Only a
// hint: lost, unreadable or refused by the engine, it costs exactly the probe it would
// have saved. Which hint may be used is plan/subnet-hints.ts's decision.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { log } from '../log.js';
import { forgetHint, rememberHint, type SubnetHint } from '../plan/subnet-hints.js';
import { runtimeDir } from '../runtime-dir.js';
import { engine } from './engine.js';

type HintFile = Record<string, SubnetHint[]>;

function hintPath(): string {
  return join(runtimeDir(), 'subnet-hints.json');
}

function keyOf(hintKey: string): string {
  return createHash('sha256').update(hintKey).digest('hex').slice(0, 16);
}

function readAll(): HintFile {
  try {
    const parsed = JSON.parse(readFileSync(hintPath(), 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as HintFile) : {};
  } catch {
    return {};
  }
}

/** This engine's hints, newest first; none for an engine without a hint key. */
export function readSubnetHints(): SubnetHint[] {
  const key = engine().hintKey;
  if (!key) return [];
  const hints = readAll()[keyOf(key)];
  return Array.isArray(hints)
    ? hints.filter((h) => typeof h?.subnet === 'string' && typeof h.learnedAt === 'number')
    : [];
}

function update(change: (hints: SubnetHint[]) => SubnetHint[]): void {
  const key = engine().hintKey;
  if (!key) return;
  try {
    const all = readAll();
    all[keyOf(key)] = change(readSubnetHints());
    mkdirSync(runtimeDir(), { recursive: true, mode: 0o700 });
    // Whole or not at all: two processes writing at once leave one's list, never half.
    const temp = `${hintPath()}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(all), { mode: 0o600 });
    renameSync(temp, hintPath());
  } catch (error) {
    log().debug(`subnet hints: not written (${(error as Error).message})`);
  }
}

export function rememberSubnet(subnet: string, gateway: string): void {
  update((hints) => rememberHint(hints, { subnet, gateway, learnedAt: Date.now() }, Date.now()));
}

export function forgetSubnet(subnet: string): void {
  update((hints) => forgetHint(hints, subnet));
}
