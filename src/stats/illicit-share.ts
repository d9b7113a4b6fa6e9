import { UserError } from '../errors/base.ts';
import { ILLICIT_CATEGORIES, parseCategory } from '../labels/taxonomy.ts';
import { NATIVE_ASSET } from '../model/asset.ts';
import { listChains } from '../model/chains.ts';
import type {
  LabelImport,
  LabelledVolumeParameters,
  ChainStore,
  LabelStore,
} from '../store/store.ts';

/** How illicit-share rows are grouped. */
export const ILLICIT_SHARE_GROUPINGS = ['chain', 'month', 'category', 'actor'] as const;
export type IllicitShareGrouping = (typeof ILLICIT_SHARE_GROUPINGS)[number];

const EVM_CONTRACT = /^0x[0-9a-fA-F]{40}$/;
/** Share precision: computed in integers of 1e-12 from the exact sums, then divided. */
const SHARE_SCALE = 10n ** 12n;

/** Input of {@link illicitShare}. */
export type IllicitShareParameters = {
  store: Pick<ChainStore, 'listAssets'> & LabelStore;
  /** Assets by symbol (`USDT`), key (token contract, `native`) or `chain:asset`; all when absent. */
  assets?: readonly string[] | undefined;
  by?: IllicitShareGrouping | undefined;
  /** Categories counted as illicit (default: ILLICIT_CATEGORIES of src/labels/taxonomy.ts). */
  categories?: readonly string[] | undefined;
};

/** One figure: a chain and asset, and a month or a category / actor. */
export type IllicitShareRow = {
  chain: string;
  asset: string;
  symbol: string | null;
  decimals: number | null;
  /** `YYYY-MM` when grouped by month. */
  period: string | null;
  /** The category or actor of a per-group row; null on the all-illicit row. */
  group: string | null;
  /** Numerator: raw units and count of illicit transfers (see `definitions`). */
  illicitVolume: bigint;
  illicitTransfers: number;
  /** Denominator: raw units and count of all transfers of the asset (of the month). */
  volume: bigint;
  transfers: number;
  /** illicitVolume / volume; null when volume is 0. */
  share: number | null;
};

/** What {@link illicitShare} returns: the figures, what they mean, and the label set behind them. */
export type IllicitShareReturnType = {
  by: IllicitShareGrouping;
  categories: string[];
  definitions: { numerator: string; denominator: string; share: string; groups?: string };
  rows: IllicitShareRow[];
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
 * denominator counts every value transfer of the asset. Volumes of different assets are never added.
 *
 * @example
 * const r = await illicitShare({ store, assets: ['USDT'], by: 'month' });
 * for (const row of r.rows) console.log(row.period, row.share);
 */
export async function illicitShare(
  parameters: IllicitShareParameters,
): Promise<IllicitShareReturnType> {
  const { store } = parameters;
  const by = parameters.by ?? 'chain';
  const categories = [
    ...new Set((parameters.categories ?? [...ILLICIT_CATEGORIES]).map((c) => parseCategory(c))),
  ];
  const known = await store.listAssets();
  const meta = new Map(known.map((a) => [`${a.chain} ${a.asset}`, a]));
  const query: LabelledVolumeParameters = { categories, by };
  if (parameters.assets !== undefined && parameters.assets.length > 0)
    query.assets = resolveAssets(parameters.assets, known);
  const volume = await store.getLabelledVolume(query);
  const imports = await store.listLabelImports();
  const used = new Set(volume.importIds);
  const chains = new Map(listChains().map((c) => [c.key, c]));
  return {
    by,
    categories,
    definitions: {
      numerator: `value of the transfers of the asset sent from or to an address with a label of category ${categories.join(', ')} valid on the transfer's day (labels still open, for transfers without a time); a UTXO output also counts when an input of its transaction is so labelled; each transfer once`,
      denominator:
        'value of all transfers of the asset: native, internal, token transfers and UTXO outputs (gas fees and UTXO inputs, which repeat the outputs, left out)',
      share:
        'numerator / denominator, computed from exact integer sums; volumes of different assets are never added',
      ...(by === 'category' || by === 'actor'
        ? {
            groups: `per ${by}: the numerator of the transfers touching labels of that ${by}; a transfer touching several counts in each, so the rows can add up to more than the all-illicit row (group null)`,
          }
        : {}),
    },
    rows: volume.rows.map((r) => {
      const m = meta.get(`${r.chain} ${r.asset}`);
      const native = r.asset === NATIVE_ASSET ? chains.get(r.chain) : undefined;
      return {
        chain: r.chain,
        asset: r.asset,
        symbol: m?.symbol ?? native?.nativeSymbol ?? null,
        decimals: m?.decimals ?? native?.nativeDecimals ?? null,
        period: r.period,
        group: r.group,
        illicitVolume: r.labelledVolume,
        illicitTransfers: r.labelledTransfers,
        volume: r.volume,
        transfers: r.transfers,
        share:
          r.volume === 0n
            ? null
            : Number((r.labelledVolume * SHARE_SCALE) / r.volume) / Number(SHARE_SCALE),
      };
    }),
    labelSet: {
      used: imports.filter((i) => used.has(i.id)),
      usedLabelsWithoutImport: used.has(null),
      imports: imports.length,
    },
  };
}

/** Chain + asset pairs of the assets named by symbol, key or `chain:asset`. */
function resolveAssets(
  names: readonly string[],
  known: readonly { chain: string; asset: string; symbol: string | null }[],
): { chain: string; asset: string }[] {
  const pairs = new Map<string, { chain: string; asset: string }>();
  const add = (chain: string, asset: string) => pairs.set(`${chain} ${asset}`, { chain, asset });
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    const colon = name.lastIndexOf(':');
    const chainPart = colon > 0 ? name.slice(0, colon) : null;
    const assetPart = colon > 0 ? name.slice(colon + 1) : name;
    const lower = assetPart.toLowerCase();
    let found = false;
    if (lower === NATIVE_ASSET) {
      // Native coins need no metadata row: every chain (or the one named) has one.
      for (const c of chainPart === null ? listChains().map((c) => c.key) : [chainPart])
        add(c, NATIVE_ASSET);
      found = true;
    } else if (EVM_CONTRACT.test(assetPart)) {
      add(chainPart ?? 'ethereum', lower);
      found = true;
    }
    for (const a of known) {
      if (chainPart !== null && a.chain !== chainPart) continue;
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
