import { NATIVE_ASSET } from '../../model/asset.ts';
import type { BridgeDepositEvent, BridgeWithdrawalEvent } from '../../model/events.ts';
import { parseThorchainMemo } from '../../trace/thorchain-memo.ts';
import type { ScriptAddress } from './script-address.ts';
import type { BitcoinTransaction } from './types.ts';

/** Where a transaction sits, for its events' keys. */
export type EventPlace = { chain: string; blockNumber: bigint; blockTime: number | null };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text an OP_RETURN carries, or null when its bytes are not UTF-8 (not a memo). */
function memoText(data: Uint8Array): string | null {
  try {
    const text = utf8.decode(data);
    // eslint-disable-next-line no-control-regex
    return text.length > 0 && !/[\u0000-\u001f\u007f]/.test(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * The THORChain events of a Bitcoin transaction, read from its memo (the first OP_RETURN that holds
 * text), with THORChain's output layout for UTXO chains (dev.thorchain.org, "Sending Transactions":
 * the vault is VOUT0 of an inbound, the sender is identified by VIN0, the memo is an OP_RETURN):
 *
 * - an outbound (`OUT:<inbound hash>`, `REFUND:<hash>`) is sent by the vault (the first input's
 *   address) and pays the first other output: a `bridge_withdrawal` of that output's value, with
 *   `account` = the address paid and `counterparty` = the vault, as THORChain router `TransferOut`
 *   events are stored on EVM chains (src/chains/evm/decode-log.ts), so the backward trace
 *   (src/trace/trace-store.ts reads the chain, transaction and memo) follows it to the inbound;
 * - a swap inbound (`=:e:0x…`, `SWAP:ETH.ETH:…`) pays the vault at VOUT0: a `bridge_deposit` of
 *   its value, `account` = the sender (VIN0's address), `counterparty` = the vault, which the
 *   forward trace reads to continue on the destination chain.
 *
 * Memos longer than 80 bytes, which THORChain continues in further outputs, are read as far as the
 * OP_RETURN holds them. Either event sits at the position of the output it is about (`out:<n>`)
 * and names the vault as its `contract`.
 *
 * @example
 * const events = thorchainEvents(place, tx, outputs, 'bc1q…vault');
 */
export function thorchainEvents(
  place: EventPlace,
  tx: BitcoinTransaction,
  outputs: readonly ScriptAddress[],
  sender: string | null,
): (BridgeDepositEvent | BridgeWithdrawalEvent)[] {
  let memo: string | null = null;
  for (const o of outputs) {
    if (o.type === 'nulldata' && o.data) memo = memoText(o.data);
    if (memo !== null) break;
  }
  if (memo === null) return [];
  const parsed = parseThorchainMemo(memo);
  if (parsed === null) return [];
  const base = { ...place, txHash: tx.txid, protocol: 'thorchain', asset: NATIVE_ASSET, memo };
  if (parsed.kind === 'out' || parsed.kind === 'refund') {
    if (sender === null) return [];
    const paid = outputs.findIndex((o) => o.type !== 'nulldata' && o.address !== sender);
    if (paid === -1) return [];
    return [
      {
        ...base,
        type: 'bridge_withdrawal',
        position: `out:${paid}`,
        contract: sender,
        account: outputs[paid]!.address,
        counterparty: sender,
        amount: tx.outputs[paid]!.value,
      },
    ];
  }
  const vault = outputs[0];
  if (vault === undefined || vault.type === 'nulldata') return [];
  return [
    {
      ...base,
      type: 'bridge_deposit',
      position: 'out:0',
      contract: vault.address,
      account: sender,
      counterparty: vault.address,
      amount: tx.outputs[0]!.value,
    },
  ];
}
