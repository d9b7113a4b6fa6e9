import path from 'node:path';
import { encodeDeployData, encodeFunctionData, type Hex, parseAbi } from 'viem';
import { compileContracts, type CompiledContracts } from '../../src/simulate/compile-contracts.ts';

/**
 * Token contracts whose metadata answers are odd in the ways real tokens' are, for tests of what
 * the sync asks and stores (`test/fixtures/contracts/TestTokens.sol`). Each emits an ERC-20
 * `Transfer` when created and on `mint`, so a sync sees it as a token. Compiled with solc-js on
 * first use and cached beside the simulator's contracts (compiling takes about 5 s here).
 */
const CONTRACTS_DIR = path.resolve(import.meta.dirname, '../fixtures/contracts');
const CACHE_DIR = path.resolve(import.meta.dirname, '../../node_modules/.cache/chaintrail');

export const TOKEN_ABI = parseAbi(['function mint(address to, uint256 value)']);

/** The test tokens by contract name. */
export type TokenContractName =
  | 'StringToken'
  | 'Bytes32Token'
  | 'RevertingToken'
  | 'ControlToken'
  | 'InvalidUtf8Token'
  | 'VanishingToken';

let compiled: CompiledContracts | undefined;

/**
 * Creation code of a test token (StringToken takes its symbol and decimals).
 *
 * @example
 * const data = tokenCreationCode('StringToken', ['TST', 6]);
 */
export function tokenCreationCode(
  name: TokenContractName,
  args: readonly [string, number] | [] = [],
): Hex {
  compiled ??= compileContracts({ contractsDir: CONTRACTS_DIR, cacheDir: CACHE_DIR });
  const { bytecode, abi } = compiled[name]!;
  return args.length === 0 ? bytecode : encodeDeployData({ abi, bytecode, args });
}

/**
 * Calldata of `mint(to, value)`: one more Transfer of the token.
 *
 * @example
 * rpc('eth_sendTransaction', [{ from, to: token, data: mintCall(from, 5n) }]);
 */
export function mintCall(to: string, value: bigint): Hex {
  return encodeFunctionData({
    abi: TOKEN_ABI,
    functionName: 'mint',
    args: [to as Hex, value],
  });
}
