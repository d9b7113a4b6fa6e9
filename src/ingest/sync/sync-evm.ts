import { abortableDelay } from './abortable-delay.ts';
import {
  internalTransfers,
  parityCallFrames,
  type CallFrame,
  type ParityTrace,
} from '../../chains/evm/call-frames.ts';
import { decodeLog } from '../../chains/evm/decode-log.ts';
import { feeTransfers } from '../../chains/evm/fee-transfers.ts';
import { knownContracts } from '../../chains/evm/known-contracts.ts';
import { BaseError, RetryableError, UserError } from '../../errors/base.ts';
import { createRpcClient, RpcResponseError } from '../../chains/evm/rpc-client.ts';
import { redactUrl } from '../../chains/evm/redact-url.ts';
import { readTokenMetadata } from '../../chains/evm/read-token-metadata.ts';
import { type Asset, nativeAsset } from '../../model/asset.ts';
import { getChain } from '../../model/chains.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { TokenList } from '../../model/token-list.ts';
import { callPosition, type Transfer } from '../../model/transfer.ts';
import type { Block, Store } from '../../store/store.ts';

/** Blocks fetched and committed together: one atomic write, one checkpoint. */
export const DEFAULT_SYNC_BATCH_BLOCKS = 50;
/** How often `follow` asks the node for a new head. */
export const DEFAULT_POLL_INTERVAL_MS = 1000;
/** Name of the sync's checkpoint stream. */
export const SYNC_STREAM = 'evm-sync';

type RpcTransaction = {
  hash: string;
  from: string;
  to: string | null;
  value: string;
  gasPrice?: string | null;
};
type RpcBlock = {
  number: string;
  hash: string;
  parentHash: string;
  timestamp: string;
  miner: string;
  baseFeePerGas?: string | null;
  transactions: RpcTransaction[];
};
type RpcLog = { logIndex: string; address: string; data: string; topics: string[] };
type RpcReceipt = {
  transactionHash: string;
  status?: string | null;
  gasUsed: string;
  effectiveGasPrice?: string | null;
  contractAddress: string | null;
  logs: RpcLog[];
};
/** How internal transfers are traced: geth's callTracer, Parity's `trace_block`, or not at all. */
type TraceMode = 'debug' | 'parity' | 'none';
/** A block's call trees by transaction position, and the hashes the node gave them (if any). */
type BlockTrace = { frames: (CallFrame | undefined)[]; txHashes: (string | undefined)[] };
/** One transaction's entry in `debug_traceBlockByNumber`: a call tree, or why it could not be traced. */
type DebugTraceEntry = { txHash?: string; result?: CallFrame; error?: string };
const CALL_TRACER = { tracer: 'callTracer' };
/** Any account: asking its balance at a block tells whether the node still has that block's state. */
const STATE_PROBE_ADDRESS = '0x0000000000000000000000000000000000000000';

/** A reorganisation reaches below every stored block the sync may compare (REORG_SEARCH_DEPTH). */
export class ReorgTooDeepError extends BaseError {
  override name = 'ReorgTooDeepError';
  constructor(blockNumber: bigint, depth: number) {
    super(`Chain reorganisation at block ${blockNumber} reaches deeper than ${depth} blocks`, {
      code: 'REORG_TOO_DEEP',
      details:
        'No stored block in that range matches the node. Nothing was changed; check that --rpc serves the same chain.',
    });
  }
}

/** The node kept changing the blocks of a batch while it was being fetched. */
export class UnstableChainError extends RetryableError {
  override name = 'UnstableChainError';
  constructor(fromBlock: bigint) {
    super(`Blocks from ${fromBlock} kept changing while they were fetched`, {
      code: 'CHAIN_UNSTABLE',
    });
  }
}

/** The node cannot trace a block because it no longer has the state before it (a pruned, non-archive node). */
export class NodeNotArchiveError extends UserError {
  override name = 'NodeNotArchiveError';
  constructor(blockNumber: bigint) {
    super(
      `The node lacks historical state for block ${blockNumber}, so it cannot trace its internal transfers: sync from an archive node, or pass --no-internal to skip internal transfers`,
      { code: 'NODE_NOT_ARCHIVE' },
    );
  }
}

/** Retries of the first request: a dead endpoint should fail fast, not after minutes of backoff. */
const STARTUP_RETRIES = 2;
/** How far back a reorganisation is followed before giving up. */
export const REORG_SEARCH_DEPTH = 128;
/** Fetches of one batch before an inconsistent batch is an error. */
const BATCH_FETCH_ATTEMPTS = 3;

