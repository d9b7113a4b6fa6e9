/**
 * The part of bcoin 1.0.2's API (https://github.com/bcoin-org/bcoin, MIT; no types of its own) that
 * bcoin-node.ts uses: an in-memory full node, its miner, chain and mempool, and its primitives.
 */
declare module 'bcoin' {
  type Hash = Buffer;

  interface ChainEntry {
    height: number;
    /** Block hash in internal (little-endian) byte order. */
    hash: Hash;
    time: number;
    /** Block hash as displayed (big-endian hex). */
    rhash(): string;
  }

  interface Block {
    time: number;
    rhash(): string;
    toRaw(): Buffer;
  }

  interface BlockTemplate {
    time: number;
    /** Median time past of the previous block: a block's time must be above it. */
    mtp: number;
    /** The serialised coinbase up to its extra nonce. */
    left: Buffer;
  }

  interface CPUJob {
    attempt: BlockTemplate;
    mineAsync(): Promise<Block>;
  }

  interface Chain {
    tip: ChainEntry;
    height: number;
    add(block: Block): Promise<ChainEntry | null>;
    getEntry(hashOrHeight: Hash | number): Promise<ChainEntry | null>;
    invalidate(hash: Hash): Promise<void>;
    listeners(event: string): ((...args: unknown[]) => unknown)[];
    removeListener(event: string, handler: (...args: unknown[]) => unknown): void;
  }

  interface Mempool {
    /** Adds a transaction; throws a VerifyError naming the rule it breaks; returns missing parents for an orphan. */
    addTX(tx: TX): Promise<Hash[] | null>;
    map: Map<string, unknown>;
  }

  interface Miner {
    createJob(tip?: ChainEntry | null, address?: Address | null): Promise<CPUJob>;
  }

  interface HTTPServer {
    address(): { address: string; port: number };
  }

  export class FullNode {
    constructor(options: Record<string, unknown>);
    chain: Chain;
    mempool: Mempool;
    miner: Miner;
    http: HTTPServer;
    open(): Promise<void>;
    close(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export class Script {
    static fromRaw(data: Buffer): Script;
  }

  export class Address {
    static fromScript(script: Script): Address | null;
  }

  export class TX {
    static fromRaw(data: Buffer): TX;
    txid(): string;
  }

  const bcoin: {
    FullNode: typeof FullNode;
    Script: typeof Script;
    Address: typeof Address;
    TX: typeof TX;
  };
  export default bcoin;
}
