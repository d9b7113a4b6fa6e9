/**
 * Public block explorers' transaction pages, per chain. Simulated and local chains (anvil, Bitcoin
 * regtest, the Tron test chain) have none: a link there would point at a real chain's explorer for a
 * hash that does not exist on it.
 */
const TX_PAGE: Readonly<Record<string, (hash: string) => string>> = {
  ethereum: (h) => `https://etherscan.io/tx/${h}`,
  bsc: (h) => `https://bscscan.com/tx/${h}`,
  polygon: (h) => `https://polygonscan.com/tx/${h}`,
  arbitrum: (h) => `https://arbiscan.io/tx/${h}`,
  optimism: (h) => `https://optimistic.etherscan.io/tx/${h}`,
  base: (h) => `https://basescan.org/tx/${h}`,
  avalanche: (h) => `https://snowtrace.io/tx/${h}`,
  bitcoin: (h) => `https://mempool.space/tx/${h}`,
  'bitcoin-testnet': (h) => `https://mempool.space/testnet/tx/${h}`,
  // Tronscan takes the hash without 0x.
  tron: (h) => `https://tronscan.org/#/transaction/${h.replace(/^0x/, '')}`,
};

/** Origins of every explorer link a report may hold: the only places a report's links point outside itself. */
export const EXPLORER_ORIGINS: readonly string[] = [
  'https://etherscan.io',
  'https://bscscan.com',
  'https://polygonscan.com',
  'https://arbiscan.io',
  'https://optimistic.etherscan.io',
  'https://basescan.org',
  'https://snowtrace.io',
  'https://mempool.space',
  'https://tronscan.org',
];

/**
 * The explorer page of a transaction, or null when the chain has no public explorer (simulated or
 * local chains, chains chaintrail does not know one for).
 *
 * @example
 * explorerTxUrl('ethereum', '0xab…'); // 'https://etherscan.io/tx/0xab…'
 * explorerTxUrl('anvil', '0xab…'); // null
 */
export function explorerTxUrl(chain: string, txHash: string): string | null {
  const page = TX_PAGE[chain];
  // Only hashes as chains write them (hex, optional 0x): nothing else is put into a URL.
  if (!page || !/^(0x)?[0-9a-fA-F]{64}$/.test(txHash)) return null;
  return page(txHash);
}
