/** A chain the server follows for alerts (`chaintrail serve --follow --rpc <url>`). */
export type FollowedChain = {
  /** The chain's key; null until the first batch when `--chain` was not given (told by the node). */
  chain: string | null;
  /** When following started (ISO 8601). */
  since: string;
  /** The last block synced and evaluated, and when (null before the first batch). */
  lastBlock: string | null;
  lastBatchAt: string | null;
};

/**
 * Whether the server follows chains for alerts: alerts fire only for blocks a follower syncs, so a
 * client must be told when none runs instead of looking live. `chaintrail serve` starts one with
 * `--follow`; the API reads it.
 */
export type FollowStatus = {
  /** The chains followed now (none: no alert can fire). */
  following(): FollowedChain[];
  /** A follower started; its handle reports batches and the follower's end. */
  start(chain: string | null): {
    batch(chain: string, toBlock: bigint): void;
    stop(): void;
  };
};

/**
 * The follow status of one server process (a new one follows nothing).
 *
 * @example
 * const follow = createFollowStatus();
 * const handle = follow.start('ethereum');
 * handle.batch('ethereum', 21_000_000n);
 * follow.following(); // [{ chain: 'ethereum', lastBlock: '21000000', … }]
 */
export function createFollowStatus(): FollowStatus {
  const followers = new Set<FollowedChain>();
  return {
    following: () => [...followers].map((f) => ({ ...f })),
    start(chain) {
      const followed: FollowedChain = {
        chain,
        since: new Date().toISOString(),
        lastBlock: null,
        lastBatchAt: null,
      };
      followers.add(followed);
      return {
        batch(batchChain, toBlock) {
          followed.chain = batchChain;
          followed.lastBlock = toBlock.toString();
          followed.lastBatchAt = new Date().toISOString();
        },
        stop: () => void followers.delete(followed),
      };
    },
  };
}
