import { readFileSync } from 'node:fs';
import { address as btcAddress, networks, opcodes, script as bscript } from 'bitcoinjs-lib';
import { describe, expect, it } from 'vitest';
import { normalizeAddress } from '../../model/address.ts';
import { nonstandardAddress, scriptAddress } from './script-address.ts';

const FIXTURES = new URL('../../../test/fixtures/', import.meta.url);
const hexBytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

type EtlOutput = { script_hex: string; type: string; addresses: string[]; value: number };
type EtlTransaction = { hash: string; outputs: EtlOutput[] };

/** Every output of bitcoin-etl's expected exports (real mainnet blocks 0, 1, 50000-50002). */
function etlOutputs(): EtlOutput[] {
  const out: EtlOutput[] = [];
  for (const folder of ['block_0', 'block_1', 'block_without_transactions', 'stream_50001_50002']) {
    const text = readFileSync(
      new URL(`bitcoin-etl/${folder}/expected_transactions.json`, FIXTURES),
      'utf8',
    );
    for (const line of text.split('\n').filter((l) => l.trim()))
      out.push(...(JSON.parse(line) as EtlTransaction).outputs);
  }
  return out;
}

const BIP350 = JSON.parse(
  readFileSync(new URL('addresses/bip350-segwit.json', FIXTURES), 'utf8'),
) as { valid: { address: string; scriptPubKey: string }[] };
const OFAC_BTC = readFileSync(new URL('addresses/bitcoin.csv', FIXTURES), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(','))
  .map(([address, type]) => ({ address: address!, type: type! }));

