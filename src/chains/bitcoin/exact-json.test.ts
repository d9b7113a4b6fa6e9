import fs from 'node:fs';
import path from 'node:path';
import { networks } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { BITCOIN_ETL_FIXTURES } from '../../../test/helpers/replay-bitcoin-rpc.ts';
import { btcToSatoshis, parseExactJson } from './exact-json.ts';
import { parseVerboseBlock } from './parse-verbose-block.ts';

const BLOCK_50001 = path.join(
  BITCOIN_ETL_FIXTURES,
  'stream_50001_50002/rpc_response_getblock_000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141_2.json',
);

describe('btcToSatoshis', () => {
  it('reads BTC texts exactly, where floats would not', () => {
    expect(btcToSatoshis('50.00000000')).toBe(5_000_000_000n);
    expect(btcToSatoshis('0.29')).toBe(29_000_000n);
    expect(Math.trunc(0.29 * 1e8)).toBe(28_999_999); // what going through a float gives
    expect(btcToSatoshis('20999999.97690000')).toBe(2_099_999_997_690_000n);
    expect(btcToSatoshis('1e-7')).toBe(10n);
    expect(btcToSatoshis('2.5E+1')).toBe(2_500_000_000n);
    expect(btcToSatoshis('0.000000010')).toBe(1n);
  });

  it('refuses what is no amount of satoshis', () => {
    for (const bad of ['-1', '0.000000001', '1e-9', 'abc', '', '1.', '.5'])
      expect(() => btcToSatoshis(bad), bad).toThrow(/Invalid amount/);
  });
});

describe('parseExactJson', () => {
  it('keeps every number as its literal text and leaves strings alone', () => {
    expect(
      parseExactJson(
        '{"value": 0.00012345, "n": 0, "s": "1.5", "ok": true, "x": null, "a": [-1e-7]}',
      ),
    ).toEqual({ value: '0.00012345', n: '0', s: '1.5', ok: true, x: null, a: ['-1e-7'] });
    expect(() => parseExactJson('{"a": ')).toThrow(/Not valid JSON/);
  });
});

describe('parseVerboseBlock', () => {
  it("reads block 50001 the same from each transaction's hex and, without it, from its JSON amounts", () => {
    const text = fs.readFileSync(BLOCK_50001, 'utf8');
    const withHex = parseVerboseBlock(text, networks.bitcoin);
    const noHex = parseExactJson(text) as { tx: { hex?: string }[] };
    for (const tx of noHex.tx) delete tx.hex;
    expect(parseVerboseBlock(noHex, networks.bitcoin)).toEqual(withHex);
    expect(withHex.transactions.map((t) => t.outputs.map((o) => o.value))).toEqual([
      [5_000_000_000n],
      [10_000_000_000n],
      [5_000_000_000n],
    ]);
    expect(withHex.header).toEqual({
      number: 50001n,
      hash: '000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141',
      parentHash: '000000001aeae195809d120b5d66a39c83eb48792e068f8ea1fea19d84a4278a',
      time: 1270917100,
    });
  });
});
