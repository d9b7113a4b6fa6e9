import { InvalidAddressError, normalizeAddress } from '../../model/address.ts';
import { getChain } from '../../model/chains.ts';
import { parseCategory } from '../../labels/taxonomy.ts';
import { detectChain } from '../../screen/detect-chain.ts';
import type { Label, Store } from '../../store/store.ts';
import { type ApiLabel, listPrivateLabels, privateAsApiLabel, toApiLabel } from './org-labels.ts';

/** What {@link searchLabels} looks for; every given filter must hold. */
export type LabelSearch = {
  /** An address (any accepted form), or a substring of entity, actor, category, list or address. */
  q?: string | undefined;
  chain?: string | undefined;
  category?: string | undefined;
  limit: number;
  offset: number;
};

/** One page of matches: the organisation's private labels first, then public ones. */
export type LabelSearchResult = { labels: ApiLabel[]; total: number };

/** Every public label, with the lowercase text a query is matched against. */
type PublicIndex = { fingerprint: string; labels: Label[]; text: string[] };

/**
 * Public labels per store, kept until a label import changes them. Loading them all takes about
 * 150 ms per 20,000 labels and the store cannot search text, so one load serves every search.
 */
const publicIndexes = new WeakMap<Store, Promise<PublicIndex>>();

type Searchable = Pick<
  Label,
  'chain' | 'address' | 'entity' | 'category' | 'actor' | 'sanctionList'
>;

function searchText(l: Searchable): string {
  return [l.entity, l.actor, l.category, l.sanctionList, l.address]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

/** Changes whenever an import adds or closes labels: the index is reloaded then. */
async function fingerprintOf(store: Store): Promise<string> {
  return (await store.listLabelImports()).map((i) => `${i.id}:${i.labels}:${i.closed}`).join(',');
}

async function publicIndex(store: Store): Promise<PublicIndex> {
  const fingerprint = await fingerprintOf(store);
  const cached = publicIndexes.get(store);
  if (cached) {
    const index = await cached.catch(() => null);
    if (index?.fingerprint === fingerprint) return index;
  }
  const loading = store.listLabels().then((labels) => ({
    fingerprint,
    labels,
    text: labels.map(searchText),
  }));
  publicIndexes.set(store, loading);
  loading.catch(() => {
    if (publicIndexes.get(store) === loading) publicIndexes.delete(store);
  });
  return loading;
}

/** The canonical address `q` names (on `chain`, or the chain its form points to), or null. */
function addressOf(q: string, chain: string | null): string | null {
  const target = chain ?? detectChain(q);
  if (target === null) return null;
  try {
    return normalizeAddress(target, q);
  } catch (error) {
    if (error instanceof InvalidAddressError) return null;
    throw error;
  }
}

/**
 * Searches labels as `org` sees them: its own private labels (newest first), then public ones (by
 * chain and address). `q` matches an address exactly in any accepted form (a checksummed EVM
 * address, Tron's hex form) or, case-insensitively, part of the entity, actor, category, sanctions
 * list or address. An unknown chain or category is a 400 naming it.
 *
 * @example
 * const { labels, total } = await searchLabels(store, 'acme', { q: 'lazarus', limit: 20, offset: 0 });
 */
export async function searchLabels(
  store: Store,
  org: string,
  search: LabelSearch,
): Promise<LabelSearchResult> {
  const chain = search.chain === undefined ? null : getChain(search.chain).key;
  const category = search.category === undefined ? null : parseCategory(search.category);
  const needle = search.q?.trim().toLowerCase() ?? '';
  const address = needle === '' ? null : addressOf(search.q!.trim(), chain);
  const matches = (l: Searchable, text: string) =>
    (chain === null || l.chain === chain) &&
    (category === null || l.category === category) &&
    (needle === '' || l.address === address || text.includes(needle));

  const [own, shared] = await Promise.all([listPrivateLabels(store, org), publicIndex(store)]);
  const ownMatches = own.filter((l) => matches(l, searchText(l)));
  const sharedMatches: Label[] = [];
  for (let i = 0; i < shared.labels.length; i++)
    if (matches(shared.labels[i]!, shared.text[i]!)) sharedMatches.push(shared.labels[i]!);

  const { limit, offset } = search;
  const labels: ApiLabel[] = ownMatches.slice(offset, offset + limit).map(privateAsApiLabel);
  const sharedFrom = Math.max(0, offset - ownMatches.length);
  for (const l of sharedMatches.slice(sharedFrom, sharedFrom + limit - labels.length))
    labels.push(toApiLabel(l));
  return { labels, total: ownMatches.length + sharedMatches.length };
}
