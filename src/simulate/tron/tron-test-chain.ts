import { createHash } from 'node:crypto';
import { createBase58check } from '@scure/base';
import { sha256 } from 'viem';
import { encodeAbiParameters, toEventSelector } from 'viem';
import type {
  TronBlock,
  TronInternalTransaction,
  TronLog,
  TronTransaction,
  TronTransactionInfo,
} from '../../chains/tron/types.ts';
import type { TransferKind } from '../../model/transfer.ts';
import { createRandom } from '../random.ts';

/**
 * A Tron chain held in memory and written in the node's own JSON (`visible` false: hex addresses),
 * for the test node (`tron-test-node.ts`): no Tron node can be installed here. Each field follows
 * tronprotocol/documentation-en at 8f3209e (July 2026): blocks as `getblockbylimitnext.md` shows
 * them (`blockID` begins with the height's 8 bytes; `raw_data.number`, `parentHash`, `timestamp`
 * in ms), transactions as `gettransactionbyid.md` (`txID`, `raw_data.contract[0]` with `type` and
 * `parameter.value`, `ret[0].contractRet`), contract parameters as
 * `mechanism-algorithm/system-contracts.md` (TransferContract, TransferAssetContract with the
 * TRC-10 id as hex bytes, TriggerSmartContract), execution results as `gettransactioninfobyid.md`
 * (`fee` in sun, `receipt`, `log` with 20-byte addresses without `41`, `result: "FAILED"`), and
 * internal transactions as `openapi.yaml`'s `InternalTransaction` (`caller_address`,
 * `transferTo_address`, `callValueInfo[{callValue, tokenId}]`, `note` hex of "call", `rejected`).
 *
 * Hashes are SHA-256 of the JSON of what they name (java-tron hashes the protobuf bytes): the
 * sync checks only that they are 32 bytes and that each block names its parent's.
 */

/** Tron's block interval. */
export const TRON_BLOCK_SECONDS = 3;

/** One movement the chain was asked to make, as the node's own record (addresses `T…`). */
export type TronRecordedMove = {
  blockNumber: bigint;
  txHash: string;
  kind: TransferKind;
  from: string | null;
  to: string | null;
  /** `native`, `trc10:<id>`, or a TRC-20 contract `T…`. */
  asset: string;
  amount: bigint;
};

/** A freeze or unfreeze the chain was asked to log. */
export type TronRecordedFreeze = {
  blockNumber: bigint;
  txHash: string;
  type: 'freeze' | 'unfreeze';
  contract: string;
  account: string;
};

/** A call a contract makes inside a transaction, with the value it carries. */
export type TronTestInternalCall = {
  from: string;
  to: string;
  amount: bigint;
  /** A TRC-10 id; TRX without it. */
  tokenId?: string;
  rejected?: boolean;
};

/** What one transaction does (addresses `T…`; `fee` in sun burned, default none). */
export type TronTestMove = { fee?: bigint; failed?: boolean } & (
  | { type: 'trx'; from: string; to: string; amount: bigint }
  | { type: 'trc10'; from: string; to: string; tokenId: string; amount: bigint }
  | { type: 'trc20'; from: string; token: string; to: string; amount: bigint }
  /** The issuer (`from`) mints: a `Transfer` from the zero address. */
  | { type: 'mint'; from: string; token: string; to: string; amount: bigint }
  | {
      type: 'call';
      from: string;
      contract: string;
      callValue?: bigint;
      internal: TronTestInternalCall[];
    }
  | { type: 'blacklist'; from: string; token: string; account: string; remove?: boolean }
);

