import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fault, startFaultProxy } from '../../../test/helpers/fault-proxy.ts';
import { type Anvil, startAnvil } from './anvil.ts';
import { ethCall } from './eth-call.ts';
import { createRpcClient, RpcResponseError } from './rpc-client.ts';

let anvil: Anvil;
beforeAll(async () => {
  anvil = await startAnvil();
});
afterAll(async () => {
  await anvil?.stop();
});

/** Runs `fn` against a fault proxy in front of anvil that plays `faults` first, then forwards. */
async function withFaults<T>(faults: Fault[], fn: (url: string) => Promise<T>) {
  const proxy = await startFaultProxy(anvil.url, (n) => faults[n - 1] ?? { kind: 'forward' });
  try {
    return { value: await fn(proxy.url), counts: proxy.counts };
  } finally {
    await proxy.close();
  }
}

describe('createRpcClient against anvil behind a fault-injecting proxy', () => {
  it('retries 429 (honouring Retry-After), 503 and a timeout, then returns the real answer', async () => {
    const retries: { reason: string; delayMs: number }[] = [];
    const direct = await createRpcClient({ url: anvil.url }).request<string>('eth_chainId', []);
    const { value, counts } = await withFaults(
      [
        { kind: 'status', status: 429, retryAfter: '1' },
        { kind: 'status', status: 503 },
        { kind: 'hang', ms: 5_000 },
      ],
      async (url) => {
        const client = createRpcClient({ url, timeoutMs: 300, onRetry: (r) => retries.push(r) });
        const answer = await client.request<string>('eth_chainId', []);
        expect(client.stats).toEqual({ requests: 4, retries: 3 });
        return answer;
      },
    );
    expect(value).toBe(direct);
    expect(counts.injected).toEqual({ 'status 429': 1, 'status 503': 1, hang: 1 });
    expect(retries.map((r) => r.reason)).toEqual(['HTTP 429', 'HTTP 503', 'timeout']);
    expect(retries[0]!.delayMs).toBe(1000);
  });

  it('does not retry what cannot succeed, and gives up after maxRetries without leaking the URL', async () => {
    await withFaults([{ kind: 'status', status: 400 }], async (url) => {
      const client = createRpcClient({ url });
      await expect(client.request('eth_chainId', [])).rejects.toMatchObject({ code: 'RPC_FAILED' });
      expect(client.stats.retries).toBe(0);
    });
    await expect(
      createRpcClient({ url: anvil.url }).request('no_suchMethod', []),
    ).rejects.toBeInstanceOf(RpcResponseError);
    const always503 = await startFaultProxy(anvil.url, () => ({ kind: 'status', status: 503 }));
    try {
      const secretUrl = always503.url.replace('http://', 'http://user:hunter2@') + '/v2/SECRETKEY';
      const error = await createRpcClient({ url: secretUrl, maxRetries: 2 })
        .request('eth_chainId', [])
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'RPC_FAILED',
        message: expect.stringMatching(/HTTP 503[\s\S]*after 3 attempts/),
      });
      expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toMatch(
        /hunter2|SECRETKEY/,
      );
      expect(always503.counts.requests).toBe(3);
    } finally {
      await always503.close();
    }
  });

  it("reports a reverted eth_call (JSON-RPC code 3) as the node's answer, not retried, with its message", async () => {
    // Creation code that reverts at once (PUSH1 0, PUSH1 0, REVERT): no contract needed.
    const client = createRpcClient({ url: anvil.url });
    const error = await client
      .request('eth_call', [{ data: '0x60006000fd' }, 'latest'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RpcResponseError);
    expect(error).toMatchObject({ rpcCode: 3, nodeMessage: expect.stringMatching(/revert/) });
    expect(client.stats).toEqual({ requests: 1, retries: 0 });
    await expect(
      ethCall(client, { to: '0x0000000000000000000000000000000000000001', data: '0x' }),
    ).resolves.toBe('0x');
  });
});
