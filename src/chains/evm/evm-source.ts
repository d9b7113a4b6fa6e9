import { BaseError } from '../../errors/base.ts';
import type {
  ChainSource,
  DecodedBatch,
  FetchedBlocks,
  OpenChainSourceParameters,
  SourceBlockHeader,
} from '../../ingest/sync/chain-sync.ts';
import { UnstableChainError } from '../../ingest/sync/errors.ts';
import { nativeAsset } from '../../model/asset.ts';
import type { TokenList } from '../../model/token-list.ts';
import { type EvmBlocks, decodeEvmBlocks } from './decode-evm-blocks.ts';
import { detectTraceMode } from './detect-trace-mode.ts';
import { ethBlockNumber } from './eth-block-number.ts';
import { ethGetBlockByNumber, type RpcBlock } from './eth-get-block-by-number.ts';
import { ethGetBlockReceipts, type RpcReceipt } from './eth-get-block-receipts.ts';
import { ethGetTransactionReceipt } from './eth-get-transaction-receipt.ts';
import { isMethodMissing } from './is-method-missing.ts';
import { knownContracts } from './known-contracts.ts';
import { resolveEvmChain } from './resolve-evm-chain.ts';
import { createRpcClient } from './rpc-client.ts';
import { type BlockTrace, type TraceMode, traceBlockCalls } from './trace-block-calls.ts';
import { tokenAssets } from './token-assets.ts';

/** Checkpoint stream of EVM syncs. */
export const EVM_SYNC_STREAM = 'evm-sync';
/** Fetches of one batch before an inconsistent batch is an error. */
const BATCH_FETCH_ATTEMPTS = 3;

/** The EVM source's own options (`OpenChainSourceParameters.options`). */
export type EvmSourceOptions = {
  /**
   * Trace internal value transfers (default true). False skips tracing, e.g. for a node without
   * archive state; the synced blocks then have no `internal` transfers.
   */
  internal?: boolean | undefined;
  /**
   * Symbol and decimals for tokens whose contract answers neither `symbol()` nor `decimals()` (the
   * shipped list, `data/reference/`); default none.
   */
  tokenList?: TokenList | undefined;
};

/** An EVM node as a chain source; `counts.tokensAsked` says how many token contracts it asked. */
export type EvmSource = ChainSource<EvmBlocks> & {
  /** Token contracts asked for their symbol and decimals (each once) and committed. */
  readonly counts: { readonly tokensAsked: number };
};

/** The EVM options out of the family-neutral record, checked: a wrong type is a caller's bug. */
function evmSourceOptions(
  options: Readonly<Record<string, unknown>> | undefined,
): EvmSourceOptions {
  const internal = options?.internal;
  const tokenList = options?.tokenList as TokenList | undefined;
  if (internal !== undefined && typeof internal !== 'boolean')
    throw new BaseError('The EVM source option `internal` must be a boolean', {
      code: 'BAD_USAGE',
    });
  if (tokenList !== undefined && typeof tokenList?.get !== 'function')
    throw new BaseError('The EVM source option `tokenList` must be a TokenList', {
      code: 'BAD_USAGE',
    });
  return { internal, tokenList };
}

/**
 * Opens an EVM JSON-RPC node as a chain source (`evm` in the source registry). It first asks the
 * node its chain id (an unreachable endpoint fails in seconds with `RPC_UNREACHABLE`; a chain id
 * other than `chain`'s is `CHAIN_MISMATCH`), then, per batch:
 *
 * - `fetchBlocks`: blocks with their transactions, receipts (`eth_getBlockReceipts`, else one
 *   `eth_getTransactionReceipt` per transaction, with one warning) and call traces (Parity's
 *   `trace_block`, else geth's callTracer; without either one warning and no internal transfers),
 *   all in flight together and checked to agree: a batch that keeps changing while fetched (a
 *   reorganisation under way) is an `UnstableChainError`. A node that cannot trace an old block for
 *   lack of its state fails with `NodeNotArchiveError`.
 * - `decode`: native transfers of successful transactions, gas fees, internal value transfers,
 *   token transfers and typed events decoded from receipt logs. Each token contract seen without
 *   stored metadata is asked once for `symbol()` and `decimals()` (`eth_call` at the latest block,
 *   under the same rate cap); its answer goes with the batch, and the token list fills in for a
 *   contract that answers neither.
 *
 * @example
 * const source = await createEvmSource({ store, url: 'http://127.0.0.1:8545' });
 * await syncChain({ store, source });
 */
