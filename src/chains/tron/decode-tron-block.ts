import { UserError } from '../../errors/base.ts';
import { NATIVE_ASSET } from '../../model/asset.ts';
import type { ChainEvent } from '../../model/events.ts';
import type { Transfer } from '../../model/transfer.ts';
import { decodeLog, type DecodeLogContext } from '../evm/decode-log.ts';
import type { TronAddressCodec } from './tron-address.ts';
import type { TronBlock, TronContract, TronTransaction, TronTransactionInfo } from './types.ts';
import { blockIdentity, readAmount } from './wallet-api.ts';

/**
 * The stored asset of a TRC-10 token: `trc10:<token id>`. TRC-10 tokens are a protocol feature
 * with numeric ids (`1002000`), not contracts, so they have no address to stand for them.
 */
export const TRC10_ASSET_PREFIX = 'trc10:';
/** The position of a transaction's own value (as an EVM transaction's). */
const CALL_POSITION = 'call:';
/** A TriggerSmartContract that sends TRC-10 (`call_token_value`) beside TRX (`call_value`). */
const CALL_TOKEN_POSITION = 'call:trc10';
/** All of a Tron fee is burned (energy and bandwidth bought with TRX): it goes to no one. */
const FEE_POSITION = 'fee:burn';
const SUCCESS = 'SUCCESS';
/** Tron has no WTRX wraps or THORChain router among the events chaintrail reads. */
const NO_LOG_CONTEXT: DecodeLogContext = { wrappedNative: new Set(), bridgeRouters: new Set() };

/** What a block's transactions moved, as stored. */
export type DecodedTronBlock = {
  transfers: Transfer[];
  events: ChainEvent[];
  /** TRC-20 contracts (`T…`) whose `Transfer` the block holds: their symbol and decimals are asked. */
  tokens: Set<string>;
};

export type DecodeTronBlockParameters = {
  chain: string;
  block: TronBlock;
  /** `gettransactioninfobyblocknum` of the block. */
  infos: readonly TronTransactionInfo[];
  addresses: TronAddressCodec;
  /** False: leave out internal transactions' values (default true). */
  internal?: boolean | undefined;
};

/**
 * The stored asset of a TRC-10 token named by its old name (before 2019's allowSameTokenName, a
 * transfer named the token, not its id): `trc10name:<hex of the name>`, hex so that any bytes stay
 * a safe key.
 */
export const TRC10_NAME_ASSET_PREFIX = 'trc10name:';
/** java-tron's TRC-10 ids are numbers from 1000001 up; 19 digits holds any int64. */
const TRC10_ID = /^\d{1,19}$/;

/**
 * The asset of a TRC-10 `asset_name` (hex bytes with `visible` false): `trc10:<id>` since 2019's
 * allowSameTokenName (the name is the id's digits), `trc10name:<hex>` for the old names.
 */
function trc10Asset(assetName: unknown, where: string): string {
  const hex = typeof assetName === 'string' ? assetName.toLowerCase() : '';
  if (!/^(?:[0-9a-f]{2})+$/.test(hex))
    throw new UserError(`${where}: asset_name ${JSON.stringify(assetName)} is not hex bytes`, {
      code: 'RPC_BAD_RESPONSE',
    });
  let text = '';
  for (let i = 0; i < hex.length; i += 2)
    text += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return TRC10_ID.test(text) ? `${TRC10_ASSET_PREFIX}${text}` : `${TRC10_NAME_ASSET_PREFIX}${hex}`;
}

/** Whether a transaction succeeded: its `ret` and its execution result agree on it. */
function succeeded(tx: TronTransaction, info: TronTransactionInfo | undefined): boolean {
  const ret = tx.ret?.[0]?.contractRet;
  if (ret !== undefined && ret !== SUCCESS) return false;
  return info?.result !== 'FAILED';
}

