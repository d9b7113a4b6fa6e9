import type { Hex } from 'viem';
import { BaseError } from '../../errors/base.ts';
import { type RpcClient, RpcResponseError } from './rpc-client.ts';

/**
 * What nodes answer when the EVM failed the call rather than the request being wrong: code 3
 * (geth, reth and anvil, for a revert with data) or one of these messages (geth and Erigon answer
 * -32000 "execution reverted" for a revert without data, Nethermind -32015 "VM execution error").
 */
const EVM_FAILURE_MESSAGE =
  /revert|invalid opcode|out of gas|stack (underflow|overflow)|invalid jump|VM execution error/i;

/** The EVM failed an `eth_call`: the contract reverted, ran out of gas or hit an invalid opcode. */
export class CallRevertedError extends BaseError {
  override name = 'CallRevertedError';
  constructor(to: string, cause: RpcResponseError) {
    super(`eth_call to ${to} reverted`, {
      code: 'CALL_REVERTED',
      details: cause.nodeMessage,
      cause,
    });
  }
}

export type EthCallParameters = {
  /** The contract called. */
  to: string;
  /** Calldata: selector and arguments. */
  data: Hex;
  /** Block whose state the call runs on (default `latest`: every node, archive or not, has it). */
  blockTag?: 'latest' | bigint | undefined;
};

/** The call's return data (`0x` when the address has no code). */
export type EthCallReturnType = Hex;

/**
 * Runs `eth_call` through the sync's client (batched, rate-capped, retried when the failure is
 * transient). A call the EVM failed throws {@link CallRevertedError}; other node answers (bad
 * params, method missing) throw the client's `RpcResponseError`.
 *
 * @example
 * const data = await ethCall(client, { to: '0xdac17f958d2ee523a2206206994597c13d831ec7', data: '0x313ce567' });
 */
export async function ethCall(
  client: RpcClient,
  parameters: EthCallParameters,
): Promise<EthCallReturnType> {
  const tag = parameters.blockTag ?? 'latest';
  try {
    return await client.request<Hex>('eth_call', [
      { to: parameters.to, data: parameters.data },
      typeof tag === 'bigint' ? `0x${tag.toString(16)}` : tag,
    ]);
  } catch (error) {
    if (
      error instanceof RpcResponseError &&
      (error.rpcCode === 3 || EVM_FAILURE_MESSAGE.test(error.nodeMessage ?? ''))
    )
      throw new CallRevertedError(parameters.to, error);
    throw error;
  }
}
