import { useMemo } from 'react';
import { categoryColour, formatTime } from '../../../lib/format.ts';
import { BUCKET_CATEGORY, BUCKET_LABELS } from './buckets.ts';
import { escapeHtml } from './browser.ts';
import { EChart, useChartTheme, type ChartOption, type ChartTheme } from './echart.tsx';
import { flowsTable, type FlowsOverTime } from './flows-over-time.ts';
import type { MeasureFormat } from './measure.tsx';

/** A point's `[time, value]`, as this chart's data gives it. */
function pair(value: unknown): [number, number] | null {
  return Array.isArray(value) && typeof value[0] === 'number' && typeof value[1] === 'number'
    ? [value[0], value[1]]
    : null;
}

function flowsOption(
  flows: FlowsOverTime,
  start: number | null,
  format: MeasureFormat,
  theme: ChartTheme,
): ChartOption {
  // The theft itself is the zero point: nothing had arrived anywhere yet.
  const lead = start !== null && start < (flows.times[0] ?? start) ? [start] : [];
  const times = [...lead, ...flows.times];
  const axis = {
    axisLine: { lineStyle: { color: theme.border } },
    axisLabel: { color: theme.muted, hideOverlap: true },
    splitLine: { lineStyle: { color: theme.border, opacity: 0.6 } },
  };
  return {
    // Room above for the legend, which wraps to two lines on a phone.
    grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
    legend: { top: 0, textStyle: { color: theme.text }, type: 'plain' },
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (p) => {
        const list = Array.isArray(p) ? p : [p];
        const at = pair(list[0]?.value);
        const time = at ? formatTime(at[0] / 1000) : '';
        const rows = list.map((x) => {
          const v = pair(x.value)?.[1] ?? 0;
          return `${x.marker ?? ''}${escapeHtml(x.seriesName ?? '')}: <b>${escapeHtml(`${v.toLocaleString('en-US', { maximumFractionDigits: 2 })} ${format.unit}`)}</b>`;
        });
        return [escapeHtml(time), ...rows].join('<br/>');
      },
    },
    xAxis: { type: 'time', ...axis, splitLine: { show: false } },
    yAxis: { type: 'value', ...axis },
    series: flows.series.map((s) => {
      const colour = categoryColour(BUCKET_CATEGORY[s.bucket]);
      return {
        type: 'line',
        name: BUCKET_LABELS[s.bucket],
        stack: 'total',
        step: 'end',
        symbol: 'none',
        color: colour,
        lineStyle: { width: 1.5, color: colour },
        areaStyle: { color: colour, opacity: theme.dark ? 0.45 : 0.55 },
        emphasis: { focus: 'series' },
        data: times.map((t, i) => [
          t * 1000,
          i < lead.length ? 0 : format.number(s.values[i - lead.length]!),
        ]),
      };
    }),
  };
}

/**
 * Cumulative value arriving at exchanges, instant exchanges, bridges, mixers and still-held
 * addresses over time (stacked areas), with the same numbers as a table by period.
 */
export function FlowsChart(props: {
  flows: FlowsOverTime;
  /** When the value was stolen (Unix seconds), the chart's zero point. */
  start: number | null;
  format: MeasureFormat;
}) {
  const theme = useChartTheme();
  const { flows, start, format } = props;
  const option = useMemo(
    () => flowsOption(flows, start, format, theme),
    [flows, start, format, theme],
  );
  const rows = useMemo(() => flowsTable(flows), [flows]);
  if (flows.times.length === 0)
    return (
      <p className="muted">No transfer of the trace leads into an endpoint: nothing to draw.</p>
    );
  const unitName = (unit: number) =>
    unit === 60
      ? 'minute'
      : unit === 3600
        ? 'hour'
        : unit === 86400
          ? 'day'
          : unit === 604800
            ? 'week'
            : '30 days';
  return (
    <>
      <EChart
        option={option}
        theme={theme}
        height={340}
        label="Stacked area chart of the cumulative value arriving at each kind of endpoint over time. The table below gives the same numbers."
      />
      <details className="chart-data">
        <summary>The chart&apos;s numbers by {unitName(rows[0]?.unit ?? 86400)}</summary>
        <div className="table-wrap">
          <table aria-label="Value arrived over time">
            <thead>
              <tr>
                <th scope="col">Until the end of (UTC)</th>
                {flows.series.map((s) => (
                  <th scope="col" className="num" key={s.bucket}>
                    {BUCKET_LABELS[s.bucket]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.start}>
                  <th scope="row">
                    {formatTime(r.start)
                      .replace(/:00 UTC$/, '')
                      .replace(/ 00:00$/, '')}
                  </th>
                  {flows.series.map((s) => (
                    <td className="num" key={s.bucket}>
                      {format.text(r.values[s.bucket] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}