export type SyncEvmParameters = {
  store: Store;
  /** JSON-RPC endpoint (credentials in the URL are never logged). */
  rpcUrl: string;
  /** Chain key; default: resolved from `eth_chainId`. */
  chain?: string | undefined;
  /** First block when there is no checkpoint (default 0). */
  from?: bigint | undefined;
  /** Last block (default: the node's latest). */
  to?: bigint | undefined;
  batchBlocks?: number | undefined;
  /** Blocks to stay behind the head (default 0). */
  confirmations?: number | undefined;
  /** Keep polling for new blocks after catching up, until `signal` aborts. */
  follow?: boolean | undefined;
  /** How often to poll for new heads in follow mode. */
  pollIntervalMs?: number | undefined;
  /** Stops the sync between two batches (each batch is committed or not at all). */
  signal?: AbortSignal | undefined;
  /** Most JSON-RPC calls in any one-second window, each call of an HTTP batch counted (default: no cap). */
  rps?: number | undefined;
  /** Most JSON-RPC requests in flight. */
  concurrency?: number | undefined;
  /** Per-request timeout (default DEFAULT_RPC_TIMEOUT_MS); a request that times out is retried. */
  timeoutMs?: number | undefined;
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
  onRetry?: (info: { method: string; attempt: number; delayMs: number; reason: string }) => void;
  onBatch?: (progress: {
    chain: string;
    fromBlock: bigint;
    toBlock: bigint;
    target: bigint;
    transfers: number;
  }) => void;
  onWarning?: (message: string) => void;
};

export type SyncEvmReturnType = {
  /** Chain reorganisations rolled back. */
  reorgs: number;
  chain: string;
  fromBlock: bigint | null;
  toBlock: bigint | null;
  blocks: number;
  transfers: number;
  events: number;
  /** Token contracts asked for their symbol and decimals (each once). */
  tokensAsked: number;
};

/**
 * JSON-RPC "method not found" (-32601), or a node saying so in words (some answer -32600/-32000).
 * The words must be about the method: "resource not found" or "state not available" for one block
 * does not mean the node lacks the method.
 */
function isMethodMissing(error: unknown): boolean {
  if (!(error instanceof RpcResponseError)) return false;
  return (
    error.rpcCode === -32601 ||
    /method\b.*\b(not (found|supported|available)|does not exist)|(unknown|unsupported) method/i.test(
      error.message,
    )
  );
}

/**
 * Syncs an EVM chain from a JSON-RPC node into the store, from its checkpoint (or `from`) up to `to`:
 * native transfers of successful transactions, gas fees, internal value transfers from Parity's
 * `trace_block` or else geth's `debug_traceBlockByNumber` callTracer (without either: one warning,
 * no internal transfers), token transfers and typed events decoded from receipt logs. A node that
 * cannot trace an old block for lack of its state fails with {@link NodeNotArchiveError}.
 * Each token contract seen without stored metadata is asked once for `symbol()` and `decimals()`
 * (`eth_call` at the latest block, in the same batches and under the same rate cap); its answer is
 * stored with the batch, and the token list fills in for a contract that answers neither. Each
 * batch of blocks (transfers, events, blocks, token metadata and the checkpoint) is one atomic
 * write, so a killed sync resumes from its last checkpoint with nothing lost or doubled.
 *
 * @example
 * const result = await syncEvm({ store, rpcUrl: 'http://127.0.0.1:8545' });
 */
