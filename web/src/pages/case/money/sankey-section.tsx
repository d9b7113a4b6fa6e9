import { useEffect, useMemo, useRef, useState } from 'react';
import { categoryColour } from '../../../lib/format.ts';
import { escapeHtml } from './browser.ts';
import { EChart, useChartTheme, type ChartOption, type ChartTheme } from './echart.tsx';
import type { MeasureFormat } from './measure.tsx';
import { sankeyTopLevels, type SankeyData } from './sankey.ts';
import { shareText } from './text.ts';

/** Below this width the entity column does not fit: the chart keeps Stolen and its categories. */
const NARROW = 620;

function sankeyOption(
  data: SankeyData,
  format: MeasureFormat,
  theme: ChartTheme,
  narrow: boolean,
): ChartOption {
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const label = (id: string) => byId.get(id)?.label ?? id;
  return {
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (p) => {
        const params = Array.isArray(p) ? p[0] : p;
        if (!params) return '';
        if (params.dataType === 'edge') {
          const d = params.data as {
            source: string;
            target: string;
            valueText: string;
            share: number;
          };
          return `${escapeHtml(label(d.source))} → ${escapeHtml(label(d.target))}<br/>${format.valued ? `<b>${escapeHtml(d.valueText)}</b> · ` : ''}${shareText(d.share)} of stolen`;
        }
        const n = byId.get(params.name);
        if (!n) return '';
        return `<b>${escapeHtml(n.label)}</b>${n.detail ? ` (${escapeHtml(n.detail)})` : ''}<br/>${format.valued ? `${escapeHtml(format.held(n.held, n.measure, 4))} · ` : ''}${shareText(n.share)} of stolen`;
      },
    },
    series: [
      {
        type: 'sankey',
        left: narrow ? 8 : 130,
        right: narrow ? 150 : 180,
        top: narrow ? 44 : 12,
        bottom: 12,
        // Room for the two-line label of a node too small to be seen.
        nodeGap: 26,
        nodeWidth: 14,
        // Keep the given order (largest first) instead of reordering to reduce crossings.
        layoutIterations: 0,
        emphasis: { focus: 'adjacency' },
        data: data.nodes.map((n) => ({
          name: n.id,
          value: format.number(n.measure),
          itemStyle: { color: categoryColour(n.category), borderColor: theme.panel },
          // The first column's label goes out of the flows' way: left of it, or above on a phone.
          ...(n.id === 'stolen'
            ? {
                label: narrow
                  ? { position: 'top' as const, align: 'left' as const }
                  : { position: 'left' as const },
              }
            : {}),
        })),
        links: data.links.map((l) => ({
          source: l.source,
          target: l.target,
          value: Math.max(format.number(l.measure), 0),
          // What the flow's endpoints hold, per asset: the band's width is its value.
          valueText: format.held(l.held, l.measure, 4),
          share: l.share,
        })),
        lineStyle: { color: 'gradient', opacity: theme.dark ? 0.45 : 0.35, curveness: 0.5 },
        label: {
          color: theme.text,
          fontSize: 12,
          lineHeight: 15,
          formatter: (p: { name: string }) => {
            const n = byId.get(p.name);
            return n
              ? `${n.label}\n{v|${format.valued ? `${format.held(n.held, n.measure, 2)} · ` : ''}${shareText(n.share, 1)}}`
              : '';
          },
          rich: { v: { color: theme.muted, fontSize: 11, lineHeight: 15 } },
        },
      },
    ],
  };
}

/** The Sankey of where the money is, and the same flows as a table for those who cannot see it. */
export function SankeySection(props: { data: SankeyData; format: MeasureFormat }) {
  const theme = useChartTheme();
  const { format } = props;
  const box = useRef<HTMLDivElement>(null);
  const [narrow, setNarrow] = useState(false);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setNarrow(el.clientWidth < NARROW));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const data = props.data;
  const shown = useMemo(() => (narrow ? sankeyTopLevels(data) : data), [data, narrow]);
  const option = useMemo(
    () => sankeyOption(shown, format, theme, narrow),
    [shown, format, theme, narrow],
  );
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const height = Math.max(
    380,
    Math.min(1000, 40 * Math.max(...[0, 1, 2].map((d) => depthCount(shown, d))) + 140),
  );
  return (
    <>
      <div ref={box}>
        <EChart
          option={option}
          theme={theme}
          height={height}
          label={`Sankey diagram of the stolen value: from Stolen to where it ended, by category${narrow ? '' : ' and entity'}. The table below lists every flow.`}
        />
      </div>
      {narrow ? (
        <p className="muted chart-note">
          On a narrow screen the chart stops at categories; the table below and the lists further
          down name the entities.
        </p>
      ) : null}
      <details className="chart-data">
        <summary>The flows as a table</summary>
        <div className="table-wrap">
          <table aria-label="Flows of the stolen value">
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                {format.valued ? (
                  <th scope="col" className="num">
                    Value
                  </th>
                ) : null}
                <th scope="col" className="num">
                  Share of stolen
                </th>
              </tr>
            </thead>
            <tbody>
              {data.links.map((l) => (
                <tr key={`${l.source}|${l.target}`}>
                  <td>{byId.get(l.source)?.label ?? l.source}</td>
                  <td>
                    {byId.get(l.target)?.label ?? l.target}
                    {byId.get(l.target)?.detail ? (
                      <span className="muted"> ({byId.get(l.target)!.detail})</span>
                    ) : null}
                  </td>
                  {format.valued ? (
                    <td className="num">{format.held(l.held, l.measure, 4)}</td>
                  ) : null}
                  <td className="num">{shareText(l.share)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

/** Nodes in one column of the Sankey (0: Stolen, 1: buckets, 2: entities), to size its height. */
function depthCount(data: SankeyData, depth: number): number {
  if (depth === 0) return 1;
  const fromStolen = new Set(data.links.filter((l) => l.source === 'stolen').map((l) => l.target));
  if (depth === 1) return fromStolen.size;
  return new Set(data.links.filter((l) => fromStolen.has(l.source)).map((l) => l.target)).size;
}
