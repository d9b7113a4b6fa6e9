import { address as btcAddress } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';

import { InvalidAddressError, getAddressCodec, normalizeAddress } from './address.ts';

// Valid addresses below are from OFAC's sdn_advanced.xml of 2025-11-19
// (test/fixtures/ofac/sdn-2025-11-19-addresses.tsv), except the CashAddr spec vectors, cited there.

/** The reason `normalize` gives for `input` on `chain` (fails the test when it is accepted). */
function reason(chain: string, input: string): string {
  try {
    normalizeAddress(chain, input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidAddressError);
    return (error as InvalidAddressError).reason;
  }
  throw new Error(`${input} was accepted on ${chain}`);
}

/** `s` with the character at `i` replaced by the next one in `alphabet`. */
function substitute(s: string, i: number, alphabet: string): string {
  const next = alphabet[(alphabet.indexOf(s[i]!) + 1) % alphabet.length]!;
  return s.slice(0, i) + next + s.slice(i + 1);
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const XRP_BASE58 = 'rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz';

/** chain, OFAC asset, real address, canonical form */
const REAL: [string, string, string, string][] = [
  ['litecoin', 'LTC', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb'],
  ['litecoin', 'LTC', 'M8yFL6SFC6TreATegTyuSYkDfDRbisdpT3', 'M8yFL6SFC6TreATegTyuSYkDfDRbisdpT3'],
  [
    'bitcoin-cash',
    'BCH',
    'qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq',
    'qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq',
  ],
  [
    'bitcoin-cash',
    'BCH',
    '18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB',
    '18M8bJWMzWHDBMxoLqjHHAffdRy4SrzkfB',
  ],
  ['bitcoin-sv', 'BSV', '12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9', '12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9'],
  [
    'bitcoin-gold',
    'BTG',
    'GPwg61XoHqQPNmAucFACuQ5H9sGCDv9TpS',
    'GPwg61XoHqQPNmAucFACuQ5H9sGCDv9TpS',
  ],
  ['zcash', 'ZEC', 't1g7wowvQ8gn2v8jrU1biyJ26sieNqNsBJy', 't1g7wowvQ8gn2v8jrU1biyJ26sieNqNsBJy'],
  ['dash', 'DASH', 'XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2', 'XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2'],
  ['verge', 'XVG', 'DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Z', 'DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Z'],
  ['xrp', 'XRP', 'rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66', 'rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66'],
  [
    'monero',
    'XMR',
    '49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL',
    '49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL',
  ],
  [
    'monero',
    'XMR',
    '884Bz8UH63aYsjVdkfWfScRYWZGGNbjFL7pztqvWNSrtYT4reFSwyvkCj9KEGUtheHhhMUj87ciTBFyzoesrMJ4L1FvSoxL',
    '884Bz8UH63aYsjVdkfWfScRYWZGGNbjFL7pztqvWNSrtYT4reFSwyvkCj9KEGUtheHhhMUj87ciTBFyzoesrMJ4L1FvSoxL',
  ],
  [
    'monero',
    'XMR',
    '5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320',
    '5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320',
  ],
  [
    'solana',
    'SOL',
    '42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi',
    '42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi',
  ],
  [
    'bnb-beacon',
    'BNB',
    'bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23',
    'bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23',
  ],
  [
    'ethereum-classic',
    'ETC',
    '0xd882cfc20f52f2599d84b8e8d58c7fb62cfe344b',
    '0xd882cfc20f52f2599d84b8e8d58c7fb62cfe344b',
  ],
];

describe('codecs of the other chains OFAC lists addresses on', () => {
  it.each(REAL)('%s (%s) %s: valid, canonical, idempotent', (chain, _asset, input, canonical) => {
    const codec = getAddressCodec(chain);
    expect(codec.isValid(input)).toBe(true);
    expect(codec.normalize(` ${input}\n`)).toBe(canonical);
    expect(codec.normalize(canonical)).toBe(canonical);
    expect(codec.normalize(codec.display(canonical))).toBe(canonical); // EVM displays EIP-55
  });

  it('decodes the legacy forms to 20-byte hashes with the chains’ version bytes (bitcoinjs-lib)', () => {
    const versions: [string, number][] = [
      ['LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb', 0x30],
      ['M8yFL6SFC6TreATegTyuSYkDfDRbisdpT3', 0x32],
      ['GPwg61XoHqQPNmAucFACuQ5H9sGCDv9TpS', 0x26],
      ['XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2', 0x4c],
      ['DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Z', 0x1e],
    ];
    for (const [addr, version] of versions) {
      const decoded = btcAddress.fromBase58Check(addr);
      expect([decoded.version, decoded.hash.length]).toEqual([version, 20]);
    }
  });

  it('gives a checksum reason for a one-character change of each checksummed address', () => {
    const base58check = (chain: string, s: string) => reason(chain, substitute(s, 10, BASE58));
    expect(base58check('litecoin', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb')).toBe(
      'bad base58check checksum',
    );
    expect(base58check('bitcoin-sv', '12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9')).toBe(
      'bad base58check checksum',
    );
    expect(base58check('bitcoin-gold', 'GPwg61XoHqQPNmAucFACuQ5H9sGCDv9TpS')).toBe(
      'bad base58check checksum',
    );
    expect(base58check('zcash', 't1g7wowvQ8gn2v8jrU1biyJ26sieNqNsBJy')).toBe(
      'bad base58check checksum',
    );
    expect(base58check('dash', 'XnPFsRWTaSgiVauosEwQ6dEitGYXgwznz2')).toBe(
      'bad base58check checksum',
    );
    expect(base58check('verge', 'DFFJhnQNZf8rf67tYnesPu7MuGUpYtzv7Z')).toBe(
      'bad base58check checksum',
    );
    expect(reason('xrp', substitute('rnXyVQzgxZe7TR1EPzTkGj2jxH4LMJYh66', 10, XRP_BASE58))).toBe(
      'bad base58check checksum',
    );
    const xmr =
      '49HqitRzdnhYjgTEAhgGpCfsjdTeMbUTU6cyR4JV1R7k2Eej9rGT8JpFiYDa4tZM6RZiFrHmMzgSrhHEqpDYKBe5B2ufNsL';
    expect(reason('monero', substitute(xmr, 20, BASE58))).toBe('bad Monero checksum');
    const cash = 'qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq';
    expect(reason('bitcoin-cash', substitute(cash, 10, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'))).toBe(
      'bad cashaddr checksum',
    );
    const bnb = 'bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23';
    expect(reason('bnb-beacon', substitute(bnb, 10, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l'))).toBe(
      'bad bech32 checksum',
    );
  });

  it('rejects every single-character change of the CashAddr and Monero addresses', () => {
    const cash = 'qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq';
    for (let i = 1; i < cash.length; i++) {
      const mutated = substitute(cash, i, 'qpzry9x8gf2tvdw0s3jn54khce6mua7l');
      expect(getAddressCodec('bitcoin-cash').isValid(mutated), mutated).toBe(false);
    }
    const xmr =
      '884Bz8UH63aYsjVdkfWfScRYWZGGNbjFL7pztqvWNSrtYT4reFSwyvkCj9KEGUtheHhhMUj87ciTBFyzoesrMJ4L1FvSoxL';
    for (let i = 1; i < xmr.length; i++) {
      expect(getAddressCodec('monero').isValid(substitute(xmr, i, BASE58))).toBe(false);
    }
  });

  it('cannot catch a changed Solana character that keeps 32 bytes: the form has no checksum', () => {
    const sol = '42RLPACwZPx3vYYmxSueqsogfynBDqXK298EDsNoyoHi';
    expect(getAddressCodec('solana').isValid(substitute(sol, 10, BASE58))).toBe(true);
    expect(reason('solana', sol.slice(0, -4))).toMatch(/^decodes to \d+ bytes, expected 32$/);
    expect(reason('solana', `${sol.slice(0, -1)}0`)).toBe('invalid base58 character');
  });

  it('rejects wrong-network and wrong-chain forms with a reason naming them', () => {
    // Bitcoin's own P2PKH on Litecoin, Gold, Dash, Verge, Zcash
    const btc = '12sjrrhoFEsedNRhtgwvvRqjFTh8fZTDX9';
    for (const chain of ['litecoin', 'bitcoin-gold', 'dash', 'verge', 'zcash']) {
      expect(reason(chain, btc)).toMatch(/^wrong network: version byte 0x00 is Bitcoin P2PKH/);
    }
    expect(reason('bitcoin-sv', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb')).toBe(
      'wrong network: version byte 0x30 is Litecoin P2PKH, not Bitcoin SV',
    );
    expect(reason('bitcoin-sv', 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6')).toBe(
      'wrong network: bech32 prefix "bc" is not Bitcoin SV (Bitcoin SV has no segwit addresses)',
    );
    expect(reason('litecoin', 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6')).toBe(
      'wrong network: bech32 prefix "bc" is not Litecoin ("ltc")',
    );
    expect(reason('bitcoin-cash', 'bchtest:pr6m7j9njldwwzlg9v7v53unlr4jkmx6eyvwc0uz5t')).toBe(
      'wrong network: cashaddr prefix "bchtest" is not mainnet ("bitcoincash")',
    );
    expect(reason('bitcoin-cash', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb')).toMatch(
      /^wrong network: version byte 0x30 is Litecoin/,
    );
    expect(reason('xrp', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb')).toBe(
      'a classic XRP address starts with "r"',
    );
    expect(reason('bnb-beacon', 'bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6')).toBe(
      'a BNB Beacon Chain address starts with "bnb1"',
    );
    expect(reason('monero', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb')).toMatch(/Monero/);
    expect(reason('solana', 'LNf2JDiuunBz7GMDKFYHN4rq5meXWxiwfb')).toBe(
      'decodes to 25 bytes, expected 32',
    );
  });

  it('rejects mixed case in case-insensitive forms and stores them lowercase', () => {
    const cash = 'qpf2cphc5dkuclkqur7lhj2yuqq9pk3hmukle77vhq';
    expect(normalizeAddress('bch', `BITCOINCASH:${cash.toUpperCase()}`)).toBe(cash);
    expect(reason('bch', `Q${cash.slice(1)}`)).toBe('mixed-case cashaddr');
    const bnb = 'bnb136ns6lfw4zs5hg4n85vdthaad7hq5m4gtkgf23';
    expect(normalizeAddress('bnb-beacon', bnb.toUpperCase())).toBe(bnb);
    expect(reason('bnb-beacon', `B${bnb.slice(1)}`)).toBe('mixed-case bech32');
    const hex = '5be5543ff73456ab9f2d207887e2af87322c651ea1a873c5b25b7ffae456c320';
    expect(normalizeAddress('xmr', hex.toUpperCase())).toBe(hex);
  });
});

describe('CashAddr against the spec’s test vectors', () => {
  // bitcoincash.org spec/cashaddr.md ("Address format for Bitcoin Cash", v1.1), "Test vectors":
  // legacy and CashAddr forms of the same hashes.
  const TRANSLATIONS: [string, string][] = [
    [
      '1BpEi6DfDAUFd7GtittLSdBeYJvcoaVggu',
      'bitcoincash:qpm2qsznhks23z7629mms6s4cwef74vcwvy22gdx6a',
    ],
    [
      '1KXrWXciRDZUpQwQmuM1DbwsKDLYAYsVLR',
      'bitcoincash:qr95sy3j9xwd2ap32xkykttr4cvcu7as4y0qverfuy',
    ],
    ['16w1D5WRVKJuZUsSRzdLp9w3YGcgoxDXb', 'bitcoincash:qqq3728yw0y47sqn6l2na30mcw6zm78dzqre909m2r'],
    [
      '3CWFddi6m4ndiGyKqzYvsFYagqDLPVMTzC',
      'bitcoincash:ppm2qsznhks23z7629mms6s4cwef74vcwvn0h829pq',
    ],
    [
      '3LDsS579y7sruadqu11beEJoTjdFiFCdX4',
      'bitcoincash:pr95sy3j9xwd2ap32xkykttr4cvcu7as4yc93ky28e',
    ],
    [
      '31nwvkZwyPdgzjBJZXfDmSWsC4ZLKpYyUw',
      'bitcoincash:pqq3728yw0y47sqn6l2na30mcw6zm78dzq5ucqzc37',
    ],
  ];
  const bch = getAddressCodec('bitcoin-cash');

  it.each(TRANSLATIONS)('%s and %s are both valid', (legacy, cashaddr) => {
    const stored = cashaddr.slice('bitcoincash:'.length);
    expect(bch.normalize(legacy)).toBe(legacy);
    expect(bch.normalize(cashaddr)).toBe(stored);
    expect(bch.normalize(stored)).toBe(stored);
    expect(bch.normalize(cashaddr.toUpperCase())).toBe(stored);
  });

  it('accepts the 20-byte P2PKH vector and refuses the larger P2PKH ones as unsupported', () => {
    expect(bch.normalize('bitcoincash:qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2')).toBe(
      'qr6m7j9njldwwzlg9v7v53unlr4jkmx6eylep8ekg2',
    );
    expect(
      reason(
        'bitcoin-cash',
        'bitcoincash:qvch8mmxy0rtfrlarg7ucrxxfzds5pamg73h7370aa87d80gyhqxq5nlegake',
      ),
    ).toBe('unsupported cashaddr type 0 with a 32-byte hash (supported: P2PKH 20, P2SH 20 or 32)');
  });

  it('passes the checksum of the checksum-only vector, then refuses its payload', () => {
    // "valid checksum but purposely do not have a valid payload"
    expect(reason('bitcoin-cash', 'bitcoincash:qpzry9x8gf2tvdw0s3jn54khce6mua7lcw20ayyn')).toBe(
      'cashaddr size bits say 20 bytes, payload has 19',
    );
  });
});
