import { nativeAsset, type Asset } from '../../model/asset.ts';
import { getChain } from '../../model/chains.ts';
import type {
  ChainSource,
  DecodedBatch,
  FetchedBlocks,
  OpenChainSourceParameters,
  SourceBlockHeader,
} from '../../ingest/sync/chain-sync.ts';
import { UnstableChainError } from '../../ingest/sync/errors.ts';
import type { Block } from '../../store/store.ts';
import { decodeDecimalsResult, decodeSymbolResult } from '../evm/read-token-metadata.ts';
import { UserError } from '../../errors/base.ts';
import { createRequestGate } from '../request-pacing.ts';
import { checkTronNetwork } from './networks.ts';
import { decodeTronBlock } from './decode-tron-block.ts';
import { createTronAddressCodec, type TronAddressCodec } from './tron-address.ts';
import { createTronHttpClient, type TronHttpClient } from './tron-http-client.ts';
import type { TronBlock, TronTransactionInfo } from './types.ts';
import {
  BLOCKS_PER_LIMIT_NEXT,
  blockIdentity,
  getBlockByLimitNext,
  getBlockByNum,
  getNowBlock,
  getTransactionInfoByBlockNum,
  triggerConstantContract,
} from './wallet-api.ts';

/** Checkpoint stream of Tron syncs. */
export const TRON_SYNC_STREAM = 'tron-sync';
/** Fetches of one batch before blocks that keep changing are an error. */
const BATCH_FETCH_ATTEMPTS = 3;
/** Retries of the first request: a dead endpoint should fail in seconds, not after minutes of backoff. */
const STARTUP_RETRIES = 2;

/** Blocks of a batch with the execution results of their transactions. */
export type TronBlocks = { blocks: TronBlock[]; infos: TronTransactionInfo[][] };

/** The family options of a Tron source (`options` of {@link OpenChainSourceParameters}). */
export type TronSourceOptions = {
  /** TronGrid's API key (`TRON-PRO-API-KEY`); never logged. */
  apiKey?: string | undefined;
  /** False: leave out the values internal transactions carried (`--no-internal`). */
  internal?: boolean | undefined;
};

/** Symbol and decimals of TRC-20 contracts, asked with `triggerconstantcontract` (each once a run). */
async function tokenAssets(
  client: TronHttpClient,
  chain: string,
  tokens: readonly string[],
  addresses: TronAddressCodec,
): Promise<Asset[]> {
  return Promise.all(
    tokens.map(async (token) => {
      const hex = addresses.toHex41(token);
      const [symbol, decimals] = await Promise.all([
        triggerConstantContract(client, hex, 'symbol()'),
        triggerConstantContract(client, hex, 'decimals()'),
      ]);
      return {
        chain,
        asset: token,
        symbol: decodeSymbolResult(symbol),
        name: null,
        decimals: decodeDecimalsResult(decimals),
        source: 'chain' as const,
      };
    }),
  );
}

/**
 * Opens a Tron full node's HTTP API (java-tron's `/wallet/` paths, or TronGrid's with an API key in
 * `options.apiKey`) as a {@link ChainSource} for the chain `tron`.
 *
 * - `fetchBlocks` reads the range with `getblockbylimitnext` (100 blocks a call, the end
 *   exclusive, calls in parallel), checks each block is the parent of the next, then reads the
 *   execution results of every block that has transactions (`gettransactioninfobyblocknum`); a
 *   range that changes while fetched is fetched again, up to 3 times, then
 *   {@link UnstableChainError}.
 * - `decode` gives TRX, TRC-10 and TRC-20 movements, internal transactions' values, fees and USDT
 *   freezes ({@link decodeTronBlock}), and the symbol and decimals of TRC-20 contracts seen for
 *   the first time (`triggerconstantcontract` of `symbol()` and `decimals()`).
 *
 * Tron's Ethereum-compatible JSON-RPC (`/jsonrpc`) is not used: it gives no TRC-10 transfers, no
 * internal transactions' TRC-10 values and no fee breakdown, and takes hex addresses only.
 *
 * @example
 * const source = await createTronSource({ store, url: 'http://127.0.0.1:8090' });
 * const fetched = await source.fetchBlocks(1n, 100n);
 * const { transfers } = await source.decode(fetched);
 */
