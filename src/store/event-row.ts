import type { Asset, AssetSource } from '../model/asset.ts';
import type { ChainEvent, ChainEventType } from '../model/events.ts';
import type { Transfer, TransferKind } from '../model/transfer.ts';
import type { Block, Checkpoint, StoredOutput } from './store.ts';

/**
 * Events and transfers as flat rows, shared by every backend: an event of any type fills the same
 * columns ({@link EVENT_COLUMNS}: a swap's two sides, a wrap's, a bridge's memo and counterparty;
 * type-specific extras as JSON in `extra`), and reads back from them.
 */
export const EVENT_COLUMNS = [
  'chain',
  'block_number',
  'block_time',
  'tx_hash',
  'position',
  'type',
  'protocol',
  'contract',
  'account',
  'recipient',
  'asset_in',
  'amount_in',
  'asset_out',
  'amount_out',
  'memo',
  'counterparty',
  'extra',
] as const;

/** A value of {@link eventRow}: text, an integer (block, time in Unix seconds, amount) or null. */
export type EventRowValue = string | bigint | null;

/**
 * An event's values in {@link EVENT_COLUMNS} order (block time in Unix seconds).
 *
 * @example
 * eventRow(swap); // ['ethereum', 19000000n, 1700000000n, '0x…', 'log:3', 'swap', 'uniswap-v2', …]
 */
export function eventRow(e: ChainEvent): EventRowValue[] {
  const base = [
    e.chain,
    e.blockNumber,
    e.blockTime === null ? null : BigInt(e.blockTime),
    e.txHash,
    e.position,
    e.type,
  ];
  switch (e.type) {
    case 'swap':
      return [
        ...base,
        e.protocol,
        e.contract,
        e.account,
        e.recipient,
        e.assetIn,
        e.amountIn,
        e.assetOut,
        e.amountOut,
        null,
        null,
        e.tokenInIndex === undefined || e.tokenInIndex === null
          ? null
          : JSON.stringify({ tokenInIndex: e.tokenInIndex }),
      ];
    case 'wrap':
      return [
        ...base,
        null,
        e.contract,
        e.account,
        e.account,
        'native',
        e.amount,
        e.contract,
        e.amount,
        null,
        null,
        null,
      ];
    case 'unwrap':
      return [
        ...base,
        null,
        e.contract,
        e.account,
        e.account,
        e.contract,
        e.amount,
        'native',
        e.amount,
        null,
        null,
        null,
      ];
    case 'bridge_deposit':
      return [
        ...base,
        e.protocol,
        e.contract,
        e.account,
        null,
        e.asset,
        e.amount,
        null,
        null,
        e.memo,
        e.counterparty,
        null,
      ];
    case 'bridge_withdrawal':
      return [
        ...base,
        e.protocol,
        e.contract,
        e.account,
        null,
        null,
        null,
        e.asset,
        e.amount,
        e.memo,
        e.counterparty,
        null,
      ];
    case 'freeze':
    case 'unfreeze':
      return [...base, null, e.contract, e.account, null, null, null, null, null, null, null, null];
  }
}

/** A row as a backend returns it: column name to value (64-bit integers as bigint or text). */
export type Row = Record<string, unknown>;

export function toBig(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(String(value));
}
export function toNum(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function rowToEvent(r: Row): ChainEvent {
  const base = {
    chain: String(r.chain),
    blockNumber: toBig(r.block_number),
    blockTime: toNum(r.block_time),
    txHash: String(r.tx_hash),
    position: String(r.position),
    contract: String(r.contract),
  };
  const type = r.type as ChainEventType;
  switch (type) {
    case 'swap': {
      const extra = r.extra ? (JSON.parse(String(r.extra)) as { tokenInIndex?: 0 | 1 | null }) : {};
      return {
        ...base,
        type,
        protocol: r.protocol as 'uniswap-v2' | 'uniswap-v3',
        account: (r.account as string | null) ?? null,
        recipient: (r.recipient as string | null) ?? null,
        assetIn: (r.asset_in as string | null) ?? null,
        amountIn: toBig(r.amount_in),
        assetOut: (r.asset_out as string | null) ?? null,
        amountOut: toBig(r.amount_out),
        ...(extra.tokenInIndex !== undefined ? { tokenInIndex: extra.tokenInIndex } : {}),
      };
    }
    case 'wrap':
    case 'unwrap':
      return {
        ...base,
        type,
        account: String(r.account),
        amount: toBig(type === 'wrap' ? r.amount_in : r.amount_out),
      };
    case 'bridge_deposit':
    case 'bridge_withdrawal': {
      // A deposit leaves through the "in" side of the events row, a withdrawal arrives on the "out" side.
      const deposit = type === 'bridge_deposit';
      return {
        ...base,
        type,
        protocol: String(r.protocol),
        account: (r.account as string | null) ?? null,
        asset: String(deposit ? r.asset_in : r.asset_out),
        amount: toBig(deposit ? r.amount_in : r.amount_out),
        memo: (r.memo as string | null) ?? null,
        counterparty: (r.counterparty as string | null) ?? null,
      };
    }
    case 'freeze':
    case 'unfreeze':
      return { ...base, type, account: String(r.account) };
  }
}

export function rowToTransfer(r: Row): Transfer {
  return {
    chain: String(r.chain),
    blockNumber: toBig(r.block_number),
    blockTime: toNum(r.block_time),
    txHash: String(r.tx_hash),
    position: String(r.position),
    from: (r.from_address as string | null) ?? null,
    to: (r.to_address as string | null) ?? null,
    asset: String(r.asset),
    amount: toBig(r.amount),
    kind: r.kind as TransferKind,
  };
}

/** A block from its row (`time` in Unix seconds). */
export function rowToBlock(r: Row): Block {
  return {
    chain: String(r.chain),
    number: toBig(r.number),
    hash: (r.hash as string | null) ?? null,
    parentHash: (r.parent_hash as string | null) ?? null,
    time: Number(r.time),
  };
}

/** A checkpoint from its row. */
export function rowToCheckpoint(r: Row): Checkpoint {
  return {
    chain: String(r.chain),
    stream: String(r.stream),
    blockNumber: toBig(r.block_number),
    blockHash: (r.block_hash as string | null) ?? null,
  };
}

/** An asset's metadata from its row. */
export function rowToAsset(r: Row): Asset {
  return {
    chain: String(r.chain),
    asset: String(r.asset),
    symbol: (r.symbol as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    decimals: toNum(r.decimals),
    source: (r.source as AssetSource | null) ?? null,
  };
}

/** How a UTXO output's position starts (`out:<index>`). */
const OUT_PREFIX = 'out:';

/**
 * Adds to `found` the outputs among `rows` (a transaction's `utxo_out` transfers: tx_hash,
 * position, to_address, amount) whose `<tx hash>:<index>` is `wanted`.
 */
export function addWantedOutputs(
  rows: readonly Row[],
  wanted: ReadonlySet<string>,
  found: Map<string, StoredOutput>,
): void {
  for (const r of rows) {
    const key = `${String(r.tx_hash)}:${String(r.position).slice(OUT_PREFIX.length)}`;
    if (wanted.has(key))
      found.set(key, { address: (r.to_address as string | null) ?? null, amount: toBig(r.amount) });
  }
}
