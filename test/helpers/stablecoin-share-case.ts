import { createHash } from 'node:crypto';
import { tronAddressOf } from '../../src/simulate/tron/tron-test-chain.ts';
import { randomAddresses } from './random-addresses.ts';

/**
 * A small case for `stats illicit-share` across Ethereum and Tron, USDT and USDC, January and
 * February 2025, small enough to add up by hand (the figures: the comment at the end).
 *
 * The token contracts of Ethereum and Tron's USDT are the real ones (checked against
 * data/reference/tokens-metamask.csv and stablecoins-dawsbot.csv for Ethereum; Tether's published
 * USDT-TRC20 address for Tron). Tron's USDC contract and every account are CONSTRUCTED: encodings
 * of seeded SHA-256 bytes no one holds a key for, named by no list.
 */

/** Whole tokens to raw units: every token of the case has 6 decimals. */
export const CASE_DECIMALS = 6;
const RAW_PER_TOKEN = 10n ** BigInt(CASE_DECIMALS);

export const ETH_USDT = '0xdac17f958d2ee523a2206206994597c13d831ec7';
export const ETH_USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
export const TRON_USDT = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t';
const seeded = (label: string) =>
  new Uint8Array(
    createHash('sha256').update(`illicit-share-case:${label}`).digest().subarray(0, 20),
  );
/** CONSTRUCTED: a stand-in for a USDC TRC-20 contract (symbol USDC, 6 decimals, from the sync). */
export const TRON_USDC = tronAddressOf(seeded('tron-usdc'));

const evm = randomAddresses('illicit-share-case', 4)
  .filter((a) => a.form === 'evm lowercase')
  .map((a) => a.address);
const tron = randomAddresses('illicit-share-case', 4)
  .filter((a) => a.form === 'tron')
  .map((a) => a.address);
/** Ethereum accounts: `bad` is labelled sanctioned from 2025-01-01. */
export const ETH_ACCOUNTS = { a: evm[0]!, b: evm[1]!, c: evm[2]!, bad: evm[3]! };
/** Tron accounts: `bad` is labelled theft from 2025-02-10 (a January transfer to it is clean). */
export const TRON_ACCOUNTS = { p: tron[0]!, q: tron[1]!, r: tron[2]!, bad: tron[3]! };
export const ETH_BAD_FROM = '2025-01-01';
export const TRON_BAD_FROM = '2025-02-10';

/** One token transfer of the case, in whole tokens, at noon UTC of `day`. */
export type CaseMove = {
  name: string;
  chain: 'ethereum' | 'tron';
  token: string;
  symbol: 'USDT' | 'USDC';
  day: string;
  from: string;
  to: string;
  amount: bigint;
};

const m = (
  name: string,
  chain: CaseMove['chain'],
  symbol: CaseMove['symbol'],
  day: string,
  from: string,
  to: string,
  whole: number,
): CaseMove => ({
  name,
  chain,
  symbol,
  token:
    chain === 'ethereum'
      ? symbol === 'USDT'
        ? ETH_USDT
        : ETH_USDC
      : symbol === 'USDT'
        ? TRON_USDT
        : TRON_USDC,
  day,
  from,
  to,
  amount: BigInt(whole) * RAW_PER_TOKEN,
});

/** The transfers, in time order per chain; the comment says whether each counts as illicit. */
export const CASE_MOVES: readonly CaseMove[] = [
  m('e1', 'ethereum', 'USDT', '2025-01-05', ETH_ACCOUNTS.a, ETH_ACCOUNTS.b, 1_000), // clean
  m('e5', 'ethereum', 'USDC', '2025-01-09', ETH_ACCOUNTS.a, ETH_ACCOUNTS.c, 400), // clean
  m('e2', 'ethereum', 'USDT', '2025-01-20', ETH_ACCOUNTS.a, ETH_ACCOUNTS.bad, 250), // illicit: to bad
  m('e3', 'ethereum', 'USDT', '2025-02-03', ETH_ACCOUNTS.bad, ETH_ACCOUNTS.c, 150), // illicit: from bad
  m('e6', 'ethereum', 'USDC', '2025-02-11', ETH_ACCOUNTS.bad, ETH_ACCOUNTS.a, 100), // illicit: from bad
  m('e4', 'ethereum', 'USDT', '2025-02-14', ETH_ACCOUNTS.b, ETH_ACCOUNTS.c, 850), // clean
  m('e7', 'ethereum', 'USDC', '2025-02-25', ETH_ACCOUNTS.c, ETH_ACCOUNTS.b, 300), // clean
  m('t1', 'tron', 'USDT', '2025-01-07', TRON_ACCOUNTS.p, TRON_ACCOUNTS.bad, 300), // clean: before bad's label
  m('t5', 'tron', 'USDC', '2025-01-15', TRON_ACCOUNTS.p, TRON_ACCOUNTS.q, 200), // clean
  m('t2', 'tron', 'USDT', '2025-01-25', TRON_ACCOUNTS.p, TRON_ACCOUNTS.q, 2_700), // clean
  m('t7', 'tron', 'USDC', '2025-02-02', TRON_ACCOUNTS.p, TRON_ACCOUNTS.r, 200), // clean
  m('t3', 'tron', 'USDT', '2025-02-12', TRON_ACCOUNTS.bad, TRON_ACCOUNTS.q, 500), // illicit: from bad
  m('t6', 'tron', 'USDC', '2025-02-15', TRON_ACCOUNTS.q, TRON_ACCOUNTS.bad, 50), // illicit: to bad
  m('t4', 'tron', 'USDT', '2025-02-20', TRON_ACCOUNTS.q, TRON_ACCOUNTS.p, 1_500), // clean
];

/** Unix seconds of noon UTC of a `YYYY-MM-DD` day. */
export const noonOf = (day: string): number => Date.parse(`${day}T12:00:00Z`) / 1000;

/*
 * The figures, added up by hand from the list above (whole tokens; illicit / total = share):
 *
 *   by month      ethereum                tron                      combined (ethereum+tron)
 *   USDT 2025-01  250 / 1,250 = 20%       0 / 3,000 = 0% (t1 early) 250 / 4,250 = 5.8824%
 *   USDT 2025-02  150 / 1,000 = 15%       500 / 2,000 = 25%         650 / 3,000 = 21.6667%
 *   USDC 2025-01  0 / 400 = 0%            0 / 200 = 0%              0 / 600 = 0%
 *   USDC 2025-02  100 / 400 = 25%         50 / 250 = 20%            150 / 650 = 23.0769%
 *
 *   whole range   ethereum                tron                      combined
 *   USDT          400 / 2,250 = 17.7778%  500 / 5,000 = 10%         900 / 7,250 = 12.4138%
 *   USDC          100 / 800 = 12.5%       50 / 450 = 11.1111%       150 / 1,250 = 12%
 *
 * Transfers (illicit / all): per chain and month 1/2 for each row except USDC 2025-01 (0/1 on each
 * chain) and USDT 2025-01 on Tron (0/2); combined USDT 1/4 and 2/4, USDC 0/2 and 2/4.
 */
