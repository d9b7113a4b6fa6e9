import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ReplayBitcoinRpc,
  startReplayBitcoinRpc,
} from '../../../test/helpers/replay-bitcoin-rpc.ts';
import { RpcResponseError } from '../evm/rpc-client.ts';
import { createCoreRpcClient } from './core-rpc-client.ts';

let node: ReplayBitcoinRpc;
beforeAll(async () => {
  node = await startReplayBitcoinRpc({ folders: ['stream_50001_50002', 'block_0'] });
});
afterAll(async () => {
  await node?.close();
});

/** What the proxy does with the nth request: answer itself, or forward to the replay. */
type Fault =
  { kind: 'forward' } | { kind: 'answer'; status: number; body: string } | { kind: 'hang' };

/**
 * A proxy in front of the replay that plays `faults` in order, then forwards (credentials included,
 * as they came): how Bitcoin Core answers when busy (503 "Work queue depth exceeded", plain text),
 * starting (-28 with HTTP 500), or silent.
 */
async function withFaults<T>(
  faults: Fault[],
  fn: (url: string) => Promise<T>,
  seen: { atMs: number; calls: number }[] = [],
): Promise<T> {
  let n = 0;
  const target = new URL(node.bareUrl);
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const sent = JSON.parse(Buffer.concat(chunks).toString()) as unknown;
    seen.push({ atMs: performance.now(), calls: Array.isArray(sent) ? sent.length : 1 });
    const fault = faults[n++] ?? { kind: 'forward' };
    if (fault.kind === 'answer') {
      res.writeHead(fault.status, { 'content-type': 'text/plain' });
      res.end(fault.body);
      return;
    }
    if (fault.kind === 'hang') {
      hanging.push(res);
      return;
    }
    const up = await fetch(target, {
      method: 'POST',
      headers: {
        authorization: req.headers.authorization ?? '',
        'content-type': 'application/json',
      },
      body: Buffer.concat(chunks),
    });
    res.writeHead(up.status, { 'content-type': 'application/json' });
    res.end(await up.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = node.url.replace(/127\.0\.0\.1:\d+/, `127.0.0.1:${port}`);
  try {
    return await fn(url);
  } finally {
    for (const r of hanging) r.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const SPENT = '76a8d70a757be5055f60be076b683897cadaad6b7bdf78c43e39b9d59cb4a6ea';

describe('createCoreRpcClient against the recorded mainnet answers', () => {
  it('keeps every number of an answer as the node wrote it (BTC amounts never become floats)', async () => {
    const rpc = createCoreRpcClient({ url: node.url });
    const tx = await rpc.request<{ vout: { value: string; n: string }[]; time: string }>(
      'getrawtransaction',
      [SPENT, true],
    );
    expect(tx.vout[0]).toMatchObject({ value: '50.00000000', n: '0' });
    expect(tx.time).toBe('1270830760');
    expect(await rpc.request('getblockcount', [])).toBe('500000');
  });

  it('retries a busy node (503), a starting one (-28 with HTTP 500) and a timeout, then returns the answer', async () => {
    const retries: string[] = [];
    const answer = await withFaults(
      [
        { kind: 'answer', status: 503, body: 'Work queue depth exceeded' },
        {
          kind: 'answer',
          status: 500,
          body: '{"result":null,"error":{"code":-28,"message":"Loading block index…"},"id":1}',
        },
        { kind: 'hang' },
      ],
      async (url) => {
        const rpc = createCoreRpcClient({
          url,
          timeoutMs: 300,
          onRetry: (r) => retries.push(r.reason),
        });
        const hash = await rpc.request<string>('getblockhash', [0]);
        expect(rpc.stats).toEqual({ requests: 4, retries: 3 });
        return hash;
      },
    );
    expect(answer).toBe('000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f');
    expect(retries).toEqual(['HTTP 503', 'RPC error -28', 'timeout']);
  });

  it("gives the node's errors at once, unretried: an RPC error with HTTP 500 and an unknown method with 404", async () => {
    const rpc = createCoreRpcClient({ url: node.url });
    const error = await rpc.request('getblock', ['00'.repeat(32), 2]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcResponseError);
    expect(error).toMatchObject({ code: 'RPC_ERROR', rpcCode: -1 });
    const unknown = await rpc.request('getbestblockhash', []).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ rpcCode: -32601, nodeMessage: 'Method not found' });
    expect(rpc.stats).toEqual({ requests: 2, retries: 0 });
  });

  it('sends a batch in one request and gives each call its result or its error', async () => {
    const rpc = createCoreRpcClient({ url: node.url });
    const answers = await rpc.batch([
      { method: 'getblockhash', params: [50001] },
      { method: 'getblockhash', params: [123] },
      { method: 'getblockhash', params: [50002] },
    ]);
    expect(answers[0]).toBe('000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141');
    expect(answers[1]).toBeInstanceOf(RpcResponseError);
    expect(answers[2]).toBe('000000002066d7f9b134c30b5005b7bf5fbfa52f279883f1fde793dcdc964266');
    expect(rpc.stats.requests).toBe(3);
  });

  it('under an rps cap, sends a batch in requests of at most rps calls, no second holding more', async () => {
    const seen: { atMs: number; calls: number }[] = [];
    const rps = 10;
    const answers = await withFaults(
      [],
      (url) =>
        createCoreRpcClient({ url, rps }).batch(
          Array.from({ length: 25 }, () => ({ method: 'getblockhash', params: [50001] })),
        ),
      seen,
    );
    expect(answers).toHaveLength(25);
    expect(new Set(answers)).toEqual(
      new Set(['000000001c920d495e1eeef2452b6d1c6c229a919b28196c103ecffebabee141']),
    );
    expect(seen.map((r) => r.calls)).toEqual([10, 10, 5]);
    for (const [i, r] of seen.entries()) {
      const inSecond = seen.slice(i).filter((x) => x.atMs - r.atMs < 1000);
      expect(inSecond.reduce((sum, x) => sum + x.calls, 0)).toBeLessThanOrEqual(rps);
    }
  });

  it('fails after maxRetries with the method and a redacted endpoint, never the credentials', async () => {
    await withFaults(
      Array.from({ length: 3 }, () => ({
        kind: 'answer' as const,
        status: 502,
        body: 'bad gateway',
      })),
      async (url) => {
        const error = await createCoreRpcClient({ url, maxRetries: 2 })
          .request('getblockcount', [])
          .catch((e: unknown) => e);
        expect(error).toMatchObject({
          code: 'RPC_FAILED',
          message: expect.stringMatching(/getblockcount failed: HTTP 502[\s\S]*after 3 attempts/),
        });
        expect(`${String(error)} ${JSON.stringify(error)} ${(error as Error).stack}`).not.toMatch(
          /replay-secret|chaintrail:/,
        );
      },
    );
  });
});
