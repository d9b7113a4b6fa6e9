import type { ClickHouseTransport } from './transport.ts';

/** What the ClickHouse store's parts (labels, prices, clusters) need of it: its transport and tables. */
export type ClickHouseContext = {
  t: ClickHouseTransport;
  /** A table's database-qualified name (the Distributed one on a cluster). */
  table(name: string): string;
};
