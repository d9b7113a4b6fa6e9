import { address as btcAddress, Block, networks } from 'bitcoinjs-lib';
import {
  type BcoinNode,
  BLOCK_SPACING_SECONDS,
  COINBASE_MATURITY,
} from '../../chains/bitcoin/bcoin-node.ts';
import { p2wpkhVsize } from '../../chains/bitcoin/p2wpkh-vsize.ts';
import { signP2wpkhTransaction } from '../../chains/bitcoin/sign-p2wpkh-transaction.ts';
import { SimulationError } from '../chain-driver.ts';
import type { SimBitcoinKey } from './keys.ts';

/**
 * Fee rate of every simulated Bitcoin transaction, in satoshis per vbyte: a simulation setting
 * (mempool-free regtest has no market), above bcoin's relay minimum of 1.
 */
export const FEE_RATE_SAT_PER_VB = 3n;
/** Change below this is left to the miner instead of making an output nobody would spend. */
export const DUST_SATS = 546n;

/** An output the simulator can spend: it pays one of its keys. */
export type Utxo = {
  txid: string;
  vout: number;
  value: bigint;
  key: SimBitcoinKey;
  /** Height of its block; null while it waits in the mempool. */
  height: number | null;
  coinbase: boolean;
};

/** One output of a simulated transaction: to a key of the simulation, or any script (OP_RETURN). */
export type SimOutput = { value: bigint } & (
  { key: SimBitcoinKey } | { script: Uint8Array; key?: undefined }
);

/** A transaction the simulator sends: the outputs it spends and what it pays (the rest is the fee). */
export type BitcoinSimTx = {
  /** What it is, for errors (`thorchain outbound`, `peel hop 3`). */
  label: string;
  inputs: readonly Utxo[];
  outputs: readonly SimOutput[];
  /** Called once it is mined, in the order the step sent them. */
  onSent?: ((sent: SentBitcoinTx) => void) | undefined;
};

export type SentBitcoinTx = {
  txid: string;
  label: string;
  fee: bigint;
  /** Spent outputs (values and keys). */
  inputs: readonly Utxo[];
  /** Created outputs, by index: the ones paying a key of the simulation, null for the others. */
  outputs: readonly (Utxo | null)[];
  height: number;
  time: number;
};

/**
 * Sends the simulator's Bitcoin transactions to a bcoin regtest node and mines them, block by block
 * at chosen times, and keeps its own record of every output paying one of its keys (so scenarios
 * know what an address holds without asking the node, and the chain can be checked against the
 * record at the end).
 */
export type BitcoinDriver = {
  node: BcoinNode;
  /** Unix seconds of the last block mined. */
  readonly time: number;
  readonly height: number;
  /** Transactions sent so far (coinbases not counted). */
  readonly transactions: number;
  /** Every transaction sent, in order. */
  readonly sent: readonly SentBitcoinTx[];
  /**
   * Mines `count` empty-of-ours blocks (the mempool is empty between steps) paying `to`, the first
   * `seconds` after the last block, then {@link BLOCK_SPACING_SECONDS} apart. Returns their coinbases.
   */
  mine(count: number, to: SimBitcoinKey, seconds?: number): Promise<Utxo[]>;
  /**
   * Signs a transaction and adds it to the node's mempool; the record spends its inputs and holds
   * its outputs at once (unconfirmed), so the next transaction built may spend them. Throws when the
   * record or the node refuses it.
   */
  send(transaction: BitcoinSimTx): Promise<string>;
  /**
   * Mines the transactions sent since the last block into one block `seconds` after it, its coinbase
   * paying `coinbase`; throws when one was left out.
   */
  mineBlock(coinbase: SimBitcoinKey, seconds?: number): Promise<SentBitcoinTx[]>;
  /** {@link BitcoinDriver.send} each transaction in order, then {@link BitcoinDriver.mineBlock}. */
  step(
    transactions: readonly BitcoinSimTx[],
    coinbase: SimBitcoinKey,
    seconds?: number,
  ): Promise<SentBitcoinTx[]>;
  /** Outputs of `key` not yet spent; `spendable` only: confirmed, and coinbases mature in the next block. */
  utxos(key: SimBitcoinKey, options?: { spendable?: boolean }): Utxo[];
  /** Satoshis `key` holds by the record (unspent outputs, unconfirmed included). */
  balance(key: SimBitcoinKey): bigint;
  /**
   * Reads every block the driver mined from the node (raw, over JSON-RPC) and checks the record
   * against them: every sent transaction in its block, every output to a key of the simulation
   * unspent exactly when the record says so.
   */
  verify(): Promise<{ blocks: number; transactions: number; outputs: number }>;
};

const outpoint = (txid: string, vout: number) => `${txid}:${vout}`;

