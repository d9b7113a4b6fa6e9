import { BITCOIN_SYNC_STREAM } from '../chains/bitcoin/bitcoin-source.ts';
import { EVM_SYNC_STREAM } from '../chains/evm/evm-source.ts';
import { TRON_SYNC_STREAM } from '../chains/tron/tron-source.ts';
import { UserError } from '../errors/base.ts';
import { ILLICIT_CATEGORIES, parseCategory } from '../labels/taxonomy.ts';
import { getAddressCodec } from '../model/address.ts';
import { NATIVE_ASSET } from '../model/asset.ts';
import { type Chain, type ChainFamily, getChain, listChains } from '../model/chains.ts';
import type {
  ChainStore,
  LabelImport,
  LabelledVolumeParameters,
  LabelStore,
} from '../store/store.ts';

import { ILLICIT_SHARE_GROUPINGS, type IllicitShareGrouping } from './illicit-share-groupings.ts';

export { ILLICIT_SHARE_GROUPINGS, type IllicitShareGrouping };

/** Share precision: computed in integers of 1e-12 from the exact sums, then divided. */
const SHARE_SCALE = 10n ** 12n;
/** Chain families whose assets include token contracts (given by address in `--asset`). */
const TOKEN_FAMILIES: readonly ChainFamily[] = ['evm', 'tron'];
/** The checkpoint stream each family's `chaintrail sync` keeps (src/chains/<family>/…-source.ts). */
const SYNC_STREAMS: Partial<Record<ChainFamily, string>> = {
  evm: EVM_SYNC_STREAM,
  tron: TRON_SYNC_STREAM,
  bitcoin: BITCOIN_SYNC_STREAM,
};

/** Input of {@link illicitShare}. */
export type IllicitShareParameters = {
  store: Pick<ChainStore, 'listAssets' | 'getStats' | 'getCheckpoint'> & LabelStore;
  /** Assets by symbol (`USDT`), key (token contract, `native`) or `chain:asset`; all when absent. */
  assets?: readonly string[] | undefined;
  /** Only these chains (keys or aliases: `ethereum`, `eth`, `tron`); all when absent. */
  chains?: readonly string[] | undefined;
  by?: IllicitShareGrouping | undefined;
  /** Categories counted as illicit (default: ILLICIT_CATEGORIES of src/labels/taxonomy.ts). */
  categories?: readonly string[] | undefined;
};

/** The sums of one figure and their ratio. */
type Figure = {
  /** Numerator: raw units and count of illicit transfers (see `definitions`). */
  illicitVolume: bigint;
  illicitTransfers: number;
  /** Denominator: raw units and count of all transfers of the asset (of the month). */
  volume: bigint;
  transfers: number;
  /** illicitVolume / volume; null when volume is 0. */
  share: number | null;
};

/** One figure: a chain and asset, and a month or a category / actor. */
export type IllicitShareRow = Figure & {
  chain: string;
  asset: string;
  symbol: string | null;
  decimals: number | null;
  /** `YYYY-MM` when grouped by month. */
  period: string | null;
  /** The category or actor of a per-group row; null on the all-illicit row. */
  group: string | null;
};

/**
 * One figure of one symbol across chains: the per-chain rows of the same period and group added
 * up, in units of `decimals` (see `definitions.combined`).
 */
export type IllicitShareCombinedRow = Figure & {
  symbol: string;
  /** The largest decimals of the parts: every amount here is in 10^-decimals of a whole token. */
  decimals: number;
  /** The chain assets added up (each chain's one asset of that symbol). */
  parts: { chain: string; asset: string; decimals: number }[];
  period: string | null;
  group: string | null;
};

/** A symbol shown on several chains whose rows were not added up, and why. */
export type IllicitShareNotCombined = { symbol: string; reason: string };

/** What the store holds of one chain shown: the span of its transfers, and how far a sync got. */
export type IllicitShareChainRange = {
  chain: string;
  /** Block and time (Unix seconds) span of every stored transfer of the chain (any asset). */
  firstBlock: bigint | null;
  lastBlock: bigint | null;
  firstTime: number | null;
  lastTime: number | null;
  /** The block `chaintrail sync` stored up to (its checkpoint); null when the chain was not synced. */
  syncedTo: bigint | null;
};

