import { UserError } from '../errors/base.ts';
import { type AddressCodec, getAddressCodec, InvalidAddressError } from '../model/address.ts';
import { type Asset, nativeAsset } from '../model/asset.ts';
import { getChain } from '../model/chains.ts';
import type { Store } from '../store/store.ts';
import { DEFAULT_EVM_CHAIN, detectChain, detectChains } from './detect-chain.ts';
import { type DirectOutcome, evaluateDirect, evaluateIndirect } from './evaluate-rules.ts';
import { computeIndirectExposure } from './indirect-exposure.ts';
import { createLabelIndex, type LabelIndexEntry } from './label-index.ts';
import { loadRiskRules, maxRiskLevel, riskRuleGroups, type RiskRules } from './risk-rules.ts';
import type {
  Explanation,
  Exposure,
  LabelRef,
  ListRef,
  SanctionMatch,
  ScreenInput,
  ScreenResult,
} from './types.ts';

/** Hops of indirect exposure followed when the caller does not say. */
export const DEFAULT_HOPS = 2;
/** Most hops accepted: each hop is one query per direction, and value thins out fast. */
export const MAX_HOPS = 6;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const SECONDS_PER_DAY = 86_400;

/** Input of {@link createScreener}. */
export type CreateScreenerParameters = {
  store: Store;
  /** Risk rules (default: the shipped default-risk-rules.yaml). */
  rules?: RiskRules | undefined;
  /** Day (`YYYY-MM-DD`) whose labels count, and the last day of transfers counted (default: today, UTC). */
  asOf?: string | undefined;
  /** Chain of `0x` addresses given without one (default `ethereum`). */
  evmChain?: string | undefined;
};

/** Options of {@link Screener.screen}. */
export type ScreenOptions = {
  /** Hops of indirect exposure (default {@link DEFAULT_HOPS}; 0 = own labels only). */
  hops?: number | undefined;
  /** Direct counterparties read per screened address and asset (see computeIndirectExposure). */
  maxCounterparties?: number | undefined;
  /** Transfers read per address, asset and hop to follow value (see computeIndirectExposure). */
  maxTransfers?: number | undefined;
  /** Intermediate addresses followed per screened address and hop. */
  maxPaths?: number | undefined;
};

/** Screens addresses against one loaded label set and rule set. */
export type Screener = {
  asOf: string;
  rules: RiskRules;
  /** Every label list loaded. */
  labelSet: ListRef[];
  /** Addresses with labels in the index. */
  indexedAddresses: number;
  /**
   * Own labels only, synchronously: address normalisation and two Map lookups. An invalid address
   * returns a result with `error` set instead of throwing.
   */
  screenDirect(address: string, chain?: string | null): ScreenResult;
  /** Own labels, then indirect exposure up to `hops` (batched: one query per hop and direction). */
  screen(inputs: readonly ScreenInput[], options?: ScreenOptions): Promise<ScreenResult[]>;
};

/** The day as `YYYY-MM-DD` in UTC. */
function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function checkDay(text: string): string {
  const m = DAY.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text)
    throw new UserError(`Invalid date "${text}": expected YYYY-MM-DD`, { code: 'BAD_USAGE' });
  return text;
}

const NONE: never[] = [];
Object.freeze(NONE);

/**
 * Loads the label index once and returns a screener. Screening is by chain and canonical address:
 * EVM case-insensitive (a mixed-case address must carry a valid EIP-55 checksum), Bitcoin base58
 * case-sensitive and bech32 case-insensitive, Tron base58 (or its `41…` hex form).
 *
 * @example
 * const screener = await createScreener({ store });
 * const [r] = await screener.screen([{ address: '0x098B716B8Aaf21512996dC57EB0615e2383E2f96' }]);
 * r!.sanctioned; // true: Lazarus Group, OFAC SDN, DPRK3
 */
