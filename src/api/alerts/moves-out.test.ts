import { keccak256, stringToBytes } from 'viem';
import { describe, expect, it } from 'vitest';
import { p2wpkhKey } from '../../chains/bitcoin/p2wpkh-key.ts';
import type { Transfer } from '../../model/transfer.ts';
import { movesOut } from './moves-out.ts';

/** Regtest addresses of keys made for this test. */
const address = (label: string) =>
  p2wpkhKey(keccak256(stringToBytes(`moves-out.test:${label}`))).address;
const W = address('watched');
const V = address('watched by the other list');
const X = address('co-spender');
const D = address('deposit');
const E = address('elsewhere');

const CHAIN = 'bitcoin-regtest';
const row = (txHash: string, position: string, t: Partial<Transfer>): Transfer => ({
  chain: CHAIN,
  blockNumber: 500n,
  blockTime: 1_735_689_600,
  txHash,
  position,
  from: null,
  to: null,
  asset: 'native',
  amount: 0n,
  kind: 'utxo_out',
  ...t,
});
const input = (tx: string, i: number, from: string, amount: bigint) =>
  row(tx, `in:${i}`, { kind: 'utxo_in', from, amount });
const output = (tx: string, n: number, to: string | null, amount: bigint) =>
  row(tx, `out:${n}`, { kind: 'utxo_out', to, amount });
const fee = (tx: string, amount: bigint) => row(tx, 'fee:', { kind: 'fee', amount });

describe('movesOut', () => {
  const lists = new Map([
    [W, ['list-a']],
    [V, ['list-b']],
  ]);
  const watchers = (chain: string, a: string) => (chain === CHAIN ? lists.get(a) : undefined);

  it('turns a spend of a watched output into one move per output paid to others, from the watched address', () => {
    const tx = 'aa'.repeat(32);
    const moves = movesOut(
      [
        input(tx, 0, X, 70_000n),
        input(tx, 1, W, 50_000n),
        output(tx, 0, D, 60_000n),
        output(tx, 1, null, 0n), // an OP_RETURN's pseudo-address has no `to` here
        output(tx, 2, W, 40_000n), // change back to the watched address
        output(tx, 3, X, 19_000n), // the co-spender's change
        output(tx, 4, E, 600n),
        fee(tx, 400n),
      ],
      watchers,
    );
    expect(moves.map((m) => [m.transfer.position, m.transfer.from, m.transfer.to, m.ids])).toEqual([
      ['out:0', W, D, ['list-a']],
      ['out:4', W, E, ['list-a']],
    ]);
    expect(moves[0]!.transfer).toMatchObject({ amount: 60_000n, kind: 'utxo_out', txHash: tx });
  });

  it('alerts each watchlist from its own address when a transaction spends from two watched ones', () => {
    const tx = 'bb'.repeat(32);
    const moves = movesOut(
      [input(tx, 0, V, 10_000n), input(tx, 1, W, 10_000n), output(tx, 0, D, 19_000n)],
      watchers,
    );
    expect(moves.map((m) => [m.transfer.from, m.ids])).toEqual([
      [V, ['list-b']],
      [W, ['list-a']],
    ]);
  });

  it('keeps a watched input when the batch holds none of its outputs, and ignores unwatched spends and fees', () => {
    const partial = 'cc'.repeat(32);
    const other = 'dd'.repeat(32);
    const moves = movesOut(
      [
        input(partial, 0, W, 5_000n),
        input(other, 0, X, 5_000n),
        output(other, 0, D, 4_000n),
        fee(other, 1_000n),
      ],
      watchers,
    );
    expect(moves.map((m) => [m.transfer.position, m.transfer.from, m.transfer.to])).toEqual([
      ['in:0', W, null],
    ]);
  });

  it('passes account-model transfers from a watched address as they are, zero amounts and fees left out', () => {
    const evm = { chain: CHAIN, kind: 'native' as const, from: W, to: D };
    const moves = movesOut(
      [
        row('0x01', 'call:', { ...evm, amount: 5n }),
        row('0x02', 'call:', { ...evm, amount: 0n }),
        row('0x03', 'fee:', { ...evm, kind: 'fee', amount: 7n }),
      ],
      watchers,
    );
    expect(moves.map((m) => m.transfer.txHash)).toEqual(['0x01']);
  });
});
