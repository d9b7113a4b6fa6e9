import { readFileSync } from 'node:fs';

import { address as btcAddress, networks, type Network } from 'bitcoinjs-lib';
import { checksumAddress, isAddress, type Address } from 'viem';
import { describe, expect, it } from 'vitest';

import { UserError, isUserError } from '../errors/base.ts';
import {
  InvalidAddressError,
  formatAddress,
  getAddressCodec,
  normalizeAddress,
} from './address.ts';
import { getChain } from './chains.ts';

// Fixtures: real addresses copied from shared/data (see test/fixtures/addresses/PROVENANCE.md).
const FIXTURES = new URL('../../test/fixtures/addresses/', import.meta.url);

function readCsv(name: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(new URL(name, FIXTURES), 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  return lines.map((line) => {
    const cells = line.split(',');
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] ?? '']));
  });
}

function readJson<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

type Mutation = { chain: string; input: string; from: string; mutation: string; reason: string };
type Bip350 = {
  valid: { address: string; scriptPubKey: string }[];
  invalid: { address: string; reason: string }[];
};

const ETH = readCsv('ethereum.csv');
const ETH_EIP55 = ETH.filter((r) => r.form === 'eip55').map((r) => r.address!);
const ETH_LOWER = ETH.filter((r) => r.form === 'lowercase').map((r) => r.address!);
const BTC = readCsv('bitcoin.csv');
const TRX = readCsv('tron.csv').map((r) => r.address!);
const MUTATIONS = readJson<Mutation[]>('invalid-mutations.json');
const BIP350 = readJson<Bip350>('bip350-segwit.json');

const BECH32_CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Runs `fn` and returns the InvalidAddressError it throws (fails the test otherwise). */
function invalid(fn: () => unknown): InvalidAddressError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAddressError);
    expect((error as InvalidAddressError).code).toBe('INVALID_ADDRESS');
    return error as InvalidAddressError;
  }
  throw new Error('expected an InvalidAddressError, nothing was thrown');
}

function flipCase(s: string, i: number): string {
  const c = s[i]!;
  const flipped = c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
  return s.slice(0, i) + flipped + s.slice(i + 1);
}

describe('fixtures', () => {
  it('hold the expected real sample', () => {
    expect(ETH_EIP55).toHaveLength(19);
    expect(ETH_LOWER).toHaveLength(2);
    const byType = (t: string) => BTC.filter((r) => r.type === t).length;
    expect([byType('p2pkh'), byType('p2sh'), byType('p2wpkh'), byType('p2wsh')]).toEqual([
      7, 7, 5, 3,
    ]);
    expect(TRX).toHaveLength(11);
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(40);
  });

  it('every mutation was made from a real fixture address', () => {
    const real = new Set([...ETH.map((r) => r.address), ...BTC.map((r) => r.address), ...TRX]);
    for (const m of MUTATIONS) expect(real.has(m.from), m.from).toBe(true);
  });
});

describe('InvalidAddressError', () => {
  it('is a UserError with code INVALID_ADDRESS naming chain, input and reason', () => {
    const error = new InvalidAddressError('ethereum', '0x12', 'bad EIP-55 checksum');
    expect(error).toBeInstanceOf(UserError);
    expect(isUserError(error)).toBe(true);
    expect(error.name).toBe('InvalidAddressError');
    expect(error.code).toBe('INVALID_ADDRESS');
    expect(error.message).toBe('Invalid ethereum address "0x12": bad EIP-55 checksum');
    expect([error.chainKey, error.input, error.reason]).toEqual([
      'ethereum',
      '0x12',
      'bad EIP-55 checksum',
    ]);
  });

  it('truncates long inputs to 80 characters in the message but keeps the full input', () => {
    const long = `0x${'ab'.repeat(100)}`;
    const error = invalid(() => normalizeAddress('ethereum', long));
    const quoted = /"([^"]*)"/.exec(error.message)?.[1] ?? '';
    expect(quoted).toHaveLength(80);
    expect(quoted.endsWith('…')).toBe(true);
    expect(error.input).toBe(long);
  });

  it('quotes control characters safely', () => {
    const error = invalid(() => normalizeAddress('tron', 'T\nX'));
    expect(error.message).toContain('"T\\nX"');
  });
});

