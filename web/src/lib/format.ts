/** Decimals and symbol of an asset, as `GET /v1/assets` gives them. */
export type AssetInfo = { symbol: string | null; decimals: number | null };

/**
 * Raw units (an integer string, or a trace's decimal string made from a double such as `1.5e+21`)
 * as whole units with at most `maxFraction` digits, e.g. `1,234.5678`.
 *
 * @example
 * formatUnits('1500000000000000000', 18); // '1.5'
 */
export function formatUnits(raw: string, decimals: number | null, maxFraction = 4): string {
  const text = raw.trim();
  if (decimals === null) return Number(text).toLocaleString('en-US');
  let units: bigint;
  if (/^-?\d+$/.test(text)) units = BigInt(text);
  else {
    const value = Number(text);
    if (!Number.isFinite(value)) return text;
    units = BigInt(Math.round(value));
  }
  const negative = units < 0n;
  if (negative) units = -units;
  const scale = 10n ** BigInt(decimals);
  const whole = units / scale;
  let fraction = (units % scale).toString().padStart(decimals, '0').slice(0, maxFraction);
  fraction = fraction.replace(/0+$/, '');
  const wholeText = whole.toLocaleString('en-US');
  return `${negative ? '-' : ''}${wholeText}${fraction ? `.${fraction}` : ''}`;
}

/** Raw units as a number of whole units (for charts; loses precision beyond 2^53). */
export function unitsNumber(raw: string, decimals: number | null): number {
  const value = Number(raw);
  return decimals === null ? value : value / 10 ** decimals;
}

/** `0x1234…abcd`: enough to tell addresses apart on a canvas. */
export function shortAddress(address: string, keep = 6): string {
  return address.length <= keep * 2 + 1
    ? address
    : `${address.slice(0, keep)}…${address.slice(-4)}`;
}

/** Unix seconds as `2025-02-21 14:13:35 UTC`. */
export function formatTime(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  return new Date(seconds * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}

/** 0.1234 as `12.34%`. */
export function formatShare(share: number, digits = 2): string {
  return `${(share * 100).toFixed(digits)}%`;
}

/** What a search box input looks like: an EVM address, a transaction hash, a Bitcoin or Tron address, or text. */
export type QueryKind =
  | { kind: 'evm-address'; value: string }
  | { kind: 'evm-tx'; value: string }
  | { kind: 'address'; value: string; chain: string }
  | { kind: 'text'; value: string };

/**
 * Classifies a search input by its form. A `0x` input of 40 hex digits is an EVM address, of 64 a
 * transaction; `bc1…`, `1…`, `3…` Bitcoin; `T…` Tron; anything else is a label or entity search.
 *
 * @example
 * classifyQuery('0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae'); // { kind: 'evm-address', … }
 */
export function classifyQuery(input: string): QueryKind {
  const value = input.trim();
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return { kind: 'evm-address', value };
  if (/^0x[0-9a-fA-F]{64}$/.test(value)) return { kind: 'evm-tx', value };
  if (/^(bc1|tb1)[02-9ac-hj-np-z]{8,87}$/i.test(value))
    return {
      kind: 'address',
      value,
      chain: value.toLowerCase().startsWith('tb1') ? 'bitcoin-testnet' : 'bitcoin',
    };
  if (/^[13][1-9A-HJ-NP-Za-km-z]{25,34}$/.test(value))
    return { kind: 'address', value, chain: 'bitcoin' };
  if (/^T[1-9A-HJ-NP-Za-km-z]{33}$/.test(value)) return { kind: 'address', value, chain: 'tron' };
  return { kind: 'text', value };
}

/**
 * Colours of label categories, shared by the graph, its legend and the charts. The theft seed's red
 * and the still-held green keep 3:1 or more against the graph's background in both themes (WCAG
 * 1.4.11; graph/colours.test.ts): the red 4.2:1 on the light panel and 4.1:1 on the dark one, the
 * green 3.7:1 and 4.6:1. The green was a blue-grey (#8d99ae) next to the unlabelled grey (CIE76
 * colour difference 13, 2.9:1 on the light panel); now its nearest category colour (exchange
 * teal) is 58 apart.
 */
export const CATEGORY_COLOURS: Record<string, string> = {
  seed: '#e63946',
  theft: '#e63946',
  sanctioned: '#9d0208',
  ransomware: '#9d0208',
  scam: '#c1121f',
  phishing: '#c1121f',
  malware: '#c1121f',
  darknet: '#9d0208',
  terrorism: '#9d0208',
  exchange: '#2a9d8f',
  hot_wallet: '#2a9d8f',
  cold_wallet: '#2a9d8f',
  deposit_wallet: '#219ebc',
  otc: '#2a9d8f',
  instant_exchange: '#e76f51',
  bridge: '#f4a261',
  mixer: '#7b2cbf',
  dex: '#457b9d',
  defi: '#457b9d',
  token: '#6c757d',
  stablecoin: '#6c757d',
  frozen: '#0077b6',
  unspent: '#5c940d',
  aggregate: '#adb5bd',
  other: '#a3a3a3',
};

/** The colour of a category (grey for one without its own). */
export function categoryColour(category: string | null | undefined): string {
  return CATEGORY_COLOURS[category ?? 'other'] ?? CATEGORY_COLOURS.other!;
}
