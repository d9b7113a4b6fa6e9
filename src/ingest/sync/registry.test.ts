import { once } from 'node:events';
import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { createEvmSource } from '../../chains/evm/evm-source.ts';
import { createTronSource } from '../../chains/tron/tron-source.ts';
import { getChain } from '../../model/chains.ts';
import type { ChainSource, ChainSourceFactory, OpenChainSourceParameters } from './chain-sync.ts';
import { createSourceRegistry, openChainSource } from './registry.ts';

/** A factory that opens nothing real: it records what it was given and returns an empty chain. */
function recordingFactory(calls: OpenChainSourceParameters[]): ChainSourceFactory {
  return async (parameters) => {
    calls.push(parameters);
    const source: ChainSource = {
      chain: getChain(parameters.chain ?? 'tron'),
      stream: 'recorded-sync',
      head: async () => 0n,
      blockHash: async () => null,
      fetchBlocks: async () => ({ headers: [], raw: null }),
      decode: async () => ({ blocks: [], transfers: [], events: [], assets: [] }),
    };
    return source;
  };
}

describe('chain source registry', () => {
  const ctx = useTempStore();

  it('has the EVM, Bitcoin and Tron sources, and refuses a chain of another family naming it and the families that can be synced', async () => {
    const registry = createSourceRegistry();
    expect(registry.evm).toBe(createEvmSource);
    const open = (chain: string) =>
      openChainSource(registry, chain, { store: ctx.store, url: 'http://127.0.0.1:1' });
    expect(registry.tron).toBe(createTronSource);
    await expect(open('ltc')).rejects.toMatchObject({
      code: 'CHAIN_NOT_SYNCABLE',
      message: expect.stringMatching(
        /^Cannot sync litecoin: there is no sync source for the other family; chains of these families can be synced: evm, bitcoin, tron$/,
      ),
    });
    await expect(open('etherium')).rejects.toMatchObject({ code: 'UNKNOWN_CHAIN' });
  });

  it('opens EVM chains, by family or by chain, with the EVM source', async () => {
    // A port nothing listens on: the EVM source's first request (eth_chainId) cannot reach it.
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    await new Promise((r) => server.close(r));
    for (const chain of ['evm', 'ethereum', 'polygon'])
      await expect(
        openChainSource(createSourceRegistry(), chain, {
          store: ctx.store,
          url: `http://127.0.0.1:${port}`,
        }),
      ).rejects.toMatchObject({
        code: 'RPC_UNREACHABLE',
        message: expect.stringMatching(
          /^Cannot reach the JSON-RPC endpoint http:\/\/127\.0\.0\.1:/,
        ),
      });
  });

  it("hands the family's factory the chain: named, from parameters, or left to the factory", async () => {
    const evm: OpenChainSourceParameters[] = [];
    const tron: OpenChainSourceParameters[] = [];
    // A family is added with one entry.
    const registry = {
      ...createSourceRegistry(),
      evm: recordingFactory(evm),
      tron: recordingFactory(tron),
    };
    const base = { store: ctx.store, url: 'http://127.0.0.1:1' };
    await openChainSource(registry, 'evm', base);
    await openChainSource(registry, 'evm', { ...base, chain: 'polygon' });
    await openChainSource(registry, 'eth', base);
    const opened = await openChainSource(registry, 'tron', base);
    expect(evm.map((p) => p.chain)).toEqual([undefined, 'polygon', 'eth']);
    expect(tron.map((p) => p.chain)).toEqual(['tron']);
    expect(opened.chain.key).toBe('tron');
  });
});
