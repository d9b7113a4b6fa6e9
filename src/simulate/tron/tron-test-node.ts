import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeAbiParameters } from 'viem';
import { TRON_API_KEY_HEADER } from '../../chains/tron/tron-http-client.ts';
import type { TronTestChain } from './tron-test-chain.ts';
import { tronHex41 } from './tron-test-chain.ts';

/** The most a request body may be: every answered request is a few numbers. */
const MAX_BODY_BYTES = 64 * 1024;
/** `getblockbylimitnext`'s documented cap on `endNum - startNum`. */
const LIMIT_NEXT_BLOCKS = 100;

/**
 * JSON with bigints written as bare number literals, as java-tron writes int64 fields (amounts past
 * 2^53 included), which `JSON.stringify` cannot do.
 */
export function tronJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? `__int64__${v.toString()}` : v,
  ).replace(/"__int64__(-?\d+)"/g, '$1');
}

/**
 * A fault the node injects into its `n`th request (1 for the first), for tests of a client's
 * retries: an HTTP status (with Retry-After), or the real answer cut in half.
 */
export type TronNodeFault =
  { kind: 'status'; status: number; retryAfter?: string } | { kind: 'truncate' };

/** Counts of what the node was asked, for benchmarks and tests. */
export type TronTestNodeStats = { requests: number; byPath: Map<string, number> };

export type TronTestNode = {
  /** The HTTP API root, e.g. `http://127.0.0.1:41234`. */
  url: string;
  stats: TronTestNodeStats;
  close(): Promise<void>;
};

/**
 * Serves a {@link TronTestChain} over the `/wallet/` paths a sync reads, answering as java-tron's
 * servlets do (documented in tronprotocol/documentation-en, `docs/api/http/`): POST (or GET with
 * query parameters) JSON, `{}` for "none", HTTP 200 with `{"Error": "…"}` for a request it cannot
 * serve. With `apiKey` it answers 401 unless the request carries TronGrid's `TRON-PRO-API-KEY`.
 * Paths: `getnowblock`, `getblockbynum`, `getblockbylimitnext` (at most 100 blocks, end exclusive),
 * `gettransactioninfobyblocknum`, `triggerconstantcontract` (`symbol()` and `decimals()` of the
 * chain's tokens).
 *
 * @example
 * const node = await startTronTestNode(chain);
 * // chaintrail sync --chain tron --rpc ${node.url}
 * await node.close();
 */
export async function startTronTestNode(
  chain: TronTestChain,
  options: {
    apiKey?: string;
    port?: number;
    /** A fault for the `n`th request, or null to answer it. */
    fault?: (n: number, path: string) => TronNodeFault | null;
  } = {},
): Promise<TronTestNode> {
  const stats: TronTestNodeStats = { requests: 0, byPath: new Map() };
  const answer = (path: string, body: Record<string, unknown>): unknown => {
    const blocks = chain.blocks;
    const num = (field: string) => {
      const v = body[field];
      const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
      if (n === undefined) return 0; // the protobuf default, as the node reads a missing field
      if (typeof n !== 'number' || !Number.isSafeInteger(n))
        throw new Error(`class org.tron.json.JSONException : ${field} is not an int64`);
      return n;
    };
    switch (path) {
      case '/wallet/getnowblock':
        // A chain still being built (the simulator binds its port first) has no block yet.
        return blocks[blocks.length - 1]?.block ?? {};
      case '/wallet/getblockbynum':
        return blocks[num('num')]?.block ?? {};
      case '/wallet/getblockbylimitnext': {
        const start = num('startNum');
        const end = num('endNum');
        if (!(end > start) || end - start > LIMIT_NEXT_BLOCKS) return {};
        const out = blocks.slice(start, end).map((b) => b.block);
        return out.length === 0 ? {} : { block: out };
      }
      case '/wallet/gettransactioninfobyblocknum': {
        const n = num('num');
        if (n <= 0) return {};
        return blocks[n]?.infos ?? [];
      }
      case '/wallet/triggerconstantcontract': {
        const contract = String(body.contract_address ?? '').toLowerCase();
        const token = [...chain.tokens].find(([address]) => tronHex41(address) === contract)?.[1];
        const selector = body.function_selector;
        // A revert as java-tron answers it: `result.result` true, a message, the transaction's
        // `ret` FAILED and the revert data (here `Error("no such function")`) in constant_result.
        if (token === undefined || (selector !== 'symbol()' && selector !== 'decimals()'))
          return {
            result: {
              result: true,
              message: Buffer.from('REVERT opcode executed').toString('hex'),
            },
            constant_result: [
              `08c379a0${encodeAbiParameters([{ type: 'string' }], ['no such function']).slice(2)}`,
            ],
            transaction: { ret: [{ ret: 'FAILED' }] },
          };
        const data =
          selector === 'symbol()'
            ? encodeAbiParameters([{ type: 'string' }], [token.symbol])
            : encodeAbiParameters([{ type: 'uint8' }], [token.decimals]);
        return { result: { result: true }, constant_result: [data.slice(2)] };
      }
      default:
        return null;
    }
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let size = 0;
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= MAX_BODY_BYTES) parts.push(d);
    });
    req.on('end', () => {
      stats.requests++;
      stats.byPath.set(url.pathname, (stats.byPath.get(url.pathname) ?? 0) + 1);
      const fault = options.fault?.(stats.requests, url.pathname) ?? null;
      if (fault?.kind === 'status') {
        res.writeHead(fault.status, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
        res.end();
        return;
      }
      const send = (status: number, text: string) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(fault?.kind === 'truncate' ? text.slice(0, Math.floor(text.length / 2)) : text);
      };
      if (
        options.apiKey !== undefined &&
        req.headers[TRON_API_KEY_HEADER.toLowerCase()] !== options.apiKey
      )
        return send(401, '{"Error":"ApiKey not exists"}');
      if (size > MAX_BODY_BYTES) return send(413, 'Payload Too Large');
      let body: Record<string, unknown> = Object.fromEntries(url.searchParams);
      try {
        const text = Buffer.concat(parts).toString('utf8');
        if (text.trim() !== '') body = JSON.parse(text) as Record<string, unknown>;
        const out = answer(url.pathname, body ?? {});
        if (out === null) return send(404, '');
        send(200, tronJson(out));
      } catch (error) {
        send(200, tronJson({ Error: (error as Error).message }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
