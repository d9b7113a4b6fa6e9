/**
 * What a Tron full node's HTTP API (java-tron, and TronGrid, which serves the same `/wallet/` paths)
 * answers, with `visible` left false: addresses as hex `41` + 20 bytes, `asset_name` and `note` as
 * hex bytes. Only the fields chaintrail reads are typed; every other field is kept and ignored.
 *
 * Sources (tronprotocol/documentation-en at 8f3209e, July 2026): `docs/api/http/block-and-tx-query/`
 * `getblockbylimitnext.md`, `gettransactionbyid.md`, `gettransactioninfobyid.md`,
 * `gettransactioninfobyblocknum.md`; `docs/mechanism-algorithm/system-contracts.md` (contract
 * parameters); `docs/api/openapi.yaml` (`InternalTransaction`, `CallValueInfo`).
 *
 * int64 fields are JSON numbers. A node writes them in full, so amounts past 2^53 sun (9 billion
 * TRX) arrive as number literals a float cannot hold: the client reads such answers exactly and
 * they come as decimal strings (see `tron-http-client.ts`). Read them with `readInt`.
 */

/** An int64 as the client gives it: a number when it fits a double exactly, else its digits. */
export type TronInt = number | string;

/** `Block.block_header.raw_data`. */
export type TronBlockHeaderRaw = {
  number?: TronInt;
  /** 32-byte hex, no `0x`: the block id of the parent. */
  parentHash?: string;
  /** Milliseconds since the epoch. */
  timestamp?: TronInt;
  witness_address?: string;
};

/** One contract of a transaction (`raw_data.contract[0]`; a transaction has one in practice). */
export type TronContract = {
  /** `TransferContract`, `TransferAssetContract`, `TriggerSmartContract`, … */
  type?: string;
  parameter?: { value?: Record<string, unknown>; type_url?: string };
};

/** A transaction as a block lists it (`protocol.Transaction`, plus `txID`). */
export type TronTransaction = {
  /** 32-byte hex, no `0x`. */
  txID?: string;
  raw_data?: { contract?: TronContract[]; timestamp?: TronInt };
  /** `ret[0].contractRet`: `SUCCESS`, `REVERT`, `OUT_OF_ENERGY`, …; absent on some system contracts. */
  ret?: { contractRet?: string }[];
};

/** A block (`protocol.Block` plus `blockID`), as `getblockbylimitnext` and `getblockbynum` give it. */
export type TronBlock = {
  /** 32-byte hex, no `0x`; the first 8 bytes are the height. */
  blockID?: string;
  block_header?: { raw_data?: TronBlockHeaderRaw };
  /** Absent when the block has none. */
  transactions?: TronTransaction[];
};

/** `TransactionInfo.Log`: the emitting contract as 20 bytes hex (no `41`), topics and data bare hex. */
export type TronLog = { address?: string; topics?: string[]; data?: string };

/** `InternalTransaction`: a call made by a contract, with the TRX (no `tokenId`) or TRC-10 it carried. */
export type TronInternalTransaction = {
  hash?: string;
  caller_address?: string;
  transferTo_address?: string;
  callValueInfo?: { callValue?: TronInt; tokenId?: string }[];
  /** Hex of `call`, `create`, `suicide`, … */
  note?: string;
  /** True when the call was reverted: it moved nothing. */
  rejected?: boolean;
};

/** `TransactionInfo`: the execution result of one transaction. */
export type TronTransactionInfo = {
  id?: string;
  /** TRX burned for the transaction, in sun (energy and bandwidth bought by burning, plus fixed fees). */
  fee?: TronInt;
  blockNumber?: TronInt;
  blockTimeStamp?: TronInt;
  /** `FAILED` when the transaction failed; absent (the protobuf default) when it succeeded. */
  result?: string;
  /** The contract called or deployed (`41` + 20 bytes hex). */
  contract_address?: string;
  receipt?: {
    energy_fee?: TronInt;
    net_fee?: TronInt;
    energy_usage_total?: TronInt;
    net_usage?: TronInt;
    /** The contract's result, as `ret[0].contractRet`. */
    result?: string;
  };
  log?: TronLog[];
  internal_transactions?: TronInternalTransaction[];
};
