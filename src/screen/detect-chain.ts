/** EVM chain taken for a `0x` address when no chain is given. */
export const DEFAULT_EVM_CHAIN = 'ethereum';

const TRON_BASE58_LENGTH = 34;
const TRON_HEX_LENGTH = 42; // '41' + 40 hex

/**
 * The chain an address's form points to, or null when the form says nothing: `0x…` is EVM
 * (`evmChain`), `bc1…` / `1…` / `3…` Bitcoin, `tb1…` Bitcoin testnet, `T…` (34 characters) or
 * `41…` (42 hex) Tron. Only the form is looked at; the chain's codec validates the address.
 *
 * @example
 * detectChain('0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146'); // 'ethereum'
 * detectChain('bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6'); // 'bitcoin'
 * detectChain('hello'); // null
 */
export function detectChain(input: string, evmChain: string = DEFAULT_EVM_CHAIN): string | null {
  const s =
    input.length > 0 && (input.charCodeAt(0) <= 32 || input.charCodeAt(input.length - 1) <= 32)
      ? input.trim()
      : input;
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(1);
  if (c0 === 48 /* 0 */ && (c1 === 120 || c1 === 88) /* x X */) return evmChain;
  if (c0 === 84 /* T */ && s.length === TRON_BASE58_LENGTH) return 'tron';
  if (c0 === 52 /* 4 */ && c1 === 49 /* 1 */ && s.length === TRON_HEX_LENGTH) return 'tron';
  const prefix = s.slice(0, 3).toLowerCase();
  if (prefix === 'bc1') return 'bitcoin';
  if (prefix === 'tb1') return 'bitcoin-testnet';
  if (c0 === 49 /* 1 */ || c0 === 51 /* 3 */) return 'bitcoin';
  return null;
}
