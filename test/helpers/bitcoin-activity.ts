import { payments } from 'bitcoinjs-lib';
import { keccak256, stringToBytes } from 'viem';
import type { BcoinNode } from '../../src/chains/bitcoin/bcoin-node.ts';
import { BLOCK_SPACING_SECONDS } from '../../src/chains/bitcoin/bcoin-node.ts';
import { type P2wpkhKey, p2wpkhKey } from '../../src/chains/bitcoin/p2wpkh-key.ts';
import { p2wpkhVsize } from '../../src/chains/bitcoin/p2wpkh-vsize.ts';
import { signP2wpkhTransaction } from '../../src/chains/bitcoin/sign-p2wpkh-transaction.ts';
import { createRandom, type Random } from '../../src/simulate/random.ts';

/** Fee rate of the activity's transactions, satoshis per vbyte (bcoin relays from 1). */
const FEE_RATE_SAT_PER_VB = 2n;
/** What the faucet gives each wallet at the start: 20 BTC, in satoshis. */
const WALLET_FUNDING_SATS = 2_000_000_000n;
/** No output is made below this (dust), change below it goes to the fee. */
const MIN_OUTPUT_SATS = 10_000n;
/** Most inputs of one transaction (a consolidation). */
const MAX_INPUTS = 4;
/** Share of transactions that spend an output of the block being built (a chain in one block). */
const IN_BLOCK_SPEND_SHARE = 0.15;
/** Share of transactions with an OP_RETURN memo, and of those a THORChain outbound memo. */
const OP_RETURN_SHARE = 0.1;
const THORCHAIN_MEMO_SHARE = 0.5;
/**
 * bcoin refuses a transaction with more than 25 unconfirmed ancestors (its mempool's default, as
 * Core's): spends of unconfirmed outputs stop well before.
 */
const MAX_UNCONFIRMED_DEPTH = 5;
/**
 * Date of the first block (2025-01-01 00:00 UTC) unless the caller gives one. The node's start
 * blocks are dated 2011, before BIP-16's activation time (2012-04-01), when bcoin checks segwit
 * spends without P2SH and fails an assertion: the activity's blocks must come later.
 */
const DEFAULT_START_TIME = 1_735_689_600;

/** An output of the activity's wallets, with where it was made and spent (for reorganisations). */
type Coin = {
  txid: string;
  vout: number;
  value: bigint;
  key: P2wpkhKey;
  /** Block height, null while in the mempool. */
  height: number | null;
  /** Height of the block that spent it, 0 while a mempool transaction spends it, null if unspent. */
  spentAt: number | null;
  /** Unconfirmed ancestors, itself included (0 once confirmed). */
  depth: number;
};

/** What the activity made: transactions and the features a Bitcoin sync must handle. */
export type ActivityCounts = {
  blocks: number;
  /** Transactions sent (coinbases not counted). */
  transactions: number;
  inputs: number;
  outputs: number;
  /** Transactions with more than one input. */
  multiInput: number;
  /** Transactions with an OP_RETURN output. */
  opReturns: number;
  /** OP_RETURNs holding a THORChain `OUT:` memo (a bridge_withdrawal each). */
  thorchainMemos: number;
  /** Inputs spending an output of an earlier block, and of the same block. */
  spendsOfEarlierBlocks: number;
  spendsInBlock: number;
};

export type BitcoinActivity = {
  /** The wallets that pay each other, deterministic for the seed. */
  readonly wallets: readonly P2wpkhKey[];
  /** Totals so far. */
  readonly counts: ActivityCounts;
  /**
   * Mines `blocks` blocks of about `txsPerBlock` transactions each (the first call first funds every
   * wallet from the node's faucet). Returns what these blocks hold.
   */
  addBlocks(blocks: number, options?: { txsPerBlock?: number }): Promise<ActivityCounts>;
  /**
   * Pays `amount` satoshis from one of the wallets to an output script (out:0), its change back
   * (out:1); the next block mined holds it.
   */
  pay(from: P2wpkhKey, to: Uint8Array, amount: bigint): Promise<string>;
  /**
   * A reorganisation with other transactions: invalidates the top `depth` blocks (bcoin deletes them
   * and empties its mempool), forgets what they made and spent, and mines `length` blocks (default
   * depth + 1) of new activity on their parent, spending some of the same outputs differently.
   */
  reorg(
    depth: number,
    length?: number,
  ): Promise<{ removed: string[]; added: ActivityCounts; fork: number }>;
};

const zeroCounts = (): ActivityCounts => ({
  blocks: 0,
  transactions: 0,
  inputs: 0,
  outputs: 0,
  multiInput: 0,
  opReturns: 0,
  thorchainMemos: 0,
  spendsOfEarlierBlocks: 0,
  spendsInBlock: 0,
});

function addCounts(into: ActivityCounts, more: ActivityCounts): void {
  for (const k of Object.keys(into) as (keyof ActivityCounts)[]) into[k] += more[k];
}

