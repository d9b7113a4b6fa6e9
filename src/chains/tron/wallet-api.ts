import { UserError } from '../../errors/base.ts';
import type { TronHttpClient } from './tron-http-client.ts';
import type { TronBlock, TronTransactionInfo } from './types.ts';

/**
 * `/wallet/getblockbylimitnext` serves at most this many blocks a call (its `endNum - startNum <= 100`
 * constraint, tronprotocol/documentation-en `getblockbylimitnext.md`).
 */
export const BLOCKS_PER_LIMIT_NEXT = 100;

const HASH = /^[0-9a-f]{64}$/;

/** int64's range: java-tron's every number field is one. */
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * An int64 field as a bigint: the client gives a number when it fits a double exactly, else its
 * digits (see `parseTronJson`); blocks built in memory (the test chain) hold bigints. Absent is
 * `fallback` (the protobuf default a node leaves out); anything else, or a value outside int64, is
 * an error naming `what`.
 *
 * @example
 * readInt(267000, 'fee'); // 267000n
 * readInt('12345678901234567', 'amount'); // 12345678901234567n
 */
export function readInt(value: unknown, what: string, fallback?: bigint): bigint {
  if (value === undefined && fallback !== undefined) return fallback;
  let n: bigint | undefined;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) n = BigInt(value);
  if (n === undefined || n < INT64_MIN || n > INT64_MAX)
    throw new UserError(
      `The Tron node gave ${what} as ${JSON.stringify(typeof value === 'bigint' ? String(value) : value) ?? String(value)}: not an int64`,
      { code: 'RPC_BAD_RESPONSE' },
    );
  return n;
}

/**
 * An amount (sun, token units, a fee): an int64 that is not negative. A negative amount is a broken
 * node's, never a movement: stored or skipped, it would change every sum silently.
 *
 * @example
 * readAmount(5_000_000, 'amount'); // 5000000n
 */
export function readAmount(value: unknown, what: string, fallback?: bigint): bigint {
  const n = readInt(value, what, fallback);
  if (n < 0n)
    throw new UserError(`The Tron node gave ${what} as ${n}: an amount cannot be negative`, {
      code: 'RPC_BAD_RESPONSE',
    });
  return n;
}

/** A block's height, id and parent id, checked: the node must give all three. */
export function blockIdentity(block: TronBlock, where: string) {
  const raw = block.block_header?.raw_data;
  const hash = block.blockID?.toLowerCase();
  const parentHash = raw?.parentHash?.toLowerCase();
  if (hash === undefined || !HASH.test(hash) || parentHash === undefined || !HASH.test(parentHash))
    throw new UserError(`${where}: a block without a 32-byte blockID or parentHash`, {
      code: 'RPC_BAD_RESPONSE',
    });
  return {
    number: readInt(raw?.number, `${where} block number`, 0n),
    hash,
    parentHash,
    /** The header's time is in milliseconds. */
    // The genesis block's header has no timestamp (the protobuf default 0 is left out).
    time: Number(readInt(raw?.timestamp, `${where} block timestamp`, 0n) / 1000n),
  };
}

/** Whether an answer is the node's "nothing" (`{}`): no block, or a height it does not have. */
function isEmpty(answer: unknown): boolean {
  return answer !== null && typeof answer === 'object' && Object.keys(answer).length === 0;
}

/**
 * `/wallet/getnowblock`: the newest block's height.
 *
 * @example
 * await getNowBlock(tron); // 66987565n
 */
export async function getNowBlock(client: TronHttpClient): Promise<bigint> {
  const block = (await client.post('/wallet/getnowblock', {})) as TronBlock;
  return blockIdentity(block, 'getnowblock').number;
}

/**
 * `/wallet/getblockbynum`: the block at a height, or null when the node has none (it answers `{}`).
 *
 * @example
 * (await getBlockByNum(tron, 66987565n))?.blockID; // '0000000003fe262d…'
 */
