import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { loadReferenceLabels } from '../labels/reference.ts';
import { createScreener, type Screener } from './create-screener.ts';

// The shipped reference set (data/reference, see its PROVENANCE.md), screened as a user's fresh
// database would have it.
const REFERENCE = path.resolve(import.meta.dirname, '../../data/reference');
/** A day after both lists: the OFAC list of 2025-11-19 and the FBI PSA of 2025-02-26. */
const AS_OF = '2025-12-01';

type Row = { chain: string; address: string; entity: string; programs: string; actor: string };
const rows = (file: string): Row[] =>
  parse(fs.readFileSync(path.join(REFERENCE, file)), { columns: true }) as Row[];

describe('screening against the shipped reference set', () => {
  const ctx = useTempStore();
  let screener: Screener;
  beforeEach(async () => {
    await loadReferenceLabels({ store: ctx.store, dir: REFERENCE });
    screener = await createScreener({ store: ctx.store, asOf: AS_OF });
  });

  it('finds every digital-currency address of the 2025-11-19 OFAC SDN list sanctioned, with its entity and programs, on every chain', () => {
    const ofac = rows('ofac-sdn-2025-11-19.csv');
    expect(ofac).toHaveLength(761);
    const misses: string[] = [];
    for (const row of ofac) {
      const r = screener.screenDirect(row.address, row.chain);
      const match = r.sanctions.find((s) => s.entity === row.entity && s.list === 'OFAC SDN');
      if (r.sanctioned !== true || !match || match.programs.join(';') !== row.programs)
        misses.push(`${row.chain} ${row.address}: ${r.error ?? JSON.stringify(r.sanctions)}`);
    }
    expect(misses).toEqual([]);
    // Every chain of the list was screened, those without an address codec included.
    expect(new Set(ofac.map((r) => r.chain)).size).toBeGreaterThan(10);
  });

  it('finds them pasted without a chain, one per row, as a compliance team does: every form, on the chain it is listed on', () => {
    const ofac = rows('ofac-sdn-2025-11-19.csv');
    const misses: string[] = [];
    for (const row of ofac) {
      const r = screener.screenDirect(row.address, null);
      const match = r.sanctions.find((s) => s.entity === row.entity && s.list === 'OFAC SDN');
      if (r.sanctioned !== true || !match)
        misses.push(`${row.chain} ${row.address}: ${r.chain} ${r.error ?? 'clean'}`);
    }
    expect(misses).toEqual([]);
    // Listed under Bitcoin SV and Bitcoin Cash, in Bitcoin's legacy form: found there, not "low risk".
    expect(screener.screenDirect('12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9')).toMatchObject({
      chain: 'bitcoin-sv',
      sanctioned: true,
    });
    expect(screener.screenDirect('18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB')).toMatchObject({
      chain: 'bitcoin-cash',
      sanctioned: true,
    });
  });

  it('finds the 51 FBI Bybit addresses attributed to North Korea (Lazarus, TraderTraitor) and not sanctioned', () => {
    const fbi = rows('fbi-psa-2025-02-26-bybit.csv');
    expect(fbi).toHaveLength(51);
    for (const row of fbi) {
      // As a user pastes them: EIP-55 mixed case, and all lowercase.
      for (const form of [row.address, row.address.toLowerCase()]) {
        const r = screener.screenDirect(form, null);
        expect(r.sanctioned, form).toBe(false);
        expect(r.attributions, form).toContainEqual(
          expect.objectContaining({
            category: 'theft',
            actor: 'lazarus-group',
            country: 'KP',
            entity: 'TraderTraitor',
          }),
        );
        expect(r.riskLevel, form).not.toBe('low');
      }
    }
  });
});
