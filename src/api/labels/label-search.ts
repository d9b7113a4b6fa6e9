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

/** Entity profiles a search returns at most (largest first): a query names a few, not thousands. */
export const MAX_ENTITY_PROFILES = 20;
/** Addresses listed under one profile; `addressCount` gives them all. */
export const PROFILE_ADDRESSES = 50;

/**
 * One entity among the matches with everything its labels say: a search for "Lazarus" answers
 * with the group once, its addresses under it, rather than sixty rows to read.
 */
export type EntityProfile = {
  entity: string;
  actors: string[];
  countries: string[];
  categories: string[];
  /** Sanctions lists naming it (empty when none). */
  sanctionLists: string[];
  chains: string[];
  /** Distinct addresses (chain and address) its matching labels name. */
  addressCount: number;
  /** The first {@link PROFILE_ADDRESSES} of them, private ones first. */
  addresses: { chain: string; address: string; category: string }[];
  /** Any of its labels is the organisation's own. */
  private: boolean;
};

/** One page of matches: the organisation's private labels first, then public ones. */
export type LabelSearchResult = {
  labels: ApiLabel[];
  total: number;
  /** The entities of every match (not only this page), most addresses first. */
  entities: EntityProfile[];
};

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
  return {
    labels,
    total: ownMatches.length + sharedMatches.length,
    // A search names entities; listing every label (no text) groups nothing worth the memory.
    entities: needle === '' ? [] : entityProfiles(ownMatches, sharedMatches),
  };
}

type ProfileLabel = Searchable & { country?: string | null | undefined };

/** The entities of the matches, with what their labels say, most addresses first. */
function entityProfiles(
  own: readonly ProfileLabel[],
  shared: readonly ProfileLabel[],
): EntityProfile[] {
  type Acc = {
    entity: string;
    actors: Set<string>;
    countries: Set<string>;
    categories: Set<string>;
    lists: Set<string>;
    chains: Set<string>;
    seen: Set<string>;
    addresses: EntityProfile['addresses'];
    private: boolean;
  };
  const byEntity = new Map<string, Acc>();
  const add = (l: ProfileLabel, mine: boolean) => {
    if (!l.entity) return;
    // One profile per entity however lists spell its case ("Lazarus Group", "LAZARUS GROUP").
    const key = l.entity.toLowerCase();
    let a = byEntity.get(key);
    if (!a)
      byEntity.set(
        key,
        (a = {
          entity: l.entity,
          actors: new Set(),
          countries: new Set(),
          categories: new Set(),
          lists: new Set(),
          chains: new Set(),
          seen: new Set(),
          addresses: [],
          private: false,
        }),
      );
    if (l.actor) a.actors.add(l.actor);
    if (l.country) a.countries.add(l.country);
    a.categories.add(l.category);
    if (l.sanctionList) a.lists.add(l.sanctionList);
    a.chains.add(l.chain);
    a.private ||= mine;
    const id = `${l.chain}\u0000${l.address}`;
    if (a.seen.has(id)) return;
    a.seen.add(id);
    if (a.addresses.length < PROFILE_ADDRESSES)
      a.addresses.push({ chain: l.chain, address: l.address, category: l.category });
  };
  for (const l of own) add(l, true);
  for (const l of shared) add(l, false);
  const sorted = (set: Set<string>) => [...set].sort();
  return [...byEntity.values()]
    .sort((x, y) => y.seen.size - x.seen.size || x.entity.localeCompare(y.entity))
    .slice(0, MAX_ENTITY_PROFILES)
    .map((a) => ({
      entity: a.entity,
      actors: sorted(a.actors),
      countries: sorted(a.countries),
      categories: sorted(a.categories),
      sanctionLists: sorted(a.lists),
      chains: sorted(a.chains),
      addressCount: a.seen.size,
      addresses: a.addresses,
      private: a.private,
    }));
}
