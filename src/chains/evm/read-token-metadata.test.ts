import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Hex } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeDecimalsResult, decodeSymbolResult } from './read-token-metadata.ts';

// Real mainnet answers to eth_call symbol() (0x95d89b41) and decimals() (0x313ce567), recorded by
// ethereum-etl's tests, with the metadata ethereum-etl exported from them (see the PROVENANCE.md).
const ETL = path.resolve(import.meta.dirname, '../../../test/fixtures/ethereum-etl');
const CASES = [
  {
    what: 'EOS: symbol() returns a right-padded bytes32',
    dir: 'test_export_tokens_job/token_with_alternative_return_type',
    token: '0x86fa049857e0209aa7d9e616f7eb3b3b78ecfdb0',
    exported: 'expected_tokens.csv',
  },
  {
    what: 'a string symbol padded with NUL bytes',
    dir: 'test_export_tokens_job/token_with_invalid_data',
    token: '0xf763be8b3263c268e9789abfb3934564a7b80054',
    exported: 'expected_tokens.csv',
  },
  {
    what: 'an empty string symbol and 0 decimals',
    dir: 'test_stream/blocks_2112234_2112234',
    token: '0xdbdacfc9eb9d42559ac1efbdb40460c728139e6a',
    exported: 'expected_tokens.json',
  },
];

function answer(dir: string, selector: string, token: string): Hex {
  const file = path.join(
    ETL,
    dir,
    `web3_response.eth_call_data_${selector}_to_${token}_latest.json`,
  );
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { result: Hex }).result;
}

/** What ethereum-etl exported for the token: symbol ('' when none) and decimals. */
function exported(dir: string, file: string): { symbol: string; decimals: string } {
  const text = fs.readFileSync(path.join(ETL, dir, file), 'utf8');
  const [row] = file.endsWith('.csv')
    ? (parse(text, { columns: true }) as Record<string, string>[])
    : text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { symbol: String(row!.symbol), decimals: String(row!.decimals) };
}

describe('decoding recorded mainnet answers to symbol() and decimals()', () => {
  for (const c of CASES)
    it(c.what, () => {
      const expected = exported(c.dir, c.exported);
      const symbol = decodeSymbolResult(answer(c.dir, '0x95d89b41', c.token));
      const decimals = decodeDecimalsResult(answer(c.dir, '0x313ce567', c.token));
      // The same symbol as ethereum-etl's export, NUL padding dropped; none where it had none.
      expect(symbol).toBe(expected.symbol === '' ? null : expected.symbol.replace(/\0+$/, ''));
      expect(decimals).toBe(Number(expected.decimals));
    });

  it('gives null for no data, undecodable data and out-of-range decimals', () => {
    expect(decodeSymbolResult('0x')).toBeNull();
    expect(decodeSymbolResult(null)).toBeNull();
    expect(decodeSymbolResult('0x1234')).toBeNull();
    expect(decodeDecimalsResult('0x')).toBeNull();
    expect(decodeDecimalsResult(`0x${'00'.repeat(31)}ff`)).toBe(255);
    expect(decodeDecimalsResult(`0x${'00'.repeat(30)}0100`)).toBeNull();
  });
});
