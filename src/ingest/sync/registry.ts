import { createBitcoinSource } from '../../chains/bitcoin/bitcoin-source.ts';
import { createEvmSource } from '../../chains/evm/evm-source.ts';
import { createTronSource } from '../../chains/tron/tron-source.ts';
import { UserError } from '../../errors/base.ts';
import { type ChainFamily, getChain } from '../../model/chains.ts';
import type { ChainSource, ChainSourceRegistry, OpenChainSourceParameters } from './chain-sync.ts';

/** Every chain family, to tell a family name (`evm`) from a chain key (`ethereum`). */
const CHAIN_FAMILIES: readonly ChainFamily[] = ['evm', 'bitcoin', 'tron', 'other'];

/**
 * The families chaintrail can sync, each with the factory that opens a node of it as a chain
 * source. A family is added with one line here.
 *
 * @example
 * const registry = createSourceRegistry();
 * Object.keys(registry); // ['evm', 'bitcoin', 'tron']
 */
export function createSourceRegistry(): ChainSourceRegistry {
  return {
    evm: createEvmSource,
    bitcoin: createBitcoinSource,
    tron: createTronSource,
  };
}

/**
 * Opens a chain source through the registry. `familyOrChain` is a chain key or alias (`ethereum`,
 * `eth`, `bitcoin`: its family's factory opens it for that chain), else a family (`evm`: the
 * factory resolves the chain itself, for EVM from the node's chain id, unless `parameters.chain`
 * names it). A chain whose family has no source is refused with `CHAIN_NOT_SYNCABLE`, naming the
 * families that can be synced; an unknown name is `UNKNOWN_CHAIN`.
 *
 * @example
 * const source = await openChainSource(createSourceRegistry(), options.chain ?? 'evm', { store, url });
 */
export async function openChainSource(
  registry: ChainSourceRegistry,
  familyOrChain: string,
  parameters: OpenChainSourceParameters,
): Promise<ChainSource> {
  // A name that is both (`bitcoin`, `tron`) is taken as the chain.
  const familyOnly =
    (CHAIN_FAMILIES as readonly string[]).includes(familyOrChain) && !isChainName(familyOrChain);
  const chainName = familyOnly ? parameters.chain : familyOrChain;
  const chain = chainName === undefined ? undefined : getChain(chainName);
  const family = chain?.family ?? (familyOrChain as ChainFamily);
  const factory = registry[family];
  if (!factory) {
    const syncable = CHAIN_FAMILIES.filter((f) => registry[f] !== undefined);
    throw new UserError(
      `Cannot sync ${chain?.key ?? `${family} chains`}: there is no sync source for the ${family} family; chains of these families can be synced: ${syncable.join(', ')}`,
      { code: 'CHAIN_NOT_SYNCABLE' },
    );
  }
  return factory({ ...parameters, chain: chainName });
}

/** Whether a name resolves to a chain (a family name such as `evm` does not). */
function isChainName(name: string): boolean {
  try {
    getChain(name);
    return true;
  } catch {
    return false;
  }
}
