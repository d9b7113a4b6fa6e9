import { UserError } from '../errors/base.ts';
import { getChain } from '../model/chains.ts';
import { normalizeTxHash } from '../model/tx-hash.ts';
import type { ChainStore } from '../store/store.ts';
import type { ScreenInput } from './types.ts';

/** Input of {@link transactionAddresses}. */
export type TransactionAddressesParameters = {
  store: Pick<ChainStore, 'listTransfers'>;
  /** The transaction hash, `0x`-prefixed or bare. */
  txHash: string;
  /** Only this chain's transaction (default: any chain that stores this hash). */
  chain?: string | undefined;
};

/**
 * Every address that sent or received value in a stored transaction, once each, in transfer order
 * (each transfer's sender before its receiver), to screen them. Throws a {@link UserError} (`TX_NOT_FOUND`) when no transfer of the
 * transaction is stored.
 *
 * @example
 * const inputs = await transactionAddresses({ store, txHash: '0x46deef0f…' });
 * const results = await screener.screen(inputs);
 */
export async function transactionAddresses(
  parameters: TransactionAddressesParameters,
): Promise<ScreenInput[]> {
  const { store, txHash } = parameters;
  const chains =
    parameters.chain === undefined ? ['ethereum', 'bitcoin'] : [getChain(parameters.chain).key];
  // EVM chains store the hash with `0x`, Bitcoin and Tron without: look for both forms.
  const hashes = new Set(chains.map((c) => normalizeTxHash(c, txHash)));
  const seen = new Set<string>();
  const inputs: ScreenInput[] = [];
  for (const hash of hashes) {
    const transfers = await store.listTransfers({
      txHash: hash,
      ...(parameters.chain === undefined ? {} : { chain: chains[0]! }),
    });
    for (const t of transfers) {
      for (const address of [t.from, t.to]) {
        if (address === null) continue;
        const key = `${t.chain} ${address}`;
        if (seen.has(key)) continue;
        seen.add(key);
        inputs.push({ address, chain: t.chain });
      }
    }
  }
  if (inputs.length === 0)
    throw new UserError(`No stored transfers for transaction ${txHash.trim()}`, {
      code: 'TX_NOT_FOUND',
      details: 'Import or sync the block that holds it first.',
    });
  return inputs;
}
