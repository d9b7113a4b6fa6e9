import { payments, script as bscript, Transaction } from 'bitcoinjs-lib';
import { bytesToHex, type Hex, hexToBytes } from 'viem';
import { sign } from 'viem/accounts';
import { UserError } from '../../errors/base.ts';
import type { P2wpkhKey } from './p2wpkh-key.ts';

/** Version 2 (BIP-68 relative lock times possible), as current wallets write. */
const TX_VERSION = 2;
/** Final sequence: no relative lock time, no replace-by-fee signal. */
const SEQUENCE_FINAL = 0xffffffff;

export type P2wpkhInput = {
  /** Id of the transaction whose output is spent (displayed, big-endian hex). */
  txid: string;
  vout: number;
  /** Value of the spent output in satoshis: BIP-143 signatures commit to it. */
  value: bigint;
  /** The key the output pays to. */
  key: P2wpkhKey;
};

export type SignP2wpkhTransactionParameters = {
  inputs: readonly P2wpkhInput[];
  /** Any output scripts (P2WPKH, OP_RETURN, …) and their values in satoshis. */
  outputs: readonly { script: Uint8Array; value: bigint }[];
};

export type SignP2wpkhTransactionReturnType = {
  /** The signed transaction, serialised with its witness, as `sendrawtransaction` takes it. */
  hex: string;
  txid: string;
  /** What the inputs pay beyond the outputs, in satoshis. */
  fee: bigint;
  vsize: number;
};

/**
 * Builds and signs (SIGHASH_ALL, BIP-143) a transaction spending P2WPKH outputs. Signatures are
 * deterministic (RFC 6979, via viem) and low-S (BIP-62, as relay policy demands), so the same inputs
 * and outputs always give the same transaction id.
 *
 * @example
 * const { hex } = await signP2wpkhTransaction({
 *   inputs: [{ txid, vout: 0, value: 50_000n, key }],
 *   outputs: [{ script: to.script, value: 49_000n }],
 * });
 */
export async function signP2wpkhTransaction(
  parameters: SignP2wpkhTransactionParameters,
): Promise<SignP2wpkhTransactionReturnType> {
  const { inputs, outputs } = parameters;
  if (inputs.length === 0 || outputs.length === 0)
    throw new UserError('A transaction needs at least one input and one output', {
      code: 'BAD_USAGE',
    });
  let fee = 0n;
  for (const i of inputs) fee += i.value;
  for (const o of outputs) {
    if (o.value < 0n)
      throw new UserError(`Output value ${o.value} is negative`, { code: 'INVALID_AMOUNT' });
    fee -= o.value;
  }
  if (fee < 0n)
    throw new UserError(`The outputs spend ${-fee} satoshis more than the inputs hold`, {
      code: 'INVALID_AMOUNT',
    });
  const tx = new Transaction();
  tx.version = TX_VERSION;
  for (const i of inputs) tx.addInput(hexToBytes(`0x${i.txid}`).reverse(), i.vout, SEQUENCE_FINAL);
  for (const o of outputs) tx.addOutput(o.script, o.value);
  for (const [index, input] of inputs.entries()) {
    // BIP-143: a P2WPKH input signs the P2PKH script of its key hash as its script code.
    const scriptCode = payments.p2pkh({ hash: input.key.script.subarray(2) }).output!;
    const hash = tx.hashForWitnessV0(index, scriptCode, input.value, Transaction.SIGHASH_ALL);
    const { r, s } = await sign({ hash: bytesToHex(hash), privateKey: input.key.privateKey });
    const signature = new Uint8Array(64);
    signature.set(hexToBytes(r as Hex), 0);
    signature.set(hexToBytes(s as Hex), 32);
    tx.setWitness(index, [
      bscript.signature.encode(signature, Transaction.SIGHASH_ALL),
      input.key.publicKey,
    ]);
  }
  return { hex: tx.toHex(), txid: tx.getId(), fee, vsize: tx.virtualSize() };
}
