import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { etlExpectedTransfers } from '../../test/helpers/bitcoin-etl-expected.ts';
import { etlBitcoinTransfers } from '../../test/helpers/bitcoin-etl-transfers.ts';
import { ETL_TOKEN_TRANSFERS } from '../../test/helpers/etl-transfers.ts';
import { plainAddresses, syntheticTxHash, transfer } from '../../test/helpers/screen-fixtures.ts';
import { SIM } from '../../test/helpers/simulated-theft.ts';
import { randomAddresses } from '../../test/helpers/random-addresses.ts';
import { buildClusters } from '../cluster/build-clusters.ts';
import { importEtl } from '../ingest/etl/import-etl.ts';
import type { ChainEvent } from '../model/events.ts';
import { isCounterpartyLeg, isVolumeTransfer, sendersOf } from '../model/flow-rules.ts';
import type { PriceRow } from '../model/price.ts';
import type { Transfer } from '../model/transfer.ts';
import {
  type AuditFilter,
  CLUSTER_STREAM,
  type Label,
  type ScanTransfersParameters,
  type Store,
  type TouchingTransfers,
  type TransferColumns,
} from './store.ts';

/**
 * The store contract's test suite: what every backend must do alike, run by each backend's own
 * `*.contract.test.ts` (DuckDB: src/store/duckdb/duckdb-store.contract.test.ts) on a fresh, empty
 * store per test. Idempotence (the same rows twice are stored once, counted as duplicates),
 * atomicity of a write (a throw leaves nothing, checkpoint included), reorg rollback (with the
 * transfers' generation), the cursor scan, round trips of every record type (transfers with exact
 * amounts beyond 2^64, every event type, blocks, assets, prices, checkpoints, labels with validity
 * windows and sanction lists, label imports, documents, audit, clusters), and the domain rules of
 * src/model/flow-rules.ts in the figures. Backend-specific behaviour (memory limits, scratch files,
 * migrations) stays in the backend's own tests. Real data: ethereum-etl and bitcoin-etl fixtures
 * (test/fixtures, see their PROVENANCE.md).
 */

/** A fresh, empty store of the backend under test, and how to remove it after the test. */
export type OpenContractStore = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

const REAL = ETL_TOKEN_TRANSFERS;
/** Ethereum mainnet blocks 17173049-17173050 as ethereum-etl exported them (blocks, transfers, logs). */
const ETL_BLOCKS = path.resolve(
  import.meta.dirname,
  '../../test/fixtures/ethereum-etl/test_stream/blocks_17173049_17173050',
);
/** The second block of {@link ETL_BLOCKS}: the one a test reorg orphans. */
const REORG_BLOCK = 17173050n;

/** Gives each test of the enclosing `describe` a fresh store from `openStore`, removed after it. */
function useContractStore(openStore: OpenContractStore): { readonly store: Store } {
  let opened: Awaited<ReturnType<OpenContractStore>> | null = null;
  beforeEach(async () => {
    opened = await openStore();
  });
  afterEach(async () => {
    await opened?.cleanup();
    opened = null;
  });
  return {
    get store() {
      return opened!.store;
    },
  };
}

/**
 * Declares the contract suite for one backend.
 *
 * @example
 * describeStoreContract('DuckDB', async () => {
 *   const dir = makeTempDir();
 *   const store = await createDuckDbStore({ path: path.join(dir.path, 'db.duckdb') });
 *   return { store, cleanup: async () => { await store.close(); dir.cleanup(); } };
 * });
 */
