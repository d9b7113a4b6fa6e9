/**
 * Every error code chaintrail gives, in one union: the API's `error.code`, the CLI's `error [CODE]`
 * and the `code` of every thrown error. Scripts match on these; messages may change. A new code is
 * added here (the compiler refuses any other string), under the area it belongs to.
 */
export const ERROR_CODES = [
  // Usage and generic input
  'BAD_USAGE', // a CLI option or argument is wrong or missing
  'BAD_DATE',
  'INVALID_TIME',
  'INVALID_AMOUNT',
  'INVALID_BLOCK',
  'INVALID_POSITION',
  'INVALID_TX_HASH',
  'INVALID_ADDRESS',
  'INVALID_HOPS',
  'CHAIN_NOT_DETECTED',
  'UNKNOWN_CHAIN',
  'UNKNOWN_ASSET',
  'NO_INPUT',
  'NOT_FOUND',
  'TX_NOT_FOUND',
  // Files read by the CLI and the API
  'FILE_NOT_FOUND',
  'EMPTY_FILE',
  'BAD_BZIP2',
  'LINE_TOO_LONG',
  'CSV_EMPTY',
  'CSV_SYNTAX',
  'CSV_MISSING_COLUMN',
  'MISSING_COLUMN',
  'INVALID_ROW',
  'OUTPUT_UNWRITABLE',
  'UNKNOWN_ETL_FILE',
  'ETL_INVALID_ROW',
  'ETL_NOT_EVM',
  'GROUND_TRUTH_BAD_FILE',
  // Labels and their imports
  'LABEL_BAD_CATEGORY',
  'LABEL_BAD_CONFIDENCE',
  'LABEL_BAD_COUNTRY',
  'LABEL_BAD_MAP',
  'LABEL_INVALID_ROW',
  'LABEL_UNKNOWN_FORMAT',
  'OFAC_CSV_INVALID',
  'OFAC_XML_INVALID',
  'REFERENCE_BAD_FILE',
  'REFERENCE_BAD_MANIFEST',
  'TAGPACK_BAD_INCLUDE',
  'TAGPACK_BAD_NAME',
  'TAGPACK_BAD_TAG',
  'TAGPACK_BAD_YAML',
  'TAGPACK_INCLUDE_NOT_ALLOWED',
  'TAGPACK_NOT_FOUND',
  'TAGPACK_SANCTIONS_NOT_ALLOWED',
  'TAGPACK_PUBLISH_NOT_ALLOWED',
  'TAGPACK_RETIRE_NOT_ALLOWED',
  'TAGPACK_ALREADY_RETIRED',
  'TAGPACK_QUEUE_FULL',
  'ACTORPACK_BAD_YAML',
  'PRIVATE_LABEL_EXISTS',
  'PRIVATE_LABEL_FROM_UPLOAD',
  'PRIVATE_LABEL_FROM_CASE',
  // Screening
  'RULES_INVALID',
  'RULES_UNREADABLE',
  'SCREEN_TOO_MUCH_WORK',
  'SCREEN_WORK_LIMITED',
  // Tracing
  'TRACE_BAD_POLICY',
  'TRACE_NOT_DONE',
  'TRACE_QUEUE_FULL',
  'TRACE_SEED_NOT_FOUND',
  // Reports
  'REPORT_BAD_TRACE', // the file given is not a trace result (`chaintrail trace --json`)
  'CHROMIUM_NOT_FOUND', // a PDF is printed with Chromium, which is not installed
  // Clusters
  'CLUSTER_CHAIN_NOT_UTXO', // clustering asked of a chain that is not of the Bitcoin family
  'CLUSTERS_NOT_BUILT', // no cluster build of the chain yet (`chaintrail cluster build`)
  // Store
  'STORE_BAD_CURSOR',
  'STORE_BAD_WRITE',
  'STORE_BUSY', // retryable: another write is in progress
  'STORE_CLOSED',
  'STORE_LOCKED', // retryable: another process has the database open
  'STORE_OPEN_FAILED',
  'STORE_QUERY_FAILED', // a ClickHouse server refused a statement
  'STORE_UNAVAILABLE', // retryable: a ClickHouse server is down or busy
  'STORE_UNSUPPORTED', // the store's backend does not keep this yet (ClickHouse)
  'SCHEMA_TOO_NEW',
  'BAD_DOCUMENT',
  'BAD_AUDIT_ENTRY',
  // Chains and their nodes
  'RPC_ERROR',
  'RPC_FAILED',
  'RPC_TIMEOUT',
  'RPC_UNREACHABLE',
  'RPC_MISSING_BLOCK',
  'RPC_MISSING_RECEIPT',
  'RPC_BAD_TRACE',
  'RPC_TRACE_FAILED',
  'RPC_BAD_RESPONSE', // an answer that is not what the method returns (a malformed block or transaction)
  'RPC_AUTH_FAILED', // the node refused the credentials (HTTP 401/403)
  'UTXO_INPUT_UNRESOLVED', // an input's spent output is in no batch, store or node answer
  'UTXO_OUTPUTS_EXCEED_INPUTS',
  'CALL_REVERTED',
  'CHAIN_MISMATCH',
  'CHAIN_NOT_SYNCABLE', // no sync source for the chain's family (e.g. litecoin)
  'CHAIN_UNSTABLE',
  'FROM_ABOVE_HEAD',
  'NODE_NOT_ARCHIVE',
  'NOT_A_DEV_NODE',
  'REORG_TOO_DEEP',
  // Simulator
  'ANVIL_FAILED',
  'ANVIL_MISSING',
  'BCOIN_FAILED', // the in-memory bcoin node failed to start or to connect a block it mined
  'BITCOIN_TX_REJECTED', // the node refused a transaction (the rule it breaks is in the message)
  'CONTRACTS_COMPILE_FAILED',
  'CONTRACTS_MISSING',
  'UNKNOWN_SCENARIO',
  'SIM_CHAIN_USED',
  'SIM_LEDGER_MISMATCH',
  'SIM_NO_DEPOSIT_WALLET',
  'SIM_STUCK',
  'SIM_TRUTH_UNBALANCED',
  'SIM_UNEXPECTED_STATUS',
  // API: requests, keys and organisations
  'BAD_REQUEST',
  'VALIDATION_FAILED',
  'INVALID_JSON',
  'INVALID_CONTENT_LENGTH',
  'BODY_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'MISSING_API_KEY',
  'INVALID_API_KEY',
  'INVALID_ROLE',
  'INVALID_ORGANISATION',
  'INVALID_RATE_LIMIT',
  'FORBIDDEN',
  'OTHER_ORGANISATION',
  'RATE_LIMITED',
  'TOO_MANY_STREAMS',
  'UI_NOT_BUILT',
  'INTERNAL_ERROR',
  // API: cases, watchlists, alerts and webhooks
  'CASE_CONFLICT',
  'CASE_DUPLICATE_NOTE',
  'CASE_GRAPH_TOO_DEEP',
  'CASE_TOO_LARGE',
  'TRACE_SUBGRAPH_TOO_LARGE',
  'CASE_UNKNOWN_NOTE',
  'CASE_UNKNOWN_TRACE',
  'CASE_NO_TRACE', // the case has no finished (forward) trace to take findings from
  'CASE_TRACE_NOT_FORWARD',
  'FINDINGS_NO_ADDRESSES',
  'FINDINGS_TOO_MANY',
  'FINDINGS_BAD_CATEGORY',
  'WATCHLIST_EMPTY',
  'WATCHLIST_NO_NAME',
  'WATCHLIST_TOO_LARGE',
  'WATCHLIST_BUSY',
  'ALERT_GONE',
  'INVALID_WEBHOOK_URL',
  'WEBHOOK_GONE',
  'DEAD_LETTER_BUSY',
  'WEBHOOK_HOST_UNRESOLVED',
  'WEBHOOK_SECRET_TOO_SHORT',
  'WEBHOOK_TARGET_NOT_ALLOWED',
] as const;

/** A stable error code: one of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
