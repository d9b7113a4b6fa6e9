// Generated background activity for the MFTracer cases (`npm run eval`): the hand-verified flows
// are only the stolen value's edges, so a trace over them alone cannot go wrong. Mixed with
// background, a trace shows whether it follows the stolen value rather than everything near it.
import { createRandom } from '../src/simulate/random.ts';
import type { MfTracerCase } from '../src/trace/read-mftracer-case.ts';

/**
 * Kinds of background:
 * - `separate`: activity that does not mix with the stolen funds after they arrive, so a trace
 *   that follows the stolen value should not end there: each address's own activity before the
 *   stolen value first reaches it (the victims' before the theft, outside the trace's window),
 *   unrelated traffic between other addresses, and services trading (the labelled services and the
 *   terminals receive clean value at any time; the labelled services also pay out).
 * - `mixing`: every address of the case receives clean value and pays some out at random times of
 *   the case's window, after the stolen value arrived too. Haircut then spreads taint into these
 *   payments by definition (the address's balance is part stolen, part clean), so value reaching
 *   them is not an error of the trace: the figures say how much of the seed such mixing carries off.
 */
export type BackgroundKind = 'separate' | 'mixing';

/**
 * Per case address (mixing) or per side (separate): transfers in and out (`EVAL_BACKGROUND_PER_ADDRESS`
 * for a denser background).
 */
const PER_ADDRESS = Number(process.env.EVAL_BACKGROUND_PER_ADDRESS ?? 2);
/** Unrelated traffic: this many transfers among generated addresses per case edge. */
const UNRELATED_PER_EDGE = 1;
/** Generated addresses for unrelated traffic. */
const UNRELATED_ADDRESSES = 200;
/** A background transfer's USD amount: this range of fractions of the address's median case edge. */
const MIN_FRACTION = 0.01;
const MAX_FRACTION = 0.5;
/** The victims' own activity ends this long before the theft (outside the trace's window). */
const BEFORE_THEFT_SECONDS = 30 * 86_400;
/** An address reached less than this long after the window starts gets no "before" activity. */
const MIN_BEFORE_SECONDS = 60;
/** Generated addresses and tx hashes: `0xbac6…` ("background") and a counter, never real ones. */
export const SYNTHETIC_ADDRESS_PREFIX = 'bac6';
const SYNTHETIC_TX_PREFIX = 'bac6bac6';

export type BackgroundRow = {
  time: number;
  txHash: string;
  from: string;
  to: string;
  usd: number;
};

/** What {@link generateBackground} made, with its totals for the eval's table. */
export type Background = { rows: BackgroundRow[]; usd: number };

const syntheticAddress = (n: number) =>
  `0x${SYNTHETIC_ADDRESS_PREFIX}${n.toString(16).padStart(40 - SYNTHETIC_ADDRESS_PREFIX.length, '0')}`;
const syntheticTx = (n: number) =>
  `0x${SYNTHETIC_TX_PREFIX}${n.toString(16).padStart(64 - SYNTHETIC_TX_PREFIX.length, '0')}`;

/**
 * Background transfers for a case (deterministic for a seed). `times[i]` is the time of
 * `c.edges[i]`; `services` are the case's addresses the user's labels name as services (exchanges,
 * bridges, mixers) and its terminals.
 *
 * @example
 * const { rows } = generateBackground(c, times, { kind: 'separate', seed: 5, services });
 */
export function generateBackground(
  c: MfTracerCase,
  times: readonly number[],
  options: { kind: BackgroundKind; seed: number; labelled: ReadonlySet<string> },
): Background {
  const random = createRandom(options.seed).next;
  const since = Math.min(...times);
  const until = Math.max(...times);
  const amounts = new Map<string, number[]>();
  const firstArrival = new Map<string, number>();
  c.edges.forEach((e, i) => {
    for (const a of [e.from, e.to]) {
      const list = amounts.get(a) ?? [];
      list.push(e.valueUsd ?? 0);
      amounts.set(a, list);
    }
    firstArrival.set(e.to, Math.min(firstArrival.get(e.to) ?? Infinity, times[i]!));
  });
  const median = (address: string) => {
    const sorted = [...(amounts.get(address) ?? [1])].sort((x, y) => x - y);
    return sorted[Math.floor(sorted.length / 2)]!;
  };
  const rows: BackgroundRow[] = [];
  let counter = 0;
  let usd = 0;
  const at = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const emit = (from: string, to: string, time: number, scale: number) => {
    counter++;
    const value = scale * (MIN_FRACTION + random() * (MAX_FRACTION - MIN_FRACTION));
    usd += value;
    rows.push({ time, txHash: syntheticTx(counter), from, to, usd: value });
  };
  const fresh = () => syntheticAddress(counter + 1);
  const addresses = [...amounts.keys()].sort();
  if (options.kind === 'mixing') {
    for (const address of addresses)
      for (let i = 0; i < PER_ADDRESS; i++) {
        emit(fresh(), address, at(since, until), median(address));
        emit(address, fresh(), at(since, until), median(address));
      }
    return { rows, usd };
  }
  const sources = new Set(c.sources);
  for (const address of addresses) {
    const m = median(address);
    if (sources.has(address)) {
      // The victim's own payments before the theft: outside the window a user traces from.
      for (let i = 0; i < PER_ADDRESS; i++) {
        emit(fresh(), address, at(since - BEFORE_THEFT_SECONDS, since - 2), m);
        emit(address, fresh(), at(since - BEFORE_THEFT_SECONDS, since - 2), m);
      }
      continue;
    }
    if (c.terminals.has(address) || options.labelled.has(address)) {
      // Services trade all the time: clean deposits at any time; a labelled one also pays out
      // (the trace stops there, so its payments carry nothing).
      for (let i = 0; i < PER_ADDRESS; i++) {
        emit(fresh(), address, at(since, until), m);
        if (options.labelled.has(address)) emit(address, fresh(), at(since, until), m);
      }
      continue;
    }
    // An intermediary's own activity before the stolen value first reaches it.
    const first = firstArrival.get(address) ?? since;
    if (first - since < MIN_BEFORE_SECONDS) continue;
    for (let i = 0; i < PER_ADDRESS; i++) {
      emit(fresh(), address, at(since, first - 1), m);
      emit(address, fresh(), at(since, first - 1), m);
    }
  }
  // Unrelated traffic among other addresses, as much as the case itself.
  const base = counter + 1;
  const scale = median(addresses[0]!);
  for (let i = 0; i < c.edges.length * UNRELATED_PER_EDGE; i++) {
    const from = syntheticAddress(base + Math.floor(random() * UNRELATED_ADDRESSES));
    let to = syntheticAddress(base + Math.floor(random() * UNRELATED_ADDRESSES));
    if (to === from) to = syntheticAddress(base + UNRELATED_ADDRESSES);
    emit(from, to, at(since, until), scale);
  }
  return { rows, usd };
}
