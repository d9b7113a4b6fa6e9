import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { loadReferenceLabels } from '../labels/reference.ts';
import { randomAddresses, RANDOM_ADDRESS_FORMS } from '../../test/helpers/random-addresses.ts';
import { createScreener, LISTED_ON_OTHER_CHAIN, type Screener } from './create-screener.ts';
import { detectChains } from './detect-chain.ts';

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

  it('names every chain an address is listed on; a chain given narrows the answer but never hides a listing on a chain of the same form', () => {
    // OFAC lists 0x4f47…270c under ETH, ARB and BSC: one key, three chains.
    const multi = '0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c';
    const all = screener.screenDirect(multi);
    expect(all).toMatchObject({ chain: 'ethereum', sanctioned: true });
    expect(all.alsoListedOn.map((l) => [l.chain, l.sanctioned]).sort()).toEqual([
      ['arbitrum', true],
      ['bsc', true],
    ]);
    expect(all.explanation.fired.filter((f) => f.rule === LISTED_ON_OTHER_CHAIN)).toHaveLength(2);
    const onBsc = screener.screenDirect(multi, 'bsc');
    expect(onBsc).toMatchObject({ chain: 'bsc', sanctioned: true });
    expect(onBsc.alsoListedOn.map((l) => l.chain).sort()).toEqual(['arbitrum', 'ethereum']);

    // Listed under Bitcoin SV only. Screened as Bitcoin (the chain an exchange would give): the
    // answer is Bitcoin's (not on its list) but the listing shows, fires, and sets the risk.
    const bsv = '12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9';
    const asBitcoin = screener.screenDirect(bsv, 'bitcoin');
    expect(asBitcoin).toMatchObject({ chain: 'bitcoin', sanctioned: false, riskLevel: 'severe' });
    expect(asBitcoin.alsoListedOn).toEqual([
      expect.objectContaining({ chain: 'bitcoin-sv', sanctioned: true }),
    ]);
    const fired = asBitcoin.explanation.fired.find((f) => f.rule === LISTED_ON_OTHER_CHAIN);
    expect(fired?.reason).toMatch(/^listed on bitcoin-sv: sanctioned \(OFAC SDN/);
    // A chain of another form is not widened: a Tron address asked for as Tron says Tron only.
    const tron = screener.screenDirect('TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz', 'tron');
    expect(tron).toMatchObject({ chain: 'tron', sanctioned: true, alsoListedOn: [] });
  });

  it('flags none of 420 random valid addresses of 14 forms, with or without their chain', () => {
    const addresses = randomAddresses('reference-screening', 30);
    expect(addresses).toHaveLength(30 * RANDOM_ADDRESS_FORMS.length);
    const flagged: string[] = [];
    for (const { form, address } of addresses) {
      const chains = detectChains(address, ['ethereum']);
      // The generator makes real encodings: every one is valid on at least one chain.
      expect(chains, `${form} ${address}`).not.toEqual([]);
      for (const chain of [null, ...chains]) {
        const r = screener.screenDirect(address, chain);
        if (
          r.error !== null ||
          r.sanctioned !== false ||
          r.riskLevel !== 'low' ||
          r.labels.length > 0 ||
          r.alsoListedOn.length > 0
        )
          flagged.push(`${form} ${address} on ${chain ?? 'any'}: ${r.error ?? r.riskLevel}`);
      }
    }
    expect(flagged).toEqual([]);
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