export function describeStoreContract(name: string, openStore: OpenContractStore): void {
  describe(`store contract: ${name}`, () => {
    const ctx = useContractStore(openStore);

    describe('chain data', () => {
      it('round-trips transfers exactly, including amounts beyond 128 bits', async () => {
        const huge: Transfer = { ...REAL[0]!, position: 'log:7', amount: 2n ** 256n - 1n };
        const summary = await ctx.store.write(async (w) => w.appendTransfers([...REAL, huge]));
        expect(summary).toMatchObject({ transfersWritten: 3, transfersDuplicate: 0 });
        const back = await ctx.store.listTransfers({ chain: 'ethereum' });
        expect(back).toEqual([REAL[0]!, huge, REAL[1]!]);
        const stats = await ctx.store.getStats();
        expect(stats.assets).toEqual([
          expect.objectContaining({
            asset: REAL[0]!.asset,
            kind: 'token',
            transfers: 3,
            amount: 300000n + 2n ** 256n - 1n,
          }),
        ]);
      });

      it('round-trips awkward text exactly (commas, quotes, backslashes, a literal \\N, empty strings, nulls)', async () => {
        const odd: Transfer[] = ['a,b', 'say "hi"', 'back\\slash', '\\N', '', 'multi\nline'].map(
          (position, i) => ({
            ...REAL[0]!,
            position,
            from: i === 1 ? null : REAL[0]!.from,
            amount: BigInt(i),
          }),
        );
        await ctx.store.write(async (w) => w.appendTransfers(odd));
        const back = await ctx.store.listTransfers();
        expect(new Map(back.map((t) => [t.position, t]))).toEqual(
          new Map(odd.map((t) => [t.position, t])),
        );
      });

      it('round-trips every typed event', async () => {
        const t = REAL[0]!;
        const base = {
          chain: 'ethereum',
          blockNumber: t.blockNumber,
          blockTime: t.blockTime,
          txHash: t.txHash,
        };
        // THORChain's mainnet router (shapeshift/thornode router_upgrade_info.go), an OFAC-listed BTC
        // address (test/fixtures/addresses) as the memo's destination; other addresses from REAL.
        const router = '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146';
        const events: ChainEvent[] = [
          {
            ...base,
            position: 'log:1',
            type: 'swap',
            protocol: 'uniswap-v2',
            contract: t.asset,
            account: t.from,
            recipient: t.to,
            assetIn: null,
            amountIn: 5n,
            assetOut: null,
            amountOut: 7n,
            tokenInIndex: 1,
          },
          {
            ...base,
            position: 'log:2',
            type: 'wrap',
            contract: t.asset,
            account: t.from!,
            amount: 9n,
          },
          {
            ...base,
            position: 'log:3',
            type: 'unwrap',
            contract: t.asset,
            account: t.to!,
            amount: 11n,
          },
          {
            ...base,
            position: 'log:4',
            type: 'bridge_deposit',
            protocol: 'thorchain',
            contract: router,
            account: null,
            asset: 'native',
            amount: 2n ** 200n,
            memo: '=:BTC.BTC:bc1q05aktddf9ce4p7hh3stgsf253m4vweu7nkhtmw',
            counterparty: t.to,
          },
          {
            ...base,
            position: 'log:5',
            type: 'bridge_withdrawal',
            protocol: 'thorchain',
            contract: router,
            account: t.from,
            asset: t.asset,
            amount: 13n,
            memo: 'OUT:ABC',
            counterparty: t.to,
          },
          { ...base, position: 'log:6', type: 'freeze', contract: t.asset, account: t.to! },
          { ...base, position: 'log:7', type: 'unfreeze', contract: t.asset, account: t.to! },
        ];
        const summary = await ctx.store.write(async (w) => w.appendEvents(events));
        expect(summary).toMatchObject({ eventsWritten: 7, eventsDuplicate: 0 });
        expect(await ctx.store.listEvents()).toEqual(events);
        expect((await ctx.store.getStats()).events.map((e) => [e.type, e.count])).toEqual([
          ['bridge_deposit', 1],
          ['bridge_withdrawal', 1],
          ['freeze', 1],
          ['swap', 1],
          ['unfreeze', 1],
          ['unwrap', 1],
          ['wrap', 1],
        ]);
      });

      it('is idempotent on chain + tx hash + position, within and across writes', async () => {
        // A repeat within one write is stored once too.
        const first = await ctx.store.write(async (w) => w.appendTransfers([...REAL, REAL[0]!]));
        expect(await ctx.store.listTransfers()).toEqual(REAL);
        const again = await ctx.store.write(async (w) => w.appendTransfers(REAL));
        expect(await ctx.store.listTransfers()).toEqual(REAL);
        // A backend that removes duplicates only after the insert says so, and counts none.
        if (first.duplicatesCounted !== false) {
          expect(first).toMatchObject({ transfersWritten: 2, transfersDuplicate: 1 });
          expect(again).toMatchObject({ transfersWritten: 0, transfersDuplicate: 2 });
        } else expect(again.transfersDuplicate).toBe(0);
      });

      it('discards everything written in a failed write', async () => {
        await expect(
          ctx.store.write(async (w) => {
            await w.appendTransfers(REAL);
            await w.putBlocks([
              {
                chain: 'ethereum',
                number: 483920n,
                hash: null,
                parentHash: null,
                time: 1447144575,
              },
            ]);
            await w.setCheckpoint({
              chain: 'ethereum',
              stream: 'test',
              blockNumber: 483920n,
              blockHash: null,
            });
            throw new Error('boom');
          }),
        ).rejects.toThrow('boom');
        expect(await ctx.store.listTransfers()).toEqual([]);
        expect(await ctx.store.getCheckpoint('ethereum', 'test')).toBeNull();
        expect(await ctx.store.getBlocks('ethereum', [483920n])).toEqual([]);
        // The ctx.store stays usable after a rollback.
        await ctx.store.write(async (w) => w.appendTransfers(REAL));
        expect(await ctx.store.listTransfers()).toHaveLength(2);
      });

      it('fills a missing block time from stored blocks', async () => {
        await ctx.store.write(async (w) => {
          await w.putBlocks([
            {
              chain: 'ethereum',
              number: 483920n,
              hash: '0x246edb4b351d93c27926f4649bcf6c24366e2a7c7c718dc9158eea20c03bc6ae',
              parentHash: null,
              time: 1447144575,
            },
          ]);
          await w.appendTransfers(REAL.map((t) => ({ ...t, blockTime: null })));
        });
        expect((await ctx.store.listTransfers()).map((t) => t.blockTime)).toEqual([
          1447144575, 1447144575,
        ]);
      });

      it('gives the stored UTXO outputs at outpoints (what Bitcoin inputs spend), only outputs, only of the chain', async () => {
        // Real mainnet blocks 50001-50002 as bitcoin-etl exported them: inputs, outputs and fees.
        const rows = etlExpectedTransfers('stream_50001_50002');
        await ctx.store.write(async (w) => w.appendTransfers(rows));
        const spend = '7940cdde4d713e171849efc6bd89939185be270266c94e92369e3877ad89455a';
        const coinbase = 'e1882d41800d96d0fddc196cd8d3f0b45d65b030c652d97eaba79a1174e64d58';
        const outputOf = (txHash: string) =>
          rows.find((r) => r.txHash === txHash && r.position === 'out:0')!;
        const found = await ctx.store.getOutputs('bitcoin', [
          { txHash: spend, index: 0 }, // the transaction also has an input `in:0`: only its output counts
          { txHash: spend, index: 1 }, // no such output
          { txHash: coinbase, index: 0 },
          { txHash: '76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea', index: 0 }, // not stored
        ]);
        expect(found).toEqual(
          new Map([
            [`${spend}:0`, { address: outputOf(spend).to, amount: outputOf(spend).amount }],
            [
              `${coinbase}:0`,
              { address: outputOf(coinbase).to, amount: outputOf(coinbase).amount },
            ],
          ]),
        );
        expect(found.get(`${spend}:0`)).toEqual({
          address: '1HaHTfmvoUW6i6nhJf8jJs6tU4cHNmBQHQ',
          amount: 10_000_000_000n,
        });
        expect(
          await ctx.store.getOutputs('bitcoin-testnet', [{ txHash: spend, index: 0 }]),
        ).toEqual(new Map());
        expect(await ctx.store.getOutputs('bitcoin', [])).toEqual(new Map());
      });

      it("gives an address's UTXO transactions net of its change, largest first, with what it had received by then", async () => {
        // CONSTRUCTED addresses (random-addresses.ts: no one holds their keys) and transactions.
        const [a, x, y, b] = randomAddresses('store-utxo-flows', 4)
          .filter((r) => r.form === 'bitcoin p2pkh')
          .map((r) => r.address) as [string, string, string, string];
        const tx = (
          name: string,
          block: number,
          ins: [string, number][],
          outs: [string, number][],
        ) =>
          [
            ...ins.map(([from, v], i) => ({
              from,
              to: null,
              v,
              position: `in:${i}`,
              kind: 'utxo_in',
            })),
            ...outs.map(([to, v], i) => ({
              from: null,
              to,
              v,
              position: `out:${i}`,
              kind: 'utxo_out',
            })),
          ].map((r): Transfer => ({
            chain: 'bitcoin',
            blockNumber: BigInt(block),
            blockTime: 1_600_000_000 + block * 600,
            txHash: syntheticTxHash(name),
            position: r.position,
            from: r.from,
            to: r.to,
            asset: 'native',
            amount: BigInt(r.v),
            kind: r.kind as Transfer['kind'],
          }));
        await ctx.store.write((w) =>
          w.appendTransfers([
            ...tx(
              'x-a',
              10,
              [[x, 500]],
              [
                [a, 300],
                [x, 199],
              ],
            ),
            // a pays b 100 and gets 199 back: a payment of 101 net, no receipt.
            ...tx(
              'a-b',
              11,
              [[a, 300]],
              [
                [b, 100],
                [a, 199],
              ],
            ),
            ...tx('y-a', 12, [[y, 1000]], [[a, 1000]]),
          ]),
        );
        const inflows = await ctx.store.getUtxoFlows({
          chain: 'bitcoin',
          direction: 'in',
          targets: [{ address: a, bound: null }],
          receivedAt: [
            { address: a, block: 11 },
            { address: x, block: 10 },
          ],
        });
        const row = (name: string, block: number, amount: bigint, received: number) => ({
          txHash: syntheticTxHash(name),
          block,
          amount,
          received,
        });
        expect(inflows).toEqual({
          flows: [
            {
              address: a,
              count: 2,
              transactions: [row('y-a', 12, 1000n, 1300), row('x-a', 10, 300n, 300)],
            },
          ],
          // By block 11 a had 300 (its 199 change is no receipt); x had received nothing stored.
          receivedAt: [300, 0],
        });
        // Bounds and limits: receipts at or before block 11, the largest one.
        expect(
          await ctx.store.getUtxoFlows({
            chain: 'bitcoin',
            direction: 'in',
            targets: [{ address: a, bound: 11 }],
            maxTransactions: 1,
          }),
        ).toEqual({
          flows: [{ address: a, count: 1, transactions: [row('x-a', 10, 300n, 300)] }],
          receivedAt: [],
        });
        const outflows = await ctx.store.getUtxoFlows({
          chain: 'bitcoin',
          direction: 'out',
          targets: [
            { address: a, bound: 11 },
            { address: x, bound: null },
            { address: b, bound: null },
          ],
          until: 1_600_000_000 + 11 * 600,
        });
        expect(outflows).toEqual({
          flows: [
            { address: a, count: 1, transactions: [row('a-b', 11, 101n, 300)] },
            { address: x, count: 1, transactions: [row('x-a', 10, 301n, 0)] },
          ].sort((p, q) => (p.address < q.address ? -1 : 1)),
          receivedAt: [],
        });
      });

      it('summarises an address: totals, first/last seen, counterparties', async () => {
        await ctx.store.write(async (w) => w.appendTransfers(REAL));
        const s = await ctx.store.getAddressSummary({ chain: 'ethereum', address: REAL[0]!.from! });
        expect(s.transfers).toBe(1);
        expect(s.assets).toEqual([
          expect.objectContaining({
            asset: REAL[0]!.asset,
            sent: 100000n,
            received: 0n,
            transfersOut: 1,
          }),
        ]);
        expect(s.counterparties).toEqual([
          {
            address: REAL[0]!.to,
            transfers: 1,
            assets: [{ asset: REAL[0]!.asset, sent: 100000n, received: 0n }],
          },
        ]);
        expect(s.firstSeen).toEqual({ blockNumber: 483920n, time: 1447144575 });
      });

      it('tells on which chains each of a list of addresses sent or received a transfer, in one call', async () => {
        const [a, b, c, d, e] = plainAddresses(5) as [string, string, string, string, string];
        // Asked before any transfer is stored, then again after a write: the write is seen.
        expect((await ctx.store.getAddressChains([a])).size).toBe(0);
        expect(await ctx.store.listTransferChains()).toEqual([]);
        await ctx.store.write(async (w) =>
          w.appendTransfers([
            transfer('a-b', a, b, 1n, { chain: 'ethereum' }),
            transfer('a-c', a, c, 1n, { chain: 'anvil' }),
            transfer('d-mint', null, d, 1n, { chain: 'bsc' }),
          ]),
        );
        const expected = {
          [a]: ['anvil', 'ethereum'],
          [b]: ['ethereum'],
          [c]: ['anvil'],
          [d]: ['bsc'],
        };
        // A few addresses (a filter) and many (a join) alike.
        expect(Object.fromEntries(await ctx.store.getAddressChains([a, b, c, d, e, a]))).toEqual(
          expected,
        );
        const many = [...plainAddresses(60).slice(5), a, b, c, d, e];
        expect(Object.fromEntries(await ctx.store.getAddressChains(many))).toEqual(expected);
        expect((await ctx.store.getAddressChains([])).size).toBe(0);
        expect(await ctx.store.listTransferChains()).toEqual(['anvil', 'bsc', 'ethereum']);
      });

      it('gives counterparty flows with the first and last time of their transfers', async () => {
        const a = REAL[0]!;
        // The real transfer, a later one to the same counterparty, and one without a time to another.
        const later: Transfer = {
          ...a,
          position: 'log:8',
          blockNumber: a.blockNumber + 40n,
          blockTime: a.blockTime! + 600,
          amount: 5n,
        };
        const untimed: Transfer = {
          ...a,
          position: 'log:9',
          to: REAL[1]!.from,
          blockTime: null,
          amount: 7n,
        };
        await ctx.store.write(async (w) => w.appendTransfers([a, later, untimed]));
        const [flows] = await ctx.store.getCounterpartyFlows({
          chain: 'ethereum',
          addresses: [a.from!],
          direction: 'out',
        });
        expect(flows!.total).toBe(a.amount + 5n + 7n);
        expect(flows!.flows).toEqual([
          {
            counterparty: a.to,
            amount: a.amount + 5n,
            transfers: 2,
            first: a.blockTime,
            last: later.blockTime,
            largestTx: a.txHash, // `later` is another log of the same transaction
          },
          {
            counterparty: REAL[1]!.from,
            amount: 7n,
            transfers: 1,
            first: null,
            last: null,
            largestTx: untimed.txHash,
          },
        ]);
      });

      it('gives flow transfers one by one within a time bound, with what the address had received by then', async () => {
        const [x, a, b, c, d, e] = plainAddresses(6) as [
          string,
          string,
          string,
          string,
          string,
          string,
        ];
        const at = (day: string) => Date.parse(`${day}T12:00:00Z`) / 1000;
        await ctx.store.write((w) =>
          w.appendTransfers([
            transfer('a-x', a, x, 4n, { day: '2024-01-01' }),
            transfer('b-x', b, x, 6n, { day: '2024-01-02' }),
            transfer('c-x', c, x, 10n, { day: '2024-01-04' }),
            transfer('x-d', x, d, 5n, { day: '2024-01-03' }),
            transfer('x-e', x, e, 3n, { day: '2024-01-05' }),
            // No time: taken as the earliest. Fees and self-transfers are no flows.
            transfer('e-x', e, x, 1n),
            transfer('fee', a, x, 100n, { day: '2024-01-01', kind: 'fee', position: 'fee:tip' }),
            transfer('self', x, x, 100n, { day: '2024-01-01' }),
          ]),
        );
        // b-x's transaction also wrapped ETH (the WETH contract's Deposit): the value may change asset in it.
        await ctx.store.write((w) =>
          w.appendEvents([
            {
              chain: 'ethereum',
              blockNumber: 1n,
              blockTime: at('2024-01-02'),
              txHash: syntheticTxHash('b-x'),
              position: 'log:1',
              contract: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2',
              type: 'wrap',
              account: x,
              amount: 6n,
            },
          ]),
        );
        const row = (
          name: string,
          counterparty: string,
          amount: number,
          day: string | null,
          received: number,
        ) => ({
          counterparty,
          amount,
          time: day === null ? 0 : at(day),
          txHash: syntheticTxHash(name),
          received,
          converts: name === 'b-x',
        });
        const inflows = await ctx.store.getFlowTransfers({
          chain: 'ethereum',
          direction: 'in',
          targets: [
            {
              address: x,
              asset: 'native',
              bound: at('2024-01-03'),
              receivedAt: [at('2024-01-01') - 1, at('2024-01-03'), at('2024-01-04')],
            },
          ],
        });
        // c-x came after the bound; a later time asked about still sees it in the running sum.
        expect(inflows).toEqual([
          {
            address: x,
            asset: 'native',
            count: 3,
            transfers: [
              row('b-x', b, 6, '2024-01-02', 11),
              row('a-x', a, 4, '2024-01-01', 5),
              row('e-x', e, 1, null, 1),
            ],
            receivedAt: [1, 11, 21],
          },
        ]);
        const [largest] = await ctx.store.getFlowTransfers({
          chain: 'ethereum',
          direction: 'in',
          targets: [{ address: x, asset: null, bound: null }],
          maxTransfers: 1,
          excludeCounterparties: [c],
        });
        expect(largest).toMatchObject({
          count: 3,
          transfers: [row('b-x', b, 6, '2024-01-02', 11)],
        });
        const outflows = await ctx.store.getFlowTransfers({
          chain: 'ethereum',
          direction: 'out',
          targets: [{ address: x, asset: null, bound: at('2024-01-03') }],
          until: at('2024-01-04'),
        });
        // x-e is after `until`; x-d is paid out of the 11 received by its day.
        expect(outflows).toEqual([
          {
            address: x,
            asset: 'native',
            count: 1,
            transfers: [row('x-d', d, 5, '2024-01-03', 11)],
            receivedAt: [],
          },
        ]);
        const hashes = [syntheticTxHash('a-x'), syntheticTxHash('x-e')];
        expect(
          (await ctx.store.listTransfers({ txHashes: hashes })).map((t) => t.txHash).sort(),
        ).toEqual([...hashes].sort());
        expect(await ctx.store.listTransfers({ txHashes: [] })).toEqual([]);
      });

      it('pages transfers of an address by direction and time', async () => {
        await ctx.store.write(async (w) => w.appendTransfers(REAL));
        const a = REAL[0]!.from!;
        expect(await ctx.store.listTransfers({ address: a, direction: 'in' })).toEqual([]);
        expect(await ctx.store.listTransfers({ address: a, direction: 'out' })).toHaveLength(1);
        expect(await ctx.store.listTransfers({ since: REAL[0]!.blockTime! + 1 })).toEqual([]);
        expect(await ctx.store.listTransfers({ until: REAL[0]!.blockTime! })).toHaveLength(2);
        const page2 = await ctx.store.listTransfers({ limit: 1, offset: 1 });
        expect(page2.map((t) => t.txHash)).toEqual([REAL[1]!.txHash]);
        await expect(ctx.store.listTransfers({ direction: 'in' })).rejects.toThrow(/address/);
      });

      it('rolls a reorg back: removes transfers, events and blocks from its block on, keeps the earlier ones, bumps the generation', async () => {
        await importEtl({ store: ctx.store, paths: [ETL_BLOCKS] });
        const keep = <T extends { blockNumber: bigint }>(rows: T[]) =>
          rows.filter((r) => r.blockNumber < REORG_BLOCK);
        const transfers = await ctx.store.listTransfers();
        const events = await ctx.store.listEvents();
        const blocks = await ctx.store.getBlocks('ethereum', [REORG_BLOCK - 1n, REORG_BLOCK]);
        // Both blocks hold rows, so the reorg has something to remove and something to keep.
        expect(keep(transfers).length).toBeGreaterThan(0);
        expect(keep(transfers).length).toBeLessThan(transfers.length);
        expect(keep(events).length).toBeLessThan(events.length);
        expect(blocks).toHaveLength(2);
        const before = await ctx.store.getTransferCursor();
        await ctx.store.write((w) => w.deleteFromBlock('ethereum', REORG_BLOCK));
        expect(await ctx.store.listTransfers()).toEqual(keep(transfers));
        expect(await ctx.store.listEvents()).toEqual(keep(events));
        expect(await ctx.store.getBlocks('ethereum', [REORG_BLOCK - 1n, REORG_BLOCK])).toEqual([
          blocks[0],
        ]);
        expect((await ctx.store.getTransferCursor()).generation).toBeGreaterThan(before.generation);
        // The re-ingested block is stored again, once.
        await importEtl({ store: ctx.store, paths: [ETL_BLOCKS] });
        expect(await ctx.store.listTransfers()).toEqual(transfers);
      });

      it("rolls a reorg back out of the transfers touching an address, and takes the re-ingested block's back", async () => {
        await importEtl({ store: ctx.store, paths: [ETL_BLOCKS] });
        const transfers = await ctx.store.listTransfers({ chain: 'ethereum' });
        // Addresses with a transfer the reorg removes, and with one it keeps.
        const removed = transfers.filter((t) => t.blockNumber >= REORG_BLOCK);
        const addresses = [
          ...new Set(removed.flatMap((t) => [t.from, t.to]).filter((a): a is string => a !== null)),
        ];
        const touching = async () => {
          const t = await ctx.store.listTransfersTouching({ chain: 'ethereum', addresses });
          return Array.from(
            { length: t.length },
            (_, i) => `${t.txHash[i]} ${t.from[i]} ${t.to[i]}`,
          ).sort();
        };
        const of = (rows: Transfer[]) =>
          rows
            .filter((t) => addresses.includes(t.from!) || addresses.includes(t.to!))
            .map((t) => `${t.txHash} ${t.from} ${t.to}`)
            .sort();
        const before = await touching();
        expect(before).toEqual(of(transfers));
        const kept = of(transfers.filter((t) => t.blockNumber < REORG_BLOCK));
        expect(kept.length).toBeLessThan(before.length);
        await ctx.store.write((w) => w.deleteFromBlock('ethereum', REORG_BLOCK));
        expect(await touching()).toEqual(kept);
        await importEtl({ store: ctx.store, paths: [ETL_BLOCKS] });
        expect(await touching()).toEqual(before);
      });

      it('scans every transfer once, in store order, and resumes from a cursor with what came after it', async () => {
        await importEtl({ store: ctx.store, paths: [ETL_BLOCKS] });
        const scan = async (params: ScanTransfersParameters = {}) => {
          const rows: string[] = [];
          const cursors: string[] = [];
          for await (const b of ctx.store.scanTransfers({ batchRows: 100, ...params })) {
            for (let i = 0; i < b.length; i++)
              rows.push(
                `${b.chain[i]} ${b.txHash[i]} ${b.from[i]} ${b.to[i]} ${b.asset[i]} ${b.kind[i]} ${b.amount[i]!.toPrecision(12)}`,
              );
            cursors.push(b.cursor);
          }
          return { rows, cursors };
        };
        // Amounts are doubles in a scan (about 15 significant digits): compared to 12.
        const key = (t: Transfer) =>
          `${t.chain} ${t.txHash} ${t.from} ${t.to} ${t.asset} ${t.kind} ${Number(t.amount).toPrecision(12)}`;
        const stored = await ctx.store.listTransfers();
        const first = await scan();
        expect(first.rows).toHaveLength(stored.length);
        // Batches of 100 rows at most: the scan went on from each batch's cursor.
        expect(first.cursors.length).toBeGreaterThanOrEqual(Math.ceil(stored.length / 100));
        expect((await scan({ after: first.cursors[0] })).rows).toEqual(first.rows.slice(100));
        expect([...first.rows].sort()).toEqual(stored.map(key).sort());
        const mark = await ctx.store.getTransferCursor();
        expect((await scan({ after: mark.cursor })).rows).toEqual([]);
        // Appended later: a scan from the cursor gives exactly these, and the two scans make the whole.
        await ctx.store.write((w) => w.appendTransfers(REAL));
        const after = await scan({ after: mark.cursor });
        expect([...after.rows].sort()).toEqual(REAL.map(key).sort());
        expect((await scan()).rows).toEqual([...first.rows, ...after.rows]);
        expect((await scan({ to: mark.cursor })).rows).toEqual(first.rows);
        expect((await ctx.store.getTransferCursor()).generation).toBe(mark.generation);
      });

      it('lists the transfers touching addresses or transactions, keyed by their place in store order', async () => {
        await importEtl({ store: ctx.store, paths: [ETL_BLOCKS] });
        await ctx.store.write((w) => w.appendTransfers(REAL));
        const row = (b: Omit<TransferColumns, 'cursor'>, i: number) =>
          `${b.chain[i]} ${b.txHash[i]} ${b.from[i]} ${b.to[i]} ${b.asset[i]} ${b.kind[i]} ${b.amount[i]!.toPrecision(12)} ${b.time[i]}`;
        const scanned: { key: string; from: string | null; to: string | null; tx: string }[] = [];
        for await (const b of ctx.store.scanTransfers({ batchRows: 100 }))
          for (let i = 0; i < b.length; i++)
            scanned.push({ key: row(b, i), from: b.from[i]!, to: b.to[i]!, tx: b.txHash[i]! });
        // An address of the real USDT transfers and a transaction it has no part in.
        const address = REAL[0]!.from!;
        const other = scanned.find((r) => r.from !== address && r.to !== address)!;
        const rowsOf = (t: TouchingTransfers) => {
          const ids = Array.from({ length: t.length }, (_, i) => i);
          // Unique keys, and sorting by them gives a scan's order.
          expect(new Set(t.order).size).toBe(t.length);
          ids.sort((a, b) => (t.order[a]! < t.order[b]! ? -1 : 1));
          return ids.map((i) => row(t, i));
        };
        const both = await ctx.store.listTransfersTouching({
          chain: 'ethereum',
          addresses: [address],
          txHashes: [other.tx],
        });
        const expected = scanned
          .filter((r) => r.from === address || r.to === address || r.tx === other.tx)
          .map((r) => r.key);
        expect(expected.length).toBeGreaterThan(2);
        expect(rowsOf(both)).toEqual(expected);
        // Two calls merged by their keys give the same rows in the same order.
        const byAddress = await ctx.store.listTransfersTouching({
          chain: 'ethereum',
          addresses: [address],
        });
        const byTx = await ctx.store.listTransfersTouching({
          chain: 'ethereum',
          txHashes: [other.tx],
        });
        const merged = new Map<string, string>();
        for (const t of [byTx, byAddress])
          for (let i = 0; i < t.length; i++) merged.set(t.order[i]!, row(t, i));
        expect([...merged.keys()].sort().map((k) => merged.get(k))).toEqual(expected);
        expect((await ctx.store.listTransfersTouching({ chain: 'ethereum' })).length).toBe(0);
        expect(
          (await ctx.store.listTransfersTouching({ chain: 'bitcoin', addresses: [address] }))
            .length,
        ).toBe(0);
      });

      it('round-trips blocks, asset metadata and checkpoints (a checkpoint replaced by the next)', async () => {
        await importEtl({
          store: ctx.store,
          paths: [path.join(ETL_BLOCKS, 'expected_blocks.json')],
        });
        const blocks = await ctx.store.getBlocks('ethereum', [REORG_BLOCK - 1n, REORG_BLOCK]);
        expect(blocks.map((b) => b.number)).toEqual([REORG_BLOCK - 1n, REORG_BLOCK]);
        // Each block's parent is the one before: the hashes came back as written.
        expect(blocks[1]!.parentHash).toBe(blocks[0]!.hash);
        // USDT's metadata (its contract is REAL's asset: 6 decimals).
        const usdt = {
          chain: 'ethereum',
          asset: REAL[0]!.asset,
          symbol: 'USDT',
          name: 'Tether USD',
          decimals: 6,
          source: 'token-list',
        } as const;
        await ctx.store.write(async (w) => {
          await w.putAssets([usdt]);
          await w.setCheckpoint({
            chain: 'ethereum',
            stream: 'sync',
            blockNumber: blocks[0]!.number,
            blockHash: blocks[0]!.hash,
          });
        });
        expect(await ctx.store.listAssets('ethereum')).toContainEqual(
          expect.objectContaining(usdt),
        );
        await ctx.store.write((w) =>
          w.setCheckpoint({
            chain: 'ethereum',
            stream: 'sync',
            blockNumber: blocks[1]!.number,
            blockHash: blocks[1]!.hash,
          }),
        );
        expect(await ctx.store.getCheckpoint('ethereum', 'sync')).toEqual({
          chain: 'ethereum',
          stream: 'sync',
          blockNumber: blocks[1]!.number,
          blockHash: blocks[1]!.hash,
        });
        expect(await ctx.store.getCheckpoint('ethereum', 'other')).toBeNull();
      });

      it('leaves out of counterparty flows what the model says is no counterparty leg (fees, self-transfers, one-sided legs)', async () => {
        await importEtl({ store: ctx.store, paths: [ETL_BLOCKS] });
        const transfers = await ctx.store.listTransfers();
        const expected = new Map<string, bigint>();
        for (const t of transfers.filter(isCounterpartyLeg)) {
          const k = `${t.from} ${t.asset}`;
          expected.set(k, (expected.get(k) ?? 0n) + t.amount);
        }
        const senders = [...new Set(transfers.map((t) => t.from).filter((a) => a !== null))];
        // Some transfers are left out by the rule (the blocks' gas fees at least).
        expect(transfers.filter((t) => !isCounterpartyLeg(t)).length).toBeGreaterThan(0);
        const flows = await ctx.store.getCounterpartyFlows({
          chain: 'ethereum',
          addresses: senders,
          direction: 'out',
        });
        expect(new Map(flows.map((f) => [`${f.address} ${f.asset}`, f.total]))).toEqual(expected);
      });

      it("counts volume by the model's kinds and a UTXO output as labelled through its inputs", async () => {
        // Real mainnet blocks 50001-50002 as bitcoin-etl exported them: inputs, outputs and fees.
        const rows = etlExpectedTransfers('stream_50001_50002');
        await ctx.store.write((w) => w.appendTransfers(rows));
        const spent = rows.find((t) => t.kind === 'utxo_in' && t.from !== null)!;
        await ctx.store.write((w) =>
          w.addLabels([
            {
              chain: 'bitcoin',
              address: spent.from!,
              entity: null,
              category: 'scam',
              source: 'test',
              confidence: 10,
            },
          ]),
        );
        const volume = rows.filter(isVolumeTransfer);
        const labelled = volume.filter(
          (t) => t.to === spent.from || sendersOf(t, rows).includes(spent.from!),
        );
        // The rule matters here: the labelled address's outputs carry value it only spent.
        expect(labelled.some((t) => t.kind === 'utxo_out' && t.to !== spent.from)).toBe(true);
        const sum = (ts: Transfer[]) => ts.reduce((s, t) => s + t.amount, 0n);
        const { rows: got } = await ctx.store.getLabelledVolume({ categories: ['scam'] });
        expect(got).toEqual([
          expect.objectContaining({
            chain: 'bitcoin',
            asset: 'native',
            volume: sum(volume),
            transfers: volume.length,
            labelledVolume: sum(labelled),
            labelledTransfers: labelled.length,
          }),
        ]);
      });

      it('stores a cluster build step and reads the clusters back (members, sizes, links, state)', async () => {
        // Real mainnet Bitcoin transactions (bitcoin-etl export): the multi-input heuristic joins inputs.
        await ctx.store.write((w) => w.appendTransfers(etlBitcoinTransfers()));
        expect(await ctx.store.listClusterChains()).toEqual([]);
        await buildClusters({ store: ctx.store, chain: 'bitcoin' });
        const state = (await ctx.store.getClusterState('bitcoin'))!;
        expect(await ctx.store.listClusterChains()).toEqual(['bitcoin']);
        const inputs = (await ctx.store.listTransfers({ chain: 'bitcoin', kind: 'utxo_in' }))
          .map((t) => t.from)
          .filter((a) => a !== null);
        const clusters = await ctx.store.getClusters('bitcoin', [...new Set(inputs)]);
        expect(clusters.size).toBe(state.addresses);
        const ids = new Set([...clusters.values()].map((c) => c.id));
        expect(ids.size).toBe(state.clusters);
        let links = 0;
        for (const id of ids) {
          const ref = [...clusters.values()].find((c) => c.id === id)!;
          const members = await ctx.store.listClusterAddresses('bitcoin', id);
          expect(members).toHaveLength(ref.size);
          expect(members[0]).toBe(id); // its id is its first-seen address
          for (const m of members) expect(clusters.get(m)?.id).toBe(id);
          links += (await ctx.store.listClusterLinks('bitcoin', id)).total;
        }
        // A merge of clusters is one link: a cluster of n addresses was joined by at least one.
        expect(links).toBeGreaterThan(0);
        expect(await ctx.store.getCheckpoint('bitcoin', CLUSTER_STREAM)).toMatchObject({
          blockNumber: state.blockNumber,
        });
      });
    });

    describe('labels', () => {
      // Real addresses from OFAC's SDN list as of Sep 2024: a Lazarus Group ETH address (DPRK3) and a
      // Tornado Cash contract, which the Nov 2025 list no longer has. Dates here are test inputs.
      const lazarus = '0x098b716b8aaf21512996dc57eb0615e2383e2f96';
      const tornado = '0x722122df12d4e14e13ac3b6895a86e84145b6967';
      const sdn = (address: string, entity: string) => ({
        chain: 'ethereum',
        address,
        entity,
        category: 'sanctioned',
        source: 'https://sanctionslist.ofac.treas.gov/',
        confidence: 60,
        sanctionList: 'OFAC SDN',
        programs: ['DPRK3'],
        validFrom: '2022-04-14',
      });

      it('keeps every label, skips an equal open one, and closes what a newer list no longer has', async () => {
        const first = await ctx.store.write(async (w) => {
          await w.recordLabelImport({
            format: 'ofac-xml',
            source: 'sdn-2024.xml',
            listName: 'OFAC SDN',
            listDate: '2024-09-27',
            sha256: 'a'.repeat(64),
          });
          await w.addLabels([sdn(lazarus, 'LAZARUS GROUP'), sdn(tornado, 'TORNADO CASH')]);
          await w.addLabels([sdn(lazarus, 'LAZARUS GROUP')]); // repeated in the same write
        });
        expect(first).toMatchObject({ labelsWritten: 2, labelsDuplicate: 1, labelsClosed: 0 });
        // An attribution of another source never replaces the sanction.
        await ctx.store.write((w) =>
          w.addLabels([
            {
              chain: 'ethereum',
              address: lazarus,
              entity: 'Ronin Bridge Exploiter',
              category: 'theft',
              actor: 'lazarus-group',
              country: 'KP',
              source: 'https://www.ic3.gov/',
              confidence: 60,
            },
          ]),
        );
        const second = await ctx.store.write(async (w) => {
          await w.recordLabelImport({
            format: 'ofac-xml',
            source: 'sdn-2025.xml',
            listName: 'OFAC SDN',
            listDate: '2025-11-19',
            sha256: 'b'.repeat(64),
          });
          await w.addLabels([sdn(lazarus, 'LAZARUS GROUP')]);
          await w.closeDelisted({ sanctionList: 'OFAC SDN', validTo: '2025-11-19' });
        });
        expect(second).toMatchObject({ labelsWritten: 0, labelsDuplicate: 1, labelsClosed: 1 });

        const tc = await ctx.store.getLabels('ethereum', tornado);
        expect(tc).toEqual([
          expect.objectContaining({ validFrom: '2022-04-14', validTo: '2025-11-19', importId: 1 }),
        ]);
        const laz = await ctx.store.getLabels('ethereum', lazarus);
        expect(laz.map((l) => [l.category, l.validTo])).toEqual([
          ['theft', null],
          ['sanctioned', null],
        ]);
        expect(laz[0]).toMatchObject({ actor: 'lazarus-group', country: 'KP', programs: [] });
        expect(laz[1]!.programs).toEqual(['DPRK3']);
        // History stays queryable: on a day before the delisting, Tornado Cash was sanctioned.
        expect(
          (await ctx.store.listLabels({ sanctionList: 'OFAC SDN', validOn: '2025-01-01' })).length,
        ).toBe(2);
        expect((await ctx.store.listLabels({ sanctionList: 'OFAC SDN', open: true })).length).toBe(
          1,
        );
        expect(
          (await ctx.store.listLabelImports()).map((i) => [i.listDate, i.labels, i.closed]),
        ).toEqual([
          ['2024-09-27', 2, 0],
          ['2025-11-19', 0, 1],
        ]);
      });

      it('closes the labels of an inference format that a rerun does not stage again, and no other', async () => {
        // Addresses of the simulator's own actors (seed 1).
        const a = SIM.mule1.toLowerCase();
        const b = SIM.mule2.toLowerCase();
        const c = SIM.deposit.toLowerCase();
        const inferred = (address: string, confidence: number) => ({
          chain: 'anvil',
          address,
          entity: 'Alder Exchange',
          category: 'deposit_wallet',
          source: `inferred: swept in ${address}`,
          confidence,
        });
        const run = (labels: ReturnType<typeof inferred>[]) =>
          ctx.store.write(async (w) => {
            await w.recordLabelImport({
              format: 'inferred-deposits',
              source: 'test',
              listName: null,
              listDate: '2025-01-02',
              sha256: null,
            });
            await w.closeNotRestaged({ format: 'inferred-deposits', validTo: '2025-01-01' });
            await w.addLabels(labels);
          });
        expect(await run([inferred(a, 10), inferred(b, 20)])).toMatchObject({
          labelsWritten: 2,
          labelsClosed: 0,
        });
        // Another list's label of the same address, with the same category and entity.
        await ctx.store.write((w) =>
          w.addLabels([{ ...inferred(a, 100), source: 'an investigator', confidence: 100 }]),
        );
        // The rerun: a again with another confidence, b no longer, c new.
        expect(await run([inferred(a, 30), inferred(c, 10)])).toMatchObject({
          labelsWritten: 2,
          labelsDuplicate: 0,
          labelsClosed: 2,
        });
        const labelsOf = async (address: string) =>
          (await ctx.store.getLabels('anvil', address))
            .map((l) => [
              l.source.startsWith('inferred') ? 'inferred' : l.source,
              l.confidence,
              l.validTo,
            ])
            .sort((x, y) => String(x).localeCompare(String(y)));
        expect(await labelsOf(a)).toEqual([
          ['an investigator', 100, null],
          ['inferred', 10, '2025-01-01'],
          ['inferred', 30, null],
        ]);
        expect(await labelsOf(b)).toEqual([['inferred', 20, '2025-01-01']]);
        expect(await labelsOf(c)).toEqual([['inferred', 10, null]]);
        // A rerun that stages the same labels closes and adds nothing.
        expect(await run([inferred(a, 30), inferred(c, 10)])).toMatchObject({
          labelsWritten: 0,
          labelsDuplicate: 2,
          labelsClosed: 0,
        });
      });

      it('leaves labels and imports unchanged when the write fails', async () => {
        await expect(
          ctx.store.write(async (w) => {
            await w.recordLabelImport({
              format: 'csv',
              source: 'x.csv',
              listName: null,
              listDate: null,
              sha256: null,
            });
            await w.addLabels([sdn(lazarus, 'LAZARUS GROUP')]);
            throw new Error('bad row');
          }),
        ).rejects.toThrow('bad row');
        expect(await ctx.store.listLabels()).toEqual([]);
        expect(await ctx.store.listLabelImports()).toEqual([]);
      });
    });

    describe('removing a label import', () => {
      // Addresses of the simulator's own actors (seed 1).
      const label = (address: string, category: string): Label => ({
        chain: 'anvil',
        address: address.toLowerCase(),
        entity: 'Uploaded',
        category,
        source: 'https://example.org/pack',
        confidence: 50,
      });
      const importOf = (sha: string, labels: Label[]) =>
        ctx.store.write(async (w) => {
          await w.recordLabelImport({
            format: 'tagpack',
            source: `upload:${sha}.yaml`,
            listName: null,
            listDate: null,
            sha256: sha.repeat(64),
          });
          await w.addLabels(labels);
        });

      it('removes the import and every label it added, and nothing of another import', async () => {
        await importOf('a', [label(SIM.mule1, 'exchange'), label(SIM.mule2, 'exchange')]);
        await importOf('b', [label(SIM.deposit, 'deposit_wallet')]);
        const [first, second] = await ctx.store.listLabelImports();

        // A failed write removes nothing.
        await expect(
          ctx.store.write(async (w) => {
            await w.removeLabelImport(first!.id);
            throw new Error('interrupted');
          }),
        ).rejects.toThrow('interrupted');
        expect(await ctx.store.listLabels()).toHaveLength(3);

        const summary = await ctx.store.write((w) => w.removeLabelImport(first!.id));
        expect(summary).toMatchObject({ labelsRemoved: 2, labelsWritten: 0 });
        expect((await ctx.store.listLabelImports()).map((i) => i.id)).toEqual([second!.id]);
        expect(await ctx.store.getLabels('anvil', SIM.mule1.toLowerCase())).toEqual([]);
        expect(await ctx.store.listLabels()).toEqual([
          expect.objectContaining({ address: SIM.deposit.toLowerCase(), importId: second!.id }),
        ]);
        // Gone already: nothing more is removed.
        expect(await ctx.store.write((w) => w.removeLabelImport(first!.id))).toMatchObject({
          labelsRemoved: 0,
        });
        // The same list can be imported again after.
        await importOf('a', [label(SIM.mule1, 'exchange')]);
        expect(await ctx.store.getLabels('anvil', SIM.mule1.toLowerCase())).toHaveLength(1);
      });

      it('keeps a label while another import carries it: its own copy takes over, oldest carrier first', async () => {
        const mule1 = SIM.mule1.toLowerCase();
        // Three lists name mule 1 alike (same category, entity, source); b and c each with a confidence
        // and actor of their own, so whose copy holds the label shows.
        expect(
          await importOf('a', [label(SIM.mule1, 'exchange'), label(SIM.mule2, 'exchange')]),
        ).toMatchObject({ labelsWritten: 2, labelsDuplicate: 0 });
        for (const [sha, confidence] of [
          ['b', 80],
          ['c', 90],
        ] as const)
          expect(
            await importOf(sha, [{ ...label(SIM.mule1, 'exchange'), confidence, actor: sha }]),
          ).toMatchObject({ labelsWritten: 0, labelsDuplicate: 1 });
        const [a, b, c] = await ctx.store.listLabelImports();
        const holders = async () =>
          (await ctx.store.getLabels('anvil', mule1)).map((l) => [
            l.importId,
            l.confidence,
            l.actor,
          ]);
        expect(await holders()).toEqual([[a!.id, 50, null]]);

        // A write that fails after the removal ran (a label with a day that is none fails its insert)
        // changes nothing: a's label, and what b and c carry, are as they were.
        await expect(
          ctx.store.write(async (w) => {
            await w.removeLabelImport(a!.id);
            await w.addLabels([{ ...label(SIM.deposit, 'exchange'), validFrom: '2025-13-45' }]);
          }),
        ).rejects.toThrow(/date/i);
        expect(await holders()).toEqual([[a!.id, 50, null]]);
        expect((await ctx.store.listLabelImports()).map((i) => [i.id, i.labels])).toEqual([
          [a!.id, 2],
          [b!.id, 0],
          [c!.id, 0],
        ]);

        // a goes: mule 2 with it; mule 1 stays, as b's copy (the older carrier), counted in b's labels.
        expect(await ctx.store.write((w) => w.removeLabelImport(a!.id))).toMatchObject({
          labelsRemoved: 1,
        });
        expect(await holders()).toEqual([[b!.id, 80, 'b']]);
        expect(await ctx.store.getLabels('anvil', SIM.mule2.toLowerCase())).toEqual([]);
        expect((await ctx.store.listLabelImports()).map((i) => [i.id, i.labels])).toEqual([
          [b!.id, 1],
          [c!.id, 0],
        ]);
        // b goes: c's copy takes over; c goes: the last import naming mule 1 is gone, and so is the label.
        expect(await ctx.store.write((w) => w.removeLabelImport(b!.id))).toMatchObject({
          labelsRemoved: 0,
        });
        expect(await holders()).toEqual([[c!.id, 90, 'c']]);
        expect(await ctx.store.write((w) => w.removeLabelImport(c!.id))).toMatchObject({
          labelsRemoved: 1,
        });
        expect(await ctx.store.listLabels()).toEqual([]);
      });

      it('forgets what a removed import carried, and what carried a label since closed', async () => {
        const mule1 = SIM.mule1.toLowerCase();
        await importOf('a', [label(SIM.mule1, 'exchange')]);
        await importOf('b', [label(SIM.mule1, 'exchange')]);
        const [a, b] = await ctx.store.listLabelImports();
        // The carrier goes first: the label stays a's, and leaves with a.
        expect(await ctx.store.write((w) => w.removeLabelImport(b!.id))).toMatchObject({
          labelsRemoved: 0,
        });
        expect((await ctx.store.getLabels('anvil', mule1)).map((l) => l.importId)).toEqual([a!.id]);
        expect(await ctx.store.write((w) => w.removeLabelImport(a!.id))).toMatchObject({
          labelsRemoved: 1,
        });
        expect(await ctx.store.listLabels()).toEqual([]);

        // Inference runs: c labels the deposit address and mule 2; d stages both again (carries both);
        // e no longer infers the deposit address (closes c's label) and carries mule 2; f infers the
        // deposit address anew (a new open label, f's) and carries mule 2.
        const run = (sha: string, addresses: string[]) =>
          ctx.store.write(async (w) => {
            await w.recordLabelImport({
              format: 'inferred-deposits',
              source: 'test',
              listName: null,
              listDate: null,
              sha256: sha.repeat(64),
            });
            await w.closeNotRestaged({ format: 'inferred-deposits', validTo: '2025-01-01' });
            await w.addLabels(addresses.map((address) => label(address, 'deposit_wallet')));
          });
        await run('c', [SIM.deposit, SIM.mule2]);
        expect(await run('d', [SIM.deposit, SIM.mule2])).toMatchObject({ labelsDuplicate: 2 });
        expect(await run('e', [SIM.mule2])).toMatchObject({ labelsClosed: 1, labelsDuplicate: 1 });
        expect(await run('f', [SIM.deposit, SIM.mule2])).toMatchObject({
          labelsWritten: 1,
          labelsDuplicate: 1,
        });
        const [c, d, , f] = await ctx.store.listLabelImports();
        const of = async (address: string) =>
          (await ctx.store.getLabels('anvil', address.toLowerCase())).map((l) => [
            l.importId,
            l.validTo,
          ]);
        // f goes: the deposit address keeps only c's closed label; d's copy, from before e closed it,
        // does not reopen it.
        expect(await ctx.store.write((w) => w.removeLabelImport(f!.id))).toMatchObject({
          labelsRemoved: 1,
        });
        expect(await of(SIM.deposit)).toEqual([[c!.id, '2025-01-01']]);
        // c goes: its closed label with it; mule 2, still open, is d's now.
        expect(await ctx.store.write((w) => w.removeLabelImport(c!.id))).toMatchObject({
          labelsRemoved: 1,
        });
        expect(await of(SIM.deposit)).toEqual([]);
        expect(await of(SIM.mule2)).toEqual([[d!.id, null]]);
      });
    });

    describe('prices', () => {
      // Prices here are test data, not market prices; the token is the USDT contract of REAL's rows.
      const USDT = REAL[0]!.asset;
      const price = (
        asset: string,
        day: string,
        usd: number,
        source = 'test prices',
      ): PriceRow => ({
        chain: 'ethereum',
        asset,
        day,
        usd,
        source,
      });

      it('stores daily prices and lists one asset by day, oldest first, within a range of days', async () => {
        const summary = await ctx.store.write((w) =>
          w.putPrices([
            price('native', '2025-02-23', 3),
            price('native', '2025-02-21', 1),
            price(USDT, '2025-02-21', 0.5),
            price('native', '2025-02-22', 2),
            { ...price('native', '2025-02-21', 9), chain: 'bsc' },
          ]),
        );
        expect(summary).toMatchObject({ pricesWritten: 5, pricesReplaced: 0 });
        const days = (rows: PriceRow[]) => rows.map((r) => [r.day, r.usd]);
        expect(days(await ctx.store.listPrices({ chain: 'ethereum', asset: 'native' }))).toEqual([
          ['2025-02-21', 1],
          ['2025-02-22', 2],
          ['2025-02-23', 3],
        ]);
        expect(
          await ctx.store.listPrices({
            chain: 'ethereum',
            asset: 'native',
            from: '2025-02-22',
            to: '2025-02-22',
          }),
        ).toEqual([price('native', '2025-02-22', 2)]);
        expect(
          days(
            await ctx.store.listPrices({ chain: 'ethereum', asset: 'native', from: '2025-02-22' }),
          ),
        ).toEqual([
          ['2025-02-22', 2],
          ['2025-02-23', 3],
        ]);
        expect(await ctx.store.listPrices({ chain: 'ethereum', asset: USDT })).toEqual([
          price(USDT, '2025-02-21', 0.5),
        ]);
        expect(await ctx.store.listPrices({ chain: 'tron', asset: 'native' })).toEqual([]);
      });

      it('replaces a day imported again, price and source, and takes the last of a day given twice in one write', async () => {
        await ctx.store.write((w) =>
          w.putPrices([
            price('native', '2025-02-21', 1, 'a.csv'),
            price('native', '2025-02-22', 2),
          ]),
        );
        const again = await ctx.store.write((w) =>
          w.putPrices([
            price('native', '2025-02-22', 20, 'b.csv'),
            price('native', '2025-02-23', 30, 'b.csv'),
            price('native', '2025-02-23', 31, 'b.csv'),
          ]),
        );
        expect(again).toMatchObject({ pricesWritten: 2, pricesReplaced: 1 });
        expect(await ctx.store.listPrices({ chain: 'ethereum', asset: 'native' })).toEqual([
          price('native', '2025-02-21', 1, 'a.csv'),
          price('native', '2025-02-22', 20, 'b.csv'),
          price('native', '2025-02-23', 31, 'b.csv'),
        ]);
      });

      it('keeps the prices as they were when the write fails, and refuses a bad row', async () => {
        await ctx.store.write((w) => w.putPrices([price('native', '2025-02-21', 1)]));
        await expect(
          ctx.store.write(async (w) => {
            await w.putPrices([price('native', '2025-02-21', 5), price('native', '2025-02-22', 6)]);
            throw new Error('bad file');
          }),
        ).rejects.toThrow('bad file');
        for (const bad of [
          price('native', '2025-02-30', 1),
          price('native', '21/02/2025', 1),
          price('native', '2025-02-22', Number.NaN),
          price('native', '2025-02-22', -1),
          price('native', '2025-02-22', 1, ''),
        ])
          await expect(ctx.store.write((w) => w.putPrices([bad]))).rejects.toMatchObject({
            code: 'STORE_BAD_WRITE',
          });
        expect(await ctx.store.listPrices({ chain: 'ethereum', asset: 'native' })).toEqual([
          price('native', '2025-02-21', 1),
        ]);
      });
    });

    describe('documents and audit', () => {
      it('stores, replaces (keeping the creation time), lists and deletes documents', async () => {
        const first = await ctx.store.putDocument({
          kind: 'case',
          id: 'c1',
          org: 'acme',
          body: { name: 'Bybit', seeds: ['0xab'], big: '123456789012345678901234567890' },
        });
        expect(first.body).toEqual({
          name: 'Bybit',
          seeds: ['0xab'],
          big: '123456789012345678901234567890',
        });
        await ctx.store.putDocument({ kind: 'case', id: 'c2', org: 'other', body: { name: 'x' } });
        const replaced = await ctx.store.putDocument({
          kind: 'case',
          id: 'c1',
          org: 'acme',
          body: { name: 'Bybit 2' },
        });
        expect(replaced.createdAt).toBe(first.createdAt);
        expect(replaced.updatedAt >= first.updatedAt).toBe(true);
        expect(
          (await ctx.store.listDocuments({ kind: 'case', org: 'acme' })).map((d) => d.id),
        ).toEqual(['c1']);
        expect(await ctx.store.listDocuments({ kind: 'case' })).toHaveLength(2);
        expect(await ctx.store.listDocuments({ kind: 'watchlist' })).toEqual([]);
        expect(await ctx.store.deleteDocument('case', 'c2')).toBe(true);
        expect(await ctx.store.deleteDocument('case', 'c2')).toBe(false);
      });

      it('appends audit entries and lists them newest first, filtered', async () => {
        await ctx.store.appendAudit([
          {
            actor: 'k1',
            org: 'acme',
            action: 'screen',
            target: '0xab',
            time: '2026-01-02T03:04:05.678Z',
          },
          {
            actor: 'k2',
            org: 'acme',
            action: 'trace.create',
            target: 't1',
            detail: { policy: 'haircut' },
            requestId: 'req-1',
          },
        ]);
        await ctx.store.appendAudit([]);
        const all = await ctx.store.listAudit();
        expect(all.map((e) => e.action)).toEqual(['trace.create', 'screen']);
        expect(all[0]).toMatchObject({
          actor: 'k2',
          detail: { policy: 'haircut' },
          requestId: 'req-1',
        });
        expect(all[0]!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect((await ctx.store.listAudit({ actor: 'k1' })).map((e) => [e.target, e.time])).toEqual(
          [['0xab', '2026-01-02T03:04:05.678Z']],
        );
      });

      it('stores audit values JSON must escape', async () => {
        const awkward = 'quote " backslash \\ newline \n tab \t unicode é \u2028 end';
        await ctx.store.appendAudit([
          {
            actor: 'k"1',
            org: 'a\\b',
            action: 'screen',
            target: awkward,
            detail: { note: awkward, n: 1 },
            requestId: 'req\n1',
            time: '2026-01-02T03:04:05.678Z',
          },
        ]);
        const [entry] = await ctx.store.listAudit();
        expect(entry).toMatchObject({
          actor: 'k"1',
          org: 'a\\b',
          target: awkward,
          detail: { note: awkward, n: 1 },
          requestId: 'req\n1',
          time: '2026-01-02T03:04:05.678Z',
        });
        await expect(
          ctx.store.appendAudit([
            { actor: 'k1', org: null, action: 'screen', target: null, time: 'x' },
          ]),
        ).rejects.toThrow(/Invalid audit time "x"/);
      });
      it('filters audit entries by organisation, actor, action and target, newest first, limited', async () => {
        const entries = ['screen', 'trace.create', 'screen', 'case.update'].map((action, i) => ({
          actor: i % 2 ? 'k2' : 'k1',
          org: i < 3 ? 'acme' : 'globex',
          action,
          target: `t${i}`,
          time: `2026-01-0${i + 1}T00:00:00.000Z`,
        }));
        await ctx.store.appendAudit(entries);
        const targets = async (filter: AuditFilter) =>
          (await ctx.store.listAudit(filter)).map((e) => e.target);
        expect(await targets({ org: 'acme' })).toEqual(['t2', 't1', 't0']);
        expect(await targets({ org: 'acme', action: 'screen' })).toEqual(['t2', 't0']);
        expect(await targets({ actor: 'k2' })).toEqual(['t3', 't1']);
        expect(await targets({ target: 't1' })).toEqual(['t1']);
        expect(await targets({ limit: 2 })).toEqual(['t3', 't2']);
        const ids = (await ctx.store.listAudit()).map((e) => e.id);
        expect(ids).toEqual([...ids].sort((a, b) => b - a));
      });
    });

    describe('claims', () => {
      it('lets exactly one of many concurrent claims of a name win, and tells every caller its token', async () => {
        const tokens = Array.from({ length: 12 }, (_, i) => `t${i}`);
        const results = await Promise.all(tokens.map((t) => ctx.store.claim('case:c1:v2', t)));
        const winners = results.filter((r) => r.won);
        expect(winners).toHaveLength(1);
        expect(new Set(results.map((r) => r.holder))).toEqual(new Set([winners[0]!.holder]));
        expect(tokens).toContain(winners[0]!.holder);
        // Later, the same: held. Another name is free. The same token claiming again "wins" (its own).
        expect(await ctx.store.claim('case:c1:v2', 'late')).toEqual({
          won: false,
          holder: winners[0]!.holder,
        });
        expect(await ctx.store.claim('case:c1:v3', 'late')).toEqual({ won: true, holder: 'late' });
        expect((await ctx.store.claim('case:c1:v3', 'late')).won).toBe(true);
        // Names differing in case or by a character are different claims.
        expect((await ctx.store.claim('Case:c1:v2', 'x')).won).toBe(true);
        await expect(ctx.store.claim('n', 'not a token')).rejects.toThrow(/claim token/);
      });
      it('forgets claims older than asked, and only those', async () => {
        await ctx.store.claim('alert:a1', 'first');
        expect(await ctx.store.pruneClaims(3600)).toBe(0);
        expect((await ctx.store.claim('alert:a1', 'second')).holder).toBe('first');
        // Backends keep claim times to the second: wait for the clock to pass two seconds.
        const start = Date.now();
        while (Date.now() - start < 2100) await new Promise((resolve) => setTimeout(resolve, 100));
        await ctx.store.claim('alert:a2', 'fresh');
        expect(await ctx.store.pruneClaims(1)).toBe(1);
        expect(await ctx.store.claim('alert:a1', 'second')).toEqual({
          won: true,
          holder: 'second',
        });
        expect((await ctx.store.claim('alert:a2', 'other')).holder).toBe('fresh');
      });
    });
  });
}