/**
 * Ordinary Bitcoin activity on a bcoin regtest node, for sync tests and the Bitcoin sync benchmark:
 * `walletCount` P2WPKH wallets (keys from keccak256 of a label and the seed) funded by the node's
 * faucet pay each other in transactions of 1 to 4 inputs (consolidations), 1 or 2 payees plus change,
 * some with an OP_RETURN (half of them a THORChain `OUT:<txid>` memo naming an earlier transaction
 * of this chain, so the sync makes bridge events of them), some spending an output of the block
 * being built. Most inputs spend outputs of earlier blocks, so a sync in batches values them from
 * its store. Blocks are dated 10 minutes apart from `startTime` and their coinbases pay a miner key:
 * the same seed on a fresh node gives the same chain, block hashes included. This is test data, not
 * a model of real Bitcoin usage.
 *
 * @example
 * const activity = createBitcoinActivity({ node, seed: 1 });
 * await activity.addBlocks(20, { txsPerBlock: 10 });
 */
export function createBitcoinActivity(parameters: {
  node: BcoinNode;
  seed: number;
  walletCount?: number;
  /** Unix seconds of the first block (default 2025-01-01); later blocks follow 10 minutes apart. */
  startTime?: number;
}): BitcoinActivity {
  const { node, seed } = parameters;
  const random: Random = createRandom(`bitcoin-activity:${seed}`);
  const keyOf = (label: string) =>
    p2wpkhKey(keccak256(stringToBytes(`chaintrail-test-activity:${seed}:${label}`)));
  const wallets = Array.from({ length: parameters.walletCount ?? 12 }, (_, i) =>
    keyOf(`wallet/${i}`),
  );
  const miner = keyOf('miner');
  const coins = new Map<string, Coin>();
  const totals = zeroCounts();
  /** Transactions already mined and their heights, for THORChain memos naming an earlier one. */
  const mined: { txid: string; height: number }[] = [];
  let funded = false;
  /** Unix seconds of the last block mined. */
  let time = (parameters.startTime ?? DEFAULT_START_TIME) - BLOCK_SPACING_SECONDS;

  const outpoint = (txid: string, vout: number) => `${txid}:${vout}`;
  const unspent = (key?: P2wpkhKey) =>
    [...coins.values()].filter((c) => c.spentAt === null && (!key || c.key === key));

  /** Transactions sent since the last block. */
  let pending: string[] = [];

  /** Mines what the mempool holds into one block, checks it holds all sent, confirms the coins. */
  const mineBlock = async () => {
    const expected = pending;
    pending = [];
    time += BLOCK_SPACING_SECONDS;
    const [hash] = await node.mine(1, miner.address, { time });
    const block = await node.rpc<{ height: number; tx: string[] }>('getblock', [hash, 1]);
    const inBlock = new Set(block.tx);
    const left = expected.filter((txid) => !inBlock.has(txid));
    if (left.length > 0) throw new Error(`bcoin left ${left.length} transactions out of a block`);
    for (const c of coins.values()) {
      if (c.height === null) {
        c.height = block.height;
        c.depth = 0;
      }
      if (c.spentAt === 0) c.spentAt = block.height;
    }
    mined.push(...expected.map((txid) => ({ txid, height: block.height })));
  };

  const fund = async (counts: ActivityCounts) => {
    for (const [i, key] of wallets.entries()) {
      // Every third funding carries a plain text memo: an OP_RETURN that is no THORChain memo.
      const opReturn = i % 3 === 0 ? `chaintrail test funding ${i}` : undefined;
      const { txid } = await node.send({ to: key.address, amount: WALLET_FUNDING_SATS, opReturn });
      coins.set(outpoint(txid, 0), {
        txid,
        vout: 0,
        value: WALLET_FUNDING_SATS,
        key,
        height: null,
        spentAt: null,
        depth: 1,
      });
      pending.push(txid);
      counts.transactions++;
      counts.outputs += opReturn ? 3 : 2;
      if (opReturn) counts.opReturns++;
    }
    await mineBlock();
    counts.blocks++;
    funded = true;
  };

  /** One payment between wallets, or null when the chosen sender cannot pay one. */
  const payment = async (counts: ActivityCounts): Promise<string | null> => {
    const sender = random.pick(wallets);
    const own = unspent(sender).filter((c) => c.depth < MAX_UNCONFIRMED_DEPTH);
    const confirmed = own.filter((c) => c.height !== null);
    const pending = own.filter((c) => c.height === null);
    const first =
      pending.length > 0 && random.next() < IN_BLOCK_SPEND_SHARE
        ? random.pick(pending)
        : confirmed.length > 0
          ? random.pick(confirmed)
          : null;
    if (!first) return null;
    const inputs = [first];
    const more = confirmed.filter((c) => c !== first);
    for (let n = random.int(1, MAX_INPUTS) - 1; n > 0 && more.length > 0; n--)
      inputs.push(more.splice(random.int(0, more.length - 1), 1)[0]!);
    const held = inputs.reduce((s, c) => s + c.value, 0n);
    const payees = Array.from(
      { length: random.int(1, 2) },
      () => wallets.filter((w) => w !== sender)[random.int(0, wallets.length - 2)]!,
    );
    const outputs: { script: Uint8Array; value: bigint; key?: P2wpkhKey }[] = [];
    // Each payee gets 5-30% of what the inputs hold.
    for (const key of payees) {
      const value = (held * BigInt(random.int(5, 30))) / 100n;
      if (value < MIN_OUTPUT_SATS) return null;
      outputs.push({ script: key.script, value, key });
    }
    let memo: string | null = null;
    if (random.next() < OP_RETURN_SHARE) {
      memo =
        random.next() < THORCHAIN_MEMO_SHARE && mined.length > 0
          ? `OUT:${random.pick(mined).txid.toUpperCase()}`
          : `chaintrail test memo ${counts.transactions}`;
      outputs.push({ script: payments.embed({ data: [stringToBytes(memo)] }).output!, value: 0n });
    }
    const paid = outputs.reduce((s, o) => s + o.value, 0n);
    const scripts = [...outputs.map((o) => o.script), sender.script];
    const withChange = BigInt(p2wpkhVsize(inputs.length, scripts)) * FEE_RATE_SAT_PER_VB;
    const change = held - paid - withChange;
    if (change < MIN_OUTPUT_SATS) return null;
    outputs.push({ script: sender.script, value: change, key: sender });
    const txid = await send(inputs, outputs, counts);
    if (memo !== null) counts.opReturns++;
    if (memo?.startsWith('OUT:')) counts.thorchainMemos++;
    return txid;
  };

  /** Signs and sends a transaction; the record spends its inputs and holds its outputs. */
  const send = async (
    inputs: Coin[],
    outputs: { script: Uint8Array; value: bigint; key?: P2wpkhKey }[],
    counts: ActivityCounts,
  ): Promise<string> => {
    const signed = await signP2wpkhTransaction({ inputs, outputs });
    await node.sendRawTransaction(signed.hex);
    for (const c of inputs) {
      c.spentAt = 0;
      if (c.height === null) counts.spendsInBlock++;
      else counts.spendsOfEarlierBlocks++;
    }
    const depth = 1 + Math.max(...inputs.map((c) => c.depth));
    outputs.forEach((o, vout) => {
      if (o.key)
        coins.set(outpoint(signed.txid, vout), {
          txid: signed.txid,
          vout,
          value: o.value,
          key: o.key,
          height: null,
          spentAt: null,
          depth,
        });
    });
    pending.push(signed.txid);
    counts.transactions++;
    counts.inputs += inputs.length;
    counts.outputs += outputs.length;
    if (inputs.length > 1) counts.multiInput++;
    return signed.txid;
  };

  const addBlocks = async (blocks: number, options: { txsPerBlock?: number } = {}) => {
    const counts = zeroCounts();
    const perBlock = options.txsPerBlock ?? 5;
    if (!funded) {
      await fund(counts);
      blocks--;
    }
    for (let b = 0; b < blocks; b++) {
      // A few tries per transaction: a sender may hold too little or only unconfirmed coins.
      let made = 0;
      for (let tries = 0; made < perBlock && tries < perBlock * 4; tries++)
        if (await payment(counts)) made++;
      await mineBlock();
      counts.blocks++;
    }
    addCounts(totals, counts);
    return counts;
  };

  return {
    wallets,
    counts: totals,
    addBlocks,
    async pay(from, to, amount) {
      const counts = zeroCounts();
      const own = unspent(from)
        .filter((c) => c.height !== null)
        .sort((a, b) => (a.value < b.value ? 1 : -1));
      const inputs: Coin[] = [];
      let held = 0n;
      const fee = () => BigInt(p2wpkhVsize(inputs.length, [to, from.script])) * FEE_RATE_SAT_PER_VB;
      while (held < amount + fee() + MIN_OUTPUT_SATS && own.length > 0) {
        const coin = own.shift()!;
        inputs.push(coin);
        held += coin.value;
      }
      const change = held - amount - fee();
      if (change < MIN_OUTPUT_SATS) throw new Error(`the wallet holds less than ${amount} sat`);
      const txid = await send(
        inputs,
        [
          { script: to, value: amount },
          { script: from.script, value: change, key: from },
        ],
        counts,
      );
      addCounts(totals, counts);
      return txid;
    },
    async reorg(depth, length = depth + 1) {
      const tip = node.height();
      const fork = tip - depth;
      const removed: string[] = [];
      for (let h = fork + 1; h <= tip; h++)
        removed.push(await node.rpc<string>('getblockhash', [h]));
      await node.rpc('invalidateblock', [removed[0]]);
      pending = [];
      // What the removed blocks made is gone, what they spent is unspent again.
      for (const [k, c] of coins) {
        if (c.height === null || c.height > fork) coins.delete(k);
        else if (c.spentAt !== null && (c.spentAt === 0 || c.spentAt > fork)) c.spentAt = null;
      }
      mined.splice(0, mined.length, ...mined.filter((m) => m.height <= fork));
      // The branch is dated on from the removed tip, so its blocks differ from the removed ones
      // even where a block's transactions would not.
      const added = await addBlocks(length);
      return { removed, added, fork };
    },
  };
}
