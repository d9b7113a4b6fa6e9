import { describe, expect, it } from 'vitest';
import type { Label } from '../store/store.ts';
import { mergeOwners, ownersByAddress, ownersConflict } from './owner-labels.ts';

// Constructed labels of one placeholder address each (the rule reads categories and entities only).
const label = (
  address: string,
  category: string,
  entity: string | null,
  more: Partial<Label> = {},
): Label => ({
  chain: 'bitcoin',
  address,
  category,
  entity,
  source: 'test: constructed label',
  confidence: 100,
  ...more,
});
const owners = (...labels: Label[]) => {
  const found = ownersByAddress(labels, [
    {
      id: 9,
      format: 'inferred-deposits',
      source: 'x',
      listName: null,
      listDate: null,
      sha256: null,
      labels: 0,
      closed: 0,
      importedAt: '',
    },
  ]);
  return found.get(labels[0]!.address)!;
};

describe('ownersConflict', () => {
  it('refuses an exchange with a mixer, and two named owners of one kind', () => {
    expect(
      ownersConflict(owners(label('a', 'exchange', null)), owners(label('b', 'mixer', null))),
    ).toBe(true);
    expect(
      ownersConflict(owners(label('a', 'exchange', 'Binance')), owners(label('b', 'mixer', null))),
    ).toBe(true);
    expect(
      ownersConflict(
        owners(label('a', 'exchange', 'Binance')),
        owners(label('b', 'exchange', 'Kraken')),
      ),
    ).toBe(true);
  });

  it('lets an exchange’s own wallets, one owner’s names and unnamed labels of one kind join', () => {
    // Hot wallet and deposit addresses are one kind of owner: an exchange's.
    expect(
      ownersConflict(
        owners(label('a', 'hot_wallet', 'Binance')),
        owners(label('b', 'deposit_wallet', 'binance')),
      ),
    ).toBe(false);
    expect(
      ownersConflict(owners(label('a', 'exchange', null)), owners(label('b', 'cold_wallet', null))),
    ).toBe(false);
    // A sanctions list's longer name for the same owner.
    expect(
      ownersConflict(
        owners(label('a', 'sanctioned', 'GARANTEX EUROPE OU')),
        owners(label('b', 'exchange', 'Garantex')),
      ),
    ).toBe(false);
    // A label saying what befell an address (sanctioned) names no kind of owner.
    expect(
      ownersConflict(owners(label('a', 'sanctioned', null)), owners(label('b', 'mixer', null))),
    ).toBe(false);
  });

  it('counts open labels of lists only: not closed ones, not inferences', () => {
    const found = ownersByAddress(
      [
        label('a', 'mixer', null, { validTo: '2024-01-01' }),
        label('b', 'exchange', null, { importId: 9 }),
      ],
      [
        {
          id: 9,
          format: 'inferred-deposits',
          source: 'x',
          listName: null,
          listDate: null,
          sha256: null,
          labels: 0,
          closed: 0,
          importedAt: '',
        },
      ],
    );
    expect(found.size).toBe(0);
  });

  it('merges two owners into one that conflicts with what either did', () => {
    const merged = mergeOwners(
      owners(label('a', 'exchange', 'Binance')),
      owners(label('b', 'hot_wallet', null)),
    );
    expect(merged.kinds).toEqual(new Set(['exchange']));
    expect(ownersConflict(merged, owners(label('c', 'mixer', null)))).toBe(true);
    expect(merged.labels.map((l) => l.address)).toEqual(['a', 'b']);
  });
});
