import type { Network } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import { btcToSatoshis, parseExactJson } from './exact-json.ts';
import { parseTransactionHex } from './parse-transaction.ts';
import { scriptAddress } from './script-address.ts';
import type { BitcoinInput, BitcoinTransaction, BitcoinBlock, SpentOutput } from './types.ts';

/** The parent hash of block 0: none, written as 32 zero bytes, as the raw header has it. */
const NO_PARENT = '0'.repeat(64);

/** A verbose block as {@link parseExactJson} gives it: every number is its literal text. */
type VerboseBlock = {
  hash?: string;
  height?: string;
  previousblockhash?: string;
  time?: string;
  tx?: unknown[];
};
type VerboseTx = {
  txid?: string;
  hex?: string;
  vin?: {
    coinbase?: string;
    txid?: string;
    vout?: string;
    prevout?: { value?: string; scriptPubKey?: { hex?: string } };
  }[];
  vout?: { value?: string; n?: string; scriptPubKey?: { hex?: string } }[];
};

function bad(what: string): never {
  throw new UserError(`Verbose block: ${what}`, { code: 'RPC_BAD_RESPONSE' });
}

const hexBytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

function prevoutOf(
  vin: NonNullable<VerboseTx['vin']>[number],
  network: Network,
): SpentOutput | null {
  const p = vin.prevout;
  if (p?.value === undefined || p.scriptPubKey?.hex === undefined) return null;
  return {
    value: btcToSatoshis(p.value),
    address: scriptAddress(hexBytes(p.scriptPubKey.hex), network).address,
  };
}

/** One transaction of a verbose block: from its `hex` when the node gives it, else from its JSON. */
function transactionOf(raw: unknown, network: Network): BitcoinTransaction {
  if (typeof raw !== 'object' || raw === null)
    bad('transactions are ids only (verbosity 1); ask for verbosity 2 or 3');
  const t = raw as VerboseTx;
  if (typeof t.txid !== 'string' || !Array.isArray(t.vin) || !Array.isArray(t.vout))
    bad('a transaction without txid, vin or vout');
  const vins = t.vin.filter((v) => v.coinbase === undefined);
  let tx: BitcoinTransaction;
  if (typeof t.hex === 'string') {
    tx = parseTransactionHex(t.hex, t.txid);
  } else {
    tx = {
      txid: t.txid,
      coinbase: vins.length < t.vin.length,
      inputs: vins.map((v): BitcoinInput => {
        if (typeof v.txid !== 'string' || v.vout === undefined)
          bad(`input of ${t.txid} without txid or vout`);
        return { txid: v.txid, vout: Number(v.vout), prevout: null };
      }),
      outputs: t.vout.map((o) => {
        if (o.value === undefined || o.scriptPubKey?.hex === undefined)
          bad(`output of ${t.txid} without value or script`);
        return { value: btcToSatoshis(o.value), script: hexBytes(o.scriptPubKey.hex) };
      }),
    };
  }
  // Verbosity 3 (Core 23+) gives each input the output it spends.
  tx.inputs.forEach((input, i) => {
    if (vins[i]) input.prevout = prevoutOf(vins[i], network);
  });
  return tx;
}

/**
 * A block from `getblock <hash> 2` (or 3) as the node wrote it (the response text, so that no
 * amount goes through a float): each transaction from its `hex` (exact satoshis, the scripts'
 * bytes), or, from a node that leaves `hex` out, from its JSON with BTC amounts read from their
 * literal text. With verbosity 3 the inputs carry the value and address of the output they spend.
 *
 * @example
 * const block = parseVerboseBlock(responseText, networks.bitcoin);
 */
export function parseVerboseBlock(text: string | unknown, network: Network): BitcoinBlock {
  const b = (typeof text === 'string' ? parseExactJson(text) : text) as VerboseBlock;
  if (typeof b !== 'object' || b === null) bad('not an object');
  if (typeof b.hash !== 'string' || b.height === undefined || b.time === undefined)
    bad('no hash, height or time');
  if (!Array.isArray(b.tx)) bad(`block ${b.hash} has no transactions`);
  return {
    header: {
      number: BigInt(b.height),
      hash: b.hash,
      parentHash: b.previousblockhash ?? NO_PARENT,
      time: Number(b.time),
    },
    transactions: b.tx.map((raw) => transactionOf(raw, network)),
  };
}
