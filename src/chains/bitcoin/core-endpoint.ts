import type { Network } from 'bitcoinjs-lib';
import { UserError } from '../../errors/base.ts';
import { RpcResponseError } from '../evm/rpc-client.ts';
import type { CoreRpcClient } from './core-rpc-client.ts';
import { getBlock, getBlockCount } from './core-rpc.ts';
import { btcToSatoshis } from './exact-json.ts';
import type { BitcoinEndpoint } from './endpoint.ts';
import { parseRawBlock } from './parse-raw-block.ts';
import { parseTransactionHex } from './parse-transaction.ts';
import { parseVerboseBlock } from './parse-verbose-block.ts';
import type { BitcoinBlock, BitcoinTransaction } from './types.ts';

/** Calls per JSON-RPC batch (getblockhash of a range, getrawtransaction of spent transactions). */
const RPC_BATCH_CALLS = 100;
/**
 * `getblock` calls per JSON-RPC batch: a mainnet block is 1-4 MB of hex, so 10 make an answer of
 * at most about 40 MB; the batches of a range go in parallel. One HTTP request per block cost the
 * Bitcoin sync benchmark's 633 blocks 633 requests.
 */
const GETBLOCK_BATCH_CALLS = 10;
/**
 * Core's errors for a block it does not have (RPC_INVALID_ADDRESS_OR_KEY, "Block not found") and a
 * height past its tip (RPC_INVALID_PARAMETER, "Block height out of range"); bcoin answers both
 * with -1 (RPC_MISC_ERROR) and those messages.
 */
const BLOCK_NOT_FOUND = /block not found|out of range/i;

/**
 * The `getblock` form a node answers, tried in this order once and then kept: 3 (Core 23+: inputs
 * carry the output they spend, so no `getrawtransaction`), 2 (each transaction with its `hex`),
 * `false` (the serialised block; bcoin takes only a boolean and older nodes no verbosity above 2).
 */
const GETBLOCK_FORMS = [3, 2, false] as const;
type GetBlockForm = (typeof GETBLOCK_FORMS)[number];

const isMissing = (e: unknown) => e instanceof RpcResponseError && BLOCK_NOT_FOUND.test(e.message);

type RawTransactionAnswer = {
  hex?: string;
  vout?: { value?: string; n?: string; scriptPubKey?: { hex?: string } }[];
};

/**
 * A spent transaction from `getrawtransaction <txid> true`: from its `hex` (exact), or, from a node
 * that leaves `hex` out, from `vout[n].value` read as the literal BTC text the node wrote (the
 * client never parses numbers to floats) and `scriptPubKey.hex`. Only the outputs matter here.
 */
function spentTransaction(txid: string, answer: unknown): BitcoinTransaction {
  const a = answer as RawTransactionAnswer;
  if (typeof a?.hex === 'string') return parseTransactionHex(a.hex, txid);
  if (!Array.isArray(a?.vout))
    throw new UserError(`getrawtransaction ${txid}: neither hex nor vout`, {
      code: 'RPC_BAD_RESPONSE',
    });
  const outputs: BitcoinTransaction['outputs'] = [];
  for (const o of a.vout) {
    if (o.value === undefined || o.n === undefined || o.scriptPubKey?.hex === undefined)
      throw new UserError(`getrawtransaction ${txid}: an output without value, n or script`, {
        code: 'RPC_BAD_RESPONSE',
      });
    outputs[Number(o.n)] = {
      value: btcToSatoshis(o.value),
      script: Uint8Array.from(Buffer.from(o.scriptPubKey.hex, 'hex')),
    };
  }
  return { txid, coinbase: false, inputs: [], outputs };
}

/**
 * A {@link BitcoinEndpoint} over Bitcoin Core's JSON-RPC (or bcoin's, which speaks it): heights by
 * `getblockcount`, hashes by batched `getblockhash`, blocks by batched `getblock` in the richest
 * form the node answers (detected on the first block, then kept), spent transactions by batched
 * `getrawtransaction`.
 *
 * @example
 * const endpoint = createCoreEndpoint({ rpc, network: networks.bitcoin });
 */