describe('getAddressCodec', () => {
  it('caches one codec per chain key, whatever the chain is called', () => {
    const codec = getAddressCodec('ethereum');
    expect(getAddressCodec('eth')).toBe(codec);
    expect(getAddressCodec(getChain('ethereum'))).toBe(codec);
    expect(getAddressCodec('1')).toBe(codec);
    expect(codec.chain.key).toBe('ethereum');
    expect(getAddressCodec('bitcoin')).not.toBe(getAddressCodec('bitcoin-testnet'));
  });

  it('builds codecs for every family and unregistered EVM chains', () => {
    expect(getAddressCodec('btc').chain.family).toBe('bitcoin');
    expect(getAddressCodec('trx').chain.family).toBe('tron');
    expect(getAddressCodec('evm:7777777').normalize(ETH_EIP55[0]!)).toBe(
      ETH_EIP55[0]!.toLowerCase(),
    );
  });

  it('trims Litecoin addresses (now checked by their codec) and rejects empty or spaced input', () => {
    // A Litecoin address of the OFAC SDN list (sdn_advanced.xml of 2025-11-19).
    const ltc = getAddressCodec('ltc');
    expect(ltc.chain).toMatchObject({ key: 'litecoin', family: 'other' });
    expect(ltc.normalize(' LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb ')).toBe(
      'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb',
    );
    expect(ltc.isValid('LNf2JDiu unBz7')).toBe(false);
    expect(ltc.isValid(' ')).toBe(false);
    expect(getAddressCodec('etc').chain).toMatchObject({ family: 'evm', chainId: 61 });
  });

  it('rejects unknown chains with UNKNOWN_CHAIN', () => {
    expect(() => getAddressCodec('etherium')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_CHAIN' }),
    );
  });
});