describe('scriptAddress', () => {
  it("gives bitcoin-etl's address and type for every output of its mainnet exports (P2PK as P2PKH)", () => {
    const outputs = etlOutputs();
    expect(outputs.length).toBe(7);
    expect(new Set(outputs.map((o) => o.type))).toEqual(new Set(['pubkey', 'pubkeyhash']));
    for (const o of outputs) {
      expect(scriptAddress(hexBytes(o.script_hex), networks.bitcoin)).toEqual({
        type: o.type,
        address: o.addresses[0],
      });
    }
    // The genesis output, as every explorer shows it.
    expect(outputs[0]!.addresses).toEqual(['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa']);
  });

  it('round-trips the real OFAC-listed P2PKH, P2SH, P2WPKH and P2WSH addresses through their scripts', () => {
    const types: Record<string, string> = {
      p2pkh: 'pubkeyhash',
      p2sh: 'scripthash',
      p2wpkh: 'witness_v0_keyhash',
      p2wsh: 'witness_v0_scripthash',
    };
    expect(OFAC_BTC).toHaveLength(22);
    for (const { address, type } of OFAC_BTC) {
      const script = btcAddress.toOutputScript(address, networks.bitcoin);
      expect(scriptAddress(script, networks.bitcoin)).toEqual({ type: types[type], address });
    }
  });

  it('encodes every BIP-350 vector (P2TR and future witness versions included) as the BIP writes it', () => {
    for (const v of BIP350.valid) {
      const network = v.address.toLowerCase().startsWith('tb1')
        ? networks.testnet
        : networks.bitcoin;
      const got = scriptAddress(hexBytes(v.scriptPubKey), network);
      expect(got.address, v.address).toBe(v.address.toLowerCase());
      expect(got.type).toMatch(/^witness_/);
    }
  });

  it('encodes pay-to-anchor as Bitcoin Core 28 does (bc1pfeessrawgf)', () => {
    expect(scriptAddress(hexBytes('51024e73'), networks.bitcoin)).toEqual({
      type: 'anchor',
      address: 'bc1pfeessrawgf',
    });
  });

  it("derives regtest addresses with Core's `bcrt` prefix, which the regtest codec alone accepts", () => {
    const mainnet = OFAC_BTC.find((a) => a.type === 'p2wpkh')!.address;
    const script = btcAddress.toOutputScript(mainnet, networks.bitcoin);
    const regtest = scriptAddress(script, networks.regtest).address;
    expect(regtest).toMatch(/^bcrt1q/);
    expect(btcAddress.fromBech32(regtest).data).toEqual(btcAddress.fromBech32(mainnet).data);
    expect(normalizeAddress('bitcoin-regtest', regtest)).toBe(regtest);
    expect(() => normalizeAddress('bitcoin', regtest)).toThrow(/wrong network/);
    expect(() => normalizeAddress('bitcoin-regtest', mainnet)).toThrow(/wrong network/);
  });

  it("gives scripts without an address bitcoin-etl's pseudo-address (its own test vectors)", () => {
    // blockchain-etl/bitcoin-etl @ b62aedd, tests/bitcoinetl/service/test_btc_script_service.py
    expect(
      nonstandardAddress(hexBytes('204e0000c93ad870ee0ca407cdc17ddc61c71b12906ad1fa476a9b56')),
    ).toBe('nonstandard0cbd12ed8f1b1d8979f7f50d5083e9f21b7f5f78');
    expect(nonstandardAddress(new Uint8Array())).toBe(
      'nonstandarde3b0c44298fc1c149afbf4c8996fb92427ae41e4',
    );
    expect(
      scriptAddress(
        hexBytes('204e0000c93ad870ee0ca407cdc17ddc61c71b12906ad1fa476a9b56'),
        networks.bitcoin,
      ),
    ).toEqual({
      type: 'nonstandard',
      address: 'nonstandard0cbd12ed8f1b1d8979f7f50d5083e9f21b7f5f78',
    });
    // The stored pseudo-address can be looked up like an address.
    expect(normalizeAddress('bitcoin', 'nonstandard0cbd12ed8f1b1d8979f7f50d5083e9f21b7f5f78')).toBe(
      'nonstandard0cbd12ed8f1b1d8979f7f50d5083e9f21b7f5f78',
    );
  });

  it('keeps the bytes an OP_RETURN pushes, under the pseudo-address of its script', () => {
    const memo = Buffer.from(
      'OUT:7940CDDE4D713E171849EFC6BD89939185BE270266C94E92369E3877AD89455A',
    );
    const script = bscript.compile([opcodes.OP_RETURN, memo]);
    const got = scriptAddress(script, networks.bitcoin);
    expect(got.type).toBe('nulldata');
    expect(got.address).toBe(nonstandardAddress(script));
    expect(Buffer.from(got.data!).toString()).toBe(memo.toString());
    // OP_RETURN followed by a non-push opcode is not null data (Core: non-standard).
    const notPush = bscript.compile([opcodes.OP_RETURN, opcodes.OP_CHECKSIG]);
    expect(scriptAddress(notPush, networks.bitcoin)).toEqual({
      type: 'nonstandard',
      address: nonstandardAddress(notPush),
    });
  });

  it('classifies bare multisig of real keys as multisig under its pseudo-address', () => {
    // Two uncompressed keys of real P2PK outputs in the fixtures (the coinbases of blocks 50001 and 50002).
    const [a, b] = etlOutputs()
      .filter((o) => o.type === 'pubkey')
      .slice(-2)
      .map((o) => hexBytes(o.script_hex).subarray(1, -1));
    const script = bscript.compile([opcodes.OP_1, a!, b!, opcodes.OP_2, opcodes.OP_CHECKMULTISIG]);
    expect(scriptAddress(script, networks.bitcoin)).toEqual({
      type: 'multisig',
      address: nonstandardAddress(script),
    });
    // 3 keys announced, 2 given: not multisig.
    const wrong = bscript.compile([opcodes.OP_1, a!, b!, opcodes.OP_3, opcodes.OP_CHECKMULTISIG]);
    expect(scriptAddress(wrong, networks.bitcoin).type).toBe('nonstandard');
  });
});
