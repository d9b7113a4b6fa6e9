import { describe, expect, it } from 'vitest';
import type { MarkFindingsResult } from '../../../api/types.ts';
import { findingsSummary, markSummary } from './text.ts';

const finding = (role: 'seed' | 'endpoint' | 'path' | 'selected', address: string) => ({
  id: `c.${address}`,
  chain: 'anvil',
  address,
  role,
  marks: ['paths' as const],
  category: 'theft',
  traceId: 't',
  markedBy: 'k',
  author: 'Ada',
  markedAt: '2025-02-21T14:13:35.000Z',
});

describe('what the case page says of its findings', () => {
  it('counts the marked addresses by role', () => {
    expect(findingsSummary([])).toBe('Nothing marked yet.');
    expect(
      findingsSummary([finding('path', 'a'), finding('seed', 'b'), finding('endpoint', 'c')]),
    ).toBe('Marked: 1 seed, 1 endpoint still holding value, 1 address on the path.');
  });

  it('says what a mark did, what was marked before, and what it left out and why', () => {
    const result: MarkFindingsResult = {
      case: { id: 'c', name: 'Case' },
      traceId: 't',
      added: [finding('endpoint', 'a'), finding('endpoint', 'b')],
      already: [finding('path', 'c')],
      skipped: [
        {
          chain: 'anvil',
          address: 'd',
          reason: 'service',
          category: 'deposit_wallet',
          entity: 'X',
        },
        { chain: 'anvil', address: 'e', reason: 'service', category: 'bridge', entity: 'Y' },
        { chain: 'anvil', address: 'f', reason: 'source', category: null, entity: null },
      ],
      total: 3,
    };
    expect(markSummary(result)).toBe(
      'Marked 2 endpoints still holding value. 1 already marked. Not marked: 2 addresses are services’ (bridge, deposit wallet); 1 address is where the value came from (a seed transaction’s sender).',
    );
    expect(markSummary({ ...result, added: [], already: [], skipped: [] })).toBe(
      'Nothing new to mark.',
    );
  });
});
