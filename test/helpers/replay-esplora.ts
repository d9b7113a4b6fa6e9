import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Transaction } from 'bitcoinjs-lib';
import { BITCOIN_ETL_FIXTURES } from './replay-bitcoin-rpc.ts';

/** Transactions per page of `/block/:hash/txs/:start` on Esplora. */
export const ESPLORA_PAGE_SIZE = 25;

export type ReplayEsplora = {
  /** The API root, as a user passes it to `--esplora`. */
  url: string;
  /** Every GET path asked, in order. */
  readonly paths: string[];
  close(): Promise<void>;
};

type Recorded = {
  hash: string;
  height: number;
  previousblockhash?: string;
  time: number;
  tx: { txid: string; hex: string }[];
};

const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * An Esplora REST API stand-in on 127.0.0.1 serving real mainnet blocks: the recorded Bitcoin Core
 * answers of bitcoin-etl's tests (`getblockhash`, `getblock <hash> 2`, `getrawtransaction`), put
 * in the shapes Esplora's API.md documents: `/blocks/tip/height` (the highest recorded block),
 * `/block-height/:h` (text), `/block/:hash` (`id`, `height`, `previousblockhash`, `timestamp`,
 * `tx_count`), `/block/:hash/txs/:start` (a page of transactions, each input with its `prevout`:
 * `scriptpubkey` hex and `value` in satoshis, taken from the recorded spent transaction), and
 * `/tx/:txid/hex`. Unknown paths answer 404. Fields the client does not read (`*_asm`,
 * `scriptpubkey_address`, `status`, sizes, fees) are left out. `pageSize` (default Esplora's 25)
 * can be made smaller to make the few recorded transactions span several pages.
 *
 * @example
 * const api = await startReplayEsplora({ folders: ['stream_50001_50002', 'block_0'] });
 * // chaintrail sync --chain bitcoin --esplora api.url
 */
export async function startReplayEsplora(options: {
  folders: readonly string[];
  pageSize?: number;
}): Promise<ReplayEsplora> {
  const pageSize = options.pageSize ?? ESPLORA_PAGE_SIZE;
  const hashes = new Map<number, string>();
  const blocks = new Map<string, Recorded>();
  const txHex = new Map<string, string>();
  for (const folder of options.folders) {
    const dir = path.join(BITCOIN_ETL_FIXTURES, folder);
    for (const name of fs.readdirSync(dir)) {
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      let m = /^rpc_response_getblockhash_(\d+)\.json$/.exec(name);
      if (m) hashes.set(Number(m[1]), JSON.parse(text) as string);
      m = /^rpc_response_getblock_([0-9a-f]{64})_2\.json$/.exec(name);
      if (m) {
        const b = JSON.parse(text) as Recorded;
        blocks.set(b.hash, b);
        for (const t of b.tx) txHex.set(t.txid, t.hex);
      }
      m = /^rpc_response_getrawtransaction_([0-9a-f]{64})\.json$/.exec(name);
      if (m) txHex.set(m[1]!, (JSON.parse(text) as { hex: string }).hex);
    }
  }
  // Only heights whose recorded hash is a recorded block (the stream folder's head is a stand-in).
  for (const [h, hash] of hashes) if (!blocks.has(hash)) hashes.delete(h);
  const tip = Math.max(...hashes.keys());

  const esploraTx = (txid: string, hex: string) => {
    const tx = Transaction.fromHex(hex);
    const coinbase = tx.isCoinbase();
    return {
      txid,
      vin: tx.ins.map((i) => {
        const spent = Buffer.from(i.hash).reverse().toString('hex');
        const parent = coinbase ? undefined : txHex.get(spent);
        const out = parent ? Transaction.fromHex(parent).outs[i.index] : undefined;
        return {
          txid: spent,
          vout: i.index,
          is_coinbase: coinbase,
          prevout: out ? { scriptpubkey: hexOf(out.script), value: Number(out.value) } : null,
        };
      }),
      vout: tx.outs.map((o) => ({ scriptpubkey: hexOf(o.script), value: Number(o.value) })),
    };
  };

  const paths: string[] = [];
  const route = (p: string): string | null => {
    if (p === '/blocks/tip/height') return String(tip);
    let m = /^\/block-height\/(\d+)$/.exec(p);
    if (m) return hashes.get(Number(m[1])) ?? null;
    m = /^\/block\/([0-9a-f]{64})$/.exec(p);
    const b = m ? blocks.get(m[1]!) : undefined;
    if (b)
      return JSON.stringify({
        id: b.hash,
        height: b.height,
        previousblockhash: b.previousblockhash ?? null,
        timestamp: b.time,
        tx_count: b.tx.length,
      });
    m = /^\/block\/([0-9a-f]{64})\/txs\/(\d+)$/.exec(p);
    const page = m ? blocks.get(m[1]!) : undefined;
    if (page) {
      const start = Number(m![2]);
      if (start % pageSize !== 0 || start >= page.tx.length) return null;
      return JSON.stringify(
        page.tx.slice(start, start + pageSize).map((t) => esploraTx(t.txid, t.hex)),
      );
    }
    m = /^\/tx\/([0-9a-f]{64})\/hex$/.exec(p);
    if (m) return txHex.get(m[1]!) ?? null;
    return null;
  };

  const server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://replay').pathname.replace(/^\/api/, '');
    paths.push(p);
    const body = req.method === 'GET' ? route(p) : null;
    if (body === null) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type':
        body.startsWith('[') || body.startsWith('{') ? 'application/json' : 'text/plain',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api`,
    paths,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
