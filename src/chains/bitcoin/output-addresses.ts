import type { Network } from 'bitcoinjs-lib';
import { type ScriptAddress, scriptAddress } from './script-address.ts';
import type { BitcoinBlock, BitcoinTransaction } from './types.ts';

/**
 * The addresses of a transaction's outputs ({@link scriptAddress}), in output order, derived once
 * however often asked: valuing inputs that spend outputs of the same batch
 * (src/chains/bitcoin/resolve-inputs.ts) and the rows (decode-block.ts) both need them. Deriving
 * them again for the inputs was 23% of the sync benchmark's decode CPU in a profile of
 * bench/decode-bitcoin-cpu.ts.
 */
export type OutputAddresses = (tx: BitcoinTransaction) => readonly ScriptAddress[];

/**
 * Scripts longer than this are not remembered by their bytes: every standard output script is
 * shorter (P2PK with an uncompressed key, 67 bytes, is the longest with an address), and a long
 * key would cost more than it saves.
 */
const REMEMBERED_SCRIPT_BYTES = 67;

/**
 * An {@link OutputAddresses} that remembers each transaction's addresses as long as the
 * transaction lives (one per decoded batch), and each short script's address for as long as the
 * function lives: outputs pay the same scripts again and again (the Bitcoin sync benchmark's
 * 11,228 outputs pay 603 addresses), and a bech32 or Base58Check encoding costs 3-5 µs against
 * well under 1 µs for the script's bytes as a key.
 *
 * @example
 * const addressesOf = createOutputAddresses(networks.bitcoin);
 * addressesOf(tx)[0].address; // '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'
 */
export function createOutputAddresses(network: Network): OutputAddresses {
  const known = new WeakMap<BitcoinTransaction, readonly ScriptAddress[]>();
  const byScript = new Map<string, ScriptAddress>();
  const addressOf = (script: Uint8Array): ScriptAddress => {
    if (script.length > REMEMBERED_SCRIPT_BYTES) return scriptAddress(script, network);
    // The bytes as a string (one character each): cheaper than a Buffer view for a short script.
    const key = String.fromCharCode.apply(null, script as unknown as number[]);
    let a = byScript.get(key);
    if (a === undefined) {
      a = scriptAddress(script, network);
      byScript.set(key, a);
    }
    return a;
  };
  return (tx) => {
    let addresses = known.get(tx);
    if (addresses === undefined) {
      const derived: ScriptAddress[] = new Array(tx.outputs.length);
      for (let n = 0; n < derived.length; n++) derived[n] = addressOf(tx.outputs[n]!.script);
      addresses = derived;
      known.set(tx, addresses);
    }
    return addresses;
  };
}

/**
 * A decoded batch's transactions by id, with their outputs' addresses: what inputs spending them
 * are valued from, in the batch (src/chains/bitcoin/resolve-inputs.ts) and in the next one (the
 * Bitcoin source keeps the last), without a `<txid>:<vout>` map of every output (building it cost
 * the sync benchmark's decode about a tenth of its CPU).
 */
export type BatchOutputs = {
  readonly transactions: ReadonlyMap<string, BitcoinTransaction>;
  readonly addressesOf: OutputAddresses;
};

/**
 * The {@link BatchOutputs} of `blocks`; addresses are derived when first asked for.
 *
 * @example
 * const batch = createBatchOutputs(blocks, networks.regtest);
 * batch.addressesOf(batch.transactions.get(txid)!)[0].address;
 */
export function createBatchOutputs(
  blocks: readonly BitcoinBlock[],
  network: Network,
): BatchOutputs {
  const transactions = new Map<string, BitcoinTransaction>();
  for (const b of blocks) for (const tx of b.transactions) transactions.set(tx.txid, tx);
  return { transactions, addressesOf: createOutputAddresses(network) };
}
