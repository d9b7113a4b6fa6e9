import fs from 'node:fs';
import path from 'node:path';
import { Block, Transaction } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../errors/base.ts';
import { parseRawBlock } from './parse-raw-block.ts';
import { displayHash, fromBitcoinjs } from './parse-transaction.ts';
import type { BitcoinBlock } from './types.ts';

const FIXTURES = new URL('../../../test/fixtures/bitcoin-etl/', import.meta.url);

/** What bitcoinjs-lib reads from the same bytes: the reference the parser must equal. */
function viaBitcoinjs(hex: string, height: bigint): BitcoinBlock {
  const block = Block.fromHex(hex);
  return {
    header: {
      number: height,
      hash: block.getId(),
      parentHash: displayHash(block.prevHash!),
      time: block.timestamp,
    },
    transactions: (block.transactions ?? []).map((tx) => fromBitcoinjs(tx)),
  };
}

const le32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b.toString('hex');
};
const wire = (displayed: string) => Buffer.from(displayed, 'hex').reverse().toString('hex');
const compactSize = (n: number) =>
  n < 0xfd ? n.toString(16).padStart(2, '0') : `fd${le32(n).slice(0, 4)}`;

type VerboseBlock = {
  hash: string;
  height: number;
  version: number;
  previousblockhash?: string;
  merkleroot: string;
  time: number;
  bits: string;
  nonce: number;
  tx: { txid: string; hex: string }[] | string[];
};

/**
 * Every recorded mainnet block with its transactions' serialisations (Core's `getblock <hash> 2`),
 * serialised again as `getblock <hash> 0` gives it: header fields, then the transactions.
 */
function recordedBlocks(): { block: VerboseBlock; hex: string }[] {
  const out: { block: VerboseBlock; hex: string }[] = [];
  for (const folder of fs.readdirSync(FIXTURES)) {
    if (!fs.statSync(new URL(folder, FIXTURES)).isDirectory()) continue;
    const dir = new URL(`${folder}/`, FIXTURES);
    for (const name of fs.readdirSync(dir)) {
      if (!name.startsWith('rpc_response_getblock_') || !name.endsWith('_2.json')) continue;
      const answer = JSON.parse(fs.readFileSync(new URL(name, dir), 'utf8')) as {
        result?: VerboseBlock;
      } & VerboseBlock;
      const block = answer.result ?? answer;
      const txs = block.tx as { hex: string }[];
      const hex =
        le32(block.version) +
        wire(block.previousblockhash ?? '00'.repeat(32)) +
        wire(block.merkleroot) +
        le32(block.time) +
        wire(block.bits) +
        le32(block.nonce) +
        compactSize(txs.length) +
        txs.map((t) => t.hex).join('');
      out.push({ block, hex });
    }
  }
  return out;
}

/** The spent transactions recorded for the stream (`getrawtransaction <txid> true`). */
function recordedTransactions(): { txid: string; hex: string }[] {
  const dir = path.join(FIXTURES.pathname, 'stream_50001_50002');
  return fs
    .readdirSync(dir)
    .filter((n) => n.startsWith('rpc_response_getrawtransaction_'))
    .map((n) => {
      const a = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8')) as {
        result?: { txid: string; hex: string };
      } & { txid: string; hex: string };
      return a.result ?? a;
    });
}

const bytes = (length: number, fill: number) => new Uint8Array(length).fill(fill);
const hexBytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

/** Output scripts of every shape the sync meets (byte patterns, not anyone's keys). */
const SCRIPTS = {
  p2pkh: hexBytes(`76a914${'11'.repeat(20)}88ac`),
  p2sh: hexBytes(`a914${'22'.repeat(20)}87`),
  p2wpkh: hexBytes(`0014${'33'.repeat(20)}`),
  p2wsh: hexBytes(`0020${'44'.repeat(32)}`),
  p2tr: hexBytes(`5120${'55'.repeat(32)}`),
  anchor: hexBytes('51024e73'),
  opReturn: hexBytes(`6a0c${Buffer.from('=:e:0x51E9d8').toString('hex')}`),
  /** A script longer than 252 bytes: its length is a 3-byte CompactSize. */
  long: hexBytes(`4d0401${'66'.repeat(260)}75`),
};

/**
 * A block of segwit and taproot shapes, serialised by bitcoinjs-lib: a coinbase with its witness
 * reserved value, a transaction mixing witness and non-witness inputs, a legacy one, and one with
 * 300 outputs (a 3-byte output count).
 */
function segwitBlock(): string {
  const coinbase = new Transaction();
  coinbase.version = 2;
  coinbase.addInput(bytes(32, 0), 0xffffffff, 0xffffffff, hexBytes('0351c30000'));
  coinbase.addOutput(SCRIPTS.p2wpkh, 625_000_000n);
  coinbase.addOutput(hexBytes(`6a24aa21a9ed${'77'.repeat(32)}`), 0n);
  coinbase.setWitness(0, [bytes(32, 0)]);

  const mixed = new Transaction();
  mixed.version = 2;
  mixed.addInput(bytes(32, 0xa1), 0, 0xfffffffd);
  mixed.addInput(bytes(32, 0xa2), 7, 0xffffffff, hexBytes(`47${'30'.repeat(71)}`));
  mixed.addInput(bytes(32, 0xa3), 1);
  for (const s of Object.values(SCRIPTS)) mixed.addOutput(s, 12_345n);
  mixed.setWitness(0, [bytes(71, 0x30), bytes(33, 0x02)]);
  mixed.setWitness(1, []);
  mixed.setWitness(2, [bytes(64, 0x99)]); // a taproot key-path signature
  mixed.locktime = 840_000;

  const legacy = new Transaction();
  legacy.addInput(
    bytes(32, 0xb1),
    3,
    0xffffffff,
    hexBytes(`47${'30'.repeat(71)}21${'02'.repeat(33)}`),
  );
  legacy.addOutput(SCRIPTS.p2pkh, 2_100_000_000_000_000n);

  const wide = new Transaction();
  wide.version = 2;
  wide.addInput(bytes(32, 0xc1), 0);
  for (let n = 0; n < 300; n++) wide.addOutput(n % 2 ? SCRIPTS.p2tr : SCRIPTS.p2sh, BigInt(n));
  wide.setWitness(0, [bytes(64, 0x98)]);

  const block = new Block();
  block.version = 0x20000000;
  block.prevHash = bytes(32, 0xd1);
  block.timestamp = 1_713_571_767;
  block.bits = 0x17034219;
  block.nonce = 2_801_129_418;
  block.transactions = [coinbase, mixed, legacy, wide];
  block.merkleRoot = Block.calculateMerkleRoot(block.transactions);
  return block.toHex();
}