/**
 * The transfers and events of one Tron block (with `visible` false: hex addresses):
 * - `TransferContract`: a `native` TRX transfer (sun), owner to `to_address`;
 * - `TransferAssetContract`: a `native` TRC-10 transfer, asset `trc10:<id>`;
 * - `TriggerSmartContract`: its `call_value` (TRX) and `call_token_value` (TRC-10) to the contract;
 *   its logs read as EVM logs ({@link decodeLog}: TRC-20 `Transfer` as `token` with the contract as
 *   asset, USDT's `AddedBlackList`/`RemovedBlackList` and `Blacklisted`/`UnBlacklisted` as
 *   freezes, SunSwap's Uniswap-v2 `Swap`), `log:<index in the transaction>`;
 * - internal transactions not rejected: each TRX or TRC-10 value they carried, `internal`,
 *   `call:<index>` (`call:<index>:<k>` for a second value of one call);
 * - the fee (`fee` of its execution result, TRX burned), `fee:burn`, paid by the owner, failed
 *   transactions included. A failed transaction moves nothing else.
 * Every address is stored base58 (`T…`). A transaction without its execution result is an error
 * naming it: fees would otherwise be lost silently.
 *
 * @example
 * const { transfers, events } = decodeTronBlock({ chain: 'tron', block, infos, addresses });
 */