export async function createTronSource(
  parameters: OpenChainSourceParameters,
): Promise<ChainSource<TronBlocks>> {
  const chain = getChain(parameters.chain ?? 'tron');
  const options = (parameters.options ?? {}) as TronSourceOptions;
  const pacing = {
    url: parameters.url,
    apiKey: options.apiKey,
    rps: parameters.rps,
    timeoutMs: parameters.timeoutMs,
    signal: parameters.signal,
    onRetry: parameters.onRetry,
    gate: createRequestGate({ rps: parameters.rps, concurrency: parameters.concurrency }),
  };
  if (parameters.endpoint === 'esplora')
    throw new UserError('--esplora is a Bitcoin API: give a Tron node with --rpc', {
      code: 'BAD_USAGE',
    });
  // A dead endpoint fails in seconds: the first calls retry less.
  const probe = createTronHttpClient({ ...pacing, maxRetries: STARTUP_RETRIES });
  await getNowBlock(probe);
  // Which network: its genesis block's id (a pruned node may not have block 0 any more).
  const genesis = await getBlockByNum(probe, 0n);
  const genesisId = genesis?.blockID?.toLowerCase();
  if (genesisId !== undefined && /^[0-9a-f]{64}$/.test(genesisId))
    checkTronNetwork(chain, genesisId);
  else
    parameters.onWarning?.(
      `the node did not give its block 0, so which Tron network it serves is not checked: it is taken as ${chain.key}`,
    );
  const client = createTronHttpClient(pacing);
  const addresses = createTronAddressCodec();
  const settledTokens = new Set((await parameters.store.listAssets(chain.key)).map((a) => a.asset));
  const askedBy = new WeakMap<DecodedBatch, string[]>();
  let assetStored = settledTokens.has('native');

  const fetchOnce = async (from: bigint, to: bigint): Promise<TronBlock[] | null> => {
    const calls: Promise<TronBlock[]>[] = [];
    for (let start = from; start <= to; start += BigInt(BLOCKS_PER_LIMIT_NEXT)) {
      const end =
        start + BigInt(BLOCKS_PER_LIMIT_NEXT) > to + 1n
          ? to + 1n
          : start + BigInt(BLOCKS_PER_LIMIT_NEXT);
      calls.push(getBlockByLimitNext(client, start, end));
    }
    const blocks = (await Promise.all(calls)).flat();
    // The whole range, in order, each the parent of the next; else the node moved under us.
    if (blocks.length !== Number(to - from + 1n)) return null;
    for (let i = 0; i < blocks.length; i++) {
      const id = blockIdentity(blocks[i]!, `getblockbylimitnext ${from}..${to}`);
      if (id.number !== from + BigInt(i)) return null;
      if (i > 0 && id.parentHash !== blockIdentity(blocks[i - 1]!, 'block').hash) return null;
    }
    return blocks;
  };

  return {
    chain,
    stream: TRON_SYNC_STREAM,
    // A batch's rows come from its own blocks only (no store reads): it can be decoded while the
    // batch before is written. A token asked again because its first batch is not committed yet
    // is written twice with the same metadata, which the store keeps once.
    decodesAhead: true,
    head: () => getNowBlock(client),
    async blockHash(number) {
      const block = await getBlockByNum(client, number);
      return block === null ? null : blockIdentity(block, `getblockbynum ${number}`).hash;
    },
    async fetchBlocks(from, to): Promise<FetchedBlocks<TronBlocks>> {
      let missing = null as { block: bigint; txid: string; hashes: string } | null;
      for (let attempt = 0; attempt < BATCH_FETCH_ATTEMPTS; attempt++) {
        const blocks = await fetchOnce(from, to);
        if (blocks === null) continue;
        const numbers = blocks.map((_, i) => from + BigInt(i));
        const infos = await Promise.all(
          blocks.map((b, i) =>
            // Block 0's transactions (the genesis allocations) have no results: the node answers {}.
            (b.transactions?.length ?? 0) === 0 || numbers[i] === 0n
              ? Promise.resolve([])
              : getTransactionInfoByBlockNum(client, numbers[i]!),
          ),
        );
        const hashes = blocks.map((b) => b.blockID).join();
        // A transaction without its result: the block was replaced meanwhile (fetch again), or,
        // when the same blocks come back still without it, the node does not give it.
        const lacking = blocks.flatMap((b, i) => {
          if (numbers[i] === 0n) return [];
          const ids = new Set((infos[i] ?? []).map((x) => x.id?.toLowerCase()));
          const tx = (b.transactions ?? []).find((t) => !ids.has(t.txID?.toLowerCase()));
          return tx ? [{ block: numbers[i]!, txid: String(tx.txID) }] : [];
        })[0];
        if (lacking) {
          if (missing?.hashes === hashes)
            throw new UserError(
              `block ${lacking.block} transaction ${lacking.txid}: the node gives no execution result (fee, logs) for it`,
              {
                code: 'RPC_MISSING_RECEIPT',
                details:
                  'gettransactioninfobyblocknum must list every transaction of the block; the same blocks came back twice without it',
              },
            );
          missing = { ...lacking, hashes };
          continue;
        }
        const headers: SourceBlockHeader[] = blocks.map((b) => blockIdentity(b, 'block'));
        return { headers, raw: { blocks, infos } };
      }
      throw new UnstableChainError(from);
    },
    async decode(fetched) {
      const blocks: Block[] = fetched.headers.map((h) => ({ chain: chain.key, ...h }));
      const transfers: DecodedBatch['transfers'] = [];
      const events: DecodedBatch['events'] = [];
      const tokens = new Set<string>();
      fetched.raw.blocks.forEach((block, i) => {
        const d = decodeTronBlock({
          chain: chain.key,
          block,
          infos: fetched.raw.infos[i] ?? [],
          addresses,
          internal: options.internal !== false,
        });
        transfers.push(...d.transfers);
        events.push(...d.events);
        for (const t of d.tokens) tokens.add(t);
      });
      const newTokens = [...tokens].filter((t) => !settledTokens.has(t));
      const assets = [
        ...(assetStored ? [] : [nativeAsset(chain)]),
        ...(await tokenAssets(client, chain.key, newTokens, addresses)),
      ];
      const decoded: DecodedBatch = { blocks, transfers, events, assets };
      askedBy.set(decoded, newTokens);
      return decoded;
    },
    committed(decoded) {
      for (const token of askedBy.get(decoded) ?? []) settledTokens.add(token);
      if (decoded.assets.some((a) => a.asset === 'native')) assetStored = true;
    },
    stats: client.stats,
  };
}
