// Two small hand-made traces through the same addresses (not a test file itself): a forward trace
// of a theft and a backward trace from one of its deposit addresses, as the layer and path tests
// share them. Addresses are made up for the shapes only (no chain data is read).
import type { TraceEdge, TraceJob, TraceResult } from '../../../api/types.ts';

export const FORWARD_ID = '0b6f2a10-0000-4000-8000-00000000000f';
export const BACKWARD_ID = '0b6f2a10-0000-4000-8000-00000000000b';

const E18 = 10n ** 18n;
/** `n` whole ETH (up to 3 decimals) as raw units. */
export const eth = (n: number) => (BigInt(Math.round(n * 1000)) * (E18 / 1000n)).toString();

export const A = {
  funder: '0x00000000000000000000000000000000000000f0',
  cold: '0x00000000000000000000000000000000000000c0',
  thief: '0x00000000000000000000000000000000000000a0',
  split1: '0x00000000000000000000000000000000000000a1',
  split2: '0x00000000000000000000000000000000000000a2',
  depositA: '0x00000000000000000000000000000000000000da',
  depositB: '0x00000000000000000000000000000000000000db',
};
export const THEFT_TX = `0x${'7'.repeat(64)}`;
export const id = (address: string) => `anvil:${address}`;

const edge = (
  from: string,
  to: string,
  amount: string,
  tainted: string,
  hop: number,
  time: number,
  txHash: string,
): TraceEdge => ({
  from: id(from),
  to: id(to),
  txHash,
  asset: 'native',
  amount,
  tainted,
  hop,
  time,
});

const node = (address: string, category: string | null = null, entity: string | null = null) => ({
  id: id(address),
  chain: 'anvil',
  address,
  category,
  entity,
});

const tx = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;

/**
 * The theft: 100 ETH from the cold wallet to the thief (the seed transaction), split 60/40, then to
 * two exchange deposit addresses; split1 pays depositA in two transfers, split2 mixes 5 ETH of its
 * own into what it sends depositB (45 sent, 40 tainted).
 */
export function forwardResult(): TraceResult {
  return {
    parameters: {
      seeds: [{ kind: 'tx', chain: 'anvil', txHash: THEFT_TX }],
      direction: 'forward',
      policy: 'haircut',
      maxHops: 10,
    },
    endpoints: [
      {
        chain: 'anvil',
        address: A.depositA,
        category: 'deposit_wallet',
        entity: 'Alder Exchange',
        asset: 'native',
        amount: eth(30),
        share: 0.3,
        finding: 'arrived at Alder Exchange: freezable',
        paths: [[A.thief, A.split1, A.depositA]],
      },
      {
        chain: 'anvil',
        address: A.depositB,
        category: 'deposit_wallet',
        entity: 'Birch Exchange',
        asset: 'native',
        amount: eth(40),
        share: 0.4,
        finding: 'arrived at Birch Exchange: freezable',
        paths: [[A.thief, A.split2, A.depositB]],
      },
      {
        chain: 'anvil',
        address: A.split1,
        category: 'unspent',
        entity: null,
        asset: 'native',
        amount: eth(30),
        share: 0.3,
        finding: `still held at ${A.split1}`,
        paths: [[A.thief, A.split1]],
      },
    ],
    nodes: [
      node(A.cold),
      node(A.thief),
      node(A.split1),
      node(A.split2),
      node(A.depositA, 'deposit_wallet', 'Alder Exchange'),
      node(A.depositB, 'deposit_wallet', 'Birch Exchange'),
    ],
    edges: [
      edge(A.cold, A.thief, eth(100), eth(100), 1, 1_740_000_000, THEFT_TX),
      edge(A.thief, A.split1, eth(60), eth(60), 2, 1_740_000_100, tx(2)),
      edge(A.thief, A.split2, eth(40), eth(40), 2, 1_740_000_110, tx(3)),
      edge(A.split1, A.depositA, eth(10), eth(10), 3, 1_740_000_300, tx(5)),
      edge(A.split1, A.depositA, eth(20), eth(20), 3, 1_740_000_200, tx(4)),
      edge(A.split2, A.depositB, eth(45), eth(40), 3, 1_740_000_250, tx(6)),
    ],
    summary: {
      seedValue: [{ chain: 'anvil', asset: 'native', amount: eth(100) }],
      valuedIn: { chain: 'anvil', asset: 'native' },
      traced: 1,
      untraced: 0,
      untracedBy: { hopLimit: 0, dust: 0, conversion: 0, fees: 0 },
      byCategory: [],
      edgesVisited: 6,
    },
  };
}

/**
 * Backward from depositA (its 30 ETH): through split1 and the thief to the cold wallet, which a
 * funder had filled long before: the origin.
 */
export function backwardResult(): TraceResult {
  return {
    parameters: {
      seeds: [{ kind: 'address', chain: 'anvil', address: A.depositA }],
      direction: 'backward',
      policy: 'haircut',
      maxHops: 10,
    },
    endpoints: [
      {
        chain: 'anvil',
        address: A.funder,
        category: 'origin',
        entity: null,
        asset: 'native',
        amount: eth(30),
        share: 1,
        finding: `came from ${A.funder}`,
        paths: [[A.funder, A.cold, A.thief, A.split1, A.depositA]],
      },
    ],
    nodes: [
      node(A.depositA, 'deposit_wallet', 'Alder Exchange'),
      node(A.split1),
      node(A.thief),
      node(A.cold),
      node(A.funder),
    ],
    edges: [
      edge(A.split1, A.depositA, eth(20), eth(20), 1, 1_740_000_200, tx(4)),
      edge(A.split1, A.depositA, eth(10), eth(10), 1, 1_740_000_300, tx(5)),
      edge(A.thief, A.split1, eth(60), eth(30), 2, 1_740_000_100, tx(2)),
      edge(A.cold, A.thief, eth(100), eth(30), 3, 1_740_000_000, THEFT_TX),
      edge(A.funder, A.cold, eth(500), eth(30), 4, 1_700_000_000, tx(1)),
    ],
    summary: {
      seedValue: [{ chain: 'anvil', asset: 'native', amount: eth(30) }],
      valuedIn: { chain: 'anvil', asset: 'native' },
      traced: 1,
      untraced: 0,
      untracedBy: { hopLimit: 0, dust: 0, conversion: 0, fees: 0 },
      byCategory: [],
      edgesVisited: 5,
    },
  };
}

/** A trace job as the API reports it, for the main-trace and list tests. */
export function job(
  traceId: string,
  direction: 'forward' | 'backward',
  state: TraceJob['state'] = 'done',
): TraceJob {
  return {
    id: traceId,
    org: 'acme',
    createdBy: 'key-1',
    state,
    phase: state === 'done' ? 'done' : null,
    progress: state === 'done' ? 1 : 0,
    createdAt: '2025-02-21T14:00:00.000Z',
    startedAt: '2025-02-21T14:00:01.000Z',
    finishedAt: state === 'done' ? '2025-02-21T14:00:03.000Z' : null,
    error: null,
    parameters: {
      seeds: [{ kind: 'address', chain: 'anvil', address: A.depositA }],
      direction,
      policy: 'haircut',
      maxHops: 10,
    },
    counts: state === 'done' ? { endpoints: 1, nodes: 5, edges: 5 } : null,
  };
}
