import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { address as btcAddress, Block, networks, payments } from 'bitcoinjs-lib';
import { keccak256, stringToBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BcoinNode, SEGWIT_ACTIVATION_HEIGHT, startBcoinNode } from './bcoin-node.ts';
import { p2wpkhKey } from './p2wpkh-key.ts';
import { signP2wpkhTransaction } from './sign-p2wpkh-transaction.ts';

const key = (label: string) => p2wpkhKey(keccak256(stringToBytes(`bcoin-node.test:${label}`)));
const bcoinHome = path.join(os.homedir(), '.bcoin');
const homeBefore = fs.existsSync(bcoinHome);

let node: BcoinNode;
/** Hash of the last start block of the first node. */
let startTip: string;
beforeAll(async () => {
  node = await startBcoinNode();
  startTip = await node.rpc<string>('getblockhash', [SEGWIT_ACTIVATION_HEIGHT]);
});
afterAll(async () => {
  await node?.stop();
});

/** A block as a client reads it: raw (`getblock <hash> 0`, the form bcoin and Core share), decoded. */
async function readBlock(hash: string): Promise<Block> {
  return Block.fromHex(await node.rpc<string>('getblock', [hash, 0]));
}

describe('startBcoinNode', () => {
  it('answers JSON-RPC on 127.0.0.1 with the key in its URL only, segwit active', async () => {
    const url = new URL(node.rpcUrl);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.password.length).toBeGreaterThan(20);
    expect(await node.rpc<number>('getblockcount')).toBe(SEGWIT_ACTIVATION_HEIGHT);
    const info = await node.rpc<{
      chain: string;
      bip9_softforks: Record<string, { status: string }>;
    }>('getblockchaininfo');
    expect(info.chain).toBe('regtest');
    expect(info.bip9_softforks.segwit!.status).toBe('active');
    const anonymous = await fetch(`http://127.0.0.1:${url.port}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'getblockcount', params: [] }),
    });
    expect(anonymous.status).toBe(401);
    // No peers: it never connected nor listened.
    expect(await node.rpc<number>('getconnectioncount')).toBe(0);
  });

  it('sends with an OP_RETURN; the mined block, read raw over RPC, holds both outputs and the fee', async () => {
    const to = key('payee');
    const memo = `OUT:${'AB'.repeat(32)}`;
    const sent = await node.send({ to: to.address, amount: 1_234_567n, opReturn: memo });
    const [hash] = await node.mine(1);
    const block = await readBlock(hash!);
    const tx = block.transactions!.find((t) => t.getId() === sent.txid)!;
    expect(tx).toBeDefined();
    const paid = tx.outs.find((o) => {
      try {
        return btcAddress.fromOutputScript(o.script, networks.regtest) === to.address;
      } catch {
        return false;
      }
    });
    expect(paid?.value).toBe(1_234_567n);
    const opReturn = tx.outs.find((o) => o.script[0] === 0x6a)!;
    expect(
      payments.embed({ output: opReturn.script }).data!.map((d) => Buffer.from(d).toString()),
    ).toEqual([memo]);
    // The fee: what the spent outputs held less what the outputs pay, at 2 sat/vB or a little more
    // (the fee is reckoned on 72-byte signatures; they come out 71 or 72).
    let held = 0n;
    for (const input of tx.ins) held += (await findOutput(input.hash, input.index)).value;
    const fee = held - tx.outs.reduce((sum, o) => sum + o.value, 0n);
    expect(fee).toBeGreaterThanOrEqual(BigInt(tx.virtualSize()) * 2n);
    expect(fee).toBeLessThanOrEqual(BigInt(tx.virtualSize() + tx.ins.length) * 2n);
  });

  it('dates blocks as asked, never at or before the median of the 11 before them', async () => {
    const time = 1_740_147_215;
    const hashes = await node.mine(11, key('miner').address, { time });
    for (const [i, hash] of hashes.entries())
      expect((await readBlock(hash)).timestamp).toBe(time + i * 600);
    // Asked for an earlier date, the next block takes the median of those 11, plus one second.
    const [late] = await node.mine(1, undefined, { time: time - 86_400 });
    expect((await readBlock(late!)).timestamp).toBe(time + 5 * 600 + 1);
    // The coinbases pay the address asked for.
    const coinbase = (await readBlock(hashes[0]!)).transactions![0]!;
    expect(btcAddress.fromOutputScript(coinbase.outs[0]!.script, networks.regtest)).toBe(
      key('miner').address,
    );
  });

  it('refuses a double spend, naming the rule', async () => {
    const payer = key('payer');
    const funded = await node.send({ to: payer.address, amount: 100_000n });
    await node.mine(1);
    const spend = (to: string, value: bigint) =>
      signP2wpkhTransaction({
        inputs: [{ txid: funded.txid, vout: 0, value: 100_000n, key: payer }],
        outputs: [{ script: key(to).script, value }],
      });
    const first = await spend('a', 99_000n);
    expect(await node.sendRawTransaction(first.hex)).toBe(first.txid);
    const second = await spend('b', 98_000n);
    await expect(node.sendRawTransaction(second.hex)).rejects.toMatchObject({
      code: 'BITCOIN_TX_REJECTED',
      message: expect.stringMatching(/bcoin refused transaction [0-9a-f]{64}: /),
    });
    await node.mine(1);
  });

  it('reorganises: invalidateblock, then a longer branch on the parent; a resent transaction lands in it', async () => {
    const to = key('reorged');
    const sent = await node.send({ to: to.address, amount: 50_000n });
    await node.mine(3);
    const height = await node.rpc<number>('getblockcount');
    const inBlock = await node.rpc<string>('getblockhash', [height - 2]);
    expect((await readBlock(inBlock)).transactions!.some((t) => t.getId() === sent.txid)).toBe(
      true,
    );
    const { removed, added } = await node.reorg(3);
    expect(removed).toHaveLength(3);
    expect(added).toHaveLength(4);
    expect(await node.rpc<number>('getblockcount')).toBe(height + 1);
    for (const [i, hash] of added.entries())
      expect(await node.rpc<string>('getblockhash', [height - 2 + i])).toBe(hash);
    expect(added.some((h) => removed.includes(h))).toBe(false);
    // The new branch starts on the parent of the first removed block.
    const first = await readBlock(added[0]!);
    expect(Buffer.from(first.prevHash!).reverse().toString('hex')).toBe(
      await node.rpc<string>('getblockhash', [height - 3]),
    );
    // bcoin deletes invalidated blocks (Core would keep them as a stale branch).
    await expect(node.rpc('getblock', [removed[0], 0])).rejects.toThrow(/Block not found/);
    for (const hash of added)
      expect((await readBlock(hash)).transactions!.some((t) => t.getId() === sent.txid)).toBe(
        false,
      );
    await node.sendRawTransaction(sent.hex);
    const [next] = await node.mine(1);
    expect((await readBlock(next!)).transactions!.some((t) => t.getId() === sent.txid)).toBe(true);
  });

  it('takes raw (0) and verbose (1) getblock, not Core’s verbosity 2', async () => {
    const hash = await node.rpc<string>('getbestblockhash');
    const verbose = await node.rpc<{ hash: string; tx: string[] }>('getblock', [hash, 1]);
    expect(verbose.hash).toBe(hash);
    expect(verbose.tx[0]).toBe((await readBlock(hash)).transactions![0]!.getId());
    await expect(node.rpc('getblock', [hash, 2])).rejects.toThrow();
  });

  it('keeps working after a client drops its connection mid-request (a killed sync)', async () => {
    const url = new URL(node.rpcUrl);
    const socket = net.connect(Number(url.port), '127.0.0.1');
    await once(socket, 'connect');
    // Half a request, then a reset (RST), as the kernel does for a process killed mid-request.
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{"method"');
    // A whole call on another connection: by its answer the node has taken the first one's bytes.
    const height = await node.rpc<number>('getblockcount');
    socket.resetAndDestroy();
    await once(socket, 'close');
    expect(await node.rpc<number>('getblockcount')).toBe(height);
    const [hash] = await node.mine(1);
    expect(await node.rpc<string>('getblockhash', [height + 1])).toBe(hash);
  });

  it('stops: the port closes, and no files were written', async () => {
    const port = new URL(node.rpcUrl).port;
    await node.stop();
    await expect(fetch(`http://127.0.0.1:${port}/`, { method: 'POST' })).rejects.toThrow();
    expect(fs.existsSync(bcoinHome)).toBe(homeBefore);
    await node.stop(); // twice is harmless
  });

  it('starts the same chain every time: its first blocks are dated and paid alike', async () => {
    const again = await startBcoinNode();
    try {
      expect(await again.rpc<string>('getblockhash', [SEGWIT_ACTIVATION_HEIGHT])).toBe(startTip);
    } finally {
      await again.stop();
    }
  });
});

/** The output a transaction input spends, found by reading the chain from block 1 up. */
async function findOutput(hash: Uint8Array, index: number): Promise<{ value: bigint }> {
  const txid = Buffer.from(hash).reverse().toString('hex');
  const tip = await node.rpc<number>('getblockcount');
  for (let h = 1; h <= tip; h++) {
    const block = await readBlock(await node.rpc<string>('getblockhash', [h]));
    const tx = block.transactions!.find((t) => t.getId() === txid);
    if (tx) return tx.outs[index]!;
  }
  throw new Error(`no transaction ${txid}`);
}
