import type { DecodeLogContext } from './decode-log.ts';

/**
 * Contracts whose events change meaning for tracing, per chain key. Sources:
 * - WETH9 on Ethereum: the canonical wrapped-ether contract (its Deposit/Withdrawal and Transfer logs
 *   appear in ethereum-etl's test_stream block 17173049 fixture).
 * - THORChain routers on Ethereum: shapeshift/thornode @ 12d0f78b `x/thorchain/router_upgrade_info.go`
 *   (mainnet build constants ethNewRouter / ethOldRouter), via shared/data/labels/derived.
 * - The simulator's WETH and THORChain-style router on a local anvil chain: `chaintrail simulate`
 *   deploys them first from a fixed deployer, so they land at these addresses on any fresh chain
 *   (src/simulate/world.test.ts checks that they still do).
 */
const KNOWN: Record<string, { wrappedNative: string[]; bridgeRouters: string[] }> = {
  ethereum: {
    wrappedNative: ['0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2'],
    bridgeRouters: [
      '0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146',
      '0x3624525075b88b24ecc29ce226b0cec1ffcb6976',
    ],
  },
  anvil: {
    wrappedNative: ['0xc2b21c536bede79a6d3830d3c124ccb25608cd5a'],
    bridgeRouters: ['0x0d55ce507d85ffb6e2a71fa4a5cde132bb6e3df9'],
  },
};

/**
 * The log-decoding context of a chain: its wrapped-native and bridge-router contracts.
 *
 * @example
 * decodeLog(log, knownContracts('ethereum'));
 */
export function knownContracts(chainKey: string): DecodeLogContext {
  const k = KNOWN[chainKey];
  return {
    wrappedNative: new Set(k?.wrappedNative ?? []),
    bridgeRouters: new Set(k?.bridgeRouters ?? []),
  };
}