/**
 * A driver over a started node, its clock at `startTime` (the first block it mines comes after).
 *
 * @example
 * const driver = createBitcoinDriver({ node, startTime: 1_740_060_000 });
 * const coins = await driver.mine(10, vault);
 */
export function createBitcoinDriver(parameters: {
  node: BcoinNode;
  startTime: number;
}): BitcoinDriver {
  const { node } = parameters;
  let time = parameters.startTime;
  const startHeight = node.height();
  let height = startHeight;
  let count = 0;
  /** Unspent outputs of the simulation's keys, by outpoint. */
  const unspent = new Map<string, Utxo>();
  /** The keys of the simulation, by output script (hex), to recognise their outputs in blocks. */
  const keys = new Map<string, SimBitcoinKey>();
  const sent: SentBitcoinTx[] = [];
  /** Sent, not yet mined. */
  const pending: { tx: BitcoinSimTx; txid: string; fee: bigint; outputs: (Utxo | null)[] }[] = [];
  const scriptHex = (script: Uint8Array) => Buffer.from(script).toString('hex');
  const know = (key: SimBitcoinKey) => keys.set(scriptHex(key.script), key);

  const readBlock = async (hash: string) =>
    Block.fromHex(await node.rpc<string>('getblock', [hash, 0]));

  const mineOne = async (to: SimBitcoinKey, at: number) => {
    know(to);
    const [hash] = await node.mine(1, to.address, { time: at });
    height++;
    const block = await readBlock(hash!);
    time = block.timestamp;
    const coinbase = block.transactions![0]!;
    const utxo: Utxo = {
      txid: coinbase.getId(),
      vout: 0,
      value: coinbase.outs[0]!.value,
      key: to,
      height,
      coinbase: true,
    };
    unspent.set(outpoint(utxo.txid, 0), utxo);
    return { block, utxo };
  };

  const send = async (tx: BitcoinSimTx): Promise<string> => {
    for (const input of tx.inputs)
      if (!unspent.has(outpoint(input.txid, input.vout)))
        throw new SimulationError(
          `Simulated Bitcoin transaction "${tx.label}" spends ${outpoint(input.txid, input.vout)}, which the record holds as spent or unknown`,
          { code: 'SIM_LEDGER_MISMATCH' },
        );
    const signed = await signP2wpkhTransaction({
      inputs: tx.inputs,
      outputs: tx.outputs.map((o) => ({ script: o.key ? o.key.script : o.script, value: o.value })),
    });
    await node.sendRawTransaction(signed.hex);
    for (const input of tx.inputs) unspent.delete(outpoint(input.txid, input.vout));
    const outputs = tx.outputs.map((o, vout) => {
      if (!o.key) return null;
      know(o.key);
      const utxo: Utxo = {
        txid: signed.txid,
        vout,
        value: o.value,
        key: o.key,
        height: null,
        coinbase: false,
      };
      unspent.set(outpoint(signed.txid, vout), utxo);
      return utxo;
    });
    pending.push({ tx, txid: signed.txid, fee: signed.fee, outputs });
    return signed.txid;
  };

  const mineBlock = async (
    coinbase: SimBitcoinKey,
    seconds = BLOCK_SPACING_SECONDS,
  ): Promise<SentBitcoinTx[]> => {
    const { block } = await mineOne(coinbase, time + seconds);
    const mined = new Set(block.transactions!.map((t) => t.getId()));
    const result: SentBitcoinTx[] = [];
    for (const p of pending) {
      if (!mined.has(p.txid))
        throw new SimulationError(
          `Simulated Bitcoin transaction "${p.tx.label}" (${p.txid}) was not mined`,
          { code: 'SIM_STUCK' },
        );
      for (const o of p.outputs) if (o) o.height = height;
      result.push({
        txid: p.txid,
        label: p.tx.label,
        fee: p.fee,
        inputs: p.tx.inputs,
        outputs: p.outputs,
        height,
        time,
      });
    }
    const done = pending.splice(0);
    sent.push(...result);
    count += result.length;
    for (const [i, p] of done.entries()) p.tx.onSent?.(result[i]!);
    return result;
  };

  return {
    node,
    get time() {
      return time;
    },
    get height() {
      return height;
    },
    get transactions() {
      return count;
    },
    sent,
    async mine(n, to, seconds = BLOCK_SPACING_SECONDS) {
      const coins: Utxo[] = [];
      for (let i = 0; i < n; i++) coins.push((await mineOne(to, time + seconds)).utxo);
      return coins;
    },
    send,
    mineBlock,
    async step(transactions, coinbase, seconds) {
      for (const tx of transactions) await send(tx);
      return mineBlock(coinbase, seconds);
    },
    utxos(key, options = {}) {
      const next = height + 1;
      return [...unspent.values()].filter(
        (u) =>
          u.key.address === key.address &&
          (!options.spendable ||
            (u.height !== null && (!u.coinbase || u.height + COINBASE_MATURITY <= next))),
      );
    },
    balance(key) {
      let sum = 0n;
      for (const u of unspent.values()) if (u.key.address === key.address) sum += u.value;
      return sum;
    },
    async verify() {
      const tip = await node.rpc<number>('getblockcount');
      if (tip !== height)
        throw new SimulationError(`The node is at block ${tip}, the record at ${height}`, {
          code: 'SIM_LEDGER_MISMATCH',
        });
      const onChain = new Map<string, { value: bigint; script: string }>();
      const blockOf = new Map<string, number>();
      let transactions = 0;
      // From the driver's first block: no key of the simulation was paid before it.
      for (let h = startHeight + 1; h <= tip; h++) {
        const block = await readBlock(await node.rpc<string>('getblockhash', [h]));
        for (const tx of block.transactions!) {
          transactions++;
          const txid = tx.getId();
          blockOf.set(txid, h);
          for (const input of tx.ins)
            onChain.delete(
              outpoint(Buffer.from(input.hash).reverse().toString('hex'), input.index),
            );
          tx.outs.forEach((o, vout) => {
            const script = scriptHex(o.script);
            if (keys.has(script)) onChain.set(outpoint(txid, vout), { value: o.value, script });
          });
        }
      }
      for (const s of sent)
        if (blockOf.get(s.txid) !== s.height)
          throw new SimulationError(
            `Simulated Bitcoin transaction ${s.txid} ("${s.label}") is not in block ${s.height}`,
            { code: 'SIM_LEDGER_MISMATCH' },
          );
      const mismatch = (where: string, what: string) =>
        new SimulationError(
          `The Bitcoin chain disagrees with the simulator's record at ${where}: ${what}`,
          { code: 'SIM_LEDGER_MISMATCH' },
        );
      for (const [key, u] of unspent) {
        const o = onChain.get(key);
        if (!o) throw mismatch(key, `the record holds ${u.value} sat unspent, the chain none`);
        if (o.value !== u.value || o.script !== scriptHex(u.key.script))
          throw mismatch(key, `the chain holds ${o.value} sat, the record ${u.value}`);
      }
      for (const key of onChain.keys())
        if (!unspent.has(key)) throw mismatch(key, 'unspent on the chain, spent in the record');
      return { blocks: tip - startHeight, transactions, outputs: unspent.size };
    },
  };
}

