import { UserError } from '../errors/base.ts';
import { SERVICE_CATEGORIES, type Category } from '../labels/taxonomy.ts';
import { normalizeAddress } from '../model/address.ts';
import { parseSeed } from './parse-seed.ts';
import type { TraceResult } from './types.ts';

/** An address on a chain, in the chain's canonical form. */
export type ChainAddress = { chain: string; address: string };

/**
 * What an address was to a case: a seed the investigation started from, an endpoint where traced
 * value still rests (unspent, frozen), an address the value passed on its way, or an address the
 * investigator selected that the trace does not name.
 */
export type FindingRole = 'seed' | 'endpoint' | 'path' | 'selected';

/** Strongest first: an address found in two roles keeps the stronger. */
export const FINDING_ROLES: readonly FindingRole[] = ['seed', 'endpoint', 'path', 'selected'];

/** An address to mark, and what it was to the case. */
export type FindingCandidate = ChainAddress & { role: FindingRole };

/**
 * Why an address was not marked: a seed that is a transaction (or unreadable), where the traced
 * value came from (the sender of a seed transaction: in a theft, the victim), or a service's address
 * (an exchange deposit, a bridge, a DEX router: never a crime's own).
 */
export type SkipReason = 'transaction' | 'unreadable' | 'source' | 'service';

/** An address (or seed) left unmarked, and why. */
export type SkippedFinding = {
  chain: string | null;
  address: string;
  reason: SkipReason;
  /** The service's label, for `service`. */
  category: string | null;
  entity: string | null;
};

/** A label that makes an address a service's, as found on the trace's node or the labels now. */
export type ServiceLabel = { category: string; entity: string | null };

const keyOf = (chain: string, address: string) => `${chain}\u0000${address}`;

/**
 * True for a category of a service or infrastructure (src/labels/taxonomy.ts `SERVICE_CATEGORIES`):
 * such an address is never marked.
 *
 * @example
 * isServiceCategory('deposit_wallet'); // true
 * isServiceCategory('unspent'); // false
 */
export function isServiceCategory(category: string | null): boolean {
  return category !== null && SERVICE_CATEGORIES.has(category as Category);
}

/** Chains the trace names (its seeds' and nodes'), in first-seen order. */
function chainsOf(trace: TraceResult): string[] {
  const chains = new Set<string>();
  for (const s of trace.parameters.seeds) chains.add(s.chain);
  for (const n of trace.nodes) chains.add(n.chain);
  return [...chains];
}

/**
 * The address seeds of a case: its seeds that are addresses (a transaction seed is skipped: it is
 * not an address), each on the chain of the trace that holds it (a case keeps its seeds as typed,
 * `0x…` without a chain; the demo's live on `anvil`), and the trace's own address seeds.
 *
 * @example
 * caseSeedAddresses(['0x7F25…', '0x4b05…e7d4'], result);
 * // { addresses: [{ chain: 'anvil', address: '0x7f25…' }], skipped: [{ address: '0x4b05…', reason: 'transaction', … }] }
 */
export function caseSeedAddresses(
  seeds: readonly string[],
  trace: TraceResult | null,
): { addresses: ChainAddress[]; skipped: SkippedFinding[] } {
  const found = new Map<string, ChainAddress>();
  const skipped: SkippedFinding[] = [];
  const add = (a: ChainAddress) => found.set(keyOf(a.chain, a.address), a);
  const chains = trace ? chainsOf(trace) : [];
  const nodes = new Set(trace?.nodes.map((n) => keyOf(n.chain, n.address)) ?? []);
  const skip = (address: string, reason: SkipReason) =>
    skipped.push({ chain: null, address, reason, category: null, entity: null });
  for (const seed of seeds) {
    let parsed: ReturnType<typeof parseSeed>;
    try {
      parsed = parseSeed(seed.trim(), chains.length === 1 ? chains[0] : undefined);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      skip(seed, 'unreadable');
      continue;
    }
    if (parsed.kind !== 'address') {
      skip(seed, 'transaction');
      continue;
    }
    // The chain of the trace's node with this address, when the trace has several chains.
    const onTrace = chains
      .map((chain) => {
        try {
          return { chain, address: normalizeAddress(chain, seed.trim()) };
        } catch {
          return null;
        }
      })
      .find((a) => a !== null && nodes.has(keyOf(a.chain, a.address)));
    add(onTrace ?? { chain: parsed.chain, address: parsed.address });
  }
  for (const s of trace?.parameters.seeds ?? [])
    if (s.kind === 'address') add({ chain: s.chain, address: s.address });
  return { addresses: [...found.values()], skipped };
}

/**
 * What each address of a trace was: a seed, an endpoint where value rests (a category that is not a
 * service's: unspent, frozen; backward, an origin), or an address the value passed.
 *
 * @example
 * traceRoles(result, seeds).get('anvil\u00000xda4d…'); // 'path'
 */
export function traceRoles(
  trace: TraceResult | null,
  seeds: readonly ChainAddress[],
): Map<string, FindingRole> {
  const roles = new Map<string, FindingRole>();
  const set = (chain: string, address: string, role: FindingRole) => {
    const key = keyOf(chain, address);
    const had = roles.get(key);
    if (had === undefined || FINDING_ROLES.indexOf(role) < FINDING_ROLES.indexOf(had))
      roles.set(key, role);
  };
  for (const n of trace?.nodes ?? []) set(n.chain, n.address, 'path');
  for (const e of trace?.endpoints ?? [])
    if (!isServiceCategory(e.category)) set(e.chain, e.address, 'endpoint');
  for (const s of seeds) set(s.chain, s.address, 'seed');
  return roles;
}

