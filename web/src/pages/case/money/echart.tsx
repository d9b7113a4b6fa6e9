import type { LineSeriesOption, SankeySeriesOption } from 'echarts/charts';
import type {
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import type { ComposeOption, ECharts } from 'echarts/core';
import { useEffect, useRef, useState } from 'react';
import { loadEcharts } from '../../../lib/load-echarts.ts';

export type ChartOption = ComposeOption<
  | SankeySeriesOption
  | LineSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

/** The page's theme colours, read from its CSS variables, for a chart to match. */
export type ChartTheme = {
  dark: boolean;
  text: string;
  muted: string;
  border: string;
  panel: string;
  /** The user asked for less motion: no animations. */
  still: boolean;
};

function readTheme(): ChartTheme {
  const root = document.documentElement;
  const css = getComputedStyle(root);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    dark: root.dataset.theme === 'dark',
    text: v('--text', '#1d2330'),
    muted: v('--muted', '#5b6475'),
    border: v('--border', '#d9dde5'),
    panel: v('--panel', '#ffffff'),
    still: window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false,
  };
}

/** The theme charts should use; changes when the theme toggle sets `data-theme` on the page. */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(readTheme);
  useEffect(() => {
    const observer = new MutationObserver(() =>
      setTheme((t) =>
        t.dark === (document.documentElement.dataset.theme === 'dark') ? t : readTheme(),
      ),
    );
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    return () => observer.disconnect();
  }, []);
  return theme;
}

/**
 * An echarts chart in a div: made with the page's theme, redrawn when the option changes, resized
 * with its box, disposed on unmount. Its canvas is one image to assistive technology, named by
 * `label`: every chart here has a table with its numbers beside it.
 */
export function EChart(props: {
  option: ChartOption;
  theme: ChartTheme;
  height: number;
  label: string;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  // Bumped when a chart instance is made (echarts loads on first use), to draw the option on it.
  const [made, setMade] = useState(0);
  const { option, theme } = props;
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let instance: ECharts | null = null;
    let observer: ResizeObserver | null = null;
    let gone = false;
    void loadEcharts().then((echarts) => {
      if (gone) return;
      instance = echarts.init(el, theme.dark ? 'dark' : undefined);
      chart.current = instance;
      const made = instance;
      observer = new ResizeObserver(() => made.resize());
      observer.observe(el);
      setMade((n) => n + 1);
    });
    return () => {
      gone = true;
      observer?.disconnect();
      instance?.dispose();
      chart.current = null;
    };
  }, [theme.dark]);
  useEffect(() => {
    chart.current?.setOption(
      { backgroundColor: 'transparent', animation: !theme.still, ...option },
      { notMerge: true },
    );
  }, [option, theme, made]);
  return (
    <div
      ref={box}
      className={props.className}
      style={{ height: props.height, width: '100%' }}
      role="img"
      aria-label={props.label}
    />
  );
}