/** What {@link illicitShare} returns: the figures, what they mean, and the label set behind them. */
export type IllicitShareReturnType = {
  by: IllicitShareGrouping;
  categories: string[];
  /** The chains asked for (all chains with rows when not restricted). */
  chains: string[];
  definitions: {
    numerator: string;
    denominator: string;
    share: string;
    combined: string;
    groups?: string;
  };
  rows: IllicitShareRow[];
  combined: IllicitShareCombinedRow[];
  notCombined: IllicitShareNotCombined[];
  ranges: IllicitShareChainRange[];
  labelSet: {
    /** The label imports whose labels matched at least one transfer. */
    used: LabelImport[];
    /** Labels written without an import record matched too. */
    usedLabelsWithoutImport: boolean;
    /** Label imports in the store. */
    imports: number;
  };
};

/**
 * Share of transfer volume sent to or from addresses labelled illicit, per chain and asset, with
 * exact sums: the numerator counts a transfer whose sender or receiver (for a UTXO output, also any
 * input of its transaction) carries a label of an illicit category valid on the transfer's day; the
 * denominator counts every value transfer of the asset. Besides, one combined row per symbol shown
 * on several chains (USDT on Ethereum and Tron), added up exactly; different symbols are never added.
 * With the block span stored per chain, so a figure can be reproduced on the same range.
 *
 * @example
 * const r = await illicitShare({ store, assets: ['USDT'], chains: ['ethereum', 'tron'], by: 'month' });
 * for (const row of r.combined) console.log(row.symbol, row.period, row.share);
 */
export async function illicitShare(
  parameters: IllicitShareParameters,
): Promise<IllicitShareReturnType> {
  const { store } = parameters;
  const by = parameters.by ?? 'chain';
  const categories = [
    ...new Set((parameters.categories ?? [...ILLICIT_CATEGORIES]).map((c) => parseCategory(c))),
  ];
  const chainFilter = parseChains(parameters.chains);
  const known = await store.listAssets();
  const stats = await store.getStats();
  const meta = new Map(known.map((a) => [`${a.chain} ${a.asset}`, a]));
  const query: LabelledVolumeParameters = { categories, by };
  if (parameters.assets !== undefined && parameters.assets.length > 0) {
    const pairs = resolveAssets(parameters.assets, known, chainFilter);
    query.assets = chainFilter ? pairs.filter((p) => chainFilter.has(p.chain)) : pairs;
  } else if (chainFilter) {
    // Every asset with a stored transfer on the chains asked (tokens without metadata too), so
    // the label set used is that of these chains only.
    const pairs = new Map<string, { chain: string; asset: string }>();
    for (const a of stats.assets)
      if (chainFilter.has(a.chain))
        pairs.set(`${a.chain} ${a.asset}`, { chain: a.chain, asset: a.asset });
    query.assets = [...pairs.values()];
  }
  const volume =
    query.assets?.length === 0 ? { rows: [], importIds: [] } : await store.getLabelledVolume(query);
  const imports = await store.listLabelImports();
  const used = new Set(volume.importIds);
  const chains = new Map(listChains().map((c) => [c.key, c]));
  const rows: IllicitShareRow[] = volume.rows.map((r) => {
    const m = meta.get(`${r.chain} ${r.asset}`);
    const native = r.asset === NATIVE_ASSET ? chains.get(r.chain) : undefined;
    return {
      chain: r.chain,
      asset: r.asset,
      symbol: m?.symbol ?? native?.nativeSymbol ?? null,
      decimals: m?.decimals ?? native?.nativeDecimals ?? null,
      period: r.period,
      group: r.group,
      ...figure(r.labelledVolume, r.labelledTransfers, r.volume, r.transfers),
    };
  });
  // By chain, then symbol (`USDC` before `USDT` whatever their contracts), then month and group.
  rows.sort(
    (a, b) =>
      a.chain.localeCompare(b.chain) ||
      (a.symbol ?? a.asset).localeCompare(b.symbol ?? b.asset) ||
      a.asset.localeCompare(b.asset) ||
      (a.period ?? '').localeCompare(b.period ?? '') ||
      compareGroups(a.group, b.group),
  );
  const { combined, notCombined } = combine(rows);
  const shown = chainFilter ? [...chainFilter] : [...new Set(rows.map((r) => r.chain))].sort();
  const ranges: IllicitShareChainRange[] = [];
  for (const chain of shown) {
    const s = stats.chains.find((c) => c.chain === chain);
    const stream = SYNC_STREAMS[chains.get(chain)?.family ?? 'other'];
    const checkpoint = stream === undefined ? null : await store.getCheckpoint(chain, stream);
    ranges.push({
      chain,
      firstBlock: s?.firstBlock ?? null,
      lastBlock: s?.lastBlock ?? null,
      firstTime: s?.firstTime ?? null,
      lastTime: s?.lastTime ?? null,
      syncedTo: checkpoint?.blockNumber ?? null,
    });
  }
  return {
    by,
    categories,
    chains: shown,
    definitions: {
      numerator: `value of the transfers of the asset sent from or to an address with a label of category ${categories.join(', ')} valid on the transfer's day (labels still open, for transfers without a time); a UTXO output also counts when an input of its transaction is so labelled; each transfer once`,
      denominator:
        'value of all transfers of the asset: native, internal, token transfers and UTXO outputs (gas fees and UTXO inputs, which repeat the outputs, left out)',
      share:
        'numerator / denominator, computed from exact integer sums; volumes of different assets are never added',
      combined:
        "per symbol shown on several chains (one asset of it per chain): the chains' numerators and denominators added up, then divided; amounts of an asset with fewer decimals are multiplied by 10^(difference) to the largest decimals, exactly; not combined when a chain has several assets of the symbol or one without known decimals; tokens bridged between the chains count on each chain they move on; different symbols (USDT, USDC) are never added",
      ...(by === 'category' || by === 'actor'
        ? {
            groups: `per ${by}: the numerator of the transfers touching labels of that ${by}; a transfer touching several counts in each, so the rows can add up to more than the all-illicit row (group null)`,
          }
        : {}),
    },
    rows,
    combined,
    notCombined,
    ranges,
    labelSet: {
      used: imports.filter((i) => used.has(i.id)),
      usedLabelsWithoutImport: used.has(null),
      imports: imports.length,
    },
  };
}

