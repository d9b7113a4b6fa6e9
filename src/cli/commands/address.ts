import type { Command } from 'commander';
import { formatAddress, normalizeAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import { formatTimestamp } from '../../model/time.ts';
import type { AddressSummary } from '../../store/store.ts';
import { type CliContext, type GlobalOptions, withStore } from '../context.ts';
import { parseNonNegativeInt, withGlobalOptions } from '../options.ts';
import { alignAmounts, formatAssetAmount, formatTable, groupDigits, printJson } from '../output.ts';

/**
 * `chaintrail address <addr>`: totals in/out per asset, first/last seen, top counterparties, labels.
 *
 * @example
 * chaintrail address 0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2 --json
 */
export function registerAddressCommand(program: Command, ctx: CliContext): void {
  withGlobalOptions(
    program
      .command('address')
      .description('what an address received and sent, when, and with whom')
      .argument('<address>', 'address in any accepted form (EVM: lowercase or EIP-55)')
      .option('--chain <chain>', 'chain of the address', 'ethereum')
      .option('--top <n>', 'how many counterparties to list', parseNonNegativeInt, 10),
  ).action(async (input: string, options: GlobalOptions & { chain: string; top: number }) => {
    const chain = getChain(options.chain);
    const address = normalizeAddress(chain, input);
    const summary = await withStore(ctx, options, (store) =>
      store.getAddressSummary({ chain: chain.key, address, topCounterparties: options.top }),
    );
    if (options.json) return printJson({ ...summary, display: formatAddress(chain, address) });
    ctx.stdout.write(renderAddress(summary, (a) => formatAddress(chain, a)));
  });
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
