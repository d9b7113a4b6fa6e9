import {
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  hexToString,
  parseAbi,
  size,
} from 'viem';
import { sanitizeSymbol, tokenDecimals } from '../../model/token-metadata.ts';
import { CallRevertedError, ethCall } from './eth-call.ts';
import type { RpcClient } from './rpc-client.ts';

/**
 * ERC-20's optional metadata functions. `decimals` is read as a full word (`uint256`) rather than
 * `uint8`, so an out-of-range answer is seen and refused rather than wrapped.
 */
const METADATA_ABI = parseAbi([
  'function symbol() view returns (string)',
  'function decimals() view returns (uint256)',
]);
/** Tokens older than the ERC-20 text (MKR, SAI, EOS) return their symbol as a right-padded `bytes32`. */
const BYTES32_SYMBOL_ABI = parseAbi(['function symbol() view returns (bytes32)']);
const SYMBOL_CALL = encodeFunctionData({ abi: METADATA_ABI, functionName: 'symbol' });
const DECIMALS_CALL = encodeFunctionData({ abi: METADATA_ABI, functionName: 'decimals' });
/** Bytes of one ABI word: a `bytes32` answer is exactly one. */
const WORD_BYTES = 32;

/** What a token contract says about itself; null where it said nothing usable. */
export type TokenMetadata = { token: string; symbol: string | null; decimals: number | null };

export type ReadTokenMetadataParameters = {
  /** Token contracts (canonical addresses). */
  tokens: readonly string[];
  /** State the calls run on (default `latest`). */
  blockTag?: 'latest' | bigint | undefined;
};

export type ReadTokenMetadataReturnType = TokenMetadata[];

/**
 * Decodes what `symbol()` returned: an ABI `string`, else a `bytes32` (right-padded text), then
 * {@link sanitizeSymbol}. Null for no data, undecodable data, or a symbol that cannot be shown safely.
 *
 * @example
 * decodeSymbolResult('0x4d4b520000000000000000000000000000000000000000000000000000000000'); // 'MKR'
 */
export function decodeSymbolResult(data: Hex | null): string | null {
  if (data === null || data === '0x') return null;
  try {
    return sanitizeSymbol(
      decodeFunctionResult({ abi: METADATA_ABI, functionName: 'symbol', data }),
    );
  } catch {
    if (size(data) !== WORD_BYTES) return null;
    const word = decodeFunctionResult({ abi: BYTES32_SYMBOL_ABI, functionName: 'symbol', data });
    return sanitizeSymbol(hexToString(word, { size: WORD_BYTES }));
  }
}

/**
 * Decodes what `decimals()` returned, then {@link tokenDecimals}: null for no data, undecodable data
 * or a value above 255.
 *
 * @example
 * decodeDecimalsResult('0x0000000000000000000000000000000000000000000000000000000000000012'); // 18
 */
export function decodeDecimalsResult(data: Hex | null): number | null {
  if (data === null || data === '0x') return null;
  try {
    return tokenDecimals(
      decodeFunctionResult({ abi: METADATA_ABI, functionName: 'decimals', data }),
    );
  } catch {
    return null;
  }
}

/** The call's data, or null when the EVM failed it (a reverting contract has no answer). */
async function callOrNull(
  client: RpcClient,
  to: string,
  data: Hex,
  blockTag: 'latest' | bigint | undefined,
): Promise<Hex | null> {
  try {
    return await ethCall(client, { to, data, blockTag });
  } catch (error) {
    if (error instanceof CallRevertedError) return null;
    throw error;
  }
}

/**
 * Asks each token contract for `symbol()` and `decimals()` with `eth_call`, all calls at once so the
 * client sends them in JSON-RPC batches (under its rate cap, concurrency and retry rules). A call
 * that reverts, an address without code (empty answer) and an answer that does not decode give null
 * for that field; a transient failure that outlasts the client's retries, or a node refusing
 * `eth_call` itself, throws.
 *
 * @example
 * const [usdt] = await readTokenMetadata(client, { tokens: ['0xdac17f958d2ee523a2206206994597c13d831ec7'] });
 * // { token: '0xdac1…1ec7', symbol: 'USDT', decimals: 6 }
 */
export async function readTokenMetadata(
  client: RpcClient,
  parameters: ReadTokenMetadataParameters,
): Promise<ReadTokenMetadataReturnType> {
  const { blockTag } = parameters;
  return Promise.all(
    parameters.tokens.map(async (token) => {
      const [symbol, decimals] = await Promise.all([
        callOrNull(client, token, SYMBOL_CALL, blockTag),
        callOrNull(client, token, DECIMALS_CALL, blockTag),
      ]);
      return {
        token,
        symbol: decodeSymbolResult(symbol),
        decimals: decodeDecimalsResult(decimals),
      };
    }),
  );
}