function figure(
  illicitVolume: bigint,
  illicitTransfers: number,
  volume: bigint,
  transfers: number,
): Figure {
  return {
    illicitVolume,
    illicitTransfers,
    volume,
    transfers,
    share:
      volume === 0n ? null : Number((illicitVolume * SHARE_SCALE) / volume) / Number(SHARE_SCALE),
  };
}

/** The all-illicit row (group null) first, then the groups by name. */
function compareGroups(a: string | null, b: string | null): number {
  return a === b ? 0 : a === null ? -1 : b === null ? 1 : a.localeCompare(b);
}

/** The chain keys asked for (aliases resolved), or null for all; an unknown name is a UserError. */
function parseChains(names: readonly string[] | undefined): Set<string> | null {
  const keys = (names ?? []).map((n) => n.trim()).filter((n) => n !== '');
  return keys.length === 0 ? null : new Set(keys.map((n) => getChain(n).key));
}

/**
 * One combined row per symbol shown on two chains or more, per period and group. A symbol is left
 * out (and said why) when a chain has several assets of it (a copy named like the real token must be
 * chosen out by `chain:contract`) or one without known decimals (its units cannot be scaled).
 */
function combine(rows: readonly IllicitShareRow[]): {
  combined: IllicitShareCombinedRow[];
  notCombined: IllicitShareNotCombined[];
} {
  const bySymbol = new Map<string, IllicitShareRow[]>();
  for (const r of rows) {
    if (r.symbol === null) continue;
    const list = bySymbol.get(r.symbol) ?? [];
    list.push(r);
    bySymbol.set(r.symbol, list);
  }
  const combined: IllicitShareCombinedRow[] = [];
  const notCombined: IllicitShareNotCombined[] = [];
  for (const [symbol, list] of [...bySymbol].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = new Map<string, { chain: string; asset: string; decimals: number | null }>();
    for (const r of list)
      parts.set(`${r.chain} ${r.asset}`, { chain: r.chain, asset: r.asset, decimals: r.decimals });
    const partChains = new Set([...parts.values()].map((p) => p.chain));
    if (partChains.size < 2) continue;
    const several = [...partChains].filter(
      (c) => [...parts.values()].filter((p) => p.chain === c).length > 1,
    );
    if (several.length > 0) {
      notCombined.push({
        symbol,
        reason: `${several.join(', ')} ${several.length > 1 ? 'have' : 'has'} several assets named ${symbol} (${[
          ...parts.values(),
        ]
          .filter((p) => several.includes(p.chain))
          .map((p) => `${p.chain}:${p.asset}`)
          .join(', ')}): name the ones meant as chain:contract to combine them`,
      });
      continue;
    }
    const unknown = [...parts.values()].filter((p) => p.decimals === null);
    if (unknown.length > 0) {
      notCombined.push({
        symbol,
        reason: `decimals unknown for ${unknown.map((p) => `${p.chain}:${p.asset}`).join(', ')}: its raw units cannot be put in the others' units`,
      });
      continue;
    }
    const decimals = Math.max(...[...parts.values()].map((p) => p.decimals!));
    const sums = new Map<string, IllicitShareCombinedRow>();
    for (const r of list) {
      // Exact: to the largest decimals by an integer factor, never dividing.
      const scale = 10n ** BigInt(decimals - r.decimals!);
      const key = `${r.period ?? ''}\u0000${r.group ?? ''}`;
      const sum = sums.get(key) ?? {
        symbol,
        decimals,
        parts: [...parts.values()].map((p) => ({ ...p, decimals: p.decimals! })),
        period: r.period,
        group: r.group,
        ...figure(0n, 0, 0n, 0),
      };
      sums.set(key, {
        ...sum,
        ...figure(
          sum.illicitVolume + r.illicitVolume * scale,
          sum.illicitTransfers + r.illicitTransfers,
          sum.volume + r.volume * scale,
          sum.transfers + r.transfers,
        ),
      });
    }
    combined.push(
      ...[...sums.values()].sort(
        (a, b) => (a.period ?? '').localeCompare(b.period ?? '') || compareGroups(a.group, b.group),
      ),
    );
  }
  return { combined, notCombined };
}

