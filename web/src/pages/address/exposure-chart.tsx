import { useEffect, useMemo, useRef, useState } from 'react';
import { AddressLink } from '../../components/address-link.tsx';
import { Amount } from '../../components/amount.tsx';
import { Empty } from '../../components/states.tsx';
import { loadEcharts } from '../../lib/load-echarts.ts';
import { categoryColour, formatShare } from '../../lib/format.ts';
import type { IndirectExposure, RiskResult } from './api-types.ts';
import { CategoryBadge, useThemeName } from './shared.tsx';

/** A horizontal bar per category: `value` is what the bar measures, `text` its label and tooltip. */
type Bar = { category: string; value: number; text: string };

/** Colours of chart text and lines taken from the page's CSS variables, so both themes read. */
function chartColours() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    text: v('--text', '#1d2330'),
    muted: v('--muted', '#5b6475'),
    border: v('--border', '#d9dde5'),
    panel: v('--panel', '#fff'),
  };
}

/**
 * A bar chart on a div (echarts), redrawn when its bars or the theme change, resized with the
 * window, disposed on unmount. The figures are also given as text (`description`) for screen
 * readers, and the page shows them in a table.
 */
function BarChart(props: {
  bars: Bar[];
  max?: number;
  description: string;
  percent: boolean;
  /** Rows to size for, so charts side by side line up. */
  rows?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const theme = useThemeName();
  const { bars, max, percent } = props;
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let gone = false;
    let cleanup = () => {
      gone = true;
    };
    void loadEcharts().then((echarts) => {
      if (gone) return;
      const chart = echarts.init(el, theme === 'dark' ? 'dark' : undefined);
      const c = chartColours();
      // Largest bar at the top: echarts draws a category axis from the bottom up.
      const ordered = [...bars].reverse();
      chart.setOption({
        backgroundColor: 'transparent',
        textStyle: { color: c.text },
        grid: { left: 8, right: 64, top: 8, bottom: 8, containLabel: true },
        tooltip: {
          trigger: 'item',
          backgroundColor: c.panel,
          borderColor: c.border,
          textStyle: { color: c.text },
          formatter: (p: unknown) => {
            const i = (p as { dataIndex: number }).dataIndex;
            const bar = ordered[i];
            return bar ? `${bar.category.replace(/_/g, ' ')}: ${bar.text}` : '';
          },
        },
        xAxis: {
          type: 'value',
          max,
          axisLabel: {
            color: c.muted,
            formatter: (v: number) => (percent ? `${Math.round(v * 100)}%` : String(v)),
          },
          splitLine: { lineStyle: { color: c.border } },
          minInterval: percent ? undefined : 1,
        },
        yAxis: {
          type: 'category',
          data: ordered.map((b) => b.category.replace(/_/g, ' ')),
          axisLabel: { color: c.text },
          axisLine: { lineStyle: { color: c.border } },
          axisTick: { show: false },
        },
        series: [
          {
            type: 'bar',
            barMaxWidth: 22,
            data: ordered.map((b) => ({
              value: b.value,
              itemStyle: { color: categoryColour(b.category) },
            })),
            label: {
              show: true,
              position: 'right',
              color: c.text,
              formatter: (p: unknown) =>
                ordered[(p as { dataIndex: number }).dataIndex]?.text ?? '',
            },
          },
        ],
        animation: false,
      });
      const resize = () => chart.resize();
      window.addEventListener('resize', resize);
      cleanup = () => {
        window.removeEventListener('resize', resize);
        chart.dispose();
      };
    });
    return () => cleanup();
  }, [bars, max, percent, theme]);
  return (
    <div
      ref={ref}
      className="exposure-chart"
      role="img"
      aria-label={props.description}
      style={{ height: Math.max(96, (props.rows ?? bars.length) * 34 + 40) }}
    />
  );
}

const DIRECTIONS = [
  { id: 'in', title: 'Received from', verb: 'received' },
  { id: 'out', title: 'Sent to', verb: 'sent' },
] as const;

/** The hops a share of exposure took, in words: "1 hop 21.36%, 2 hops 0%". */
function hopSplit(e: IndirectExposure): string {
  const total = Number(e.total);
  return e.byHop
    .map(
      (amount, i) =>
        `${i + 1} hop${i ? 's' : ''}: ${total ? formatShare(Number(amount) / total, 1) : '—'}`,
    )
    .join(', ');
}

/**
 * The address's exposure to labelled categories as the risk screening measured it: for one asset,
 * the share of what it received and sent that came from / went to labelled counterparties within
 * the screening's hops (haircut propagation). When no value-weighted exposure was computed, its
 * own labels by category (direct exposure), said as such.
 */