const TRANSFER_TOPIC = toEventSelector(
  'event Transfer(address indexed from, address indexed to, uint256 value)',
).slice(2);
/** USDT on Tron indexes the user (unlike Ethereum's USDT, which logs it as data). */
const ADDED_BLACKLIST_TOPIC = toEventSelector('event AddedBlackList(address indexed _user)').slice(
  2,
);
const REMOVED_BLACKLIST_TOPIC = toEventSelector(
  'event RemovedBlackList(address indexed _user)',
).slice(2);
/** `transfer(address,uint256)`. */
const TRANSFER_SELECTOR = 'a9059cbb';
const CALL_NOTE = Buffer.from('call').toString('hex');

const base58check = createBase58check((d: Uint8Array) => sha256(d, 'bytes'));
/** Tron's zero address (`41` + 20 zero bytes): a mint's `Transfer` comes from it. */
export const TRON_ZERO_ADDRESS = base58check.encode(new Uint8Array([0x41, ...new Uint8Array(20)]));

/** A `T…` address as the node writes it: `41` + 20 bytes hex. */
export function tronHex41(address: string): string {
  return Buffer.from(base58check.decode(address)).toString('hex');
}

/** The 20 bytes of a `T…` address, hex, as logs and ABI words carry them. */
function hex20(address: string): string {
  return tronHex41(address).slice(2);
}

/** A `T…` address from 20 bytes (a constructed address no one holds a key for). */
export function tronAddressOf(bytes20: Uint8Array): string {
  const b = new Uint8Array(21);
  b[0] = 0x41;
  b.set(bytes20, 1);
  return base58check.encode(b);
}

/**
 * `n` CONSTRUCTED `T…` addresses from a seed: seeded bytes no one holds a key for (the same on
 * every run).
 *
 * @example
 * const [alice, bob] = constructedTronAddresses('my-test', 2);
 */
export function constructedTronAddresses(seed: string, n: number): string[] {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => {
    const bytes = new Uint8Array(20);
    for (let i = 0; i < 20; i++) bytes[i] = random.int(0, 255);
    return tronAddressOf(bytes);
  });
}

const word = (hex: string) => hex.padStart(64, '0');
const hash = (value: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)))
    .digest('hex');

/** A block and the execution results of its transactions. */
export type TronTestBlock = { block: TronBlock; infos: TronTransactionInfo[] };

/**
 * A chain builder: `mine` appends a block of moves, `rewind` drops blocks from a height (a
 * reorganisation: mine others after). The node's record (`moves`, `freezes`) says what each block
 * moved, kept apart from the JSON, so a sync can be checked against it.
 *
 * @example
 * const chain = createTronTestChain({ startTime: 1_700_000_000 });
 * chain.mine([{ type: 'trx', from: a, to: b, amount: 1_000_000n, fee: 268_000n }]);
 */
export function createTronTestChain(parameters: { startTime: number }) {
  const blocks: TronTestBlock[] = [];
  let nonce = 0;
  const moves: TronRecordedMove[] = [];
  const freezes: TronRecordedFreeze[] = [];
  const tokens = new Map<string, { symbol: string; decimals: number }>();

  const mine = (list: readonly TronTestMove[], time?: number): bigint => {
    const number = BigInt(blocks.length);
    const parent = blocks[blocks.length - 1]?.block.blockID ?? '0'.repeat(64);
    const timestamp = (time ?? parameters.startTime + Number(number) * TRON_BLOCK_SECONDS) * 1000;
    const transactions: TronTransaction[] = [];
    const infos: TronTransactionInfo[] = [];
    for (const move of list) {
      const { tx, info, recorded, freeze } = build(move, number, timestamp, nonce++);
      transactions.push(tx);
      infos.push(info);
      moves.push(...recorded);
      if (freeze) freezes.push(freeze);
    }
    // Block 0 is written as mainnet's genesis is: no number and no timestamp (protobuf defaults
    // left out), its transactions the first allocations, without execution results.
    const raw_data = {
      ...(number === 0n ? {} : { number: Number(number) }),
      txTrieRoot: hash(transactions.map((t) => t.txID)),
      witness_address: '41' + '00'.repeat(20),
      parentHash: parent,
      ...(number === 0n ? {} : { version: 30, timestamp }),
    };
    const blockID = number.toString(16).padStart(16, '0') + hash(raw_data).slice(16);
    const block: TronBlock = { blockID, block_header: { raw_data } };
    if (transactions.length > 0) block.transactions = transactions;
    blocks.push({ block, infos });
    return number;
  };

  return {
    blocks: blocks as readonly TronTestBlock[],
    moves: moves as readonly TronRecordedMove[],
    freezes: freezes as readonly TronRecordedFreeze[],
    tokens: tokens as ReadonlyMap<string, { symbol: string; decimals: number }>,
    get height(): bigint {
      return BigInt(blocks.length - 1);
    },
    /** A TRC-20 contract's `symbol()` and `decimals()` answers. */
    addToken(contract: string, symbol: string, decimals: number) {
      tokens.set(contract, { symbol, decimals });
    },
    mine,
    /** Drops blocks `height` and above, and their record. */
    rewind(height: bigint) {
      blocks.length = Number(height);
      const keep = <T extends { blockNumber: bigint }>(xs: T[]) => {
        const kept = xs.filter((x) => x.blockNumber < height);
        xs.length = 0;
        xs.push(...kept);
      };
      keep(moves);
      keep(freezes);
    },
  };
}

