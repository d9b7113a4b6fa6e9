import { DEFAULT_MAX_HOPS } from '../trace/sweep/taint-sweep.ts';
import type { TaintPolicy, TraceParameters, TraceSeed } from '../trace/types.ts';
import type { MethodSection } from './types.ts';

/** What each policy does, with its reference, in the words a court reads (src/trace/taint-policies.ts). */
const POLICY_TEXT: Readonly<Record<TaintPolicy, string>> = {
  haircut:
    "Haircut: every payment out of an address carries the tainted share of its balance at that moment, so stolen and clean value are followed in proportion and no value is counted twice. It is chaintrail's default because it neither over-attributes (as poison does) nor depends on an order of coins that the chain does not record (as FIFO and LIFO do).",
  poison:
    'Poison: any tainted arrival taints every later payment of that asset in full. It over-attributes by design: an upper bound of where value may have gone.',
  fifo: "FIFO: an address's balance is a queue of arrivals; a payment spends the oldest first (Clayton's case, Devaynes v Noble, 1816).",
  lifo: "LIFO: an address's balance is a stack of arrivals; a payment spends the newest first.",
  tiho: 'TIHO ("taint in, highest out"): the tainted value goes to a transaction\'s largest outputs first.',
};

/** The rules the engine applies to swaps, bridges and CoinJoins (README "What a trace does"). */
const RULES: readonly string[] = [
  'Swaps and wraps (Uniswap v2/v3, WETH): taint passes into the asset bought, in proportion, to its recipient.',
  'Bridges: a THORChain deposit ends as "bridged to <chain> <address>"; when that chain is in the store the trace goes on there from the destination\'s first arrival after the deposit.',
  'Labelled services (exchanges, their deposit and hot wallets, OTC desks, instant exchanges, mixers, bridges) end the trace; exchange deposit addresses no list names are inferred from their sweeps to the exchange and end it too.',
  'Value leaves an address only after it arrived there; balance held before the window counts as clean.',
  'Gas fees, the hop limit, the minimum value and conversions that cannot be resolved leave value untraced; the summary says how much for each cause.',
];

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

/** A seed as the CLI reads it back: an address, a transaction hash, or `<tx hash>:<position>`. */
export function seedArgument(seed: TraceSeed): string {
  return seed.kind === 'address'
    ? seed.address
    : seed.kind === 'tx'
      ? seed.txHash
      : `${seed.txHash}:${seed.position}`;
}

export type DescribeMethodReturnType = Omit<MethodSection, 'comparison' | 'comparisonNote'>;

/**
 * The method of a trace: its policy and what it means, every parameter with the value the engine
 * used (a parameter left out is spelled out as its default), and the rules for swaps, bridges and
 * CoinJoins.
 *
 * @example
 * describeMethod(trace.parameters).parameters[0]; // { name: 'direction', value: 'forward', … }
 */
export function describeMethod(parameters: TraceParameters): DescribeMethodReturnType {
  const p = parameters;
  return {
    policy: p.policy,
    policyText: POLICY_TEXT[p.policy],
    direction: p.direction,
    parameters: [
      {
        name: 'seeds',
        value: p.seeds.map((s) => `${s.chain} ${s.kind} ${seedArgument(s)}`).join('; '),
        meaning:
          'where the trace starts: an address (everything it sent in the window), a transaction (its transfers) or one transfer',
      },
      {
        name: 'direction',
        value: p.direction,
        meaning: p.direction === 'forward' ? 'where the value went' : 'where the value came from',
      },
      {
        name: 'policy',
        value: p.policy,
        meaning: 'how taint is assigned when tainted and clean value mix',
      },
      {
        name: 'hops',
        value: String(p.maxHops ?? DEFAULT_MAX_HOPS),
        meaning: 'transfers followed from the seeds at most',
      },
      {
        name: 'minimum value',
        value: p.minValue === undefined ? 'none' : `${p.minValue} raw units`,
        meaning: 'tainted amounts below it (dust) are not followed',
      },
      {
        name: 'window',
        value: `${p.since === undefined ? 'from the first transfer' : `from ${iso(p.since)}`} ${p.until === undefined ? 'to the last' : `to ${iso(p.until)}`}`,
        meaning: 'only transfers in this time window are followed',
      },
      {
        name: 'CoinJoins',
        value: p.throughCoinJoins ? 'followed through' : 'end the trace',
        meaning: 'whether value entering a detected CoinJoin is split over its outputs',
      },
    ],
    rules: [...RULES],
  };
}