export function ExposureSection(props: {
  chain: string;
  risk: RiskResult;
  /** The hops asked for (the result says 0 when it computed none). */
  hops: number;
}) {
  const { exposure } = props.risk;
  const indirect = exposure.indirect;
  const assets = useMemo(() => {
    const byAsset = new Map<string, { asset: string; symbol: string | null; total: number }>();
    for (const e of indirect ?? []) {
      const known = byAsset.get(e.asset);
      const total = Math.max(known?.total ?? 0, Number(e.total));
      byAsset.set(e.asset, { asset: e.asset, symbol: e.symbol, total });
    }
    return [...byAsset.values()].sort((a, b) => b.total - a.total);
  }, [indirect]);
  const [picked, setPicked] = useState<string | null>(null);
  const asset = assets.find((a) => a.asset === picked) ?? assets[0];
  const rows = useMemo(
    () =>
      (indirect ?? []).filter((e) => e.asset === asset?.asset).sort((a, b) => b.share - a.share),
    [indirect, asset],
  );
  const directBars = useMemo<Bar[]>(
    () =>
      exposure.direct.map((d) => ({
        category: d.category,
        value: d.labels.length,
        text: `${d.labels.length} label${d.labels.length === 1 ? '' : 's'}`,
      })),
    [exposure.direct],
  );

  const directChart =
    directBars.length > 0 ? (
      <div>
        <h3>Direct exposure: the address&apos;s own labels by category</h3>
        <BarChart
          bars={directBars}
          percent={false}
          description={`Bar chart of the address's own labels by category: ${directBars.map((b) => `${b.category} ${b.text}`).join('; ')}`}
        />
      </div>
    ) : null;

  if (indirect === null)
    return (
      <>
        <p className="muted">
          Value-weighted exposure through counterparties was not computed for this address:{' '}
          {props.hops === 0
            ? 'exposure hops are set to 0.'
            : (exposure.notes[0] ?? 'the screening gave no reason.')}
        </p>
        {directChart ?? <Empty>The address has no labels of its own either.</Empty>}
      </>
    );

  return (
    <>
      {assets.length === 0 ? (
        <Empty>
          No value reached or left this address through labelled counterparties within{' '}
          {exposure.hops} hop{exposure.hops === 1 ? '' : 's'}.
        </Empty>
      ) : (
        <>
          <div className="row">
            <label htmlFor="exposure-asset">Chart asset</label>
            <select
              id="exposure-asset"
              value={asset?.asset}
              onChange={(e) => setPicked(e.target.value)}
            >
              {assets.map((a) => (
                <option key={a.asset} value={a.asset}>
                  {a.symbol ?? a.asset}
                </option>
              ))}
            </select>
            <span className="muted">
              Share of the {asset?.symbol ?? 'asset'} the address received or sent that is
              attributed to labelled counterparties within {exposure.hops} hop
              {exposure.hops === 1 ? '' : 's'} (proportional, “haircut”, propagation).
            </span>
          </div>
          <div className="grid-2 exposure-charts">
            {DIRECTIONS.map((d, _, all) => {
              const rowsEach = Math.max(
                ...all.map((x) => rows.filter((e) => e.direction === x.id).length),
              );
              const bars = rows
                .filter((e) => e.direction === d.id)
                .map((e) => ({
                  category: e.category,
                  value: e.share,
                  text: formatShare(e.share, 1),
                }));
              return (
                <div key={d.id}>
                  <h3>
                    {d.title}{' '}
                    <span className="muted">
                      (share of {asset?.symbol ?? 'asset'} {d.verb})
                    </span>
                  </h3>
                  {bars.length ? (
                    <BarChart
                      bars={bars}
                      max={1}
                      percent
                      rows={rowsEach}
                      description={`Bar chart, share of ${asset?.symbol ?? 'the asset'} ${d.verb} by category: ${bars.map((b) => `${b.category} ${b.text}`).join('; ')}`}
                    />
                  ) : (
                    <p className="muted">Nothing {d.verb} through labelled counterparties.</p>
                  )}
                </div>
              );
            })}
          </div>
          <div className="table-wrap">
            <table aria-label="Exposure by category" className="data-table">
              <thead>
                <tr>
                  <th scope="col">Direction</th>
                  <th scope="col">Category</th>
                  <th scope="col" className="num">
                    Amount
                  </th>
                  <th scope="col" className="num">
                    Share
                  </th>
                  <th scope="col">By hops</th>
                  <th scope="col">Largest source</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((e) => {
                  const top = e.sources[0];
                  const entity = top?.labels.find((l) => l.entity)?.entity;
                  return (
                    <tr key={`${e.direction}|${e.category}`}>
                      <td>{e.direction === 'in' ? 'received from' : 'sent to'}</td>
                      <td>
                        <CategoryBadge category={e.category} />
                        {e.members ? <div className="muted">{e.members.join(', ')}</div> : null}
                      </td>
                      <td className="num">
                        <Amount chain={props.chain} asset={e.asset} raw={e.amount} />
                      </td>
                      <td className="num">{formatShare(e.share)}</td>
                      <td className="muted">{hopSplit(e)}</td>
                      <td>
                        {top ? (
                          <>
                            <AddressLink chain={props.chain} address={top.address} />
                            {entity ? ` ${entity}` : ''}{' '}
                            <span className="muted">
                              ({top.hops} hop{top.hops === 1 ? '' : 's'})
                            </span>
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {directChart}
      {exposure.notes.length ? (
        <ul className="muted notes">
          {exposure.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