export type TronTestChain = ReturnType<typeof createTronTestChain>;

/** One transaction in the node's JSON, its execution result and what the record says it moved. */
function build(move: TronTestMove, blockNumber: bigint, timestamp: number, nonce: number) {
  const fee = move.fee ?? 0n;
  const ok = !move.failed;
  let contract: { type: string; value: Record<string, unknown> };
  const log: TronLog[] = [];
  const internal: TronInternalTransaction[] = [];
  const recorded: Omit<TronRecordedMove, 'blockNumber' | 'txHash'>[] = [];
  let freeze: Omit<TronRecordedFreeze, 'blockNumber' | 'txHash'> | undefined;
  switch (move.type) {
    case 'trx':
      contract = {
        type: 'TransferContract',
        value: {
          amount: move.amount,
          owner_address: tronHex41(move.from),
          to_address: tronHex41(move.to),
        },
      };
      recorded.push({
        kind: 'native',
        from: move.from,
        to: move.to,
        asset: 'native',
        amount: move.amount,
      });
      break;
    case 'trc10':
      contract = {
        type: 'TransferAssetContract',
        value: {
          amount: move.amount,
          asset_name: Buffer.from(move.tokenId).toString('hex'),
          owner_address: tronHex41(move.from),
          to_address: tronHex41(move.to),
        },
      };
      recorded.push({
        kind: 'native',
        from: move.from,
        to: move.to,
        asset: `trc10:${move.tokenId}`,
        amount: move.amount,
      });
      break;
    case 'trc20':
      contract = {
        type: 'TriggerSmartContract',
        value: {
          data:
            TRANSFER_SELECTOR +
            encodeAbiParameters(
              [{ type: 'address' }, { type: 'uint256' }],
              [`0x${hex20(move.to)}`, move.amount],
            ).slice(2),
          owner_address: tronHex41(move.from),
          contract_address: tronHex41(move.token),
        },
      };
      log.push({
        address: hex20(move.token),
        topics: [TRANSFER_TOPIC, word(hex20(move.from)), word(hex20(move.to))],
        data: word(move.amount.toString(16)),
      });
      recorded.push({
        kind: 'token',
        from: move.from,
        to: move.to,
        asset: move.token,
        amount: move.amount,
      });
      break;
    case 'mint':
      contract = {
        type: 'TriggerSmartContract',
        value: {
          data: 'deadbeef',
          owner_address: tronHex41(move.from),
          contract_address: tronHex41(move.token),
        },
      };
      log.push({
        address: hex20(move.token),
        topics: [TRANSFER_TOPIC, word(''), word(hex20(move.to))],
        data: word(move.amount.toString(16)),
      });
      recorded.push({
        kind: 'token',
        from: TRON_ZERO_ADDRESS,
        to: move.to,
        asset: move.token,
        amount: move.amount,
      });
      break;
    case 'call':
      contract = {
        type: 'TriggerSmartContract',
        value: {
          data: 'deadbeef',
          owner_address: tronHex41(move.from),
          contract_address: tronHex41(move.contract),
          ...(move.callValue ? { call_value: move.callValue } : {}),
        },
      };
      if (move.callValue)
        recorded.push({
          kind: 'native',
          from: move.from,
          to: move.contract,
          asset: 'native',
          amount: move.callValue,
        });
      move.internal.forEach((call, i) => {
        internal.push({
          hash: hash({ nonce, i }),
          caller_address: tronHex41(call.from),
          transferTo_address: tronHex41(call.to),
          callValueInfo: [
            call.tokenId
              ? { callValue: call.amount, tokenId: call.tokenId }
              : { callValue: call.amount },
          ] as never,
          note: CALL_NOTE,
          ...(call.rejected ? { rejected: true } : {}),
        });
        if (!call.rejected)
          recorded.push({
            kind: 'internal',
            from: call.from,
            to: call.to,
            asset: call.tokenId ? `trc10:${call.tokenId}` : 'native',
            amount: call.amount,
          });
      });
      break;
    case 'blacklist':
      contract = {
        type: 'TriggerSmartContract',
        value: {
          data: 'deadbeef',
          owner_address: tronHex41(move.from),
          contract_address: tronHex41(move.token),
        },
      };
      log.push({
        address: hex20(move.token),
        topics: [
          move.remove ? REMOVED_BLACKLIST_TOPIC : ADDED_BLACKLIST_TOPIC,
          word(hex20(move.account)),
        ],
        data: '',
      });
      freeze = {
        type: move.remove ? 'unfreeze' : 'freeze',
        contract: move.token,
        account: move.account,
      };
      break;
  }
  const raw_data = {
    contract: [
      {
        parameter: {
          value: contract.value,
          type_url: `type.googleapis.com/protocol.${contract.type}`,
        },
        type: contract.type,
      },
    ],
    ref_block_bytes: '0000',
    ref_block_hash: '0000000000000000',
    expiration: timestamp + 60_000,
    timestamp: timestamp - 1000 + (nonce % 1000),
  };
  const txID = hash({ raw_data, nonce });
  const tx: TronTransaction = {
    ret: [{ contractRet: ok ? 'SUCCESS' : 'REVERT' }],
    txID,
    raw_data,
  } as TronTransaction;
  const info: TronTransactionInfo = {
    id: txID,
    ...(fee > 0n ? { fee: fee as never } : {}),
    blockNumber: Number(blockNumber),
    blockTimeStamp: timestamp,
    receipt: {
      ...(fee > 0n ? { net_fee: fee as never } : {}),
      ...(contract.type === 'TriggerSmartContract' ? { result: ok ? 'SUCCESS' : 'REVERT' } : {}),
    },
    ...(ok && log.length > 0 ? { log } : {}),
    ...(internal.length > 0
      ? { internal_transactions: ok ? internal : internal.map((x) => ({ ...x, rejected: true })) }
      : {}),
    ...(ok ? {} : { result: 'FAILED' }),
  };
  const owner = move.from;
  const all: TronRecordedMove[] = [];
  const at = (r: Omit<TronRecordedMove, 'blockNumber' | 'txHash'>) => ({
    ...r,
    blockNumber,
    txHash: txID,
  });
  if (fee > 0n) all.push(at({ kind: 'fee', from: owner, to: null, asset: 'native', amount: fee }));
  if (ok) for (const r of recorded) if (r.amount > 0n) all.push(at(r));
  return {
    tx,
    info,
    recorded: all,
    freeze: ok && freeze ? { ...freeze, blockNumber, txHash: txID } : undefined,
  };
}