export async function getBlockByNum(
  client: TronHttpClient,
  num: bigint,
): Promise<TronBlock | null> {
  const answer = await client.post('/wallet/getblockbynum', { num: Number(num) });
  return isEmpty(answer) ? null : (answer as TronBlock);
}

/**
 * `/wallet/getblockbylimitnext`: the blocks `startNum..endNum - 1` (the end is exclusive, at most
 * {@link BLOCKS_PER_LIMIT_NEXT} a call), in height order. A node past its head answers `{}` or
 * fewer blocks: the caller checks what came back.
 *
 * @example
 * const blocks = await getBlockByLimitNext(tron, 100n, 200n); // blocks 100..199
 */
export async function getBlockByLimitNext(
  client: TronHttpClient,
  startNum: bigint,
  endNum: bigint,
): Promise<TronBlock[]> {
  if (endNum <= startNum || endNum - startNum > BigInt(BLOCKS_PER_LIMIT_NEXT))
    throw new RangeError(`getblockbylimitnext takes 1 to 100 blocks, not ${startNum}..${endNum}`);
  const answer = (await client.post('/wallet/getblockbylimitnext', {
    startNum: Number(startNum),
    endNum: Number(endNum),
  })) as { block?: TronBlock[] };
  if (isEmpty(answer)) return [];
  if (!Array.isArray(answer?.block))
    throw new UserError('getblockbylimitnext: the answer has no block array', {
      code: 'RPC_BAD_RESPONSE',
    });
  // Documented as the range in order; sorted anyway, as the sync checks each block's parent.
  return [...answer.block].sort((a, b) =>
    Number(
      readInt(a.block_header?.raw_data?.number, 'block number', 0n) -
        readInt(b.block_header?.raw_data?.number, 'block number', 0n),
    ),
  );
}

/**
 * `/wallet/gettransactioninfobyblocknum`: the execution results of a block's transactions (fees,
 * logs, internal transactions). An empty block is `[]`.
 *
 * @example
 * const infos = await getTransactionInfoByBlockNum(tron, 66987565n); // [{ id, fee, receipt, … }]
 */
export async function getTransactionInfoByBlockNum(
  client: TronHttpClient,
  num: bigint,
): Promise<TronTransactionInfo[]> {
  const answer = await client.post('/wallet/gettransactioninfobyblocknum', { num: Number(num) });
  if (isEmpty(answer)) return [];
  if (!Array.isArray(answer))
    throw new UserError(`gettransactioninfobyblocknum ${num}: the answer is not an array`, {
      code: 'RPC_BAD_RESPONSE',
    });
  return answer as TronTransactionInfo[];
}

/**
 * `/wallet/triggerconstantcontract`: a read-only call of `functionSelector` (e.g. `decimals()`) on a
 * contract (`41…` hex), asked as the contract itself (the call needs a caller; a view function
 * does not look at it). The return data as `0x…`, or null when the call reverted or returned
 * nothing (a contract without the function).
 *
 * @example
 * await triggerConstantContract(tron, '41a614f803b6fd780986a42c78ec9c7f77e6ded13c', 'decimals()'); // '0x…06'
 */
export async function triggerConstantContract(
  client: TronHttpClient,
  contractHex41: string,
  functionSelector: string,
): Promise<`0x${string}` | null> {
  const answer = (await client.post('/wallet/triggerconstantcontract', {
    owner_address: contractHex41,
    contract_address: contractHex41,
    function_selector: functionSelector,
    parameter: '',
  })) as {
    result?: { result?: boolean; message?: string };
    constant_result?: unknown[];
    transaction?: { ret?: { ret?: string }[] };
  };
  const data = answer?.constant_result?.[0];
  // java-tron answers a reverted call with `result.result` true, the revert data in
  // `constant_result`, a `result.message` and the transaction's `ret` FAILED: not an answer.
  const reverted =
    answer?.result?.result !== true ||
    answer.result.message !== undefined ||
    answer.transaction?.ret?.[0]?.ret === 'FAILED';
  if (reverted || typeof data !== 'string' || !/^[0-9a-fA-F]*$/.test(data)) return null;
  return data.length === 0 ? null : `0x${data}`;
}
