import { Document } from 'yaml';
import { formatAddress } from '../model/address.ts';
import type { Label, LabelFilter, LabelStore } from '../store/store.ts';
import {
  CATEGORY_TO_GRAPHSENSE,
  GRAPHSENSE_ABUSE_CATEGORIES,
  GRAPHSENSE_CATEGORIES,
  graphsenseConfidenceName,
  graphsenseNetwork,
} from './graphsense.ts';
import type { Category } from './taxonomy.ts';

/** Input of {@link exportTagpack}. */
export type ExportTagpackParameters = {
  store: Pick<LabelStore, 'listLabels'>;
  /** Which labels (default: all, closed ones included). */
  filter?: LabelFilter | undefined;
  /** The pack's title (default `chaintrail labels`). */
  title?: string | undefined;
  /** The pack's creator (default `chaintrail`). */
  creator?: string | undefined;
  description?: string | undefined;
  /** The pack's `lastmod` (`YYYY-MM-DD`, default today in UTC). */
  lastmod?: string | undefined;
};

/** What {@link exportTagpack} returns. */
export type ExportTagpackReturnType = {
  /** The TagPack as YAML text. */
  yaml: string;
  /** Tags written (one per label). */
  tags: number;
  /** Tag fields hoisted into the header because every tag has the same value. */
  hoisted: string[];
};

/** Fields never hoisted: one per address. */
const NEVER_HOISTED = new Set(['address']);

/** The category a tag written with `concept` reads back as (the importer's rule, minus actors). */
function readsBackAs(concept: { category?: string; abuse?: string }): Category | undefined {
  return (
    (concept.abuse ? GRAPHSENSE_ABUSE_CATEGORIES[concept.abuse] : undefined) ??
    (concept.category ? GRAPHSENSE_CATEGORIES[concept.category] : undefined)
  );
}

/** One label as a TagPack tag; what GraphSense cannot say goes in `context` under `chaintrail`. */
function toTag(label: Label): Record<string, unknown> {
  const concept = CATEGORY_TO_GRAPHSENSE[label.category as Category] ?? { category: 'user' };
  const extra: Record<string, unknown> = {};
  if (readsBackAs(concept) !== label.category) extra.category = label.category;
  // GraphSense requires a label; a label without entity is written with its category and marked so.
  if (label.entity === null) extra.entity = null;
  if (label.country) extra.country = label.country;
  if (label.sanctionList) extra.sanction_list = label.sanctionList;
  if (label.programs && label.programs.length > 0) extra.programs = [...label.programs];
  if (label.validFrom) extra.valid_from = label.validFrom;
  if (label.validTo) extra.valid_to = label.validTo;
  const network = graphsenseNetwork(label.chain);
  const tag: Record<string, unknown> = {
    address: formatAddress(label.chain, label.address),
    label: label.entity ?? label.category,
    source: label.source,
    currency: network,
    network,
  };
  if (concept.category) tag.category = concept.category;
  if (concept.abuse) tag.abuse = concept.abuse;
  if (label.actor) tag.actor = label.actor;
  if (label.confidence !== null) tag.confidence = graphsenseConfidenceName(label.confidence);
  if (Object.keys(extra).length > 0) tag.context = JSON.stringify({ chaintrail: extra });
  return tag;
}

/**
 * Writes labels of the store as one GraphSense TagPack: a header (title, creator, lastmod, and every
 * tag field all tags share, which they then inherit) and one tag per label. Addresses are in display
 * form (EIP-55 for EVM); chains and categories use GraphSense's codes and concepts where they read
 * back as the same, and the tag's `context` keeps the rest (exact category, country, sanctions list,
 * programs, validity), so importing the pack with `importTagpack` gives the same labels.
 *
 * @example
 * const { yaml, tags } = await exportTagpack({ store, filter: { category: 'theft' }, title: 'Thefts' });
 * fs.writeFileSync('thefts.yaml', yaml);
 */
export async function exportTagpack(
  parameters: ExportTagpackParameters,
): Promise<ExportTagpackReturnType> {
  const labels = await parameters.store.listLabels(parameters.filter ?? {});
  const tags = labels.map(toTag);
  const header: Record<string, unknown> = {
    title: parameters.title ?? 'chaintrail labels',
    creator: parameters.creator ?? 'chaintrail',
  };
  if (parameters.description) header.description = parameters.description;
  header.lastmod = parameters.lastmod ?? new Date().toISOString().slice(0, 10);
  const hoisted: string[] = [];
  if (tags.length > 0) {
    const first = tags[0]!;
    for (const key of Object.keys(first)) {
      if (NEVER_HOISTED.has(key)) continue;
      const value = JSON.stringify(first[key]);
      // A field only some tags have stays with them: the others would inherit it.
      if (tags.every((t) => key in t && JSON.stringify(t[key]) === value)) {
        header[key] = first[key];
        hoisted.push(key);
      }
    }
    for (const tag of tags) for (const key of hoisted) delete tag[key];
  }
  const document = new Document({ ...header, tags });
  return { yaml: document.toString({ lineWidth: 0 }), tags: tags.length, hoisted };
}
