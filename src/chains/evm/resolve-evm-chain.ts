import { RetryableError, UserError } from '../../errors/base.ts';
import { type Chain, getChain } from '../../model/chains.ts';
import { redactUrl } from './redact-url.ts';
import type { RpcClient } from './rpc-client.ts';

/** Retries of the first request: a dead endpoint should fail fast, not after minutes of backoff. */
const STARTUP_RETRIES = 2;

export type ResolveEvmChainParameters = {
  /** The client's endpoint, for the error message (redacted). */
  url: string;
  /** Chain key the caller expects; default: the chain of the node's `eth_chainId`. */
  chain?: string | undefined;
};

/**
 * The chain a JSON-RPC node serves, asked with `eth_chainId` (the first request: few retries, so
 * that an endpoint that is down or mistyped fails in seconds with `RPC_UNREACHABLE`), checked
 * against the expected chain (`CHAIN_MISMATCH`) and refused when that chain is not an EVM chain.
 *
 * @example
 * const chain = await resolveEvmChain(client, { url: 'http://127.0.0.1:8545' }); // anvil
 */
export async function resolveEvmChain(
  client: RpcClient,
  parameters: ResolveEvmChainParameters,
): Promise<Chain> {
  let chainId: number;
  try {
    // The same client as the rest, so that this call counts against the rate cap too.
    chainId = Number(
      BigInt(await client.request<string>('eth_chainId', [], { maxRetries: STARTUP_RETRIES })),
    );
  } catch (error) {
    if (!(error instanceof RetryableError)) throw error;
    throw new UserError(
      `Cannot reach the JSON-RPC endpoint ${redactUrl(parameters.url)}: ${error.shortMessage.replace(/^RPC eth_chainId failed: /, '')} (check --rpc and that the node is running)`,
      { code: 'RPC_UNREACHABLE' },
    );
  }
  const chain = getChain(parameters.chain ?? chainId);
  if (chain.family !== 'evm')
    throw new UserError(`${chain.key} is not an EVM chain`, { code: 'BAD_USAGE' });
  if (chain.chainId !== undefined && chain.chainId !== chainId) {
    throw new UserError(
      `The node serves chain id ${chainId}, not ${chain.key} (${chain.chainId})`,
      { code: 'CHAIN_MISMATCH' },
    );
  }
  return chain;
}
