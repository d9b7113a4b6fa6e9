import { UserError } from '../errors/base.ts';
import { normalizeAddress } from '../model/address.ts';
import { getChain } from '../model/chains.ts';
import { detectChain } from '../screen/detect-chain.ts';
import type { TraceSeed } from './types.ts';

const TX_HASH = /^(0x)?[0-9a-fA-F]{64}$/;

/**
 * A seed as typed: a transaction hash (`0x` + 64 hex), `<tx hash>:<position>` for one transfer
 * (e.g. `0x…:log:3`), or an address of `chainOption` (default: from its form; `0x…` is ethereum).
 * Throws a {@link UserError} naming the seed when it cannot be read.
 *
 * @example
 * parseSeed('0x098B716B8Aaf21512996dC57EB0615e2383E2f96'); // { kind: 'address', chain: 'ethereum', address: '0x098b…' }
 */
export function parseSeed(input: string, chainOption?: string | undefined): TraceSeed {
  const [head, ...rest] = input.split(':');
  const chainOf = (guess: string | null) => {
    const key = chainOption ?? guess;
    if (!key)
      throw new UserError(`Cannot tell the chain of "${input}": give its chain`, {
        code: 'CHAIN_NOT_DETECTED',
      });
    return getChain(key).key;
  };
  if (head && TX_HASH.test(head)) {
    const chain = chainOf(head.startsWith('0x') ? detectChain(head) : 'bitcoin');
    const txHash = head.toLowerCase();
    return rest.length > 0
      ? { kind: 'transfer', chain, txHash, position: rest.join(':') }
      : { kind: 'tx', chain, txHash };
  }
  const chain = chainOf(detectChain(input));
  return { kind: 'address', chain, address: normalizeAddress(chain, input) };
}
