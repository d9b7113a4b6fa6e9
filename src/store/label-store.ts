/**
 * Labels: who an address belongs to, from which list (OFAC, TagPacks, the shipped reference, an
 * organisation's upload), valid over which days, and the label imports they came from; and the
 * labelled share of the transfer volume, which joins them with the chain data.
 *
 * Labels are history, not state: nothing is overwritten; a delisted sanction or a label no longer
 * inferred is closed (`validTo`) and still counts for the days it was open. Only removing an import
 * (a retired upload) deletes rows. A backend must guarantee: one row per open label (an equal label
 * staged again is a duplicate, counted in the {@link WriteSummary}); closing and removing happen in
 * the write's one transaction, so a failed write changes nothing; `validOn` compares whole UTC days.
 * Reorgs do not touch labels.
 */
export interface LabelStore {
  /** All labels of an address (every source, closed ones included; nothing overwritten). */
  getLabels(chain: string, address: string): Promise<Label[]>;
  /** Labels matching a filter, ordered by chain, address, valid-from, source. */
  listLabels(filter?: LabelFilter): Promise<Label[]>;
  /** Every label import, oldest first. */
  listLabelImports(): Promise<LabelImport[]>;
  /**
   * Transfer volume per chain and asset, and the part of it sent to or from an address holding a
   * label of one of `categories` valid at the transfer's time (exact sums).
   */
  getLabelledVolume(params: LabelledVolumeParameters): Promise<LabelledVolume>;
}

/** What one atomic write may do to labels (see {@link LabelStore}). */
export interface LabelWriter {
  /**
   * Adds labels; one equal to an open label of the address (same category, entity, source, list) is
   * skipped. The store keeps one row per open label, held by the import that added it first; a later
   * import (this write's, see {@link LabelWriter.recordLabelImport}) that stages an equal one
   * carries it: while the label stays open, removing the holder's import hands it to the oldest
   * import still carrying it, as that import's own copy (its confidence, actor, dates). Closing a
   * label (delisted, no longer inferred) closes it for every import that carried it.
   */
  addLabels(labels: readonly Label[]): Promise<void>;
  /** Records the label list this write imports; the write's labels are tied to it. */
  recordLabelImport(record: LabelImportRecord): Promise<void>;
  /**
   * After this write's labels are in: closes (validTo = `validTo`) every open label of the sanctions
   * list `sanctionList` whose chain and address this write did not label under that list (delisted).
   */
  closeDelisted(params: { sanctionList: string; validTo: string }): Promise<void>;
  /**
   * Before this write's labels are in: closes (validTo = `validTo`) every open label of the label
   * imports of `format` that this write does not stage again (same chain, address, category, entity,
   * source and confidence). A rerun of an inference (e.g. inferred deposit addresses) closes what is
   * no longer inferred; labels of other formats are never touched.
   */
  closeNotRestaged(params: { format: string; validTo: string }): Promise<void>;
  /**
   * Before this write's labels are in: removes the label import `importId` and every label it holds
   * (a retired upload), rather than closing them: a closed label still counts for the days it was
   * open (screenings as of a past day, illicit-volume statistics), and a forged one never held. An
   * open label another import carries (see {@link addLabels}) stays, as that import's; what this
   * import carried is forgotten. All in the write's one transaction: a failed write changes nothing.
   * An import not stored removes nothing.
   */
  removeLabelImport(importId: number): Promise<void>;
}

/**
 * One label of one address from one source. An address keeps every label it was given; nothing is
 * overwritten, and a delisted sanction is closed (`validTo`) rather than removed.
 */
export type Label = {
  chain: string;
  /** Canonical stored form of the address (see src/model/address.ts). */
  address: string;
  /** Who the address belongs to, e.g. `Binance`, `LAZARUS GROUP`. */
  entity: string | null;
  /** One of the taxonomy's categories (src/labels/taxonomy.ts). */
  category: string;
  /** The actor behind it, e.g. `lazarus-group`. */
  actor?: string | null | undefined;
  /** The actor's country, ISO 3166-1 alpha-2 (e.g. `KP`). */
  country?: string | null | undefined;
  /** Where the label comes from: a URL or a document reference. */
  source: string;
  /** 0-100, GraphSense's confidence scale (ownership 100 … heuristic 10). */
  confidence: number | null;
  /** The sanctions list when the label is a sanction, e.g. `OFAC SDN`. */
  sanctionList?: string | null | undefined;
  /** Sanctions programs, e.g. `DPRK3`, `CYBER2`. */
  programs?: readonly string[] | undefined;
  /** First and last day the label holds (`YYYY-MM-DD`); null = open. */
  validFrom?: string | null | undefined;
  validTo?: string | null | undefined;
  /** The label import it came from (set by the store). */
  importId?: number | null | undefined;
};

/** One imported label list: what, from where, of which date, with which hash. */
export type LabelImportRecord = {
  /** Importer, e.g. `ofac-xml`, `tagpack`, `csv`, `reference`. */
  format: string;
  /** File path or URL it was read from. */
  source: string;
  /** The list's own name, e.g. `OFAC SDN`. */
  listName: string | null;
  /** The list's publication date (`YYYY-MM-DD`), when it has one. */
  listDate: string | null;
  sha256: string | null;
};

/** A label import as stored, with what it added and closed. */
export type LabelImport = LabelImportRecord & {
  id: number;
  /** Labels it added, and those it took over from a removed import (see {@link LabelWriter.addLabels}). */
  labels: number;
  closed: number;
  importedAt: string;
};

/** Filters of {@link LabelStore.listLabels}; all optional, combined with AND. */
export type LabelFilter = {
  chain?: string;
  address?: string;
  category?: string;
  sanctionList?: string;
  importId?: number;
  /** Only labels valid on this day (`YYYY-MM-DD`): opened on or before it and not closed before it. */
  validOn?: string;
  /** Only labels with no end (current ones). */
  open?: boolean;
};

/** Input of {@link LabelStore.getLabelledVolume}. */
export type LabelledVolumeParameters = {
  /** Label categories that make a transfer count (e.g. the illicit ones). */
  categories: readonly string[];
  /** Only these assets (chain + asset key); all when absent. */
  assets?: readonly { chain: string; asset: string }[];
  /**
   * `month`: one row per calendar month (UTC) of the transfers; `category` / `actor`: besides the
   * total, one row per category / actor of the matching labels; `chain` (default): per chain and asset.
   */
  by?: 'chain' | 'month' | 'category' | 'actor';
};

/** One row of {@link LabelledVolume}: a chain and asset, and a month or a category / actor. */
export type LabelledVolumeRow = {
  chain: string;
  asset: string;
  /** `YYYY-MM` (`unknown` for transfers without a time) when grouped by month, else null. */
  period: string | null;
  /** The category or actor (`(none)` for labels without an actor) of a per-group row; null on totals. */
  group: string | null;
  /** Raw units and count of every value transfer of the chain and asset (of the period). */
  volume: bigint;
  transfers: number;
  /** Raw units and count of those with a matching label on either side (of the group). */
  labelledVolume: bigint;
  labelledTransfers: number;
};

/** What {@link LabelStore.getLabelledVolume} returns. */
export type LabelledVolume = {
  rows: LabelledVolumeRow[];
  /** Label imports whose labels matched at least one transfer (null: labels added without an import). */
  importIds: (number | null)[];
};