export async function createScreener(parameters: CreateScreenerParameters): Promise<Screener> {
  const { store } = parameters;
  const rules = parameters.rules ?? loadRiskRules();
  const asOf = checkDay(parameters.asOf ?? today());
  const evmChain = getChain(parameters.evmChain ?? DEFAULT_EVM_CHAIN).key;
  const until = Date.parse(`${asOf}T00:00:00Z`) / 1000 + SECONDS_PER_DAY - 1;
  const index = await createLabelIndex({ store, asOf });
  const groups = riskRuleGroups(rules);
  const ruleRef = { version: rules.version, sha256: rules.sha256, source: rules.source };
  const clean: Explanation = { fired: NONE, rules: ruleRef, asOf, labelSet: index.labelSet };
  const noExposure: Exposure = { direct: NONE, indirect: null, hops: 0, notes: NONE };
  const outcomes = new Map<
    LabelIndexEntry,
    DirectOutcome & { explanation: Explanation; exposure: Exposure }
  >();
  const codecs = new Map<string, AddressCodec | string>();

  const codecFor = (chain: string): AddressCodec | string => {
    let codec = codecs.get(chain);
    if (codec === undefined) {
      try {
        codec = getAddressCodec(chain);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        codec = error.message;
      }
      codecs.set(chain, codec);
    }
    return codec;
  };

  const failed = (input: string, chain: string | null, reason: string): ScreenResult => ({
    input,
    address: input,
    chain,
    error: reason,
    sanctioned: null,
    formerlySanctioned: null,
    sanctions: NONE,
    formerSanctions: NONE,
    attributions: NONE,
    labels: NONE,
    exposure: noExposure,
    riskLevel: null,
    explanation: clean,
  });

  /** The result for `address` on chain `key` from its label index entry (none: clean). */
  const resultOf = (
    input: string,
    address: string,
    key: string,
    entry: LabelIndexEntry | undefined,
  ): ScreenResult => {
    if (entry === undefined)
      return {
        input,
        address,
        chain: key,
        error: null,
        sanctioned: false,
        formerlySanctioned: false,
        sanctions: NONE as SanctionMatch[],
        formerSanctions: NONE as SanctionMatch[],
        attributions: NONE as LabelRef[],
        labels: NONE as LabelRef[],
        exposure: noExposure,
        riskLevel: rules.default,
        explanation: clean,
      };
    let o = outcomes.get(entry);
    if (o === undefined) {
      const direct = evaluateDirect(entry, rules);
      o = {
        ...direct,
        explanation: { ...clean, fired: direct.fired },
        exposure: { ...noExposure, direct: direct.direct },
      };
      outcomes.set(entry, o);
    }
    return {
      input,
      address,
      chain: key,
      error: null,
      sanctioned: o.sanctioned,
      formerlySanctioned: o.formerlySanctioned,
      sanctions: o.sanctions,
      formerSanctions: o.formerSanctions,
      attributions: o.attributions,
      labels: o.labels,
      exposure: o.exposure,
      riskLevel: o.level,
      explanation: o.explanation,
    };
  };

  /** `input` screened on chain `name`: found (on its list), clean, or not an address there. */
  const screenOn = (input: string, name: string): { result: ScreenResult; found: boolean } => {
    const codec = codecFor(name);
    if (typeof codec === 'string') return { result: failed(input, name, codec), found: false };
    const key = codec.chain.key;
    let address: string;
    try {
      address = codec.normalize(input);
    } catch (error) {
      if (error instanceof InvalidAddressError)
        return { result: failed(input, key, error.reason), found: false };
      throw error;
    }
    const entry = index.byChain.get(key)?.get(address);
    return { result: resultOf(input, address, key, entry), found: entry !== undefined };
  };

  const screenDirect = (input: string, chain?: string | null): ScreenResult => {
    if (chain) return screenOn(input, chain).result;
    const first = detectChain(input, evmChain);
    const tried = first === null ? null : screenOn(input, first);
    if (tried?.found) return tried.result;
    // The same form on other chains: the key behind a 1… address controls it on Bitcoin, Bitcoin
    // Cash and Bitcoin SV, and OFAC lists some under BCH or BSV only. Only forms a second chain
    // shares get here with more than one candidate (a clean 0x… address costs nothing more).
    let fallback: ScreenResult | null = tried && tried.result.error === null ? tried.result : null;
    if (first === null || (tried !== null && first !== evmChain)) {
      for (const other of detectChains(input, [evmChain])) {
        if (other === first) continue;
        const next = screenOn(input, other);
        if (next.found) return next.result;
        fallback ??= next.result.error === null ? next.result : null;
      }
    }
    if (fallback) return fallback;
    if (tried) return tried.result;
    // No codec takes it: an exact match of the string on any chain's list is still a match.
    const exact = input.trim();
    for (const [key, entries] of index.byChain) {
      const entry = entries.get(exact);
      if (entry !== undefined) return resultOf(input, exact, key, entry);
    }
    return failed(input, null, 'cannot tell the chain from the address; give its chain');
  };

  const assetsByChain = new Map<string, Map<string, Asset>>();
  const assetsOf = async (chain: string): Promise<Map<string, Asset>> => {
    let map = assetsByChain.get(chain);
    if (!map) {
      map = new Map([['native', nativeAsset(getChain(chain))]]);
      for (const a of await store.listAssets(chain)) map.set(a.asset, a);
      assetsByChain.set(chain, map);
    }
    return map;
  };

  const screen = async (
    inputs: readonly ScreenInput[],
    options: ScreenOptions = {},
  ): Promise<ScreenResult[]> => {
    const hops = options.hops ?? DEFAULT_HOPS;
    if (!Number.isInteger(hops) || hops < 0 || hops > MAX_HOPS)
      throw new UserError(`hops must be a whole number from 0 to ${MAX_HOPS}, got ${hops}`, {
        code: 'BAD_USAGE',
      });
    const results = inputs.map((i) => screenDirect(i.address, i.chain));
    if (hops === 0) return results;
    const byChain = new Map<string, ScreenResult[]>();
    for (const r of results) {
      if (r.error !== null || r.chain === null) continue;
      const list = byChain.get(r.chain);
      if (list) list.push(r);
      else byChain.set(r.chain, [r]);
    }
    for (const [chain, list] of byChain) {
      if (getChain(chain).family === 'bitcoin') {
        // UTXO transfers carry no sender-to-receiver pairs to follow (inputs and outputs are rows of
        // their own); pairing them is left to the tracing engine.
        for (const r of list)
          r.exposure = {
            ...r.exposure,
            notes: ['indirect exposure is not computed for UTXO chains yet'],
          };
        continue;
      }
      const labels = index.byChain.get(chain);
      const exposures = await computeIndirectExposure({
        store,
        chain,
        // Each address once: a batch may repeat one (its results share the exposure found).
        addresses: [...new Set(list.map((r) => r.address))],
        hops,
        labelsOf: (a) => labels?.get(a)?.current,
        assets: await assetsOf(chain),
        groups,
        until,
        maxCounterparties: options.maxCounterparties,
        maxTransfers: options.maxTransfers,
        maxPaths: options.maxPaths,
      });
      for (const r of list) {
        const found = exposures.get(r.address)!;
        const fired = evaluateIndirect(found.exposures, rules);
        r.exposure = {
          direct: r.exposure.direct,
          indirect: found.exposures,
          hops,
          notes: found.notes,
        };
        if (fired.length > 0) {
          r.explanation = { ...r.explanation, fired: [...r.explanation.fired, ...fired] };
          r.riskLevel = fired.reduce((level, f) => maxRiskLevel(level, f.level), r.riskLevel!);
        }
      }
    }
    return results;
  };

  return {
    asOf,
    rules,
    labelSet: index.labelSet,
    indexedAddresses: index.size,
    screenDirect,
    screen,
  };
}