export function createCoreEndpoint(parameters: {
  rpc: CoreRpcClient;
  network: Network;
}): BitcoinEndpoint & { readonly getblockForm: GetBlockForm | null } {
  const { rpc, network } = parameters;
  let form: GetBlockForm | null = null;

  const parse = (answer: unknown, used: GetBlockForm, height: bigint, hash: string) => {
    const block =
      used === false ? parseRawBlock(String(answer), height) : parseVerboseBlock(answer, network);
    if (block.header.hash !== hash || block.header.number !== height)
      throw new UserError(
        `getblock ${hash} answered block ${block.header.number} ${block.header.hash}`,
        { code: 'RPC_BAD_RESPONSE' },
      );
    return block;
  };

  /** The first block: each form in turn until the node answers one, which is then kept. */
  const detect = async (height: bigint, hash: string): Promise<BitcoinBlock | null> => {
    let last: unknown;
    for (const f of GETBLOCK_FORMS) {
      try {
        const block = parse(await getBlock(rpc, hash, f), f, height, hash);
        form = f;
        return block;
      } catch (e) {
        if (!(e instanceof RpcResponseError)) throw e;
        last = e;
      }
    }
    if (isMissing(last)) return null;
    throw last;
  };

  /** Blocks in the form detected, in JSON-RPC batches; null for one the node no longer has. */
  const many = async (
    wanted: readonly { height: bigint; hash: string }[],
  ): Promise<(BitcoinBlock | null)[]> => {
    const used = form!;
    const parts: (typeof wanted)[] = [];
    for (let i = 0; i < wanted.length; i += GETBLOCK_BATCH_CALLS)
      parts.push(wanted.slice(i, i + GETBLOCK_BATCH_CALLS));
    const answers = await Promise.all(
      parts.map((part) =>
        rpc.batch(part.map((w) => ({ method: 'getblock', params: [w.hash, used] }))),
      ),
    );
    return answers.flat().map((answer, i) => {
      if (isMissing(answer)) return null;
      if (answer instanceof RpcResponseError) throw answer;
      return parse(answer, used, wanted[i]!.height, wanted[i]!.hash);
    });
  };

  return {
    get stats() {
      return rpc.stats;
    },
    get getblockForm() {
      return form;
    },
    head: () => getBlockCount(rpc),
    async blockHashes(from, to) {
      const out: (string | null)[] = [];
      for (let lo = from; lo <= to; lo += BigInt(RPC_BATCH_CALLS)) {
        const hi = to < lo + BigInt(RPC_BATCH_CALLS) - 1n ? to : lo + BigInt(RPC_BATCH_CALLS) - 1n;
        const calls = [];
        for (let h = lo; h <= hi; h++) calls.push({ method: 'getblockhash', params: [Number(h)] });
        for (const answer of await rpc.batch(calls)) {
          if (isMissing(answer)) out.push(null);
          else if (answer instanceof RpcResponseError) throw answer;
          else out.push(String(answer));
        }
      }
      return out;
    },
    async blocks(wanted) {
      if (wanted.length === 0) return [];
      if (form !== null) return many(wanted);
      const [first, ...rest] = wanted;
      const head = await detect(first!.height, first!.hash);
      // No form told (the first block left the best chain): the caller fetches the range again.
      if (form === null) return wanted.map(() => null);
      return [head, ...(rest.length > 0 ? await many(rest) : [])];
    },
    async fetchTransactions(txids) {
      const found = new Map<string, BitcoinTransaction | null>();
      for (let i = 0; i < txids.length; i += RPC_BATCH_CALLS) {
        const slice = txids.slice(i, i + RPC_BATCH_CALLS);
        const answers = await rpc.batch(
          slice.map((txid) => ({ method: 'getrawtransaction', params: [txid, true] })),
        );
        answers.forEach((answer, k) => {
          const txid = slice[k]!;
          // A node without the transaction (no -txindex) answers an error: the input stays open.
          found.set(
            txid,
            answer instanceof RpcResponseError ? null : spentTransaction(txid, answer),
          );
        });
      }
      return found;
    },
  };
}
