// Which remembered subnet a new namespace network may take without probing the engine
// (docker/subnet-hint.ts keeps the list). Pure: the hints, the subnets the engine's
// networks hold now, the clock.
import { type Cidr, parseCidr } from './network.js';

/** A subnet the engine picked for a probe network, and when. */
export interface SubnetHint {
  subnet: string;
  gateway: string;
  /** ms since the epoch. */
  learnedAt: number;
}

/**
 * A hint is trusted this long: the engine chose it then, avoiding its other networks
 * and the host's routes as they were; routes can change (a VPN comes up), networks are
 * checked again on every use.
 */
export const HINT_TTL_MS = 24 * 60 * 60 * 1000;
/** Hints kept per engine: about as many namespaces as a developer cycles through. */
export const MAX_HINTS = 8;

function overlaps(a: Cidr, b: Cidr): boolean {
  const aEnd = a.base + 2 ** (32 - a.prefix);
  const bEnd = b.base + 2 ** (32 - b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/** The first live hint whose subnet no network holds now; undefined: probe. */
export function pickHint(
  hints: readonly SubnetHint[],
  inUse: readonly string[],
  now: number,
): SubnetHint | undefined {
  const taken = inUse.flatMap((subnet) => parseCidr(subnet) ?? []);
  return hints.find((hint) => {
    if (now - hint.learnedAt > HINT_TTL_MS) return false;
    const cidr = parseCidr(hint.subnet);
    return cidr !== undefined && !taken.some((other) => overlaps(cidr, other));
  });
}

/** The list after the engine gave `learned` (newest first, no duplicates, bounded). */
export function rememberHint(
  hints: readonly SubnetHint[],
  learned: SubnetHint,
  now: number,
): SubnetHint[] {
  return [
    learned,
    ...hints.filter(
      (hint) => hint.subnet !== learned.subnet && now - hint.learnedAt <= HINT_TTL_MS,
    ),
  ].slice(0, MAX_HINTS);
}

/** The list without a hint the engine refused. */
export function forgetHint(hints: readonly SubnetHint[], subnet: string): SubnetHint[] {
  return hints.filter((hint) => hint.subnet !== subnet);
}
