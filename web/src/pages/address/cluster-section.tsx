import { useState } from 'react';
import { getChain } from '../../../../src/model/chains.ts';
import { useLoad, useSession } from '../../api/session.tsx';
import type { ClusterAnswer } from '../../api/types.ts';
import { AddressLink } from '../../components/address-link.tsx';
import { Async, Empty } from '../../components/states.tsx';
import { CategoryBadge, isForbidden, Pager, SourceText, TxLink } from './shared.tsx';

/** Addresses, and transactions that joined them, per page: the choices (the API gives up to 1,000). */
const PAGE_SIZES = [10, 50, 250, 1000];
const DEFAULT_PAGE_SIZE = 50;

type ClusterLabel = ClusterAnswer['labels'][number];
type Refusal = ClusterAnswer['refusals'][number];

/**
 * Whether a chain has clusters: the multi-input heuristic reads UTXO transactions, so only the
 * Bitcoin family (src/cluster); a chain this build does not know has none.
 *
 * @example
 * hasClusters('bitcoin-regtest'); // true
 * hasClusters('anvil'); // false
 */
export function hasClusters(chain: string): boolean {
  try {
    return getChain(chain).family === 'bitcoin';
  } catch {
    return false;
  }
}

/** How far the build goes, in words: "block 120 (the last stored)" or "block 120 of 130 stored". */
function builtText(c: ClusterAnswer): string {
  if (c.built === null) return 'not built';
  if (c.tip === null || BigInt(c.tip) <= BigInt(c.built.blockNumber))
    return `block ${c.built.blockNumber} (the last stored)`;
  return `block ${c.built.blockNumber} of ${c.tip} stored`;
}

