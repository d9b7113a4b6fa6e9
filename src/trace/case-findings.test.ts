import { describe, expect, it } from 'vitest';
import { FIXTURE, handBuiltTrace } from '../../test/helpers/trace-fixture.ts';
import {
  caseSeedAddresses,
  endpointAddresses,
  pathAddresses,
  traceRoles,
  withoutServices,
} from './case-findings.ts';
import type { TraceResult } from './types.ts';

const f = FIXTURE;
const none = () => null;
const at = (address: string) => ({ chain: 'anvil', address });
const THEFT_TX = `0x${'ab'.repeat(32)}`;

/** The fixture's trace as if it started from a theft transaction of `victim` to the exploiter. */
function fromTheft(victim: string): TraceResult {
  const r = handBuiltTrace();
  return {
    ...r,
    parameters: { ...r.parameters, seeds: [{ kind: 'tx', chain: 'anvil', txHash: THEFT_TX }] },
    nodes: [
      { id: `anvil:${victim}`, chain: 'anvil', address: victim, category: null, entity: null },
      ...r.nodes,
    ],
    endpoints: r.endpoints.map((e) => ({ ...e, paths: e.paths.map((p) => [victim, ...p]) })),
  };
}

describe('the addresses a case marks', () => {
  it('takes the path to each endpoint less the seed and services; an endpoint holding value is an endpoint', () => {
    const seeds = [at(f.exploiter)];
    const { candidates, skipped } = pathAddresses(handBuiltTrace(), seeds, none);
    expect(candidates).toEqual([
      { ...at(f.split2), role: 'endpoint' },
      { ...at(f.split1), role: 'path' },
    ]);
    expect(skipped.map((s) => [s.address, s.reason, s.category])).toEqual([
      [f.thorRouter, 'service', 'bridge'],
      [f.deposit, 'service', 'deposit_wallet'],
      [f.mixer, 'service', 'mixer'],
    ]);
  });

  it("leaves out where the value came from when the trace started from a transaction: a theft's victim", () => {
    const victim = `0x${'7e'.repeat(20)}`;
    // The case's seeds: its exploiter (an address) and the theft transaction.
    const seeds = caseSeedAddresses([f.exploiter, THEFT_TX], fromTheft(victim)).addresses;
    expect(seeds).toEqual([at(f.exploiter)]);
    const { candidates, skipped } = pathAddresses(fromTheft(victim), seeds, none);
    expect(candidates.map((c) => c.address).sort()).toEqual([f.split1, f.split2].sort());
    expect(skipped[0]).toEqual({
      chain: 'anvil',
      address: victim,
      reason: 'source',
      category: null,
      entity: null,
    });
    // Without the exploiter among the seeds, it is on the path (the theft paid it), the victim not.
    const bare = pathAddresses(fromTheft(victim), [], none);
    expect(bare.candidates.map((c) => c.address)).toContain(f.exploiter);
    expect(bare.candidates.map((c) => c.address)).not.toContain(victim);
  });

  it("never marks an address of a service the value passed (a bridge's inbox) or one labelled a service now", () => {
    const r = handBuiltTrace();
    const inbox = `0x${'1b'.repeat(20)}`;
    const bridged = r.endpoints.find((e) => e.category === 'bridge')!;
    bridged.via = [inbox];
    bridged.paths = [[f.exploiter, f.split2, inbox, f.thorRouter]];
    const labelledNow = (_chain: string, address: string) =>
      address === f.split1 ? { category: 'exchange', entity: 'Alder Exchange' } : null;
    const { candidates, skipped } = pathAddresses(r, [at(f.exploiter)], labelledNow);
    expect(candidates).toEqual([{ ...at(f.split2), role: 'endpoint' }]);
    expect(skipped).toContainEqual({
      ...at(inbox),
      reason: 'service',
      category: 'bridge',
      entity: 'THORChain',
    });
    expect(skipped).toContainEqual({
      ...at(f.split1),
      reason: 'service',
      category: 'exchange',
      entity: 'Alder Exchange',
    });
  });

  it("finds a case's address seeds on the trace's chain, as typed (checksummed, no chain)", () => {
    const checksummed = `0x${f.exploiter.slice(2).toUpperCase()}`;
    const { addresses, skipped } = caseSeedAddresses(
      [checksummed, THEFT_TX, 'not an address'],
      handBuiltTrace(),
    );
    expect(addresses).toEqual([at(f.exploiter)]);
    expect(skipped.map((s) => [s.address, s.reason])).toEqual([
      [THEFT_TX, 'transaction'],
      ['not an address', 'unreadable'],
    ]);
    // No trace: the seed's own form says its chain (0x: ethereum).
    expect(caseSeedAddresses([f.exploiter], null).addresses).toEqual([
      { chain: 'ethereum', address: f.exploiter },
    ]);
  });

  it("gives each address its role in the trace, and leaves a service's out of a selection", () => {
    const roles = traceRoles(handBuiltTrace(), [at(f.exploiter)]);
    const role = (a: string) => roles.get(`anvil\u0000${a}`);
    expect([f.exploiter, f.split1, f.split2, f.deposit].map(role)).toEqual([
      'seed',
      'path',
      'endpoint',
      'path',
    ]);
    const service = (_c: string, a: string) =>
      a === f.deposit ? { category: 'deposit_wallet', entity: 'Alder' } : null;
    const kept = withoutServices(
      [
        { ...at(f.deposit), role: 'path' },
        { ...at(f.split1), role: 'path' },
      ],
      service,
    );
    expect(kept.candidates).toEqual([{ ...at(f.split1), role: 'path' }]);
    expect(kept.skipped).toMatchObject([{ address: f.deposit, reason: 'service' }]);
  });

  it('lists the endpoints of a category once each: where value is still held', () => {
    expect(endpointAddresses(handBuiltTrace(), (c) => c === 'unspent')).toEqual([at(f.split2)]);
    expect(endpointAddresses(handBuiltTrace(), (c) => c === 'deposit_wallet')).toEqual([
      at(f.deposit),
    ]);
  });
});
