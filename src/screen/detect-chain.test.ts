import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { getAddressCodec } from '../model/address.ts';
import { listChains } from '../model/chains.ts';
import { resolveOfacAddress } from '../labels/import/ofac-assets.ts';
import { randomAddresses } from '../../test/helpers/random-addresses.ts';
import { detectChain, detectChains, sameFormChains } from './detect-chain.ts';

// Every digital-currency address of OFAC's sdn_advanced.xml of 2025-11-19, with the asset codes it
// is listed under (test/fixtures/ofac/PROVENANCE.md, `sdn-2025-11-19-addresses.tsv`).
const FIXTURE = new URL('../../test/fixtures/ofac/sdn-2025-11-19-addresses.tsv', import.meta.url);
const SDN = readFileSync(FIXTURE, 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [assets = '', address = ''] = line.split('\t');
    return { assets: assets.split(','), address };
  });

/** EVM chains OFAC's EVM assets live on; detectChains is asked about all of them. */
const EVM_CHAINS = ['ethereum', 'ethereum-classic', 'arbitrum', 'bsc'];
/**
 * The one address of the list that is not of its asset's form: a Tron address listed under XBT
 * (profile 45404, Wang Mingming). It is detected as Tron (the importer files it there, warning).
 */
const TRON_UNDER_XBT = 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq';

/** Whether the chain the OFAC importer files the address under is among those detected. */
function accepts(asset: string, address: string, chains: string[]): boolean {
  const resolved = resolveOfacAddress(asset, address);
  if (resolved.chain === null) throw new Error(`${asset} ${address}: ${resolved.reason}`);
  return chains.includes(resolved.chain) && resolved.warning === null;
}

describe('detectChains on every address of the SDN list of 2025-11-19', () => {
  it('holds 745 distinct addresses under the 19 asset codes', () => {
    expect(SDN).toHaveLength(745);
    expect(new Set(SDN.map((r) => r.address)).size).toBe(745);
    expect(new Set(SDN.flatMap((r) => r.assets)).size).toBe(19);
  });

  it('detects the chain of each address’s OFAC asset (744 of 745; the 745th is Tron under XBT)', () => {
    const missed = SDN.filter((r) => {
      const chains = detectChains(r.address, EVM_CHAINS);
      return !r.assets.every((asset) => accepts(asset, r.address, chains));
    }).map((r) => `${r.assets.join(',')} ${r.address}`);
    expect(missed).toEqual([`XBT ${TRON_UNDER_XBT}`]);
    expect(detectChains(TRON_UNDER_XBT)).toEqual(['tron']);
  });

  it('finds exactly the chains whose codec accepts the address (brute force over all chains)', () => {
    // The Tron test chain (a local chain of the simulator) takes Tron's forms: an address is told
    // as the public chain's, as a 0x address is Ethereum's and not anvil's.
    const chains = listChains().filter(
      (c) => (c.family !== 'evm' || EVM_CHAINS.includes(c.key)) && c.key !== 'tron-test',
    );
    for (const { address } of SDN) {
      const all = chains.filter((c) => getAddressCodec(c).isValid(address)).map((c) => c.key);
      expect(new Set(detectChains(address, EVM_CHAINS)), address).toEqual(new Set(all));
    }
  });

  it('agrees with detectChain wherever detectChain names a chain', () => {
    for (const { address } of SDN) {
      const one = detectChain(address);
      if (one !== null) expect(detectChains(address)[0], address).toBe(one);
    }
  });
});

describe('detectChains', () => {
  it('returns every chain a shared legacy form is valid on, Bitcoin first', () => {
    // OFAC: XBT (and USDT) 1LrxsRd7…, XBT 3… (SUEX); spec vector for the P2SH one
    expect(detectChains('1LrxsRd7zNuxPJcL5rttnoeJFy1y4AffYY')).toEqual([
      'bitcoin',
      'bitcoin-cash',
      'bitcoin-sv',
    ]);
    expect(detectChains('3LDsS579y7sruadqu11beEJoTjdFiFCdX4')).toEqual([
      'bitcoin',
      'bitcoin-cash',
      'bitcoin-sv',
      'litecoin',
    ]);
  });

  it('returns one chain for chain-specific forms', () => {
    expect(detectChains('bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6')).toEqual(['bitcoin']);
    expect(detectChains(' LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb ')).toEqual(['litecoin']);
    expect(detectChains('qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq')).toEqual(['bitcoin-cash']);
    expect(detectChains('bitcoincash:qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq')).toEqual([
      'bitcoin-cash',
    ]);
    expect(detectChains('rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66')).toEqual(['xrp']);
    expect(detectChains('bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23')).toEqual(['bnb-beacon']);
    expect(detectChains('TA3941uFAvmVibSkQ6fMJXxmaSNovX86mz')).toEqual(['tron']);
  });

  it('returns the EVM chains asked for, the default one when none is', () => {
    const sim = '0x4f47bc496083c727c5fbe3ce9cdf2b0f6496270c'; // OFAC: ETH, ARB and BSC
    expect(detectChains(sim)).toEqual(['ethereum']);
    expect(detectChains(sim, ['ethereum', 'arbitrum', 'bsc'])).toEqual([
      'ethereum',
      'arbitrum',
      'bsc',
    ]);
    // a bad EIP-55 checksum is no address on any chain
    const valerian = '0x983a81ca6FB1e441266D2FbcB7D8E530AC2E05A2';
    expect(detectChains(valerian)).toEqual(['ethereum']);
    expect(detectChains(valerian.replace('FB', 'fB'))).toEqual([]);
  });

  it('returns nothing for what no codec accepts, including a one-character change', () => {
    expect(detectChains('hello')).toEqual([]);
    expect(detectChains('')).toEqual([]);
    expect(detectChains('   ')).toEqual([]);
    expect(detectChains('1LrxsRd7zNuxPJcL5rttnoeJFy1y4AffYZ')).toEqual([]);
    expect(detectChains(null as unknown as string)).toEqual([]);
  });

  it('names every chain an address of another chain can also be valid on (sameFormChains), with one canonical form across them', () => {
    // Screening looks only at these chains besides the address's own, by the own canonical form.
    const addresses = [
      ...SDN.map((r) => r.address),
      ...randomAddresses('same-form', 100).map((r) => r.address),
    ];
    const wrong: string[] = [];
    let shared = 0;
    for (const address of addresses) {
      const chains = detectChains(address, []);
      if (chains.length > 1) shared++;
      for (const chain of chains) {
        const allowed = new Set([chain, ...sameFormChains(chain)]);
        const outside = chains.filter((c) => !allowed.has(c));
        if (outside.length) wrong.push(`${address}: ${chain} and ${outside.join(', ')}`);
        const forms = new Set(chains.map((c) => getAddressCodec(c).normalize(address)));
        if (forms.size > 1) wrong.push(`${address}: ${[...forms].join(' / ')}`);
      }
    }
    expect(wrong).toEqual([]);
    // The check saw addresses of shared forms (every 1… and 3… one of the list).
    expect(shared).toBeGreaterThan(300);
  });
});
