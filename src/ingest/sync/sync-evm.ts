import { createEvmSource, EVM_SYNC_STREAM } from '../../chains/evm/evm-source.ts';
import type { TokenList } from '../../model/token-list.ts';
import type { Store } from '../../store/store.ts';
import { type SyncBatchProgress, syncChain } from './sync-chain.ts';

// The sync's pieces moved (the loop to sync-chain.ts, the EVM source to src/chains/evm/); these
// names stay importable from here for the callers that still sync through `syncEvm`.
export { NodeNotArchiveError } from '../../chains/evm/errors.ts';
export { ReorgTooDeepError, UnstableChainError } from './errors.ts';
export {
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_SYNC_BATCH_BLOCKS,
  REORG_SEARCH_DEPTH,
} from './sync-chain.ts';

/** Name of the EVM sync's checkpoint stream. */
export const SYNC_STREAM = EVM_SYNC_STREAM;

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
  onBatch?: (progress: SyncBatchProgress) => void;
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
 * Syncs an EVM chain from a JSON-RPC node into the store: the EVM source (`createEvmSource`) run by
 * the generic loop (`syncChain`), from the checkpoint (or `from`) up to `to`. See both for what is
 * fetched, decoded and stored, and how batches, reorganisations and `follow` behave.
 *
 * @example
 * const result = await syncEvm({ store, rpcUrl: 'http://127.0.0.1:8545' });
 */
export async function syncEvm(parameters: SyncEvmParameters): Promise<SyncEvmReturnType> {
  const { store } = parameters;
  const source = await createEvmSource({
    store,
    url: parameters.rpcUrl,
    chain: parameters.chain,
    rps: parameters.rps,
    concurrency: parameters.concurrency,
    timeoutMs: parameters.timeoutMs,
    onRetry: parameters.onRetry,
    onWarning: parameters.onWarning,
    options: { internal: parameters.internal, tokenList: parameters.tokenList },
  });
  const result = await syncChain({
    store,
    source,
    from: parameters.from,
    to: parameters.to,
    batchBlocks: parameters.batchBlocks,
    confirmations: parameters.confirmations,
    follow: parameters.follow,
    pollIntervalMs: parameters.pollIntervalMs,
    signal: parameters.signal,
    onBatch: parameters.onBatch,
    onWarning: parameters.onWarning,
  });
  return { ...result, tokensAsked: source.counts.tokensAsked };
}
