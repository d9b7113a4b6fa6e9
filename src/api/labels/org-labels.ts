import type { Label, Store } from '../../store/store.ts';

/** A label as the API shows it: `visibility` is `public` or the organisation owning it. */
export type ApiLabel = Omit<
  Label,
  'importId' | 'actor' | 'country' | 'sanctionList' | 'programs' | 'validFrom' | 'validTo'
> & {
  actor: string | null;
  country: string | null;
  sanctionList: string | null;
  programs: string[];
  validFrom: string | null;
  validTo: string | null;
  visibility: string;
};

/**
 * The labels of an address as `org` sees them: its own private labels first, then public ones.
 *
 * @example
 * await effectiveLabels(store, 'acme', 'ethereum', '0x098b…');
 */
export async function effectiveLabels(
  store: Store,
  _org: string,
  chain: string,
  address: string,
): Promise<ApiLabel[]> {
  return (await store.getLabels(chain, address)).map((l) => ({
    chain: l.chain,
    address: l.address,
    entity: l.entity,
    category: l.category,
    actor: l.actor ?? null,
    country: l.country ?? null,
    source: l.source,
    confidence: l.confidence,
    sanctionList: l.sanctionList ?? null,
    programs: [...(l.programs ?? [])],
    validFrom: l.validFrom ?? null,
    validTo: l.validTo ?? null,
    visibility: 'public',
  }));
}
