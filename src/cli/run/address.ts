import { formatAddress, normalizeAddress } from '../../model/address.ts';
import { DEFAULT_EVM_CHAIN, detectChain } from '../../screen/detect-chain.ts';
import { getChain } from '../../model/chains.ts';
import { formatTimestamp } from '../../model/time.ts';
import type { AddressSummary } from '../../store/store.ts';
import type { AddressOptions } from '../commands/address.ts';
import type { CliContext } from '../context.ts';
import { alignAmounts, formatAssetAmount, formatTable, groupDigits, printJson } from '../output.ts';
import { withStore } from '../with-store.ts';

/**
 * Runs `chaintrail address` (its options and help: src/cli/commands/address.ts).
 *
 * @example
 * await runAddress(ctx, '0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2', { chain: 'ethereum', top: 10 });
 */
export async function runAddress(
  ctx: CliContext,
  input: string,
  options: AddressOptions,
): Promise<void> {
  // As screen tells a chain from an address's form; ethereum when the form says nothing.
  const chain = getChain(options.chain ?? detectChain(input) ?? DEFAULT_EVM_CHAIN);
  const address = normalizeAddress(chain, input);
  const { summary, transfers } = await withStore(ctx, options, async (store) => ({
    summary: await store.getAddressSummary({
      chain: chain.key,
      address,
      topCounterparties: options.top,
    }),
    transfers:
      options.transfers === undefined
        ? undefined
        : await store.listTransfers({
            chain: chain.key,
            address,
            direction: options.direction,
            limit: options.transfers,
          }),
  }));
  const listed = transfers?.map((t) => ({
    seed: `${t.txHash}:${t.position}`,
    time: t.blockTime,
    blockNumber: String(t.blockNumber),
    from: t.from,
    to: t.to,
    asset: t.asset,
    amount: String(t.amount),
    kind: t.kind,
  }));
  if (options.json)
    return printJson({
      ...summary,
      display: formatAddress(chain, address),
      ...(listed ? { transferList: listed } : {}),
    });
  ctx.stdout.write(renderAddress(summary, (a) => formatAddress(chain, a)));
  if (!transfers) return;
  const meta = new Map(summary.assets.map((a) => [a.asset, a]));
  const unknown = { symbol: null, decimals: null };
  const amounts = alignAmounts(
    transfers.map((t) => formatAssetAmount(t.amount, meta.get(t.asset) ?? unknown)),
  );
  ctx.stdout.write(
    `\ntransfers (${transfers.length}${transfers.length === options.transfers ? ', first ones' : ''}; trace one with \`chaintrail trace <seed>\`):\n` +
      formatTable(
        ['time', 'direction', 'counterparty', 'amount', 'seed'],
        transfers.map((t, i) => [
          t.blockTime === null ? `block ${t.blockNumber}` : formatTimestamp(t.blockTime),
          t.from === address ? 'out' : 'in',
          (t.from === address ? t.to : t.from) ?? '(none)',
          amounts[i]!,
          `${t.txHash}:${t.position}`,
        ]),
      ) +
      '\n',
  );
}

/**
 * Human-readable address summary.
 *
 * @example
 * process.stdout.write(renderAddress(summary, (a) => a));
 */
export function renderAddress(s: AddressSummary, display: (address: string) => string): string {
  const lines = [`${display(s.address)} on ${s.chain}`];
  if (s.transfers === 0) return `${lines[0]}\nNo transfers stored for this address.\n`;
  const seen = (p: AddressSummary['firstSeen']) =>
    p ? `block ${p.blockNumber}${p.time === null ? '' : ` (${formatTimestamp(p.time)})`}` : '-';
  lines.push(
    `transfers: ${groupDigits(String(s.transfers))}; first seen ${seen(s.firstSeen)}; last seen ${seen(s.lastSeen)}`,
  );
  for (const l of s.labels)
    lines.push(`label: ${l.category}${l.entity ? ` ${l.entity}` : ''} (source ${l.source})`);
  const meta = new Map(s.assets.map((a) => [a.asset, a]));
  const unknown = { symbol: null, decimals: null };
  const received = alignAmounts(s.assets.map((a) => formatAssetAmount(a.received, a)));
  const sent = alignAmounts(s.assets.map((a) => formatAssetAmount(a.sent, a)));
  lines.push(
    '',
    formatTable(
      ['asset', 'symbol', 'received', 'sent', 'in', 'out'],
      s.assets.map((a, i) => [
        a.asset,
        a.symbol ?? '',
        received[i]!,
        sent[i]!,
        String(a.transfersIn),
        String(a.transfersOut),
      ]),
    ),
  );
  const legs = s.counterparties.flatMap((c) => c.assets.map((a) => ({ c, a })));
  const sentTo = alignAmounts(
    legs.map(({ a }) => formatAssetAmount(a.sent, meta.get(a.asset) ?? unknown)),
  );
  const receivedFrom = alignAmounts(
    legs.map(({ a }) => formatAssetAmount(a.received, meta.get(a.asset) ?? unknown)),
  );
  lines.push(
    '',
    'top counterparties:',
    formatTable(
      ['counterparty', 'transfers', 'asset', 'sent to', 'received from'],
      legs.map(({ c, a }, k) => [
        c.assets[0] === a ? display(c.address) : '',
        c.assets[0] === a ? String(c.transfers) : '',
        a.asset,
        sentTo[k]!,
        receivedFrom[k]!,
      ]),
    ),
  );
  return `${lines.join('\n')}\n`;
}