/**
 * The addresses on the path to each endpoint of a forward trace: every address of the endpoints'
 * evidence paths, less the seeds (marked as seeds), where the value came from (each path's first
 * address that is not a seed: the sender of a seed transaction, in a theft the victim), and
 * services (an endpoint at a service, an address of the same service the value passed on its way
 * there, a node the trace found labelled a service, or one `serviceOf` names). An endpoint where
 * value rests (unspent, frozen) is marked as `endpoint`, the others as `path`.
 *
 * @example
 * const { candidates, skipped } = pathAddresses(result, seeds, () => null);
 * candidates; // [{ chain: 'anvil', address: '0x…', role: 'path' }, …]
 */
export function pathAddresses(
  trace: TraceResult,
  seeds: readonly ChainAddress[],
  serviceOf: (chain: string, address: string) => ServiceLabel | null,
): { candidates: FindingCandidate[]; skipped: SkippedFinding[] } {
  const seedKeys = new Set(seeds.map((s) => keyOf(s.chain, s.address)));
  const nodeChains = new Map<string, string[]>();
  const nodeLabels = new Map<string, ServiceLabel>();
  for (const n of trace.nodes) {
    const chains = nodeChains.get(n.address);
    if (chains) chains.push(n.chain);
    else nodeChains.set(n.address, [n.chain]);
    if (isServiceCategory(n.category))
      nodeLabels.set(keyOf(n.chain, n.address), { category: n.category!, entity: n.entity });
  }
  // An address of the same service the value passed before it rested (a bridge's inbox).
  for (const e of trace.endpoints)
    if (isServiceCategory(e.category))
      for (const v of e.via ?? [])
        nodeLabels.set(keyOf(e.chain, v), { category: e.category, entity: e.entity });
  const candidates = new Map<string, FindingCandidate>();
  const skipped = new Map<string, SkippedFinding>();
  const skip = (chain: string, address: string, reason: SkipReason, label?: ServiceLabel) => {
    const key = keyOf(chain, address);
    candidates.delete(key);
    if (!skipped.has(key))
      skipped.set(key, {
        chain,
        address,
        reason,
        category: label?.category ?? null,
        entity: label?.entity ?? null,
      });
  };
  for (const e of trace.endpoints)
    for (const path of e.paths) {
      // A path's addresses are the endpoint's chain's, unless the trace crossed a bridge to them.
      const chainOf = (address: string) => {
        const chains = nodeChains.get(address);
        return chains === undefined || chains.includes(e.chain) ? e.chain : chains[0]!;
      };
      const first = path.findIndex((a) => !seedKeys.has(keyOf(chainOf(a), a)));
      path.forEach((address, i) => {
        const chain = chainOf(address);
        const key = keyOf(chain, address);
        if (seedKeys.has(key) || skipped.has(key)) return;
        if (i === 0 && first === 0) return skip(chain, address, 'source');
        const last = i === path.length - 1;
        const service =
          (last && isServiceCategory(e.category)
            ? { category: e.category, entity: e.entity }
            : null) ??
          nodeLabels.get(key) ??
          serviceOf(chain, address);
        if (service) return skip(chain, address, 'service', service);
        const role: FindingRole = last && address === e.address ? 'endpoint' : 'path';
        const had = candidates.get(key);
        if (!had || FINDING_ROLES.indexOf(role) < FINDING_ROLES.indexOf(had.role))
          candidates.set(key, { chain, address, role });
      });
    }
  return { candidates: [...candidates.values()], skipped: [...skipped.values()] };
}

/**
 * `candidates` less those `serviceOf` names a service's (a seed or a selected address may be one: a
 * case started from an exchange deposit), which are skipped.
 *
 * @example
 * withoutServices([{ chain: 'anvil', address: deposit, role: 'selected' }], serviceOf).skipped[0].reason; // 'service'
 */
export function withoutServices(
  candidates: readonly FindingCandidate[],
  serviceOf: (chain: string, address: string) => ServiceLabel | null,
): { candidates: FindingCandidate[]; skipped: SkippedFinding[] } {
  const kept: FindingCandidate[] = [];
  const skipped: SkippedFinding[] = [];
  for (const c of candidates) {
    const service = serviceOf(c.chain, c.address);
    if (service)
      skipped.push({
        chain: c.chain,
        address: c.address,
        reason: 'service',
        category: service.category,
        entity: service.entity,
      });
    else kept.push(c);
  }
  return { candidates: kept, skipped };
}

/**
 * Addresses of a trace's endpoints of `category` (each once), e.g. `unspent`: where traced value
 * is still held.
 *
 * @example
 * endpointAddresses(result, (c) => c === 'unspent'); // [{ chain: 'anvil', address: '0x7f25…' }, …]
 */
export function endpointAddresses(
  trace: TraceResult,
  include: (category: string) => boolean,
): ChainAddress[] {
  const found = new Map<string, ChainAddress>();
  for (const e of trace.endpoints)
    if (include(e.category))
      found.set(keyOf(e.chain, e.address), { chain: e.chain, address: e.address });
  return [...found.values()];
}