export async function syncEvm(parameters: SyncEvmParameters): Promise<SyncEvmReturnType> {
  const { store } = parameters;
  const warn = parameters.onWarning ?? (() => undefined);
  const client = createRpcClient({
    url: parameters.rpcUrl,
    rps: parameters.rps,
    concurrency: parameters.concurrency,
    timeoutMs: parameters.timeoutMs,
    // The first call's retries go unreported: a dead endpoint should end in one error line.
    onRetry: (info) => {
      if (reachable) parameters.onRetry?.(info);
    },
  });
  let reachable = false;
  let chainId: number;
  try {
    // Few retries: an endpoint that is down or mistyped should fail in seconds. The same client as
    // the rest, so that this call counts against the rate cap too.
    chainId = Number(
      BigInt(await client.request<string>('eth_chainId', [], { maxRetries: STARTUP_RETRIES })),
    );
    reachable = true;
  } catch (error) {
    if (!(error instanceof RetryableError)) throw error;
    throw new UserError(
      `Cannot reach the JSON-RPC endpoint ${redactUrl(parameters.rpcUrl)}: ${error.shortMessage.replace(/^RPC eth_chainId failed: /, '')} (check --rpc and that the node is running)`,
      { code: 'RPC_UNREACHABLE' },
    );
  }
  const chain = getChain(parameters.chain ?? chainId);
  if (chain.family !== 'evm')
    throw new UserError(`${chain.key} is not an EVM chain`, { code: 'BAD_USAGE' });
  if (chain.chainId !== undefined && chain.chainId !== chainId) {
    throw new UserError(
      `The node serves chain id ${chainId}, not ${chain.key} (${chain.chainId})`,
      { code: 'CHAIN_MISMATCH' },
    );
  }
  const confirmations = BigInt(parameters.confirmations ?? 0);
  /** The newest block to sync now: the head less the confirmations, never past `to`. */
  const currentTarget = async (): Promise<bigint> => {
    const head = BigInt(await client.request<string>('eth_blockNumber', [])) - confirmations;
    return parameters.to !== undefined && parameters.to < head ? parameters.to : head;
  };
  let target = await currentTarget();
  const checkpoint = await store.getCheckpoint(chain.key, SYNC_STREAM);
  let next = checkpoint ? checkpoint.blockNumber + 1n : (parameters.from ?? 0n);
  if (
    !checkpoint &&
    parameters.from !== undefined &&
    parameters.from > target &&
    !parameters.follow
  ) {
    throw new UserError(
      `--from ${parameters.from} is above the node's head (${target + confirmations}${confirmations ? `, ${confirmations} confirmations` : ''})`,
      {
        code: 'FROM_ABOVE_HEAD',
      },
    );
  }
  let expectedParent = checkpoint?.blockHash ?? null;
  const batch = BigInt(parameters.batchBlocks ?? DEFAULT_SYNC_BATCH_BLOCKS);
  const decodeContext = knownContracts(chain.key);
  let traceMode: TraceMode | null = parameters.internal === false ? 'none' : null;
  let receiptMode: 'block' | 'transaction' = 'block';
  const result: SyncEvmReturnType = {
    chain: chain.key,
    fromBlock: next <= target ? next : null,
    toBlock: null,
    blocks: 0,
    transfers: 0,
    events: 0,
    reorgs: 0,
    tokensAsked: 0,
  };

  // Tokens whose metadata the sync does not ask for: stored from the chain or an export, or stored
  // before sources were recorded. Tokens whose stored metadata came from the token list are asked
  // once per run that sees them: a contract that answered nothing may answer now, and its answer
  // wins over the list's.
  const settledTokens = new Set(
    (await store.listAssets(chain.key))
      .filter((a) => a.source !== 'token-list')
      .map((a) => a.asset),
  );
  /**
   * Symbol and decimals of each token, from its contract (once; remembered when it answers nothing
   * too, so a contract that reverts is not asked again), else from the token list when the contract
   * gave neither.
   */
  const tokenAssets = async (tokens: string[]): Promise<Asset[]> => {
    const read = await readTokenMetadata(client, { tokens });
    return read.map((m) => {
      const listed =
        m.symbol === null && m.decimals === null
          ? parameters.tokenList?.get(chain.key, m.token)
          : undefined;
      return (
        listed ?? {
          chain: chain.key,
          asset: m.token,
          symbol: m.symbol,
          name: null,
          decimals: m.decimals,
          source: 'chain',
        }
      );
    });
  };

  /**
   * The newest stored block at or below `from` that the node still has, found by comparing hashes
   * downwards. Below the first synced block nothing is stored, so the fork is taken to be there.
   */
  const findForkPoint = async (from: bigint): Promise<{ number: bigint; hash: string | null }> => {
    for (let k = from; k >= 0n && from - k < BigInt(REORG_SEARCH_DEPTH); k--) {
      const [stored] = await store.getBlocks(chain.key, [k]);
      if (!stored) return { number: k, hash: null };
      const node = await client.request<RpcBlock>('eth_getBlockByNumber', [
        `0x${k.toString(16)}`,
        false,
      ]);
      if (node && node.hash.toLowerCase() === stored.hash) return { number: k, hash: stored.hash };
    }
    throw new ReorgTooDeepError(from + 1n, REORG_SEARCH_DEPTH);
  };

  /** Rolls the store back to the newest block the node still has, and continues from there. */
  const rollBack = async () => {
    const fork = await findForkPoint(next - 1n);
    await store.write(async (w) => {
      await w.deleteFromBlock(chain.key, fork.number + 1n);
      await w.setCheckpoint({
        chain: chain.key,
        stream: SYNC_STREAM,
        blockNumber: fork.number,
        blockHash: fork.hash,
      });
    });
    parameters.onWarning?.(
      `chain reorganisation: rolled back blocks ${fork.number + 1n}-${next - 1n}`,
    );
    result.reorgs++;
    next = fork.number + 1n;
    expectedParent = fork.hash;
  };

  /**
   * Which tracing the node offers, asked with a block of the range: Parity's `trace_block` first
   * (reth, Erigon, Nethermind and anvil have it; on anvil it answered 100 blocks in 0.04 s where the
   * callTracer took 4.1 s), then geth's callTracer. Any answer but "method not found" means the
   * method exists, even an error (for example no state for that block), which `traceBlock` reports.
   */
  const detectTraceMode = async (probe: string): Promise<TraceMode> => {
    const candidates: [TraceMode, string, unknown[]][] = [
      ['parity', 'trace_block', [probe]],
      ['debug', 'debug_traceBlockByNumber', [probe, CALL_TRACER]],
    ];
    for (const [mode, method, params] of candidates) {
      try {
        await client.request(method, params);
        return mode;
      } catch (error) {
        if (error instanceof RpcResponseError && !isMethodMissing(error)) return mode;
        if (!isMethodMissing(error)) throw error;
      }
    }
    warn(
      'the node has neither trace_block nor debug_traceBlockByNumber: internal value transfers are not synced',
    );
    return 'none';
  };

  /** Whether the node still has the state a block is executed on (its parent's). */
  const hasStateFor = async (blockNumber: bigint): Promise<boolean> => {
    const parent = blockNumber > 0n ? blockNumber - 1n : 0n;
    try {
      await client.request('eth_getBalance', [STATE_PROBE_ADDRESS, `0x${parent.toString(16)}`]);
      return true;
    } catch (error) {
      if (error instanceof RpcResponseError) return false;
      throw error;
    }
  };

  /**
   * The call tree of each transaction of a block, by position. A node that cannot trace the block
   * (an error, or a transaction without a trace) fails the batch rather than silently store it
   * without its internal transfers; when that is for lack of old state, the user is told so.
   */
  const traceBlock = async (
    mode: 'debug' | 'parity',
    blockNumber: bigint,
    hex: string,
  ): Promise<BlockTrace> => {
    let failure: string;
    try {
      if (mode === 'parity') {
        const traces = await client.request<ParityTrace[]>('trace_block', [hex]);
        const txHashes: (string | undefined)[] = [];
        for (const t of traces)
          if (t.transactionPosition != null && t.transactionHash)
            txHashes[t.transactionPosition] = t.transactionHash.toLowerCase();
        return { frames: parityCallFrames(traces), txHashes };
      }
      const entries = await client.request<DebugTraceEntry[]>('debug_traceBlockByNumber', [
        hex,
        CALL_TRACER,
      ]);
      const untraced = entries.find((entry) => !entry.result);
      if (!untraced)
        return {
          frames: entries.map((entry) => entry.result),
          txHashes: entries.map((entry) => entry.txHash?.toLowerCase()),
        };
      failure = `transaction ${untraced.txHash ?? '(unknown)'}: ${untraced.error ?? 'no trace'}`;
    } catch (error) {
      if (!(error instanceof RpcResponseError)) throw error;
      if (!(await hasStateFor(blockNumber))) throw new NodeNotArchiveError(blockNumber);
      throw error;
    }
    if (!(await hasStateFor(blockNumber))) throw new NodeNotArchiveError(blockNumber);
    throw new BaseError(`The node could not trace block ${blockNumber}, ${failure}`, {
      code: 'RPC_TRACE_FAILED',
    });
  };

  type FetchedBatch = {
    numbers: bigint[];
    blocks: RpcBlock[];
    receipts: RpcReceipt[][];
    traces: BlockTrace[] | null;
  };
  /**
   * Blocks, receipts and traces of blocks `from`..`to`, fetched together and checked to agree; a
   * batch that keeps changing while fetched (a reorganisation under way) is an error.
   */
  const fetchBatch = async (from: bigint, to: bigint): Promise<FetchedBatch> => {
    const numbers: bigint[] = [];
    for (let n = from; n <= to; n++) numbers.push(n);
    const hex = numbers.map((n) => `0x${n.toString(16)}`);
    traceMode ??= await detectTraceMode(hex[0]!);
    const mode = traceMode;
    let fetched: {
      blocks: RpcBlock[];
      receipts: RpcReceipt[][];
      traces: BlockTrace[] | null;
    } | null = null;
    for (let attempt = 1; attempt <= BATCH_FETCH_ATTEMPTS && !fetched; attempt++) {
      // Blocks, receipts and traces in flight together; they are checked to agree below.
      const [b, blockReceipts, t] = await Promise.all([
        Promise.all(hex.map((h) => client.request<RpcBlock>('eth_getBlockByNumber', [h, true]))),
        receiptMode === 'block'
          ? Promise.all(
              hex.map((h) => client.request<RpcReceipt[]>('eth_getBlockReceipts', [h])),
            ).catch((error: unknown) => {
              if (!isMethodMissing(error)) throw error;
              receiptMode = 'transaction';
              warn(
                'the node has no eth_getBlockReceipts: fetching receipts one transaction at a time (slower)',
              );
              return null;
            })
          : Promise.resolve(null),
        mode === 'none'
          ? Promise.resolve(null)
          : Promise.all(numbers.map((n, k) => traceBlock(mode, n, hex[k]!))),
      ]);
      const r =
        blockReceipts ??
        (await Promise.all(
          b.map((block) =>
            Promise.all(
              (block?.transactions ?? []).map((tx) =>
                client.request<RpcReceipt>('eth_getTransactionReceipt', [tx.hash]),
              ),
            ),
          ),
        ));
      b.forEach((block, k) => {
        if (!block)
          throw new BaseError(`The node returned no block ${numbers[k]}`, {
            code: 'RPC_MISSING_BLOCK',
          });
      });
      // Blocks fetched one by one must still form a chain, and traces name the blocks'
      // transactions; if not, the node reorganised between two requests.
      const chained = b.every(
        (block, k) => k === 0 || block.parentHash.toLowerCase() === b[k - 1]!.hash.toLowerCase(),
      );
      const tracesMatch =
        t === null ||
        b.every((block, k) =>
          t[k]!.txHashes.every(
            (h, i) => h === undefined || h === block.transactions[i]?.hash.toLowerCase(),
          ),
        );
      if (chained && tracesMatch) fetched = { blocks: b, receipts: r, traces: t };
    }
    if (!fetched) throw new UnstableChainError(next);
    if (!fetched) throw new UnstableChainError(from);
    return { numbers, ...fetched };
  };

  for (;;) {
    // The head may sit on a different branch at or below our tip: a reorganisation to a chain no
    // longer than ours brings no new block whose parent would reveal it, so compare the stored tip.
    if (expectedParent !== null && next - 1n <= target + confirmations) {
      const node = await client.request<RpcBlock | null>('eth_getBlockByNumber', [
        `0x${(next - 1n).toString(16)}`,
        false,
      ]);
      if (!node || node.hash.toLowerCase() !== expectedParent) await rollBack();
    }
    // One batch ahead: the next batch is fetched while this one is decoded and written. It is used
    // only if it starts where this one ends; if it failed, or no longer links to the stored tip
    // (fetched before a reorganisation), it is fetched again rather than trusted.
    let ahead: { from: bigint; batch: Promise<FetchedBatch | null> } | null = null;
    try {
      while (next <= target && !parameters.signal?.aborted) {
        const last = next + batch - 1n < target ? next + batch - 1n : target;
        const links = (b: FetchedBatch) =>
          expectedParent === null || b.blocks[0]!.parentHash.toLowerCase() === expectedParent;
        const early = ahead !== null && ahead.from === next ? await ahead.batch : null;
        ahead = null;
        const fetched: FetchedBatch =
          early !== null && early.numbers.length === Number(last - next + 1n) && links(early)
            ? early
            : await fetchBatch(next, last);
        const followFrom = last + 1n;
        if (followFrom <= target) {
          const followTo = followFrom + batch - 1n < target ? followFrom + batch - 1n : target;
          ahead = {
            from: followFrom,
            batch: fetchBatch(followFrom, followTo).catch(() => null),
          };
        }
        const { numbers, blocks, receipts, traces } = fetched;
        // Invariant: the first block's parent is the checkpoint block; if not, the stored tip was orphaned.
        if (expectedParent !== null && blocks[0]!.parentHash.toLowerCase() !== expectedParent) {
          await rollBack();
          continue;
        }

        const transfers: Transfer[] = [];
        const events: ChainEvent[] = [];
        const storedBlocks: Block[] = [];
        blocks.forEach((block, b) => {
          expectedParent = block.hash.toLowerCase();
          const blockNumber = numbers[b]!;
          const blockTime = Number(BigInt(block.timestamp));
          storedBlocks.push({
            chain: chain.key,
            number: blockNumber,
            hash: block.hash.toLowerCase(),
            parentHash: block.parentHash.toLowerCase(),
            time: blockTime,
          });
          const byHash = new Map(receipts[b]!.map((r) => [r.transactionHash.toLowerCase(), r]));
          block.transactions.forEach((tx, i) => {
            const txHash = tx.hash.toLowerCase();
            const receipt = byHash.get(txHash);
            if (!receipt)
              throw new BaseError(`No receipt for transaction ${txHash} of block ${blockNumber}`, {
                code: 'RPC_MISSING_RECEIPT',
              });
            transfers.push(
              ...feeTransfers({
                chain: chain.key,
                blockNumber,
                blockTime,
                txHash,
                from: tx.from.toLowerCase(),
                miner: block.miner.toLowerCase(),
                baseFeePerGas: block.baseFeePerGas ? BigInt(block.baseFeePerGas) : null,
                gasUsed: BigInt(receipt.gasUsed),
                gasPrice: BigInt(receipt.effectiveGasPrice ?? tx.gasPrice ?? '0x0'),
              }),
            );
            // Pre-Byzantium receipts have no status; such transactions count as successful.
            if (
              receipt.status !== undefined &&
              receipt.status !== null &&
              BigInt(receipt.status) === 0n
            )
              return;
            const value = BigInt(tx.value);
            if (value > 0n) {
              transfers.push({
                chain: chain.key,
                blockNumber,
                blockTime,
                txHash,
                position: callPosition([]),
                from: tx.from.toLowerCase(),
                to: (tx.to ?? receipt.contractAddress)?.toLowerCase() ?? null,
                asset: 'native',
                amount: value,
                kind: 'native',
              });
            }
            const frame = traces?.[b]?.frames[i];
            if (frame)
              transfers.push(
                ...internalTransfers(frame, { chain: chain.key, blockNumber, blockTime, txHash }),
              );
            for (const log of receipt.logs) {
              const decoded = decodeLog(
                {
                  chain: chain.key,
                  blockNumber,
                  blockTime,
                  txHash,
                  logIndex: Number(BigInt(log.logIndex)),
                  address: log.address,
                  data: log.data,
                  topics: log.topics,
                },
                decodeContext,
              );
              if (decoded.transfer) transfers.push(decoded.transfer);
              if (decoded.event) events.push(decoded.event);
            }
          });
        });
        const newTokens = [
          ...new Set(
            transfers.flatMap((t) =>
              t.kind === 'token' && !settledTokens.has(t.asset) ? [t.asset] : [],
            ),
          ),
        ];
        const tokens = newTokens.length > 0 ? await tokenAssets(newTokens) : [];
        await store.write(async (w) => {
          await w.putBlocks(storedBlocks);
          await w.appendTransfers(transfers);
          await w.appendEvents(events);
          await w.putAssets([nativeAsset(chain), ...tokens]);
          await w.setCheckpoint({
            chain: chain.key,
            stream: SYNC_STREAM,
            blockNumber: last,
            blockHash: expectedParent,
          });
        });
        for (const token of newTokens) settledTokens.add(token);
        result.tokensAsked += newTokens.length;
        result.blocks += numbers.length;
        result.transfers += transfers.length;
        result.events += events.length;
        result.toBlock = last;
        parameters.onBatch?.({
          chain: chain.key,
          fromBlock: next,
          toBlock: last,
          target,
          transfers: result.transfers,
        });
        next = last + 1n;
      }
    } catch (error) {
      // While following the head, a chain that keeps reorganising during a fetch is a moment, not
      // an end: wait for the next poll and compare the stored tip again. A bounded sync stops.
      if (!(error instanceof UnstableChainError) || !parameters.follow) throw error;
      warn(`${error.shortMessage}; trying again at the next poll`);
    }
    const done = parameters.to !== undefined && next > parameters.to;
    if (!parameters.follow || done || parameters.signal?.aborted) break;
    await abortableDelay(parameters.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, parameters.signal);
    if (parameters.signal?.aborted) break;
    target = await currentTarget();
  }
  return result;
}