/**
 * Chain + asset pairs of the assets named by symbol, key or `chain:asset`. A token contract given
 * without a chain is looked for on every chain (of `chains`, when given) whose addresses it is a
 * valid form of: `0x…` on the EVM chains, base58 `T…` (or `41…` hex) on Tron, each in the form the
 * store keeps (EVM lowercase, Tron base58).
 */
function resolveAssets(
  names: readonly string[],
  known: readonly { chain: string; asset: string; symbol: string | null }[],
  chains: ReadonlySet<string> | null,
): { chain: string; asset: string }[] {
  const pairs = new Map<string, { chain: string; asset: string }>();
  const add = (chain: string, asset: string) => pairs.set(`${chain} ${asset}`, { chain, asset });
  const candidates = (chainPart: string | null): Chain[] =>
    chainPart !== null
      ? [getChain(chainPart)]
      : listChains().filter((c) => chains === null || chains.has(c.key));
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    const colon = name.lastIndexOf(':');
    const chainPart = colon > 0 ? name.slice(0, colon) : null;
    const chainKey = chainPart === null ? null : getChain(chainPart).key;
    const assetPart = colon > 0 ? name.slice(colon + 1) : name;
    const lower = assetPart.toLowerCase();
    let found = false;
    if (lower === NATIVE_ASSET) {
      // Native coins need no metadata row: every chain (or the one named) has one.
      for (const c of candidates(chainPart)) add(c.key, NATIVE_ASSET);
      found = true;
    } else {
      for (const c of candidates(chainPart)) {
        if (!TOKEN_FAMILIES.includes(c.family)) continue;
        const codec = getAddressCodec(c);
        if (!codec.isValid(assetPart)) continue;
        add(c.key, codec.normalize(assetPart));
        found = true;
      }
    }
    for (const a of known) {
      if (chainKey !== null && a.chain !== chainKey) continue;
      if (a.asset === assetPart || a.asset === lower || a.symbol?.toLowerCase() === lower) {
        add(a.chain, a.asset);
        found = true;
      }
    }
    if (!found) {
      const symbols = [...new Set(known.map((a) => a.symbol).filter(Boolean))].sort();
      throw new UserError(`Unknown asset "${name}"`, {
        code: 'UNKNOWN_ASSET',
        details: `Give a symbol of the store (${symbols.slice(0, 20).join(', ') || 'none stored'}), a token contract, native, or chain:asset.`,
      });
    }
  }
  return [...pairs.values()];
}