export async function createEvmSource(parameters: OpenChainSourceParameters): Promise<EvmSource> {
  const { store } = parameters;
  const options = evmSourceOptions(parameters.options);
  const warn = parameters.onWarning ?? (() => undefined);
  let reachable = false;
  const client = createRpcClient({
    url: parameters.url,
    rps: parameters.rps,
    concurrency: parameters.concurrency,
    timeoutMs: parameters.timeoutMs,
    // The first call's retries go unreported: a dead endpoint should end in one error line.
    onRetry: (info) => {
      if (reachable) parameters.onRetry?.(info);
    },
  });
  const chain = await resolveEvmChain(client, { url: parameters.url, chain: parameters.chain });
  reachable = true;
  const decodeContext = knownContracts(chain.key);
  let traceMode: TraceMode | null = options.internal === false ? 'none' : null;
  let receiptMode: 'block' | 'transaction' = 'block';

  // Tokens whose metadata the sync does not ask for: stored from the chain or an export, or stored
  // before sources were recorded. Tokens whose stored metadata came from the token list are asked
  // once per run that sees them: a contract that answered nothing may answer now, and its answer
  // wins over the list's.
  const settledTokens = new Set(
    (await store.listAssets(chain.key))
      .filter((a) => a.source !== 'token-list')
      .map((a) => a.asset),
  );
  /** The tokens each decoded batch asked, settled once the batch is committed. */
  const askedBy = new WeakMap<DecodedBatch, string[]>();
  let tokensAsked = 0;

  /**
   * Blocks, receipts and traces of blocks `from`..`to`, fetched together and checked to agree; a
   * batch that keeps changing while fetched (a reorganisation under way) is an error.
   */
  const fetchBlocks = async (from: bigint, to: bigint): Promise<FetchedBlocks<EvmBlocks>> => {
    const numbers: bigint[] = [];
    for (let n = from; n <= to; n++) numbers.push(n);
    traceMode ??= await detectTraceMode(client, numbers[0]!, warn);
    const mode = traceMode;
    let fetched: {
      blocks: RpcBlock[];
      receipts: RpcReceipt[][];
      traces: BlockTrace[] | null;
    } | null = null;
    for (let attempt = 1; attempt <= BATCH_FETCH_ATTEMPTS && !fetched; attempt++) {
      // Blocks, receipts and traces in flight together; they are checked to agree below.
      const [b, blockReceipts, t] = await Promise.all([
        Promise.all(numbers.map((n) => ethGetBlockByNumber(client, n, true))),
        receiptMode === 'block'
          ? Promise.all(numbers.map((n) => ethGetBlockReceipts(client, n))).catch(
              (error: unknown) => {
                if (!isMethodMissing(error)) throw error;
                receiptMode = 'transaction';
                warn(
                  'the node has no eth_getBlockReceipts: fetching receipts one transaction at a time (slower)',
                );
                return null;
              },
            )
          : Promise.resolve(null),
        mode === 'none'
          ? Promise.resolve(null)
          : Promise.all(numbers.map((n) => traceBlockCalls(client, mode, n))),
      ]);
      const r =
        blockReceipts ??
        (await Promise.all(
          b.map((block) =>
            Promise.all(
              (block?.transactions ?? []).map((tx) => ethGetTransactionReceipt(client, tx.hash)),
            ),
          ),
        ));
      const blocks = b.map((block, k) => {
        if (!block)
          throw new BaseError(`The node returned no block ${numbers[k]}`, {
            code: 'RPC_MISSING_BLOCK',
          });
        return block;
      });
      // Blocks fetched one by one must still form a chain, and traces name the blocks'
      // transactions; if not, the node reorganised between two requests.
      const chained = blocks.every(
        (block, k) =>
          k === 0 || block.parentHash.toLowerCase() === blocks[k - 1]!.hash.toLowerCase(),
      );
      const tracesMatch =
        t === null ||
        blocks.every((block, k) =>
          t[k]!.txHashes.every(
            (h, i) => h === undefined || h === block.transactions[i]?.hash.toLowerCase(),
          ),
        );
      if (chained && tracesMatch) fetched = { blocks, receipts: r, traces: t };
    }
    if (!fetched) throw new UnstableChainError(from);
    const headers: SourceBlockHeader[] = fetched.blocks.map((block, k) => ({
      number: numbers[k]!,
      hash: block.hash.toLowerCase(),
      parentHash: block.parentHash.toLowerCase(),
      time: Number(BigInt(block.timestamp)),
    }));
    return { headers, raw: { numbers, ...fetched } };
  };

  return {
    chain,
    stream: EVM_SYNC_STREAM,
    head: () => ethBlockNumber(client),
    async blockHash(number) {
      const block = await ethGetBlockByNumber(client, number, false);
      return block ? block.hash.toLowerCase() : null;
    },
    fetchBlocks,
    async decode(fetched) {
      const { blocks, transfers, events } = decodeEvmBlocks(fetched.raw, {
        chain: chain.key,
        decodeContext,
      });
      const newTokens = [
        ...new Set(
          transfers.flatMap((t) =>
            t.kind === 'token' && !settledTokens.has(t.asset) ? [t.asset] : [],
          ),
        ),
      ];
      const tokens =
        newTokens.length > 0
          ? await tokenAssets(client, {
              chain: chain.key,
              tokens: newTokens,
              tokenList: options.tokenList,
            })
          : [];
      const decoded: DecodedBatch = {
        blocks,
        transfers,
        events,
        assets: [nativeAsset(chain), ...tokens],
      };
      askedBy.set(decoded, newTokens);
      return decoded;
    },
    committed(decoded) {
      const asked = askedBy.get(decoded) ?? [];
      for (const token of asked) settledTokens.add(token);
      tokensAsked += asked.length;
    },
    stats: client.stats,
    counts: {
      get tokensAsked() {
        return tokensAsked;
      },
    },
  };
}
