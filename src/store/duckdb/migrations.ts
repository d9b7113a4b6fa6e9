/**
 * Versioned schema migrations for the DuckDB backend. Each step runs once, in order, inside one
 * transaction with the bump of `schema_version`; a database newer than this code is refused.
 * Never edit a released step: add a new one.
 */
export type Migration = { version: number; description: string; statements: readonly string[] };

/** Every migration, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'transfers, events, blocks, assets, labels, checkpoints, imports',
    statements: [
      // Amounts are BIGNUM: exact integers of any size (ERC-20 values reach 2^256) with exact sums.
      `CREATE TABLE transfers (
         chain VARCHAR NOT NULL,
         block_number UBIGINT NOT NULL,
         block_time TIMESTAMP,
         tx_hash VARCHAR NOT NULL,
         position VARCHAR NOT NULL,
         from_address VARCHAR,
         to_address VARCHAR,
         asset VARCHAR NOT NULL,
         amount BIGNUM NOT NULL,
         kind VARCHAR NOT NULL
       )`,
      `CREATE TABLE events (
         chain VARCHAR NOT NULL,
         block_number UBIGINT NOT NULL,
         block_time TIMESTAMP,
         tx_hash VARCHAR NOT NULL,
         position VARCHAR NOT NULL,
         type VARCHAR NOT NULL,
         protocol VARCHAR,
         contract VARCHAR NOT NULL,
         account VARCHAR,
         recipient VARCHAR,
         asset_in VARCHAR,
         amount_in BIGNUM,
         asset_out VARCHAR,
         amount_out BIGNUM,
         memo VARCHAR,
         counterparty VARCHAR,
         extra VARCHAR
       )`,
      `CREATE TABLE blocks (
         chain VARCHAR NOT NULL,
         number UBIGINT NOT NULL,
         hash VARCHAR,
         parent_hash VARCHAR,
         time TIMESTAMP NOT NULL
       )`,
      `CREATE TABLE assets (
         chain VARCHAR NOT NULL,
         asset VARCHAR NOT NULL,
         symbol VARCHAR,
         name VARCHAR,
         decimals INTEGER,
         PRIMARY KEY (chain, asset)
       )`,
      `CREATE TABLE labels (
         chain VARCHAR NOT NULL,
         address VARCHAR NOT NULL,
         entity VARCHAR,
         category VARCHAR NOT NULL,
         source VARCHAR NOT NULL,
         confidence INTEGER,
         added_at TIMESTAMP NOT NULL DEFAULT current_timestamp
       )`,
      `CREATE TABLE checkpoints (
         chain VARCHAR NOT NULL,
         stream VARCHAR NOT NULL,
         block_number UBIGINT NOT NULL,
         block_hash VARCHAR,
         updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
         PRIMARY KEY (chain, stream)
       )`,
      `CREATE SEQUENCE import_id_seq START 1`,
      `CREATE TABLE imports (
         id BIGINT PRIMARY KEY DEFAULT nextval('import_id_seq'),
         kind VARCHAR NOT NULL,
         source VARCHAR NOT NULL,
         rows UBIGINT NOT NULL,
         rejected UBIGINT NOT NULL,
         sha256 VARCHAR,
         imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp
       )`,
    ],
  },
  {
    version: 2,
    description: 'labels with provenance, validity and sanctions programs; label imports',
    statements: [
      `ALTER TABLE labels ADD COLUMN actor VARCHAR`,
      `ALTER TABLE labels ADD COLUMN country VARCHAR`,
      `ALTER TABLE labels ADD COLUMN sanction_list VARCHAR`,
      // Programs joined by ';' (program codes never contain one).
      `ALTER TABLE labels ADD COLUMN programs VARCHAR`,
      `ALTER TABLE labels ADD COLUMN valid_from DATE`,
      `ALTER TABLE labels ADD COLUMN valid_to DATE`,
      `ALTER TABLE labels ADD COLUMN import_id BIGINT`,
      `CREATE INDEX labels_by_address ON labels (chain, address)`,
      `CREATE SEQUENCE label_import_id_seq START 1`,
      `CREATE TABLE label_imports (
         id BIGINT PRIMARY KEY DEFAULT nextval('label_import_id_seq'),
         format VARCHAR NOT NULL,
         source VARCHAR NOT NULL,
         list_name VARCHAR,
         list_date DATE,
         sha256 VARCHAR,
         labels UBIGINT NOT NULL DEFAULT 0,
         closed UBIGINT NOT NULL DEFAULT 0,
         imported_at TIMESTAMP NOT NULL DEFAULT current_timestamp
       )`,
    ],
  },
  {
    version: 3,
    description: 'API state: documents (keys, cases, watchlists, alerts) and the audit log',
    statements: [
      `CREATE TABLE documents (
         kind VARCHAR NOT NULL,
         id VARCHAR NOT NULL,
         org VARCHAR,
         body JSON NOT NULL,
         created_at TIMESTAMP NOT NULL,
         updated_at TIMESTAMP NOT NULL,
         PRIMARY KEY (kind, id)
       )`,
      // Appended in bulk (one row per screening at thousands a second): no key or index to
      // maintain; the store numbers the rows itself.
      `CREATE TABLE audit_log (
         id BIGINT NOT NULL,
         time TIMESTAMP NOT NULL,
         actor VARCHAR NOT NULL,
         org VARCHAR,
         action VARCHAR NOT NULL,
         target VARCHAR,
         detail JSON,
         request_id VARCHAR
       )`,
    ],
  },
  {
    version: 4,
    description: 'where asset metadata came from (chain, export, token list)',
    statements: [
      // Null for rows written before: they count as settled (the sync does not ask for them again).
      `ALTER TABLE assets ADD COLUMN source VARCHAR`,
    ],
  },
  {
    version: 5,
    description: "labels an import carried that another import's open label already held",
    statements: [
      // One row per import and label it staged while an equal open label of another import was
      // stored (so it was skipped): the row takes that label's place when its holder's import is
      // removed. The columns of `labels`, with the carrying import's id in import_id.
      `CREATE TABLE carried_labels (
         chain VARCHAR NOT NULL,
         address VARCHAR NOT NULL,
         entity VARCHAR,
         category VARCHAR NOT NULL,
         source VARCHAR NOT NULL,
         confidence INTEGER,
         added_at TIMESTAMP NOT NULL,
         actor VARCHAR,
         country VARCHAR,
         sanction_list VARCHAR,
         programs VARCHAR,
         valid_from DATE,
         valid_to DATE,
         import_id BIGINT NOT NULL
       )`,
    ],
  },
  {
    version: 6,
    description: "the audit log names the key's name and role beside its id",
    statements: [
      // Null for entries written before: their key's id is all that was kept.
      `ALTER TABLE audit_log ADD COLUMN actor_name VARCHAR`,
      `ALTER TABLE audit_log ADD COLUMN actor_role VARCHAR`,
    ],
  },
  {
    version: 7,
    description: 'daily USD prices of assets, with where each came from',
    statements: [
      // One price a day per asset (USD per whole unit): a trace values a transfer at its UTC day's
      // price. Shared by every organisation, like the public labels: the operator imports them.
      `CREATE TABLE prices (
         chain VARCHAR NOT NULL,
         asset VARCHAR NOT NULL,
         day DATE NOT NULL,
         usd DOUBLE NOT NULL,
         source VARCHAR NOT NULL,
         PRIMARY KEY (chain, asset, day)
       )`,
    ],
  },
  {
    version: 8,
    description: 'address clusters (multi-input heuristic): members, sizes, links, refused merges',
    statements: [
      // One row per address in a cluster of two or more (an address in none is a cluster of its
      // own). `seq` numbers addresses in the order a build first clustered them; a cluster's id is
      // its lowest-seq address. Looked up by address only (screening, one address or a batch):
      // DuckDB uses an ART index for `address = ?` and `address IN (…)` but not once another column
      // is filtered too (a scan: 230-300 ms on 3 M rows here, 3-16 ms through the index), so the
      // index is on the address alone and the chain is checked on the few rows it finds.
      `CREATE TABLE cluster_addresses (
         chain VARCHAR NOT NULL,
         address VARCHAR NOT NULL,
         cluster_id VARCHAR NOT NULL,
         seq UBIGINT NOT NULL
       )`,
      `CREATE INDEX cluster_addresses_by_address ON cluster_addresses (address)`,
      // A cluster's size and the seq of its id; one row per cluster of two or more addresses.
      `CREATE TABLE clusters (
         chain VARCHAR NOT NULL,
         cluster_id VARCHAR NOT NULL,
         size UBIGINT NOT NULL,
         seq UBIGINT NOT NULL
       )`,
      `CREATE INDEX clusters_by_id ON clusters (cluster_id)`,
      // The transactions that merged clusters (the evidence), with the cluster they are in now.
      `CREATE TABLE cluster_links (
         chain VARCHAR NOT NULL,
         cluster_id VARCHAR NOT NULL,
         tx_hash VARCHAR NOT NULL,
         block_number UBIGINT NOT NULL,
         address VARCHAR NOT NULL,
         joined INTEGER NOT NULL,
         inputs INTEGER NOT NULL
       )`,
      // Merges refused because both sides carried public labels of different owners.
      `CREATE TABLE cluster_refusals (
         chain VARCHAR NOT NULL,
         tx_hash VARCHAR NOT NULL,
         block_number UBIGINT NOT NULL,
         address_a VARCHAR NOT NULL,
         cluster_a VARCHAR NOT NULL,
         labels_a JSON NOT NULL,
         address_b VARCHAR NOT NULL,
         cluster_b VARCHAR NOT NULL,
         labels_b JSON NOT NULL
       )`,
      // A chain's build: next seq, the UTXO rows it had read (a change below its checkpoint means
      // a rebuild) and totals. The checkpoint itself is in `checkpoints` (stream `clusters`).
      `CREATE TABLE cluster_state (
         chain VARCHAR PRIMARY KEY,
         next_seq UBIGINT NOT NULL,
         utxo_rows UBIGINT NOT NULL,
         clusters UBIGINT NOT NULL,
         addresses UBIGINT NOT NULL,
         coinjoins UBIGINT NOT NULL,
         refusals UBIGINT NOT NULL,
         updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp
       )`,
    ],
  },
  {
    version: 9,
    description: 'the generation of the transfers, bumped when a reorg removes some',
    statements: [
      // Readers that keep a cursor (the trace graph index) compare it: a removal voids row ids.
      `CREATE TABLE transfer_generation (generation UBIGINT NOT NULL)`,
      // A random start (below 2^48, exact as a double), not 0: an index file left beside a database
      // that was deleted and made again, whose cursors start over, is not taken for this one's.
      `INSERT INTO transfer_generation VALUES ((random() * 281474976710656)::UBIGINT)`,
    ],
  },
  {
    version: 10,
    description:
      'claims: names taken once (a case version, an alert), with the token that took them',
    statements: [
      `CREATE TABLE claims (
         name VARCHAR PRIMARY KEY,
         token VARCHAR NOT NULL,
         claimed_at TIMESTAMP NOT NULL
       )`,
    ],
  },
];

/** The schema version this code writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
