/**
 * CPU of decoding a Bitcoin node's blocks, as `chaintrail sync` does it (parseRawBlock of each
 * `getblock <hash> false` answer, then the source's `decode`: inputs valued, rows built), without
 * the fetch's network wait and without the store's writes. Reads the node of BENCH_BTC_NODE_URL;
 * repeats the whole chain BENCH_DECODE_REPS times, each into a fresh throwaway DuckDB.
 *
 *   BENCH_BTC_NODE_URL=http://… node --import tsx bench/decode-bitcoin-cpu.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BitcoinSource } from '../src/chains/bitcoin/bitcoin-source.ts';
import { createCoreRpcClient } from '../src/chains/bitcoin/core-rpc-client.ts';
import { parseRawBlock } from '../src/chains/bitcoin/parse-raw-block.ts';
import type { BitcoinBlock } from '../src/chains/bitcoin/types.ts';
import { createSourceRegistry, openChainSource } from '../src/ingest/sync/registry.ts';
import { createDuckDbStore } from '../src/store/duckdb/duckdb-store.ts';

const RANGES: readonly [number, number][] = [
  [0, 49],
  [50, 99],
  [100, 299],
  [300, 499],
  [500, 632],
];
const url = process.env.BENCH_BTC_NODE_URL!;
const reps = Number(process.env.BENCH_DECODE_REPS ?? 5);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const rpc = createCoreRpcClient({ url });
const hexes: string[][] = [];
for (const [from, to] of RANGES) {
  const heights: number[] = [];
  for (let h = from; h <= to; h++) heights.push(h);
  const hashes = await rpc.batch(heights.map((h) => ({ method: 'getblockhash', params: [h] })));
  const blocks = await rpc.batch(
    hashes.map((hash) => ({ method: 'getblock', params: [hash, false] })),
  );
  hexes.push(blocks.map(String));
}

let parseMs = 0;
let decodeMs = 0;
let parseWall = 0;
let decodeWall = 0;
let transfers = 0;
const fingerprint: string[] = [];
for (let rep = 0; rep < reps; rep++) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'decode-cpu-'));
  const store = await createDuckDbStore({ path: path.join(dir, 'x.duckdb') });
  try {
    const source = (await openChainSource(createSourceRegistry(), 'bitcoin-regtest', {
      store,
      url,
    })) as BitcoinSource;
    for (let r = 0; r < RANGES.length; r++) {
      const [from] = RANGES[r]!;
      let c = cpu();
      let w = performance.now();
      const raw: BitcoinBlock[] = hexes[r]!.map((hex, i) => parseRawBlock(hex, BigInt(from + i)));
      parseMs += cpu() - c;
      parseWall += performance.now() - w;
      c = cpu();
      w = performance.now();
      const decoded = await source.decode({ headers: raw.map((b) => b.header), raw });
      decodeMs += cpu() - c;
      decodeWall += performance.now() - w;
      transfers += decoded.transfers.length;
      if (rep === 0)
        fingerprint.push(JSON.stringify(decoded, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
      await store.write(async (wr) => {
        await wr.putBlocks(decoded.blocks);
        await wr.appendTransfers(decoded.transfers);
        await wr.appendEvents(decoded.events);
        await wr.putAssets(decoded.assets);
      });
      source.committed?.(decoded);
    }
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const perRep = transfers / reps;
const us = (ms: number) => ((ms * 1000) / transfers).toFixed(2);
console.log(
  `${reps} reps x ${perRep} transfers: parse ${us(parseMs)} us/transfer CPU (${(parseMs / reps).toFixed(0)} ms/rep, wall ${(parseWall / reps).toFixed(0)}), decode ${us(decodeMs)} us/transfer CPU (${(decodeMs / reps).toFixed(0)} ms/rep, wall ${(decodeWall / reps).toFixed(0)}), total ${us(parseMs + decodeMs)} us/transfer`,
);
if (process.env.BENCH_DECODE_OUT)
  fs.writeFileSync(process.env.BENCH_DECODE_OUT, fingerprint.join('\n'));