/** The error parseRawBlock throws for `hex`, or null. */
function errorOf(hex: string, height: bigint): unknown {
  try {
    parseRawBlock(hex, height);
    return null;
  } catch (error) {
    return error;
  }
}

describe('parseRawBlock', () => {
  it('reads every recorded mainnet block as bitcoinjs-lib does, ids and hashes as the node gave them', () => {
    const recorded = recordedBlocks();
    expect(recorded.length).toBeGreaterThanOrEqual(5);
    for (const { block, hex } of recorded) {
      const height = BigInt(block.height);
      const parsed = parseRawBlock(hex, height);
      expect(parsed).toEqual(viaBitcoinjs(hex, height));
      expect(parsed.header.hash).toBe(block.hash);
      expect(parsed.transactions.map((t) => t.txid)).toEqual(
        (block.tx as { txid: string }[]).map((t) => t.txid),
      );
    }
  });

  it('reads the recorded spent transactions as bitcoinjs-lib does', () => {
    const txs = recordedTransactions();
    expect(txs.length).toBe(3);
    const hex = `${'00'.repeat(80)}${compactSize(txs.length)}${txs.map((t) => t.hex).join('')}`;
    const parsed = parseRawBlock(hex, 1n);
    expect(parsed).toEqual(viaBitcoinjs(hex, 1n));
    expect(parsed.transactions.map((t) => t.txid)).toEqual(txs.map((t) => t.txid));
  });

  it('reads segwit, taproot, long scripts and wide transactions as bitcoinjs-lib does; ids leave witnesses out', () => {
    const hex = segwitBlock();
    const parsed = parseRawBlock(hex, 840_000n);
    expect(parsed).toEqual(viaBitcoinjs(hex, 840_000n));
    const [coinbase, mixed, legacy, wide] = parsed.transactions;
    expect(coinbase!.coinbase).toBe(true);
    expect(coinbase!.inputs).toEqual([]);
    expect(mixed!.inputs.map((i) => i.vout)).toEqual([0, 7, 1]);
    expect(mixed!.outputs.map((o) => Buffer.from(o.script).toString('hex'))).toEqual(
      Object.values(SCRIPTS).map((s) => Buffer.from(s).toString('hex')),
    );
    expect(legacy!.outputs[0]!.value).toBe(2_100_000_000_000_000n);
    expect(wide!.outputs).toHaveLength(300);
    // The id is the hash without witnesses (bitcoinjs-lib's getId), not with them (getHash(true)).
    const tx = Block.fromHex(hex).transactions![1]!;
    expect(mixed!.txid).toBe(tx.getId());
    expect(mixed!.txid).not.toBe(displayHash(tx.getHash(true)));
  });

  it('reads a bare header as a block without transactions, as bitcoinjs-lib does', () => {
    const hex = segwitBlock().slice(0, 160);
    expect(parseRawBlock(hex, 3n)).toEqual(viaBitcoinjs(hex, 3n));
  });

  it('refuses malformed bytes with a UserError naming the block', () => {
    const good = segwitBlock();
    const txCountAt = 160; // the CompactSize after the 80-byte header
    expect(good.slice(txCountAt, txCountAt + 2)).toBe('04');
    const cases: [string, string, RegExp][] = [
      ['truncated', good.slice(0, -10), /needs \d+ bytes at offset \d+, but the block ends/],
      [
        'cut after the coinbase',
        good.slice(0, 700),
        /needs \d+ bytes|more than the \d+ bytes left/,
      ],
      ['shorter than a header', good.slice(0, 100), /shorter than a block header/],
      ['trailing bytes', `${good}00`, /1 bytes after its last transaction/],
      ['not hex', `${good.slice(0, -2)}zz`, /not hex/],
      ['odd length', `${good}0`, /not hex/],
      [
        'a CompactSize not in its shortest form',
        `${good.slice(0, txCountAt)}fd0400${good.slice(txCountAt + 2)}`,
        /not in its shortest form/,
      ],
      [
        'a count larger than the block',
        `${good.slice(0, txCountAt)}feffffff7f${good.slice(txCountAt + 2)}`,
        /more than the \d+ bytes left hold/,
      ],
    ];
    for (const [what, hex, message] of cases) {
      const error = errorOf(hex, 777n);
      expect(error, what).toBeInstanceOf(UserError);
      expect((error as UserError).code, what).toBe('RPC_BAD_RESPONSE');
      expect((error as Error).message, what).toMatch(/^Block 777 cannot be decoded: /);
      expect((error as Error).message, what).toMatch(message);
    }
  });
});
