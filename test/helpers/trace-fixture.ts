import { keccak256, stringToBytes } from 'viem';
import { simAccount } from '../../src/simulate/accounts.ts';
import { simBitcoinAddress } from '../../src/simulate/truth.ts';
import { simulatorContractAddress } from '../../src/simulate/world.ts';
import type { TraceEdge, TraceEndpoint, TraceNode, TraceResult } from '../../src/trace/types.ts';

/** One ether in wei. */
const ETHER = 10n ** 18n;
/** The simulator's genesis time (SIMULATOR_ANVIL_ARGS), so fixture times look like a simulated chain's. */
const GENESIS = 1_700_000_000;

/**
 * Addresses of the hand-built trace: simulator accounts and contract addresses (keccak-derived from
 * a label, or CREATE addresses of the simulator's deployer), which belong to nobody on a real chain.
 */
export const FIXTURE = {
  exploiter: simAccount(1, 'fixture/exploiter').address,
  split1: simAccount(1, 'fixture/split/1').address,
  split2: simAccount(1, 'fixture/split/2').address,
  deposit: simAccount(1, 'fixture/deposit').address,
  mixer: simulatorContractAddress('Mixer'),
  thorRouter: simulatorContractAddress('ThorRouter'),
  btcPayout: simBitcoinAddress(1, 'fixture/payout'),
  /** An entity name with every XML special character, as a hostile label list could publish. */
  exchangeEntity: `Alder <Exchange> & "Sons" 'Ltd'`,
} as const;

const tx = (label: string) => keccak256(stringToBytes(`chaintrail-fixture:${label}`));
const id = (address: string) => `anvil:${address}`;
const wei = (ether: bigint) => (ether * ETHER).toString();

/**
 * A hand-built forward trace of 100 ETH from the fixture exploiter: 60 to split 1 (30 into an
 * exchange deposit wallet, 30 into the mixer), 40 to split 2 (35 bridged to Bitcoin through the
 * THORChain router, 4 left unspent), 1 ETH untraced (gas and dust).
 *
 * @example
 * const result = handBuiltTrace();
 */
export function handBuiltTrace(): TraceResult {
  const f = FIXTURE;
  const nodes: TraceNode[] = [
    { id: id(f.exploiter), chain: 'anvil', address: f.exploiter, category: null, entity: null },
    { id: id(f.split1), chain: 'anvil', address: f.split1, category: null, entity: null },
    { id: id(f.split2), chain: 'anvil', address: f.split2, category: null, entity: null },
    {
      id: id(f.deposit),
      chain: 'anvil',
      address: f.deposit,
      category: 'deposit_wallet',
      entity: f.exchangeEntity,
    },
    {
      id: id(f.mixer),
      chain: 'anvil',
      address: f.mixer,
      category: 'mixer',
      entity: 'Simulated Mixer',
    },
    {
      id: id(f.thorRouter),
      chain: 'anvil',
      address: f.thorRouter,
      category: 'bridge',
      entity: 'THORChain',
    },
  ];
  const edge = (
    from: string,
    to: string,
    ether: bigint,
    hop: number,
    label: string,
  ): TraceEdge => ({
    from: id(from),
    to: id(to),
    txHash: tx(label),
    asset: 'native',
    amount: wei(ether),
    tainted: wei(ether),
    hop,
    time: GENESIS + 12 * hop + label.length,
  });
  const edges: TraceEdge[] = [
    edge(f.exploiter, f.split1, 60n, 1, 'split-1'),
    edge(f.exploiter, f.split2, 40n, 1, 'split-2'),
    edge(f.split1, f.deposit, 30n, 2, 'deposit'),
    edge(f.split1, f.mixer, 30n, 2, 'mixer'),
    edge(f.split2, f.thorRouter, 35n, 2, 'bridge'),
  ];
  const endpoints: TraceEndpoint[] = [
    {
      chain: 'anvil',
      address: f.thorRouter,
      category: 'bridge',
      entity: 'THORChain',
      asset: 'native',
      amount: wei(35n),
      share: 0.35,
      finding: `bridged to bitcoin ${f.btcPayout}`,
      destination: { chain: 'bitcoin', address: f.btcPayout },
      paths: [[f.exploiter, f.split2, f.thorRouter]],
    },
    {
      chain: 'anvil',
      address: f.deposit,
      category: 'deposit_wallet',
      entity: f.exchangeEntity,
      asset: 'native',
      amount: wei(30n),
      share: 0.3,
      finding: `arrived at ${f.exchangeEntity}: freezable`,
      paths: [[f.exploiter, f.split1, f.deposit]],
    },
    {
      chain: 'anvil',
      address: f.mixer,
      category: 'mixer',
      entity: 'Simulated Mixer',
      asset: 'native',
      amount: wei(30n),
      share: 0.3,
      finding: 'entered Simulated Mixer',
      paths: [[f.exploiter, f.split1, f.mixer]],
    },
    {
      chain: 'anvil',
      address: f.split2,
      category: 'unspent',
      entity: null,
      asset: 'native',
      amount: wei(4n),
      share: 0.04,
      finding: 'unspent at the launderer',
      paths: [[f.exploiter, f.split2]],
    },
  ];
  return {
    parameters: {
      seeds: [{ kind: 'address', chain: 'anvil', address: f.exploiter }],
      direction: 'forward',
      policy: 'haircut',
      maxHops: 10,
    },
    endpoints,
    nodes,
    edges,
    summary: {
      seedValue: [{ chain: 'anvil', asset: 'native', amount: wei(100n) }],
      valuedIn: { chain: 'anvil', asset: 'native' },
      traced: 0.99,
      untraced: 0.01,
      untracedBy: { hopLimit: 0, dust: 0.01, conversion: 0, fees: 0 },
      byCategory: [
        { category: 'bridge', entity: 'THORChain', share: 0.35 },
        { category: 'deposit_wallet', entity: f.exchangeEntity, share: 0.3 },
        { category: 'mixer', entity: 'Simulated Mixer', share: 0.3 },
        { category: 'unspent', entity: null, share: 0.04 },
      ],
      edgesVisited: 5,
    },
  };
}