/**
 * A payment from `inputs` to `outputs` with change to `change` (dropped into the fee when under
 * {@link DUST_SATS}), paying {@link FEE_RATE_SAT_PER_VB}. Throws when the inputs cannot pay.
 *
 * @example
 * const tx = payment('peel hop 1', [coin], [{ key: deposit, value: peel }], next);
 */
export function payment(
  label: string,
  inputs: readonly Utxo[],
  outputs: readonly SimOutput[],
  change: SimBitcoinKey | null,
): BitcoinSimTx {
  const held = inputs.reduce((s, u) => s + u.value, 0n);
  const paid = outputs.reduce((s, o) => s + o.value, 0n);
  const scripts = outputs.map((o) => (o.key ? o.key.script : o.script));
  const withChange = feeOf(inputs.length, change ? [...scripts, change.script] : scripts);
  const rest = held - paid - withChange;
  if (change && rest >= DUST_SATS)
    return { label, inputs, outputs: [...outputs, { key: change, value: rest }] };
  const fee = feeOf(inputs.length, scripts);
  if (held - paid < fee)
    throw new SimulationError(
      `Simulated Bitcoin payment "${label}" needs ${paid + fee} sat, its inputs hold ${held}`,
      { code: 'SIM_LEDGER_MISMATCH' },
    );
  return { label, inputs, outputs };
}

/**
 * What a transaction's inputs hold beyond its outputs: its fee.
 *
 * @example
 * feeOfTx(payment('deposit', [coin], [], deposit)); // 423n
 */
export function feeOfTx(tx: Pick<BitcoinSimTx, 'inputs' | 'outputs'>): bigint {
  return tx.inputs.reduce((s, u) => s + u.value, 0n) - tx.outputs.reduce((s, o) => s + o.value, 0n);
}

/** The fee of a transaction with P2WPKH inputs and these output scripts, at {@link FEE_RATE_SAT_PER_VB}. */
export function feeOf(inputs: number, outputScripts: readonly Uint8Array[]): bigint {
  return BigInt(p2wpkhVsize(inputs, outputScripts)) * FEE_RATE_SAT_PER_VB;
}

/**
 * The regtest address of an output script as Core writes it, or null (OP_RETURN, non-standard).
 *
 * @example
 * scriptAddress(key.script); // 'bcrt1q…'
 */
export function scriptAddress(script: Uint8Array): string | null {
  try {
    return btcAddress.fromOutputScript(script, networks.regtest);
  } catch {
    return null;
  }
}
