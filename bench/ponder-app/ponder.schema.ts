import { onchainTable } from 'ponder';

/** One row per ERC-20 Transfer log, as chaintrail stores a token transfer. */
export const transfer = onchainTable('transfer', (t) => ({
  id: t.text().primaryKey(),
  blockNumber: t.bigint().notNull(),
  txHash: t.hex().notNull(),
  from: t.hex().notNull(),
  to: t.hex().notNull(),
  amount: t.bigint().notNull(),
}));