describe('EVM addresses', () => {
  const eth = getAddressCodec('ethereum');

  it.each(ETH_EIP55)(
    '%s: normalizes to lowercase and displays back to the published EIP-55 form',
    (published) => {
      const canonical = eth.normalize(published);
      expect(canonical).toBe(published.toLowerCase());
      expect(eth.display(canonical)).toBe(published);
      expect(formatAddress('ethereum', canonical)).toBe(published);
      expect(eth.isValid(published)).toBe(true);
      // cross-check with viem's strict validator
      expect(isAddress(published, { strict: true })).toBe(true);
    },
  );

  it.each(ETH_EIP55)('%s: lowercase, uppercase-body and padded forms are accepted', (published) => {
    const lower = published.toLowerCase();
    expect(eth.normalize(lower)).toBe(lower);
    expect(eth.normalize(`0x${published.slice(2).toUpperCase()}`)).toBe(lower);
    expect(eth.normalize(`  ${published}\n`)).toBe(lower);
    expect(eth.normalize(`\t${lower} `)).toBe(lower);
  });

  it.each(ETH_LOWER)(
    '%s (published lowercase): kept as is, displayed with a valid checksum',
    (published) => {
      expect(eth.normalize(published)).toBe(published);
      const shown = eth.display(published);
      expect(shown).toBe(checksumAddress(published as Address));
      expect(shown).not.toBe(published);
      expect(eth.normalize(shown)).toBe(published);
    },
  );

  it('rejects every single-letter case flip of every EIP-55 fixture', () => {
    let checked = 0;
    for (const published of ETH_EIP55) {
      for (let i = 2; i < published.length; i++) {
        if (!/[a-fA-F]/.test(published[i]!)) continue;
        const mutated = flipCase(published, i);
        const body = mutated.slice(2);
        // a flip that leaves the body all-lower or all-upper is a legitimately unchecksummed address
        if (body === body.toLowerCase() || body === body.toUpperCase()) continue;
        const error = invalid(() => eth.normalize(mutated));
        expect(error.reason).toBe('bad EIP-55 checksum');
        expect(eth.isValid(mutated)).toBe(false);
        expect(isAddress(mutated, { strict: true })).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('applies the same rules on other EVM chains', () => {
    const published = ETH_EIP55[3]!;
    for (const chain of ['bsc', 'polygon', 'evm:7777777']) {
      expect(normalizeAddress(chain, published)).toBe(published.toLowerCase());
      expect(formatAddress(chain, published.toLowerCase())).toBe(published);
      expect(() => normalizeAddress(chain, flipCase(published, 4))).toThrow(InvalidAddressError);
    }
  });

  it('display() rejects what is not an address', () => {
    expect(invalid(() => eth.display('0x1234')).reason).toMatch(/40 hex/);
  });

  it.each([
    ['', 'empty address'],
    ['   ', 'empty address'],
    ['0x', 'expected 0x followed by 40 hex characters'],
  ])('rejects %j (%s)', (input, reason) => {
    expect(invalid(() => eth.normalize(input)).reason).toBe(reason);
  });

  it('rejects non-string input without crashing', () => {
    expect(invalid(() => eth.normalize(null as unknown as string)).reason).toBe('not a string');
    expect(eth.isValid(undefined as unknown as string)).toBe(false);
  });
});

describe('Bitcoin addresses', () => {
  const btc = getAddressCodec('bitcoin');
  const testnet = getAddressCodec('bitcoin-testnet');
  const scriptPrefix: Record<string, RegExp> = {
    p2pkh: /^76a914[0-9a-f]{40}88ac$/,
    p2sh: /^a914[0-9a-f]{40}87$/,
    p2wpkh: /^0014[0-9a-f]{40}$/,
    p2wsh: /^0020[0-9a-f]{64}$/,
  };

  it.each(BTC.map((r) => [r.address!, r.type!]))(
    '%s (%s): valid, canonical, round-trips',
    (addr, type) => {
      const canonical = btc.normalize(addr);
      expect(canonical).toBe(addr); // base58 kept as is; published bech32 is already lowercase
      expect(btc.display(canonical)).toBe(addr);
      expect(btc.normalize(btc.display(canonical))).toBe(canonical);
      expect(btc.isValid(addr)).toBe(true);
      expect(normalizeAddress('btc', ` ${addr} `)).toBe(addr);
      // cross-check with bitcoinjs-lib: the address decodes to the expected output script type
      expect(hex(btcAddress.toOutputScript(addr, networks.bitcoin))).toMatch(scriptPrefix[type]!);
      // mainnet addresses are not testnet addresses
      expect(invalid(() => testnet.normalize(addr)).reason).toMatch(/^wrong network/);
    },
  );

  it('accepts uppercase bech32 and stores it lowercase', () => {
    for (const r of BTC.filter((x) => x.type === 'p2wpkh' || x.type === 'p2wsh')) {
      expect(btc.normalize(r.address!.toUpperCase())).toBe(r.address);
    }
  });

  it('rejects every single-character substitution in the data part of every bech32 fixture', () => {
    let checked = 0;
    for (const r of BTC.filter((x) => x.type === 'p2wpkh' || x.type === 'p2wsh')) {
      const addr = r.address!;
      for (let i = 4; i < addr.length; i++) {
        const next = BECH32_CHARSET[(BECH32_CHARSET.indexOf(addr[i]!) + 7) % 32]!;
        const mutated = addr.slice(0, i) + next + addr.slice(i + 1);
        expect(btc.isValid(mutated), mutated).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('rejects every adjacent swap of distinct characters in every base58 fixture', () => {
    for (const r of BTC.filter((x) => x.type === 'p2pkh' || x.type === 'p2sh')) {
      const addr = r.address!;
      for (let i = 1; i + 1 < addr.length; i++) {
        if (addr[i] === addr[i + 1]) continue;
        const swapped = addr.slice(0, i) + addr[i + 1] + addr[i] + addr.slice(i + 2);
        expect(btc.isValid(swapped), swapped).toBe(false);
      }
    }
  });

  it('accepts the same hashes re-encoded for testnet only on the testnet chain', () => {
    for (const r of BTC) {
      const addr = r.address!;
      let testnetAddr: string;
      if (r.type === 'p2pkh' || r.type === 'p2sh') {
        const { hash, version } = btcAddress.fromBase58Check(addr);
        testnetAddr = btcAddress.toBase58Check(hash, version === 0x00 ? 0x6f : 0xc4);
      } else {
        const { data, version } = btcAddress.fromBech32(addr);
        testnetAddr = btcAddress.toBech32(data, version, 'tb');
      }
      expect(testnet.normalize(testnetAddr)).toBe(testnetAddr);
      expect(invalid(() => btc.normalize(testnetAddr)).reason).toMatch(/^wrong network/);
    }
  });

  it('accepts the same hashes re-encoded for regtest (bcrt1, testnet versions) on the regtest chain only', () => {
    const regtest = getAddressCodec('bitcoin-regtest');
    for (const r of BTC) {
      const addr = r.address!;
      let regtestAddr: string;
      if (r.type === 'p2pkh' || r.type === 'p2sh') {
        const { hash, version } = btcAddress.fromBase58Check(addr);
        regtestAddr = btcAddress.toBase58Check(hash, version === 0x00 ? 0x6f : 0xc4);
      } else {
        const { data, version } = btcAddress.fromBech32(addr);
        regtestAddr = btcAddress.toBech32(data, version, 'bcrt');
        // Core's prefix for regtest; testnet's and mainnet's bech32 are refused by name.
        expect(invalid(() => btc.normalize(regtestAddr)).reason).toMatch(/^wrong network/);
        expect(invalid(() => testnet.normalize(regtestAddr)).reason).toMatch(/^wrong network/);
        expect(invalid(() => regtest.normalize(addr)).reason).toMatch(/^wrong network/);
        const tb = btcAddress.toBech32(data, version, 'tb');
        expect(invalid(() => regtest.normalize(tb)).reason).toMatch(/^wrong network/);
      }
      expect(regtest.normalize(regtestAddr)).toBe(regtestAddr);
      expect(hex(btcAddress.toOutputScript(regtestAddr, networks.regtest))).toBe(
        hex(btcAddress.toOutputScript(addr, networks.bitcoin)),
      );
    }
    expect(getChain('bitcoin-regtest')).toMatchObject({ family: 'bitcoin', nativeDecimals: 8 });
  });

  it('rejects the Tron address that the OFAC list files under XBT', () => {
    const tronInXbt = 'TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq';
    expect(TRX).toContain(tronInXbt);
    expect(invalid(() => btc.normalize(tronInXbt)).reason).toContain('0x41');
    expect(normalizeAddress('tron', tronInXbt)).toBe(tronInXbt);
  });

  it("accepts bitcoin-etl's pseudo-address of a script without address, lowercased, and nothing like it", () => {
    const pseudo = 'nonstandard0cbd12ed8f1b1d8979f7f50d5083e9f21b7f5f78';
    expect(btc.normalize(pseudo)).toBe(pseudo);
    expect(btc.normalize(pseudo.toUpperCase())).toBe(pseudo);
    expect(testnet.isValid(pseudo)).toBe(true);
    expect(btc.isValid(`${pseudo}0`)).toBe(false);
    expect(btc.isValid(pseudo.slice(0, -1))).toBe(false);
    expect(btc.isValid('nonstandard')).toBe(false);
  });

  describe('BIP-350 segwit vectors', () => {
    const networkOf = (addr: string): { codec: typeof btc; net: Network } =>
      addr.toLowerCase().startsWith('tb1')
        ? { codec: testnet, net: networks.testnet }
        : { codec: btc, net: networks.bitcoin };
    // P2WPKH, P2WSH (v0, 20/32 bytes) and P2TR (v1, 32 bytes); other versions/lengths are not supported
    const supported = (script: string): boolean =>
      /^00(14|20)/.test(script) || /^5120/.test(script);
    const validSupported = BIP350.valid.filter((v) => supported(v.scriptPubKey));
    const validUnsupported = BIP350.valid.filter((v) => !supported(v.scriptPubKey));

    it('has P2TR vectors on both networks', () => {
      expect(validSupported.map((v) => v.address)).toEqual(
        expect.arrayContaining([
          'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0',
          'tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c',
        ]),
      );
      expect(validUnsupported).toHaveLength(3);
    });

    it.each(validSupported.map((v) => [v.address, v.scriptPubKey]))(
      '%s is accepted (script %s)',
      (addr, script) => {
        const { codec, net } = networkOf(addr);
        const canonical = codec.normalize(addr);
        expect(canonical).toBe(addr.toLowerCase());
        expect(codec.display(canonical)).toBe(canonical);
        // cross-check with bitcoinjs-lib's decoder (toOutputScript needs an ECC library for P2TR)
        const { version, data, prefix } = btcAddress.fromBech32(canonical);
        expect(prefix).toBe(net.bech32);
        const opVersion = version === 0 ? 0 : 0x50 + version;
        expect(hex(Uint8Array.of(opVersion, data.length)) + hex(data)).toBe(script);
        const other = codec === btc ? testnet : btc;
        expect(invalid(() => other.normalize(addr)).reason).toMatch(/^wrong network/);
      },
    );

    it.each(validUnsupported.map((v) => [v.address]))(
      '%s (future segwit) is rejected as unsupported',
      (addr) => {
        expect(invalid(() => networkOf(addr).codec.normalize(addr)).reason).toMatch(
          /^unsupported witness/,
        );
      },
    );

    it.each(BIP350.invalid.map((v) => [v.address, v.reason]))('%s is rejected (%s)', (addr) => {
      invalid(() => btc.normalize(addr));
      invalid(() => testnet.normalize(addr));
    });

    it('gives specific reasons for encoding, version, length and case errors', () => {
      const reason = (addr: string) => invalid(() => networkOf(addr).codec.normalize(addr)).reason;
      expect(reason('bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd')).toBe(
        'witness v1 must use bech32m, not bech32',
      );
      expect(reason('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh')).toBe(
        'witness v0 must use bech32, not bech32m',
      );
      expect(reason('BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R')).toBe(
        'invalid witness version 17',
      );
      expect(reason('BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P')).toMatch(
        /^witness v0 program is 16 bytes/,
      );
      expect(reason('tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq')).toBe(
        'mixed-case bech32',
      );
      expect(reason('bc1pw5dgrnzv')).toMatch(/^witness program is 1 bytes/);
    });
  });
});

describe('Tron addresses', () => {
  const tron = getAddressCodec('tron');

  it.each(TRX)('%s: valid, canonical as is, round-trips', (addr) => {
    expect(tron.normalize(addr)).toBe(addr);
    expect(tron.display(addr)).toBe(addr);
    expect(tron.isValid(addr)).toBe(true);
    expect(formatAddress('trx', normalizeAddress('trx', `${addr}\n`))).toBe(addr);
  });

  it.each(TRX)('%s: the hex form (41 + 20 bytes) converts to the same T-address', (addr) => {
    // derive the hex form with bitcoinjs-lib's independent Base58Check decoder
    const { version, hash } = btcAddress.fromBase58Check(addr);
    expect(version).toBe(0x41);
    const hexForm = `41${hex(hash)}`;
    expect(tron.normalize(hexForm)).toBe(addr);
    expect(tron.normalize(`0x${hexForm}`)).toBe(addr);
    expect(tron.normalize(hexForm.toUpperCase())).toBe(addr);
    expect(tron.display(hexForm)).toBe(addr);
    // and back: the converted address decodes to the same payload
    expect(hex(btcAddress.fromBase58Check(tron.normalize(hexForm)).hash)).toBe(hex(hash));
  });

  it('rejects EVM-style 20-byte hex and Tron hex with another version byte', () => {
    expect(invalid(() => tron.normalize(ETH_EIP55[0]!)).reason).toMatch(/^hex form must be "41"/);
    const { hash } = btcAddress.fromBase58Check(TRX[0]!);
    expect(invalid(() => tron.normalize(`42${hex(hash)}`)).reason).toMatch(
      /^hex form must be "41"/,
    );
  });
});

describe('invalid mutations of real addresses', () => {
  it.each(MUTATIONS.map((m) => [m.chain, m.input, m.mutation, m]))(
    '%s %s (%s) is rejected',
    (chain, input, _mutation, m) => {
      const { from, reason } = m as Mutation;
      const codec = getAddressCodec(chain as string);
      const error = invalid(() => codec.normalize(input as string));
      expect(error.reason).toBe(reason);
      expect(error.chainKey).toBe(codec.chain.key);
      expect(error.message).toContain(codec.chain.key);
      expect(error.message).toContain(JSON.stringify(input));
      expect(codec.isValid(input as string)).toBe(false);
      // wrong-chain / wrong-network vectors use the real address unchanged; it is valid elsewhere
      if (input === from)
        expect(/given as|on the testnet chain|under XBT/.test(m.mutation)).toBe(true);
    },
  );

  it('bitcoinjs-lib independently rejects every Bitcoin mutation', () => {
    const bitcoinMutations = MUTATIONS.filter((m) => m.chain.startsWith('bitcoin'));
    expect(bitcoinMutations.length).toBeGreaterThan(15);
    for (const m of bitcoinMutations) {
      const net = m.chain === 'bitcoin' ? networks.bitcoin : networks.testnet;
      expect(() => btcAddress.toOutputScript(m.input, net), m.input).toThrow();
    }
  });

  it('viem independently rejects every Ethereum mutation', () => {
    for (const m of MUTATIONS.filter((x) => x.chain === 'ethereum')) {
      expect(isAddress(m.input, { strict: true }), m.input).toBe(false);
    }
  });
});