export function decodeTronBlock(p: DecodeTronBlockParameters): DecodedTronBlock {
  const { chain, block, addresses } = p;
  const id = blockIdentity(block, 'block');
  const blockNumber = id.number;
  const blockTime = id.time;
  const infoById = new Map<string, TronTransactionInfo>();
  for (const info of p.infos) if (info.id) infoById.set(info.id.toLowerCase(), info);
  const transfers: Transfer[] = [];
  const events: ChainEvent[] = [];
  const tokens = new Set<string>();

  const seen = new Set<string>();
  for (const tx of block.transactions ?? []) {
    const txHash = (tx.txID ?? '').toLowerCase();
    const where = `block ${blockNumber} transaction ${txHash}`;
    if (!/^[0-9a-f]{64}$/.test(txHash))
      throw new UserError(`block ${blockNumber}: a transaction without a 32-byte txID`, {
        code: 'RPC_BAD_RESPONSE',
      });
    // The store keeps one row per key: a repeated transaction would vanish from the sums unsaid.
    if (seen.has(txHash))
      throw new UserError(`${where}: the block lists this transaction twice`, {
        code: 'RPC_BAD_RESPONSE',
      });
    seen.add(txHash);
    // The genesis block's transactions (the first allocations) have no execution results: the
    // node answers `{}` for block 0. They cost nothing and cannot fail.
    const info: TronTransactionInfo | undefined =
      infoById.get(txHash) ?? (blockNumber === 0n ? {} : undefined);
    if (info === undefined)
      throw new UserError(`${where}: the node gave no execution result (fee, logs) for it`, {
        code: 'RPC_MISSING_RECEIPT',
        details: 'gettransactioninfobyblocknum must list every transaction of the block',
      });
    const contract: TronContract | undefined = tx.raw_data?.contract?.[0];
    const value = contract?.parameter?.value ?? {};
    const ownerHex = value.owner_address;
    const owner =
      typeof ownerHex === 'string' ? addresses.fromHex41(ownerHex, `${where} owner_address`) : null;
    const move = (
      position: string,
      from: string | null,
      to: string | null,
      asset: string,
      amount: bigint,
      kind: Transfer['kind'],
    ) => {
      if (amount <= 0n) return;
      transfers.push({
        chain,
        blockNumber,
        blockTime,
        txHash,
        position,
        from,
        to,
        asset,
        amount,
        kind,
      });
    };
    const fee = readAmount(info.fee, `${where} fee`, 0n);
    if (fee > 0n && owner === null)
      throw new UserError(`${where}: a fee of ${fee} sun without the owner_address who paid it`, {
        code: 'RPC_BAD_RESPONSE',
      });
    if (fee > 0n) move(FEE_POSITION, owner, null, NATIVE_ASSET, fee, 'fee');
    if (!succeeded(tx, info)) continue;

    const to = (field: string) =>
      typeof value[field] === 'string'
        ? addresses.fromHex41(value[field] as string, `${where} ${field}`)
        : null;
    /** What a call or a deployment sends `target`: TRX, and TRC-10 (`call_token_value`). */
    const callValues = (target: string | null, trx: bigint) => {
      move(CALL_POSITION, owner, target, NATIVE_ASSET, trx, 'native');
      const tokenValue = readAmount(value.call_token_value, `${where} call_token_value`, 0n);
      if (tokenValue > 0n)
        move(
          CALL_TOKEN_POSITION,
          owner,
          target,
          `${TRC10_ASSET_PREFIX}${readAmount(value.token_id, `${where} token_id`)}`,
          tokenValue,
          'native',
        );
    };
    switch (contract?.type) {
      // TRX sent; or paid to a TRC-10's issuer (`to_address`) to buy in its issue, whose tokens
      // sent back are not in the transaction (the issue's price gives them) and are not read here.
      case 'TransferContract':
      case 'ParticipateAssetIssueContract':
        move(
          CALL_POSITION,
          owner,
          to('to_address'),
          NATIVE_ASSET,
          readAmount(value.amount, `${where} amount`),
          'native',
        );
        break;
      case 'TransferAssetContract':
        move(
          CALL_POSITION,
          owner,
          to('to_address'),
          trc10Asset(value.asset_name, where),
          readAmount(value.amount, `${where} amount`),
          'native',
        );
        break;
      case 'TriggerSmartContract': {
        const target = to('contract_address');
        callValues(target, readAmount(value.call_value, `${where} call_value`, 0n));
        break;
      }
      case 'CreateSmartContract': {
        // A deployment may fund the new contract, whose address is in the execution result.
        const created = value.new_contract as Record<string, unknown> | undefined;
        const target =
          typeof info.contract_address === 'string'
            ? addresses.fromHex41(info.contract_address, `${where} contract_address`)
            : null;
        const trx = readAmount(created?.call_value, `${where} new_contract.call_value`, 0n);
        const tokenValue = readAmount(value.call_token_value, `${where} call_token_value`, 0n);
        if ((trx > 0n || tokenValue > 0n) && target === null)
          throw new UserError(`${where}: a funded deployment without its contract_address`, {
            code: 'RPC_BAD_RESPONSE',
          });
        callValues(target, trx);
        break;
      }
      default:
        // Staking, voting, account and contract management move no value to another account.
        // The Bancor-style Exchange* contracts (TRX/TRC-10 pools, little used since TRC-20 AMMs)
        // do, and are not read: README, "Tron".
        break;
    }
    (info.log ?? []).forEach((log, index) => {
      const decoded = decodeLog(
        {
          chain,
          blockNumber,
          blockTime,
          txHash,
          logIndex: index,
          address: `0x${log.address ?? ''}`,
          topics: (log.topics ?? []).map((t) => `0x${t}`),
          data: `0x${log.data ?? ''}`,
        },
        NO_LOG_CONTEXT,
      );
      const at = `${where} log ${index}`;
      if (decoded.transfer) {
        const t = decoded.transfer;
        const token = addresses.fromHex20(t.asset, `${at} address`);
        tokens.add(token);
        transfers.push({
          ...t,
          asset: token,
          from: t.from === null ? null : addresses.fromHex20(t.from, `${at} from`),
          to: t.to === null ? null : addresses.fromHex20(t.to, `${at} to`),
        });
      }
      if (decoded.event) events.push(tronEvent(decoded.event, addresses, at));
    });

    (p.internal === false ? [] : (info.internal_transactions ?? [])).forEach((call, index) => {
      if (call.rejected) return;
      const at = `${where} internal transaction ${index}`;
      const values = call.callValueInfo ?? [];
      values.forEach((v, k) => {
        const amount = readAmount(v.callValue, `${at} callValue`, 0n);
        if (amount <= 0n) return;
        move(
          k === 0 ? `call:${index}` : `call:${index}:${k}`,
          addresses.fromHex41(call.caller_address ?? '', `${at} caller_address`),
          addresses.fromHex41(call.transferTo_address ?? '', `${at} transferTo_address`),
          v.tokenId
            ? `${TRC10_ASSET_PREFIX}${readAmount(v.tokenId, `${at} tokenId`)}`
            : NATIVE_ASSET,
          amount,
          'internal',
        );
      });
    });
  }
  return { transfers, events, tokens };
}

/** An event decoded as EVM's, with its addresses in the stored `T…` form. */
function tronEvent(event: ChainEvent, addresses: TronAddressCodec, at: string): ChainEvent {
  const conv = (a: string | null) => (a === null ? null : addresses.fromHex20(a, at));
  const contract = addresses.fromHex20(event.contract, at);
  switch (event.type) {
    case 'freeze':
    case 'unfreeze':
      return { ...event, contract, account: addresses.fromHex20(event.account, at) };
    case 'swap':
      return { ...event, contract, account: conv(event.account), recipient: conv(event.recipient) };
    case 'wrap':
    case 'unwrap':
      return { ...event, contract, account: addresses.fromHex20(event.account, at) };
    default:
      return {
        ...event,
        contract,
        account: conv(event.account),
        counterparty: conv(event.counterparty),
      };
  }
}