/** A note of the API with its `commands` set as code. */
function NoteText(props: { text: string }) {
  return (
    <>{props.text.split('`').map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</>
  );
}

/** The label names of one address ("exchange Binance"), from the cluster's labels. */
function labelsOf(c: ClusterAnswer, address: string): ClusterLabel[] {
  return c.labels.filter((l) =>
    address === c.address ? l.viaCluster === undefined : l.viaCluster?.address === address,
  );
}

function LabelChips(props: { labels: ClusterLabel[] }) {
  const seen = new Set<string>();
  return (
    <>
      {props.labels.map((l) => {
        const key = `${l.category}|${l.entity ?? ''}`;
        if (seen.has(key)) return null;
        seen.add(key);
        return (
          <span key={key} className="label-chip">
            <CategoryBadge category={l.category} /> {l.entity}
          </span>
        );
      })}
    </>
  );
}

/**
 * The cluster of a Bitcoin-family address by the multi-input heuristic (`GET /v1/clusters`): its id,
 * size and how far the chain's build goes, a page of its addresses with their labels, the labels
 * that reach this address through it, the transactions that joined it, and the merges the label
 * guard refused. Not built, and not clustered, are said in words.
 */
export function ClusterSection(props: { chain: string; address: string }) {
  const { api, me } = useSession();
  const [pageSize, setPageSize] = useState(DEFAULT_PAGE_SIZE);
  const [offset, setOffset] = useState(0);
  const [linkOffset, setLinkOffset] = useState(0);
  const base = `/v1/clusters/${encodeURIComponent(props.chain)}/${encodeURIComponent(props.address)}`;
  const loaded = useLoad(
    () => api.get<ClusterAnswer>(base, { limit: pageSize, offset }),
    [api, base, pageSize, offset],
  );
  // The API pages addresses and links together: a links page of its own is asked only when it
  // differs from the addresses'.
  const otherLinks = useLoad(
    () =>
      linkOffset === offset
        ? Promise.resolve(null)
        : api.get<ClusterAnswer>(base, { limit: pageSize, offset: linkOffset }),
    [api, base, pageSize, offset, linkOffset],
  );
  const linksPage = linkOffset === offset ? loaded : otherLinks;

  return (
    <section className="panel cluster-section" aria-labelledby="cluster-heading">
      <h2 id="cluster-heading">Cluster</h2>
      <p className="muted small">
        Addresses taken for one owner&apos;s because a transaction spent from them together (the
        multi-input heuristic; CoinJoins left out).
      </p>
      {isForbidden(loaded.error) ? (
        <div className="state">Clusters are not open to this key (role {me.role}).</div>
      ) : (
        <Async loaded={loaded} what="the cluster">
          {(c) => (
            <ClusterView
              cluster={c}
              pageSize={pageSize}
              onPageSize={(n) => {
                setPageSize(n);
                setOffset(0);
                setLinkOffset(0);
              }}
              busy={loaded.loading}
              onPage={setOffset}
              links={linksPage.data ?? null}
              linksBusy={linksPage.loading}
              onLinksPage={setLinkOffset}
            />
          )}
        </Async>
      )}
    </section>
  );
}

function ClusterView(props: {
  cluster: ClusterAnswer;
  pageSize: number;
  onPageSize: (n: number) => void;
  busy: boolean;
  onPage: (offset: number) => void;
  links: ClusterAnswer | null;
  linksBusy: boolean;
  onLinksPage: (offset: number) => void;
}) {
  const c = props.cluster;
  if (c.built === null)
    return (
      <Empty>
        <strong>Not built.</strong> Clusters of {c.chain} have not been built yet, so nothing tells
        which other addresses share this one&apos;s owner.
        {c.note ? (
          <div className="small cluster-note">
            <NoteText text={c.note} />
          </div>
        ) : null}
      </Empty>
    );
  const via = c.labels.filter((l) => l.viaCluster !== undefined);
  return (
    <>
      <dl className="facts">
        <div>
          <dt>Cluster id</dt>
          <dd className="mono">{c.id}</dd>
        </div>
        <div>
          <dt>Addresses</dt>
          <dd>{c.size.toLocaleString('en-US')}</dd>
        </div>
        <div>
          <dt>Built to</dt>
          <dd>{builtText(c)}</dd>
        </div>
      </dl>
      {c.note ? (
        <p className="cluster-note" role="note" aria-label="How far clusters are built">
          <NoteText text={c.note} />
        </p>
      ) : null}
      {c.size === 1 ? (
        <Empty>
          <strong>Not clustered.</strong> In the blocks clustered (to block {c.built.blockNumber}),
          no transaction spent from this address together with another address, so it is a cluster
          of its own.
        </Empty>
      ) : (
        <>
          <div className="table-wrap" aria-busy={props.busy}>
            <table className="data-table cluster-table">
              <caption>
                Addresses of the cluster, first clustered first ({c.size.toLocaleString('en-US')})
              </caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Labels</th>
                </tr>
              </thead>
              <tbody>
                {c.addresses.map((a) => (
                  <tr key={a}>
                    <td>
                      {a === c.address ? (
                        <span className="mono" aria-current="page">
                          {a} <span className="muted small">(this address)</span>
                        </span>
                      ) : (
                        <AddressLink chain={c.chain} address={a} full />
                      )}
                    </td>
                    <td>
                      <LabelChips labels={labelsOf(c, a)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {c.size > PAGE_SIZES[0]! ? (
            <div className="filters cluster-paging">
              <div className="field">
                <label htmlFor="cluster-page-size">Addresses and transactions per page</label>
                <select
                  id="cluster-page-size"
                  value={props.pageSize}
                  onChange={(e) => props.onPageSize(Number(e.target.value))}
                >
                  {PAGE_SIZES.map((n) => (
                    <option key={n} value={n}>
                      {n}
                    </option>
                  ))}
                </select>
              </div>
              <span className="spacer" />
              {c.size > props.pageSize ? (
                <Pager
                  label="Pages of the cluster's addresses"
                  offset={c.offset}
                  shown={c.addresses.length}
                  total={c.size}
                  hasNext={c.offset + c.addresses.length < c.size}
                  busy={props.busy}
                  onPage={props.onPage}
                  pageSize={props.pageSize}
                />
              ) : null}
            </div>
          ) : null}
          <ViaLabels chain={c.chain} labels={via} />
          <Links
            cluster={props.links ?? c}
            pageSize={props.pageSize}
            busy={props.linksBusy}
            onPage={props.onLinksPage}
            loading={props.links === null}
          />
        </>
      )}
      {c.refusals.length ? <Refusals chain={c.chain} refusals={c.refusals} /> : null}
    </>
  );
}

/** One label reached through the cluster, and the addresses of the cluster that carry it. */
type ViaGroup = { label: ClusterLabel; source: string; addresses: string[] };

/**
 * The labels of the cluster's other addresses, one row per distinct label (an exchange's deposit
 * addresses all carry the same one): entity, category, source and confidence alike.
 */
function groupVia(labels: ClusterLabel[]): ViaGroup[] {
  const groups = new Map<string, ViaGroup>();
  for (const l of labels) {
    const source = l.source.replace(/^via cluster of [^:]+: /, '');
    const key = JSON.stringify([l.entity, l.category, l.visibility, source, l.confidence]);
    const group = groups.get(key);
    if (group) group.addresses.push(l.viaCluster!.address);
    else groups.set(key, { label: l, source, addresses: [l.viaCluster!.address] });
  }
  return [...groups.values()];
}

/** Labels of the cluster's other addresses, as they reach this one: halved, never a sanction. */
function ViaLabels(props: { chain: string; labels: ClusterLabel[] }) {
  if (props.labels.length === 0)
    return <p className="muted">No other address of the cluster carries a label.</p>;
  return (
    <div className="table-wrap">
      <table className="data-table cluster-table">
        <caption>
          Labels reached through the cluster: confidence halved (at most 50 / 100), never a sanction
        </caption>
        <thead>
          <tr>
            <th scope="col">Entity</th>
            <th scope="col">Category</th>
            <th scope="col">Through</th>
            <th scope="col">Source</th>
            <th scope="col" className="num">
              Confidence
            </th>
          </tr>
        </thead>
        <tbody>
          {groupVia(props.labels).map(({ label: l, source, addresses }) => (
            <tr key={`${addresses[0]}|${l.category}|${l.entity ?? ''}|${source}`}>
              <td>
                <strong>{l.entity ?? '—'}</strong>
              </td>
              <td>
                <CategoryBadge category={l.category} />
                {l.visibility !== 'public' ? (
                  <span className="badge private-badge">private</span>
                ) : null}
              </td>
              <td>
                via cluster of <AddressLink chain={props.chain} address={addresses[0]!} full />
                {addresses.length > 1 ? (
                  <div className="muted small">
                    and {(addresses.length - 1).toLocaleString('en-US')} other address
                    {addresses.length === 2 ? '' : 'es'} of the cluster
                  </div>
                ) : null}
              </td>
              <td className="source-cell">
                <SourceText source={source} />
              </td>
              <td className="num">{l.confidence === null ? '—' : `${l.confidence} / 100`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The transactions that joined the cluster, oldest first: the heuristic's evidence. */
function Links(props: {
  cluster: ClusterAnswer;
  pageSize: number;
  busy: boolean;
  loading: boolean;
  onPage: (offset: number) => void;
}) {
  const c = props.cluster;
  return (
    <>
      <div className="table-wrap" aria-busy={props.busy || props.loading}>
        <table className="data-table cluster-table">
          <caption>
            Transactions that joined it, oldest first ({c.linksTotal.toLocaleString('en-US')})
          </caption>
          <thead>
            <tr>
              <th scope="col">Transaction</th>
              <th scope="col" className="num">
                Block
              </th>
              <th scope="col">First input</th>
              <th scope="col" className="num">
                Clusters joined
              </th>
              <th scope="col" className="num">
                Input addresses
              </th>
            </tr>
          </thead>
          <tbody>
            {c.links.map((l) => (
              <tr key={l.txHash}>
                <td>
                  <TxLink chain={c.chain} hash={l.txHash} />
                </td>
                <td className="num">{l.blockNumber}</td>
                <td>
                  <AddressLink chain={c.chain} address={l.address} />
                </td>
                <td className="num">{l.joined}</td>
                <td className="num">{l.inputs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {c.linksTotal > props.pageSize ? (
        <Pager
          label="Pages of the transactions that joined the cluster"
          offset={c.offset}
          shown={c.links.length}
          total={c.linksTotal}
          hasNext={c.offset + c.links.length < c.linksTotal}
          busy={props.busy}
          onPage={props.onPage}
          pageSize={props.pageSize}
        />
      ) : null}
    </>
  );
}

/** Merges the label guard refused: the inputs spanned clusters labelled as different owners'. */
function Refusals(props: { chain: string; refusals: Refusal[] }) {
  return (
    <div className="table-wrap">
      <table className="data-table cluster-table">
        <caption>
          Merges refused: each transaction spent from this cluster and from one whose public labels
          name another owner, so neither was joined
        </caption>
        <thead>
          <tr>
            <th scope="col">Transaction</th>
            <th scope="col" className="num">
              Block
            </th>
            <th scope="col">One side</th>
            <th scope="col">Other side</th>
          </tr>
        </thead>
        <tbody>
          {props.refusals.map((r) => (
            <tr key={r.txHash}>
              <td>
                <TxLink chain={props.chain} hash={r.txHash} />
              </td>
              <td className="num">{r.blockNumber}</td>
              {r.sides.map((s) => (
                <td key={s.address}>
                  <AddressLink chain={props.chain} address={s.address} />
                  <div className="muted small">
                    cluster <span className="mono">{s.clusterId}</span>
                  </div>
                  {s.labels.map((l) => (
                    <span key={`${l.category}|${l.entity ?? ''}`} className="label-chip">
                      <CategoryBadge category={l.category} /> {l.entity}
                    </span>
                  ))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
