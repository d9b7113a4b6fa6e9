import { UserError } from '../errors/base.ts';
import { type Chain, getChain } from './chains.ts';

/** Thrown for a malformed transaction hash. */
export class InvalidTxHashError extends UserError {
  override name = 'InvalidTxHashError';
  constructor(chainKey: string, input: string, reason: string) {
    const shown = input.length > 80 ? `${input.slice(0, 80)}…` : input;
    super(`Invalid ${chainKey} transaction hash "${shown}": ${reason}`, {
      code: 'INVALID_TX_HASH',
    });
  }
}

function isHex64(text: string, from: number): boolean {
  if (text.length - from !== 64) return false;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/**
 * Canonical transaction hash: lowercase hex, `0x`-prefixed on EVM chains, bare on Bitcoin and Tron
 * (as their nodes and explorers write them). Accepts either form on input.
 *
 * @example
 * normalizeTxHash('ethereum', '0xABC…'); // '0xabc…'
 * normalizeTxHash('bitcoin', '0x4a5e…'); // '4a5e…'
 */
export function normalizeTxHash(chain: Chain | string, input: string): string {
  const c = typeof chain === 'string' ? getChain(chain) : chain;
  const text = input.trim();
  const prefixed =
    text.length > 1 &&
    text.charCodeAt(0) === 48 &&
    (text.charCodeAt(1) === 120 || text.charCodeAt(1) === 88);
  const start = prefixed ? 2 : 0;
  if (!isHex64(text, start)) {
    throw new InvalidTxHashError(
      c.key,
      input,
      text === '' ? 'empty' : 'expected 64 hex characters',
    );
  }
  const body = text.slice(start).toLowerCase();
  return c.family === 'evm' ? `0x${body}` : body;
}
