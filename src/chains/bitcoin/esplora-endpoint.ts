import type { Network } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import type { BitcoinEndpoint } from './endpoint.ts';
import type { EsploraClient } from './esplora-client.ts';
import { parseExactJson } from './exact-json.ts';
import { parseTransactionHex } from './parse-transaction.ts';
import { scriptAddress } from './script-address.ts';
import type { BitcoinBlock, BitcoinTransaction } from './types.ts';

/** The parent hash of block 0: none, written as 32 zero bytes, as the raw header has it. */
const NO_PARENT = '0'.repeat(64);

/** An Esplora block (`/block/:hash`), numbers as their literal text. */
type EsploraBlock = {
  id?: string;
  height?: string;
  previousblockhash?: string | null;
  timestamp?: string;
  tx_count?: string;
};
/** An Esplora transaction (`/block/:hash/txs/:start`): values in satoshis, scripts in hex. */
type EsploraTx = {
  txid?: string;
  vin?: {
    txid?: string;
    vout?: string;
    is_coinbase?: boolean;
    prevout?: { scriptpubkey?: string; value?: string } | null;
  }[];
  vout?: { scriptpubkey?: string; value?: string }[];
};

function bad(what: string): never {
  throw new UserError(`Esplora: ${what}`, { code: 'RPC_BAD_RESPONSE' });
}

const hexBytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

function satoshis(text: string | undefined, where: string): bigint {
  if (text === undefined || !/^\d+$/.test(text))
    bad(`${where}: value is not a whole number of satoshis`);
  return BigInt(text);
}

/** One Esplora transaction, its inputs valued from their `prevout`. */
function transactionOf(t: EsploraTx, network: Network): BitcoinTransaction {
  if (typeof t.txid !== 'string' || !Array.isArray(t.vin) || !Array.isArray(t.vout))
    bad('a transaction without txid, vin or vout');
  const txid = t.txid;
  const coinbase = t.vin.some((v) => v.is_coinbase === true);
  return {
    txid,
    coinbase,
    inputs: coinbase
      ? []
      : t.vin.map((v, i) => {
          if (typeof v.txid !== 'string' || v.vout === undefined)
            bad(`input ${txid}:${i} without txid`);
          const p = v.prevout;
          return {
            txid: v.txid,
            vout: Number(v.vout),
            prevout:
              p?.scriptpubkey === undefined
                ? null
                : {
                    value: satoshis(p.value, `prevout of ${txid}:${i}`),
                    address: scriptAddress(hexBytes(p.scriptpubkey), network).address,
                  },
          };
        }),
    outputs: t.vout.map((o, n) => {
      if (typeof o.scriptpubkey !== 'string') bad(`output ${txid}:${n} without script`);
      return { value: satoshis(o.value, `output ${txid}:${n}`), script: hexBytes(o.scriptpubkey) };
    }),
  };
}

/**
 * A {@link BitcoinEndpoint} over an Esplora REST API (https://github.com/Blockstream/esplora,
 * API.md): `/blocks/tip/height`, `/block-height/:h`, `/block/:hash`, and the block's transactions
 * a page at a time (`/block/:hash/txs/:start`, 25 per page) with every input's `prevout` (value in
 * satoshis, script), so no spent transaction has to be fetched; `/tx/:txid/hex` if one must.
 * Addresses are derived from the scripts, as for every source, not taken from
 * `scriptpubkey_address`.
 *
 * @example
 * const endpoint = createEsploraEndpoint({ esplora, network: networks.bitcoin });
 */
export function createEsploraEndpoint(parameters: {
  esplora: EsploraClient;
  network: Network;
}): BitcoinEndpoint {
  const { esplora, network } = parameters;
  const need = async (path: string): Promise<string> => {
    const text = await esplora.get(path);
    if (text === null) bad(`${path} not found`);
    return text;
  };

  const one = async (height: bigint, hash: string): Promise<BitcoinBlock | null> => {
    const text = await esplora.get(`/block/${hash}`);
    if (text === null) return null;
    const b = parseExactJson(text) as EsploraBlock;
    if (
      b.id !== hash ||
      b.height === undefined ||
      b.timestamp === undefined ||
      b.tx_count === undefined
    )
      bad(`/block/${hash} is not that block`);
    if (BigInt(b.height) !== height) bad(`block ${hash} is at height ${b.height}, not ${height}`);
    const count = Number(b.tx_count);
    const transactions: BitcoinTransaction[] = [];
    // Pages follow one another; a page's length says where the next starts (Esplora's is 25).
    while (transactions.length < count) {
      const page = await esplora.get(`/block/${hash}/txs/${transactions.length}`);
      if (page === null) return null;
      const txs = parseExactJson(page) as EsploraTx[];
      if (!Array.isArray(txs) || txs.length === 0)
        bad(`/block/${hash}/txs/${transactions.length} is empty before ${count} transactions`);
      for (const t of txs) transactions.push(transactionOf(t, network));
    }
    return {
      header: {
        number: height,
        hash,
        parentHash: b.previousblockhash ?? NO_PARENT,
        time: Number(b.timestamp),
      },
      transactions,
    };
  };

  return {
    stats: esplora.stats,
    head: async () => BigInt((await need('/blocks/tip/height')).trim()),
    async blockHashes(from, to) {
      const heights: bigint[] = [];
      for (let h = from; h <= to; h++) heights.push(h);
      return Promise.all(
        heights.map(async (h) => (await esplora.get(`/block-height/${h}`))?.trim() ?? null),
      );
    },
    blocks: (wanted) => Promise.all(wanted.map((w) => one(w.height, w.hash))),
    async fetchTransactions(txids) {
      const found = new Map<string, BitcoinTransaction | null>();
      await Promise.all(
        txids.map(async (txid) => {
          const hex = await esplora.get(`/tx/${txid}/hex`);
          found.set(txid, hex === null ? null : parseTransactionHex(hex.trim(), txid));
        }),
      );
      return found;
    },
  };
}
